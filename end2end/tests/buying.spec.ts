import { expect, test } from "@playwright/test";
import { hydrated, mailed, mailedLink, ownAddress, signedInAdmin, uniqueEmail } from "./helpers";

test("a guest buys two variants with the test card, staff ship it, the guest sees it shipped", async ({ browser }) => {
  test.setTimeout(90_000);
  // Staff make a product with two sizes in stock.
  const staff = await browser.newPage();
  await ownAddress(staff);
  await signedInAdmin(staff);
  const word = `tj${Date.now().toString(36)}`;
  await staff.goto("/admin/catalog/products/new");
  await hydrated(staff);
  await staff.getByTestId("input-name").fill(`Trail Jacket ${word}`);
  await staff.getByTestId("input-status").selectOption("active");
  await staff.getByTestId("add-option").click();
  await staff.getByTestId("option-name").fill("Size");
  await staff.getByTestId("option-values").fill("S, M");
  await staff.getByTestId("generate-variants").click();
  await expect(staff.getByTestId("variant-row")).toHaveCount(2);
  await staff.getByTestId("variant-price").nth(0).fill("80");
  await staff.getByTestId("variant-price").nth(1).fill("90");
  await staff.getByTestId("variant-stock").nth(0).fill("5");
  await staff.getByTestId("variant-stock").nth(1).fill("5");
  await staff.getByTestId("save-product").click();
  await expect(staff.getByTestId("saved")).toBeVisible();

  // A guest finds it and adds both sizes; the header's cart count follows without a reload.
  const guest = await browser.newPage();
  await ownAddress(guest);
  await guest.goto(`/search?q=${word}`);
  await guest.getByTestId("product-card").first().locator("a").click();
  await hydrated(guest);
  await guest.getByTestId("add-to-cart-button").click();
  await expect(guest.getByTestId("added")).toBeVisible();
  await expect(guest.getByTestId("cart-count")).toHaveText("1");
  await guest.getByTestId("option-value").filter({ hasText: "M" }).click();
  await expect(guest.getByTestId("price")).toHaveText("$90.00");
  await guest.getByTestId("add-to-cart-button").click();
  await expect(guest.getByTestId("cart-count")).toHaveText("2");

  await guest.goto("/cart");
  await expect(guest.getByTestId("cart-line")).toHaveCount(2);
  await expect(guest.getByTestId("cart-subtotal")).toHaveText("$170.00");
  await guest.getByTestId("checkout-link").click();
  await expect(guest.getByTestId("checkout")).toBeVisible();
  await hydrated(guest);

  const email = uniqueEmail("guest");
  await guest.getByTestId("input-email").fill(email);
  await guest.getByTestId("input-full_name").fill("Grace Hopper");
  await guest.getByTestId("input-line1").fill("1 Navy Way");
  await guest.getByTestId("input-city").fill("Arlington");
  await guest.getByTestId("input-postal_code").fill("22201");
  await guest.getByTestId("input-country").selectOption("US");
  await guest.getByTestId("save-contact").click();
  await expect(guest.getByTestId("rate").first()).toBeVisible();
  await guest.getByTestId("rate").first().locator("input").check();
  await guest.getByTestId("choose-rate").click();
  await expect(guest.getByTestId("total-shipping")).toHaveText("$5.00");
  await expect(guest.getByTestId("total")).toHaveText("$175.00");
  await guest.getByTestId("pay-now").click();

  await expect(guest.getByTestId("test-payment")).toContainText("TEST MODE");
  await guest.getByTestId("input-card").fill("4000 0000 0000 0002");
  await guest.getByTestId("pay-test").click();
  await expect(guest.getByTestId("last-payment-error")).toContainText("declined");
  // The declined attempt let the stock go; trying again holds it anew.
  await guest.getByTestId("retry-payment").click();
  await guest.getByTestId("input-card").fill("4242 4242 4242 4242");
  await guest.getByTestId("pay-test").click();

  await expect(guest.getByTestId("order")).toBeVisible();
  await expect(guest.getByTestId("order-status")).toHaveText("Paid — being prepared");
  await expect(guest.getByTestId("order-line")).toHaveCount(2);
  await expect(guest.getByTestId("order-total")).toHaveText("$175.00");
  const number = (await guest.getByTestId("order-number").textContent())!;
  const link = await mailedLink(email, "/orders/");
  await expect(guest.getByTestId("cart-count")).toHaveCount(0);

  // Staff find the order and ship it.
  await staff.goto(`/admin/orders?customer=${encodeURIComponent(email)}`);
  await expect(staff.getByTestId("order-row")).toHaveCount(1);
  await staff.getByTestId("order-row").getByRole("link", { name: number }).click();
  await expect(staff.getByTestId("order-number")).toHaveText(number);
  await hydrated(staff);
  await staff.getByTestId("carrier").fill("UPS");
  await staff.getByTestId("tracking-number").fill("1Z999AA10123456784");
  await staff.getByTestId("fulfil").click();
  await expect(staff.getByTestId("order-status")).toHaveText("Shipped");
  await expect(staff.getByTestId("timeline")).toContainText("Shipped with UPS");

  // The guest opens the link from the confirmation mail and sees it shipped.
  await guest.goto(link);
  await expect(guest.getByTestId("order-status")).toHaveText("Shipped");
  await expect(guest.getByTestId("tracking")).toContainText("1Z999AA10123456784");
  await mailed(email, "Tracking number: 1Z999AA10123456784");
});
