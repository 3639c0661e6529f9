import { expect, test } from "@playwright/test";
import { hydrated, ownAddress, signedInAdmin } from "./helpers";
import { deflateSync } from "node:zlib";

/** A small solid-colour PNG, made here (no fixture files). */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("a shopper browses a category, filters, opens a product and picks a variant", async ({ page }) => {
  await ownAddress(page);
  await page.goto("/categories/shirts");
  await hydrated(page);
  await expect(page.getByTestId("listing-title")).toHaveText("Shirts");
  await expect(page.getByTestId("breadcrumbs")).toContainText("Apparel");
  const before = await page.getByTestId("product-card").count();
  expect(before).toBeGreaterThan(0);

  // A filter applies at once, in the page (no reload), and the URL follows.
  await page.evaluate(() => ((window as any).__stayed = true));
  await page.getByTestId("filter-in-stock").check();
  await expect(page).toHaveURL(/in_stock=1/);
  await page.getByTestId("filter-option").first().check();
  await expect(page).toHaveURL(/o=/);
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);
  await expect(page.getByTestId("product-card").first()).toBeVisible();

  // The product is another page (a page load: the storefront hydrates islands, and has
  // no client-side router, docs/adr/0006); on it, choosing a variant is in place.
  await page.getByTestId("product-card").first().locator("a").click();
  await expect(page).toHaveURL(/\/products\//);
  await expect(page.getByTestId("product-name")).toBeVisible();
  await hydrated(page);
  await page.evaluate(() => ((window as any).__stayed = true));
  const price = page.getByTestId("price");
  const first = await price.textContent();
  // Sizes cost more as they grow: another size shows another price, without a reload.
  const sizes = page.getByTestId("option-picker").first().getByTestId("option-value");
  const count = await sizes.count();
  expect(count).toBeGreaterThan(1);
  const target = (await sizes.first().getAttribute("aria-current")) ? sizes.last() : sizes.first();
  await target.click();
  await expect(page).toHaveURL(/variant=/);
  await expect(price).not.toHaveText(first!);
  await expect(target).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("sku")).not.toBeEmpty();
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);
});

test("search results follow the words as they are typed", async ({ page }) => {
  await ownAddress(page);
  await page.goto("/search");
  await hydrated(page);
  await expect(page.getByTestId("empty")).toContainText("What are you looking for?");
  await page.evaluate(() => ((window as any).__stayed = true));
  await page.getByTestId("search-input").pressSequentially("linen", { delay: 40 });
  await expect(page).toHaveURL(/\/search\?q=linen/);
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  await expect(page.getByTestId("listing-title")).toContainText("linen");
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);
  await expect(page.getByTestId("search-input")).toHaveValue("linen");
});

test("the shop works on a phone-sized screen", async ({ page }) => {
  await ownAddress(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/products");
  await hydrated(page);
  const card = page.getByTestId("product-card").first();
  await expect(card).toBeVisible();
  const box = await card.boundingBox();
  expect(box!.width).toBeLessThan(390 / 2 + 1);
  await page.getByTestId("pager-next").click();
  await expect(page).toHaveURL(/page=2/);
  await page.getByTestId("product-card").first().locator("a").click();
  await expect(page.getByTestId("price")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
});

test("staff create a product with a picture and find it in the storefront search", async ({ page }) => {
  await ownAddress(page);
  await signedInAdmin(page);
  // A word of its own, so the desktop and phone runs (one server) never find each other's.
  const word = `ln${Date.now().toString(36)}`;
  const name = `Harbour Test Lantern ${word}`;
  await page.goto("/admin/catalog/products/new");
  await hydrated(page);
  await page.getByTestId("input-name").fill(name);
  await page.getByTestId("input-description").fill("A **storm-proof** lantern.");
  await page.getByTestId("input-status").selectOption("active");
  await page.getByTestId("add-option").click();
  await page.getByTestId("option-name").fill("Finish");
  await page.getByTestId("option-values").fill("Brass, Copper");
  await page.getByTestId("generate-variants").click();
  await expect(page.getByTestId("variant-row")).toHaveCount(2);
  const prices = page.getByTestId("variant-price");
  await prices.nth(0).fill("49");
  await prices.nth(1).fill("59.50");
  await page.getByTestId("variant-stock").nth(0).fill("4");
  await page.getByTestId("save-product").click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/catalog\/products\/[0-9a-f]+\?saved=1/);

  await page.getByTestId("image-file").setInputFiles({ name: "lantern.png", mimeType: "image/png", buffer: png(640, 480) });
  await expect(page.getByTestId("image-preview")).toBeVisible();
  await page.getByTestId("image-alt-new").fill("Brass lantern on a table");
  await page.getByTestId("image-upload").click();
  await expect(page.getByTestId("image-item")).toHaveCount(1);
  await expect(page.getByTestId("image-item").locator("img")).toHaveAttribute("alt", "Brass lantern on a table");

  // A bad file is refused with a reason.
  await page.getByTestId("image-file").setInputFiles({ name: "fake.png", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  await page.getByTestId("image-upload").click();
  await expect(page.getByTestId("image-error")).toContainText("PNG, JPEG or WebP");

  await page.goto("/search");
  await hydrated(page);
  await page.getByTestId("search-input").fill(`storm lantern ${word}`);
  await expect(page.getByTestId("product-card")).toHaveCount(1);
  await page.getByTestId("product-card").locator("a").click();
  await expect(page.getByTestId("product-name")).toHaveText(name);
  await expect(page.getByTestId("price")).toHaveText("$49.00");
  await expect(page.locator(".product__main-image img")).toHaveAttribute("alt", "Brass lantern on a table");
  await page.getByTestId("option-value").filter({ hasText: "Copper" }).click();
  await expect(page.getByTestId("price")).toHaveText("$59.50");
  await expect(page.getByTestId("availability")).toHaveText("Sold out");

  // The staff list finds it too.
  await page.goto("/admin/catalog?q=lantern");
  await expect(page.getByTestId("admin-products")).toContainText(name);
});
