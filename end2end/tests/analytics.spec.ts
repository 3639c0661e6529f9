import { expect, test, type Page } from "@playwright/test";
import { guestReadyToPay, hydrated, mailedLink, ownAddress, signedInAdmin, uniqueEmail } from "./helpers";

const PASSWORD = "a long shopper passphrase";

/** Fails the test on any page error or console error of `page`. */
function watch(page: Page, errors: string[]) {
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
}

/** The admin makes an active product named with `word`, 40.00, ten in stock. */
async function product(admin: Page, word: string) {
  await admin.goto("/admin/catalog/products/new");
  await hydrated(admin);
  await admin.getByTestId("input-name").fill(`Desk Lamp ${word}`);
  await admin.getByTestId("input-status").selectOption("active");
  await admin.getByTestId("variant-sku").first().fill(word.toUpperCase());
  await admin.getByTestId("variant-price").first().fill("40");
  await admin.getByTestId("variant-stock").first().fill("10");
  await admin.getByTestId("save-product").click();
  await expect(admin.getByTestId("saved")).toBeVisible();
}

/** Pays on the page's checkout with the test card and waits for the order page. */
async function pay(page: Page): Promise<string> {
  await page.getByTestId("pay-now").click();
  await page.getByTestId("input-card").fill("4242 4242 4242 4242");
  await page.getByTestId("pay-test").click();
  await expect(page.getByTestId("order")).toBeVisible();
  return (await page.getByTestId("order-number").textContent())!;
}

test("the owner's dashboard changes with the range, and a new order arrives without a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  const admin = await browser.newPage();
  watch(admin, errors);
  await ownAddress(admin);
  await signedInAdmin(admin);
  const word = `an${Date.now().toString(36)}`;
  await product(admin, word);

  // This month against last month (the demo history of `seed --demo` fills it).
  await admin.goto("/admin");
  await hydrated(admin);
  await expect(admin.getByTestId("kpis")).toBeVisible();
  await expect(admin.getByTestId("period")).toContainText("compared with");
  const monthOrders = await admin.getByTestId("kpi-orders").getByTestId("kpi-value").textContent();
  const monthBars = await admin.getByTestId("sales-chart").locator("rect").count();
  await expect(admin.getByTestId("sales-chart").locator("svg")).toHaveAttribute("role", "img");

  // The last 12 months: more orders, and monthly bars.
  await admin.getByTestId("range").selectOption("12m");
  await admin.getByTestId("apply-range").click();
  await expect(admin).toHaveURL(/range=12m/);
  await hydrated(admin);
  await expect(admin.getByTestId("kpi-orders").getByTestId("kpi-value")).not.toHaveText(monthOrders!);
  const yearBars = await admin.getByTestId("sales-chart").locator("rect").count();
  expect(yearBars).toBe(13);
  expect(yearBars).not.toBe(monthBars);
  // A bad custom range says why, instead of numbers (the page answers 400 by design).
  const before = errors.length;
  await admin.goto("/admin?range=custom&from=2026-02-01&to=2026-01-01");
  await expect(admin.getByTestId("range-error")).toContainText("end comes before the start");
  const added = errors.splice(before);
  expect(added.filter((e) => !e.includes("status of 400"))).toEqual([]);

  // Back on the dashboard; a guest buys elsewhere; the order appears here live.
  await admin.goto("/admin");
  await hydrated(admin);
  await expect(admin.locator("html")).toHaveAttribute("data-live", "open");
  const guest = await browser.newPage();
  watch(guest, errors);
  await ownAddress(guest);
  await guestReadyToPay(guest, word, uniqueEmail("live"));
  const number = await pay(guest);
  await expect(admin.getByTestId("live-order").first()).toContainText(number.replace(/^#/, ""), { timeout: 10_000 });

  // Reports: drill in, sort, export.
  await admin.goto("/admin/analytics/products?range=12m");
  await hydrated(admin);
  await expect(admin.getByTestId("report-title")).toHaveText("Products");
  await expect(admin.getByTestId("report-chart").locator("svg")).toBeVisible();
  await expect(admin.getByTestId("report-row").first()).toBeVisible();
  await admin.getByRole("link", { name: "Units sold" }).click();
  await expect(admin).toHaveURL(/sort=units/);
  const csv = await admin.request.get(`/admin/analytics/products/export.csv?range=12m`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain("Revenue (USD minor units)");
  expect(errors).toEqual([]);
});

test("a signed-in shopper's order page shows Shipped the moment staff ship it", async ({ browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  const admin = await browser.newPage();
  watch(admin, errors);
  await ownAddress(admin);
  await signedInAdmin(admin);
  const word = `sh${Date.now().toString(36)}`;
  await product(admin, word);

  // A shopper registers, confirms, signs in and buys.
  const shopper = await browser.newPage();
  watch(shopper, errors);
  await ownAddress(shopper);
  const email = uniqueEmail("liveshopper");
  await shopper.goto("/account/register");
  await hydrated(shopper);
  await shopper.getByTestId("input-full_name").fill("Ada Lovelace");
  await shopper.getByTestId("input-email").fill(email);
  await shopper.getByTestId("input-password").fill(PASSWORD);
  await shopper.getByTestId("register-submit").click();
  await expect(shopper).toHaveURL(/\/account\/check-email$/);
  const link = await mailedLink(email, "/account/verify?token=");
  await shopper.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await shopper.getByTestId("verify-submit").click();
  await expect(shopper).toHaveURL(/\/account\/login\?verified=1$/);
  await shopper.getByTestId("input-email").fill(email);
  await shopper.getByTestId("input-password").fill(PASSWORD);
  await shopper.getByTestId("login-submit").click();
  await expect(shopper).toHaveURL(/\/account$/);
  await guestReadyToPay(shopper, word, email);
  const number = await pay(shopper);
  await expect(shopper.getByTestId("order-status")).toHaveText("Paid — being prepared");
  await expect(shopper.locator("html")).toHaveAttribute("data-live", "open");

  // Staff ship it; the shopper's page changes without a reload.
  await admin.goto(`/admin/orders?customer=${encodeURIComponent(email)}`);
  await admin.getByTestId("order-row").getByRole("link", { name: number }).click();
  await hydrated(admin);
  await admin.getByTestId("carrier").fill("UPS");
  await admin.getByTestId("tracking-number").fill("1Z999AA10123456784");
  await admin.getByTestId("fulfil").click();
  await expect(admin.getByTestId("order-status")).toHaveText("Shipped");
  await expect(shopper.getByTestId("order-status")).toHaveText("Shipped", { timeout: 10_000 });
  expect(errors).toEqual([]);
});
