import { expect, test } from "@playwright/test";
import { guestReadyToPay, hydrated, ownAddress, signedInAdmin, uniqueEmail } from "./helpers";

test("hostile search words stay words: no redirect, no injected markup", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await ownAddress(page);
  const hostile = '</title><meta http-equiv="refresh" content="0;url=https://evil.example/"><img src=x onerror=alert(1)>';
  await page.goto(`/search?q=${encodeURIComponent(hostile)}`);
  await hydrated(page);
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(/\/search\?q=/);
  expect(await page.title()).toContain("</title>");
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("hostile words typed into the live search come back as text in the swapped results", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await ownAddress(page);
  await page.goto("/search");
  await hydrated(page);
  await page.evaluate(() => ((window as any).__stayed = true));
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  await page.getByTestId("search-input").pressSequentially(hostile, { delay: 10 });
  // The listing island fetched the results for these words and moved them into the page.
  await expect(page).toHaveURL(/\/search\?q=%3Cimg/);
  await expect(page.getByTestId("listing-title")).toContainText(hostile);
  expect(await page.evaluate(() => (window as any).__stayed)).toBe(true);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('[data-swap="results"] script')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a protected page sends a visitor to sign in, with a next that comes back", async ({ page }) => {
    await ownAddress(page);
    const response = await page.goto("/account/orders");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/account\/login\?next=\/account\/orders$/);
    await expect(page.getByTestId("login-submit")).toBeVisible();
    // The form carries the way back to the page.
    await expect(page.locator('input[name="next"]')).toHaveValue("/account/orders");
    const admin = await page.goto("/admin/orders");
    expect(admin?.status()).toBe(200);
    await expect(page).toHaveURL(/\/account\/login\?next=\/admin\/orders$/);
  });
});

test("changing the address after pressing Pay cancels that payment and pays the new total", async ({ browser }) => {
  test.setTimeout(90_000);
  const staff = await browser.newPage();
  await ownAddress(staff);
  await signedInAdmin(staff);
  const word = `kt${Date.now().toString(36)}`;
  await staff.goto("/admin/catalog/products/new");
  await hydrated(staff);
  await staff.getByTestId("input-name").fill(`Kettle ${word}`);
  await staff.getByTestId("input-status").selectOption("active");
  await staff.getByTestId("variant-sku").nth(0).fill(`KET-${word}`);
  await staff.getByTestId("variant-price").nth(0).fill("30");
  await staff.getByTestId("variant-stock").nth(0).fill("3");
  await staff.getByTestId("save-product").click();
  await expect(staff.getByTestId("saved")).toBeVisible();

  const errors: string[] = [];
  const guest = await browser.newPage();
  guest.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  guest.on("pageerror", (e) => errors.push(e.message));
  await ownAddress(guest);
  await guestReadyToPay(guest, word, uniqueEmail("kettle"));
  await expect(guest.getByTestId("total")).toHaveText("$35.00");
  await guest.getByTestId("pay-now").click();
  // The pay step shows what is paid for and where it ships.
  await expect(guest.getByTestId("paid-address")).toContainText("1 Navy Way");
  await expect(guest.getByTestId("pay-test")).toHaveText("Pay $35.00");

  // Back to the checkout, another address: the payment that was open is cancelled.
  await guest.goto("/checkout");
  await hydrated(guest);
  await expect(guest.getByTestId("payment-in-progress")).toBeVisible();
  await guest.getByTestId("input-line1").fill("2 Harbour Street");
  await guest.getByTestId("save-contact").click();
  await expect(guest.getByTestId("last-payment-error")).toContainText("Your order changed");
  await expect(guest.getByTestId("payment-in-progress")).toHaveCount(0);
  await guest.getByTestId("pay-now").click();
  await expect(guest.getByTestId("paid-address")).toContainText("2 Harbour Street");
  await guest.getByTestId("input-card").fill("4242 4242 4242 4242");
  await guest.getByTestId("pay-test").click();
  await expect(guest.getByTestId("order")).toBeVisible();
  await expect(guest.getByTestId("order-total")).toHaveText("$35.00");
  expect(errors).toEqual([]);
});
