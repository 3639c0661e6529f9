// What a browser downloads to run each page (docs/adr/0006): a shopper's first visit to
// any storefront page stays within the budget, counted on the bytes the server actually
// sent (brotli), and never includes the staff dashboard's bundle; a staff member gets
// that bundle when they open the dashboard; a bundle that cannot be fetched (a deploy
// removed it) shows a notice that offers a reload, not a dead page.
import { expect, test, type Frame, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { hydrated, mailedLink, ownAddress, signedInAdmin, uniqueEmail } from "./helpers";

/** The staff dashboard's WASM, as cargo-leptos named it (admin-hash.txt, next to the binary). */
function adminWasm(): string {
  const hashes = readFileSync(join(dirname(process.env.OXCART_BIN!), "admin-hash.txt"), "utf8");
  const hash = hashes.match(/^wasm:\s*(\S+)/m)![1];
  return `oxcart.${hash}.wasm`;
}

/** The storefront's first-load budget, in bytes on the wire (brotli): JS + WASM. */
const BUDGET = 200 * 1024;

type Fetched = { file: string; bytes: number };

/** Records every JS and WASM file the page fetches from /pkg, with its encoded size. */
function recordCode(page: Page): Fetched[] {
  const fetched: Fetched[] = [];
  page.on("requestfinished", async (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/pkg/") || !/\.(js|wasm)$/.test(url.pathname)) return;
    const sizes = await request.sizes();
    fetched.push({ file: url.pathname.slice(5), bytes: sizes.responseBodySize });
  });
  return fetched;
}

async function firstVisit(page: Page, path: string): Promise<Fetched[]> {
  const fetched = recordCode(page);
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  return fetched;
}

test("a shopper's first visit to each storefront page downloads at most the budget, and no staff code", async ({
  browser,
  request,
  isMobile,
}) => {
  test.skip(!isMobile, "sizes are the same on every screen: measured once, as on a phone");
  const listing = await (await request.get("/api/v1/products?limit=1")).json();
  const product = listing.data[0].slug as string;
  const categories = await (await request.get("/api/v1/categories")).json();
  const category = categories.data[0].slug as string;
  const pages = [
    "/",
    "/products",
    "/categories",
    `/categories/${category}`,
    "/search?q=shirt",
    `/products/${product}`,
    "/cart",
    "/checkout",
    "/orders/lookup",
    "/account/login",
    "/account/register",
  ];
  const rows: string[] = [];
  for (const path of pages) {
    // A new context: an empty HTTP cache, as on a first visit.
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await ownAddress(page);
    const fetched = await firstVisit(page, path);
    const total = fetched.reduce((sum, f) => sum + f.bytes, 0);
    rows.push(`${path.padEnd(36)} ${String(total).padStart(8)} B  ${fetched.map((f) => f.file).join(" ")}`);
    expect(fetched.length, `${path}: the JS and WASM were fetched`).toBeGreaterThanOrEqual(2);
    expect(fetched.every((f) => f.bytes > 0), `${path}: sizes known`).toBe(true);
    expect(fetched.filter((f) => f.file === adminWasm()), `${path}: staff code`).toEqual([]);
    expect(total, `${path}: ${total} B of code on a first visit`).toBeLessThanOrEqual(BUDGET);
    expect(errors, path).toEqual([]);
    await context.close();
  }
  console.log(`first-load code per storefront page (brotli, budget ${BUDGET} B):\n${rows.join("\n")}`);
});

test("a signed-in customer's first visit to the account area stays within the budget", async ({ browser, isMobile }) => {
  test.skip(!isMobile, "sizes are the same on every screen: measured once, as on a phone");
  // Sign up, confirm and sign in in one context; then open /account in a new one that
  // has the session cookie but an empty HTTP cache.
  const signUp = await browser.newContext();
  const page = await signUp.newPage();
  await ownAddress(page);
  const email = uniqueEmail("budget");
  const password = "correct horse battery staple";
  await page.goto("/account/register");
  await hydrated(page);
  await page.getByTestId("input-full_name").fill("Ada Lovelace");
  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill(password);
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/account\/check-email$/);
  const link = await mailedLink(email, "/account/verify?token=");
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await page.getByTestId("verify-submit").click();
  await expect(page).toHaveURL(/\/account\/login\?verified=1$/);
  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/account$/);
  const storageState = await signUp.storageState();
  await signUp.close();

  const context = await browser.newContext({ storageState });
  const fresh = await context.newPage();
  await ownAddress(fresh);
  const fetched = await firstVisit(fresh, "/account");
  await expect(fresh.getByTestId("account-hello")).toContainText("Ada Lovelace");
  const total = fetched.reduce((sum, f) => sum + f.bytes, 0);
  console.log(`/account (signed in): ${total} B  ${fetched.map((f) => f.file).join(" ")}`);
  expect(fetched.filter((f) => f.file === adminWasm())).toEqual([]);
  expect(total).toBeLessThanOrEqual(BUDGET);
  await context.close();
});

test("the dashboard's bundle arrives when staff open it, and a lost bundle offers a reload", async ({ page, isMobile }) => {
  test.skip(isMobile, "the staff dashboard, on a desktop screen");
  await ownAddress(page);
  await signedInAdmin(page);
  const fetched = recordCode(page);
  await page.getByTestId("continue-admin").click();
  await expect(page.getByTestId("admin-dashboard")).toBeVisible();
  await hydrated(page);
  expect(fetched.map((f) => f.file)).toContain(adminWasm());

  // The bundle cannot be fetched (say, a deploy removed it while this tab was open):
  // the page says so and offers a reload instead of staying dead.
  const wasm = new RegExp(`/pkg/${adminWasm().replace(/[.]/g, "\\.")}$`);
  await page.route(wasm, (route) => route.abort());
  await page.goto("/admin/orders");
  await expect(page.getByTestId("stale-bundle")).toBeVisible();
  await expect(page.locator('.app[data-hydrated="true"]')).toHaveCount(0);
  await page.unroute(wasm);
  await page.getByTestId("stale-bundle").getByRole("link", { name: "Reload" }).click();
  await expect(page).toHaveURL(/\/admin\/orders$/);
  await hydrated(page);
  await expect(page.getByTestId("stale-bundle")).toHaveCount(0);

  // A link out of the dashboard is one page load: its router, which has no storefront
  // pages, never takes it (it would show "Loading…" at the new address, then load again).
  let navigations = 0;
  const count = (frame: Frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  };
  page.on("framenavigated", count);
  await page.getByRole("link", { name: "View store" }).click();
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  page.off("framenavigated", count);
  expect(navigations).toBe(1);
});
