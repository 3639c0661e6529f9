import { expect, test, type Page } from "@playwright/test";
import { hydrated, signedInAdmin } from "./helpers";

/** Fails the test on any page error or console error of `page`, except the browser's own
 * line for a form refused with 400 (the refusal is the point; accounts.spec.ts does the same). */
function watch(page: Page, errors: string[]) {
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("status of 400")) errors.push(m.text());
  });
}

test("an admin makes a scoped API key, an integration uses it, and revoking it stops it", async ({ page }) => {
  const errors: string[] = [];
  watch(page, errors);
  await signedInAdmin(page);
  await page.goto("/admin");
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/admin\/settings\/api-keys$/);
  await hydrated(page);

  const name = `Warehouse ${Date.now().toString(36)}`;
  const row = page.getByTestId("api-key-row").filter({ hasText: name });
  await page.getByLabel("Name").fill(name);
  await page.locator("#scope-orders\\.read").check();
  await page.getByTestId("create-key").getByRole("button", { name: "Make key" }).click();
  const secret = (await page.getByTestId("new-key-secret").textContent())!.trim();
  expect(secret).toMatch(/^oxk_[A-Za-z0-9_-]{43}$/);
  await expect(row).toContainText("orders.read");
  await expect(row.getByTestId("key-last-used")).toHaveText("never");

  const auth = { Authorization: `Bearer ${secret}` };
  const orders = await page.request.get("/api/v1/orders", { headers: auth });
  expect(orders.status()).toBe(200);
  expect(orders.headers()["x-ratelimit-limit"]).toBe("1000");
  const me = await page.request.get("/api/v1/users/me", { headers: auth });
  expect(me.status()).toBe(403);

  // Shown once: gone after a reload, and the list shows the use.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  await expect(row.getByTestId("key-last-used")).not.toHaveText("never");
  expect(await page.content()).not.toContain(secret.slice(4));

  await row.getByTestId("revoke-key").click();
  await expect(row).toContainText("revoked");
  const after = await page.request.get("/api/v1/orders", { headers: auth });
  expect(after.status()).toBe(401);
  expect(errors).toEqual([]);
});

test("the API reference is readable offline and links every operation to its schemas", async ({ page }) => {
  const errors: string[] = [];
  watch(page, errors);
  const outside: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("http://127.0.0.1") && !r.url().startsWith("http://localhost")) outside.push(r.url());
  });
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Oxcart API");
  await expect(page.locator("#post--api-v1-orders--id--fulfil")).toContainText("orders.fulfil");
  await page.locator("#post--api-v1-orders--id--fulfil").getByRole("link", { name: "FulfilBody" }).click();
  await expect(page.locator("#schema-FulfilBody")).toContainText("tracking_number");
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});

test("an admin adds a webhook endpoint, is told why a private address is refused, and turns it off", async ({ page }) => {
  const errors: string[] = [];
  watch(page, errors);
  await signedInAdmin(page);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page).toHaveURL(/\/admin\/settings\/webhooks$/);
  await hydrated(page);

  const form = page.getByTestId("add-webhook");
  await form.getByLabel("URL").fill("https://169.254.169.254/latest/meta-data");
  await page.locator("#event-inventory-low").check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByTestId("form-error").first()).toContainText("private");

  // A public address (no event will fire during this test: nothing leaves the machine).
  await form.getByLabel("URL").fill("https://93.184.215.14/hooks");
  await page.locator("#event-inventory-low").check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByTestId("new-webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
  const row = page.getByTestId("webhook-row").filter({ hasText: "93.184.215.14" });
  await expect(row).toContainText("inventory.low");
  await expect(row.getByTestId("webhook-state")).toContainText("on");

  await row.getByTestId("webhook-disable").click();
  await expect(row.getByTestId("webhook-state")).toHaveText("off");
  await row.getByTestId("webhook-delete").click();
  await expect(page.getByTestId("webhook-row").filter({ hasText: "93.184.215.14" })).toHaveCount(0);
  expect(errors).toEqual([]);
});
