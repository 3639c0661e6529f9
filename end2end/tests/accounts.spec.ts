import { expect, test } from "@playwright/test";
import { hydrated, mailedLink, ownAddress, uniqueEmail } from "./helpers";

const PASSWORD = "correct horse battery staple";

test("a shopper registers, confirms through the mailed link, logs in, adds an address and logs out", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The one refused registration below answers 400 by design; anything else is a bug.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("status of 400")) errors.push(m.text());
  });
  await ownAddress(page);
  const email = uniqueEmail("shopper");

  await page.goto("/account/register");
  await hydrated(page);
  await page.getByTestId("input-full_name").fill("Ada Lovelace");
  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill("password123");
  await page.getByTestId("register-submit").click();
  await expect(page.getByTestId("error-password")).toContainText("too common");
  await page.getByTestId("input-password").fill(PASSWORD);
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/account\/check-email$/);
  await expect(page.getByTestId("check-email")).toBeVisible();

  const link = await mailedLink(email, "/account/verify?token=");
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await page.getByTestId("verify-submit").click();
  await expect(page).toHaveURL(/\/account\/login\?verified=1$/);
  await expect(page.getByTestId("notice")).toContainText("confirmed");

  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill(PASSWORD);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-hello")).toContainText("Ada Lovelace");
  await expect(page.getByTestId("account-link")).toHaveAttribute("data-signed-in", "true");

  await page.getByTestId("nav-addresses").click();
  await expect(page).toHaveURL(/\/account\/addresses$/);
  await page.getByTestId("input-full_name").fill("Ada Lovelace");
  await page.getByTestId("input-line1").fill("12 St James's Square");
  await page.getByTestId("input-city").fill("London");
  await page.getByTestId("input-postal_code").fill("SW1Y 4JH");
  await page.getByTestId("input-country").selectOption("GB");
  await page.getByTestId("address-submit").click();
  const card = page.getByTestId("address-card");
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("London");
  await expect(card).toContainText("United Kingdom");
  await expect(card).toContainText("Default shipping");

  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-link")).not.toHaveAttribute("data-signed-in", "true");
  await page.goto("/account/addresses");
  await expect(page).toHaveURL(/\/account\/login\?next=\/account\/addresses$/);
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the login form shows its error after a plain post, then signs in", async ({ page }) => {
    await ownAddress(page);
    await page.goto("/account/login");
    await page.getByTestId("input-email").fill("nobody@example.com");
    await page.getByTestId("input-password").fill("not the password");
    await page.getByTestId("login-submit").click();
    // Back on the login page (leptos_axum also puts the error in the query string).
    await expect(page).toHaveURL(/\/account\/login(\?|$)/);
    await expect(page.getByTestId("form-error")).toContainText("Incorrect email or password");
    await expect(page.getByTestId("input-email")).toHaveValue("nobody@example.com");
    // The error is shown once.
    await page.goto("/account/login");
    await expect(page.getByTestId("form-error")).toHaveCount(0);
  });
});
