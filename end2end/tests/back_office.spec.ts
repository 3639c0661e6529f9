import { expect, test, type Browser, type Page } from "@playwright/test";
import { guestReadyToPay, hydrated, mailed, mailedLink, ownAddress, signedInAdmin, uniqueEmail } from "./helpers";

const PASSWORD = "a long team passphrase";

/** Fails the test on any page error or console error of `page`. */
function watch(page: Page, errors: string[]) {
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
}

/** The admin on `admin` invites `role`; the new member accepts in a page of their own. */
async function teamMember(browser: Browser, admin: Page, role: string, errors: string[]): Promise<Page> {
  const email = uniqueEmail(role);
  await admin.goto("/admin/staff");
  await hydrated(admin);
  await admin.getByTestId("invite-form").getByTestId("input-email").fill(email);
  await admin.getByTestId("invite-role").selectOption(role);
  await admin.getByTestId("invite-submit").click();
  await expect(admin.getByTestId("notice")).toContainText("Invitation sent");
  const link = await mailedLink(email, "/account/invite?token=");
  const member = await browser.newPage();
  watch(member, errors);
  await ownAddress(member);
  await member.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await hydrated(member);
  await member.getByTestId("input-full_name").fill(`A ${role} person`);
  await member.getByTestId("input-password").fill(PASSWORD);
  await member.getByTestId("invite-submit").click();
  await expect(member).toHaveURL(/\/admin$/);
  return member;
}

/** The admin makes a product; a guest buys one with the test card. Returns the guest's
 * page (on the order), the order number and the guest's email. */
async function guestOrder(browser: Browser, admin: Page, errors: string[]) {
  const word = `bo${Date.now().toString(36)}`;
  await admin.goto("/admin/catalog/products/new");
  await hydrated(admin);
  await admin.getByTestId("input-name").fill(`Desk Lamp ${word}`);
  await admin.getByTestId("input-status").selectOption("active");
  await admin.getByTestId("variant-sku").first().fill(word.toUpperCase());
  await admin.getByTestId("variant-price").first().fill("40");
  await admin.getByTestId("variant-stock").first().fill("5");
  await admin.getByTestId("save-product").click();
  await expect(admin.getByTestId("saved")).toBeVisible();

  const guest = await browser.newPage();
  watch(guest, errors);
  await ownAddress(guest);
  const email = uniqueEmail("buyer");
  await guestReadyToPay(guest, word, email);
  await guest.getByTestId("pay-now").click();
  await guest.getByTestId("input-card").fill("4242 4242 4242 4242");
  await guest.getByTestId("pay-test").click();
  await expect(guest.getByTestId("order")).toBeVisible();
  const number = (await guest.getByTestId("order-number").textContent())!;
  return { guest, number, email };
}

async function openOrder(staff: Page, email: string, number: string) {
  await staff.goto(`/admin/orders?customer=${encodeURIComponent(email)}`);
  await staff.getByTestId("order-row").getByRole("link", { name: number }).click();
  await expect(staff.getByTestId("order-number")).toHaveText(number);
  await hydrated(staff);
}

test("a support agent finds a customer and sends them a password reset", async ({ browser }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  const admin = await browser.newPage();
  watch(admin, errors);
  await ownAddress(admin);
  await signedInAdmin(admin);

  // A customer registers and confirms their address.
  const customer = uniqueEmail("customer");
  const shopper = await browser.newPage();
  await ownAddress(shopper);
  await shopper.goto("/account/register");
  await hydrated(shopper);
  await shopper.getByTestId("input-full_name").fill("Ada Lovelace");
  await shopper.getByTestId("input-email").fill(customer);
  await shopper.getByTestId("input-password").fill(PASSWORD);
  await shopper.getByTestId("register-submit").click();
  await expect(shopper).toHaveURL(/\/account\/check-email$/);

  const support = await teamMember(browser, admin, "support", errors);
  // Support sees customers and orders, not the catalog or the team.
  const menu = support.getByRole("navigation").filter({ has: support.getByRole("link", { name: "Dashboard" }) });
  await expect(menu.getByRole("link", { name: "Customers" })).toBeVisible();
  await expect(menu.getByRole("link", { name: "Orders" })).toBeVisible();
  await expect(menu.getByRole("link", { name: "Catalog" })).toHaveCount(0);
  await expect(menu.getByRole("link", { name: "Staff" })).toHaveCount(0);

  await menu.getByRole("link", { name: "Customers" }).click();
  await hydrated(support);
  await support.getByTestId("customer-search").fill(customer);
  await support.getByTestId("customer-search").press("Enter");
  await expect(support.getByTestId("customer-row")).toHaveCount(1);
  await support.getByTestId("customer-row").getByRole("link").click();
  await expect(support.getByTestId("customer-email")).toHaveText(customer);
  await hydrated(support);
  await support.getByTestId("send-reset").click();
  await expect(support.getByTestId("notice")).toContainText("password-reset link");
  await mailed(customer, "/account/reset?token=");
  await expect(support.getByTestId("customer-timeline")).toContainText("Password reset link sent");
  // Support may not erase or export.
  await expect(support.getByTestId("privacy")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a fulfilment worker ships an order but is offered no refund, and the customer's return is refunded", async ({ browser }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  const admin = await browser.newPage();
  watch(admin, errors);
  await ownAddress(admin);
  await signedInAdmin(admin);
  const packer = await teamMember(browser, admin, "fulfilment", errors);
  const { guest, number, email } = await guestOrder(browser, admin, errors);
  const link = await mailedLink(email, "/orders/");

  // Fulfilment: ship and deliver; no refund or cancel is offered.
  await openOrder(packer, email, number);
  await expect(packer.getByTestId("fulfil-form")).toBeVisible();
  await expect(packer.getByTestId("refund-form")).toHaveCount(0);
  await expect(packer.getByTestId("cancel-order")).toHaveCount(0);
  await packer.getByTestId("carrier").fill("UPS");
  await packer.getByTestId("tracking-number").fill("1Z999AA10123456784");
  await packer.getByTestId("fulfil").click();
  await expect(packer.getByTestId("order-status")).toHaveText("Shipped");
  await packer.getByTestId("deliver").click();
  await expect(packer.getByTestId("order-status")).toHaveText("Delivered");
  await expect(packer.getByTestId("refund-form")).toHaveCount(0);

  // The customer asks to return the lamp from the order link (a plain form).
  await guest.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await expect(guest.getByTestId("return-form")).toBeVisible();
  await guest.getByTestId("return-quantity").first().selectOption("1");
  await guest.getByTestId("return-reason").first().selectOption("damaged");
  await guest.getByTestId("request-return").click();
  await expect(guest.getByTestId("return-sent")).toBeVisible();
  await expect(guest.getByTestId("return-status")).toHaveText("Requested");
  await mailed(email, "We received your return request");

  // Fulfilment approves; the owner receives it, restocks and refunds.
  await packer.goto("/admin/returns?status=requested");
  await packer.getByTestId("return-row").getByRole("link", { name: number }).click();
  await hydrated(packer);
  await packer.getByTestId("return-message").fill("Use the enclosed label.");
  await packer.getByTestId("approve-return").click();
  await expect(packer.getByTestId("return-status")).toHaveText("Approved: send it back");
  await expect(packer.getByTestId("receive-form")).toHaveCount(0);
  await mailed(email, "Your return is approved");

  await admin.goto(packer.url().replace(/^https?:\/\/[^/]+/, ""));
  await hydrated(admin);
  await expect(admin.getByTestId("return-amount")).toHaveValue("40.00");
  await admin.getByTestId("receive-return").click();
  await expect(admin.getByTestId("return-status")).toHaveText("Refunded");
  await expect(admin.getByTestId("return-refund")).toContainText("$40.00");
  await mailed(email, "We refunded $40.00");

  await guest.reload();
  await expect(guest.getByTestId("return-status")).toHaveText("Refunded");
  await expect(guest.getByTestId("payment-status")).toContainText("refunded");
  expect(errors).toEqual([]);
});
