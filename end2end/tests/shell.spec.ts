import { expect, test } from "@playwright/test";
import { hydrated } from "./helpers";


test("the home page renders the store and hydrates without errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Oxcart");
  await expect(page.getByTestId("logo")).toContainText("Oxcart Demo Store");
  await expect(page.getByTestId("hero")).toBeVisible();
  await hydrated(page);
  expect(errors).toEqual([]);
});

test("the menu button opens and closes the navigation once hydrated", async ({ page, isMobile }) => {
  test.skip(!isMobile, "the menu button is only shown on narrow screens");
  await page.goto("/");
  await hydrated(page);

  const toggle = page.getByTestId("nav-toggle");
  const nav = page.getByTestId("site-nav");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  await expect(nav.getByRole("link", { name: "Shop" })).toBeVisible();

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
});

test("dismissing the announcement hides it in place and it stays hidden after reload", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const bar = page.getByTestId("announcement");
  await expect(bar).toContainText("Free shipping");

  const url = page.url();
  await page.getByTestId("announcement-dismiss").click();
  await expect(bar).toHaveCount(0);
  expect(page.url()).toBe(url); // hydrated: an in-page action, no navigation

  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("hero")).toBeVisible();
  await expect(page.getByTestId("announcement")).toHaveCount(0);
});

test("the announcement can be dismissed without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByTestId("announcement")).toBeVisible();
  await page.getByTestId("announcement-dismiss").click();
  await page.waitForLoadState("load");
  await expect(page.getByTestId("hero")).toBeVisible();
  await expect(page.getByTestId("announcement")).toHaveCount(0);
  await context.close();
});

test("an unknown page shows the friendly 404 with a way back", async ({ page }) => {
  const response = await page.goto("/this/does/not/exist");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("We couldn't find that page");
  await hydrated(page);
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page.getByTestId("hero")).toBeVisible();
});

test("static assets are hashed, compressed and cached for a year", async ({ page, request }) => {
  await page.goto("/");
  const wasm = await page.locator('link[rel="preload"][href$=".wasm"]').getAttribute("href");
  expect(wasm).toMatch(/^\/pkg\/oxcart\.[A-Za-z0-9_-]+\.wasm$/);
  const response = await request.get(wasm!, { headers: { "accept-encoding": "br, gzip" } });
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(["br", "gzip"]).toContain(response.headers()["content-encoding"]);
});
