import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { dataDir, hydrated, ownAddress, totp, uniqueEmail } from "./helpers";

const PASSWORD = "a long admin passphrase";

test("an admin created on the command line sets up two-factor and signs in with a TOTP code", async ({ page }) => {
  await ownAddress(page);
  const email = uniqueEmail("admin");
  execFileSync(process.env.OXCART_BIN!, ["create-admin", "--email", email, "--name", "Grace Hopper"], {
    env: { ...process.env, OXCART_DATA_DIR: dataDir(), OXCART_ADMIN_PASSWORD: PASSWORD, RUST_LOG: "warn" },
  });

  await page.goto("/account/login");
  await hydrated(page);
  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill(PASSWORD);
  await page.getByTestId("login-submit").click();
  // Admins must turn two-factor on first.
  await expect(page).toHaveURL(/\/account\/two-factor\?required=1$/);
  await expect(page.getByTestId("two-factor-required")).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  await page.getByTestId("input-code").fill(totp(secret));
  await page.getByTestId("totp-enable-submit").click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.getByTestId("continue-admin").click();
  await expect(page.getByTestId("admin-dashboard")).toContainText("Grace Hopper");

  await page.getByTestId("admin-logout").click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto("/account/login");
  await hydrated(page);
  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill(PASSWORD);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/account\/login\/two-factor$/);
  await page.getByTestId("input-code").fill(totp(secret, 1));
  await page.getByTestId("totp-login-submit").click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("admin-dashboard")).toBeVisible();
  await page.getByRole("link", { name: "Staff" }).click();
  await expect(page.getByTestId("staff-table")).toContainText(email);
});
