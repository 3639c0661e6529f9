import { expect, type Page } from "@playwright/test";
import { createHmac, randomInt } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Waits until the WASM has hydrated the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator('.app[data-hydrated="true"]')).toBeAttached();
}

/** Gives this page a client address of its own (the server trusts X-Forwarded-For here). */
export async function ownAddress(page: Page) {
  const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  await page.setExtraHTTPHeaders({ "x-forwarded-for": ip });
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${randomInt(1_000_000)}@example.com`;
}

export const dataDir = () => process.env.OXCART_E2E_DATA_DIR ?? "";

function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The link starting with `path` in the newest outbox mail to `to`. */
export async function mailedLink(to: string, path: string): Promise<string> {
  const outbox = join(dataDir(), "outbox");
  let link: string | undefined;
  await expect
    .poll(
      () => {
        const files = readdirSync(outbox)
          .map((f) => join(outbox, f))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
        for (const file of files) {
          const mail = decodeQuotedPrintable(readFileSync(file, "utf8"));
          if (mail.includes(to) && mail.includes(path)) {
            link = mail.match(new RegExp(`https?://[^\\s"<]*${path.replace(/[?]/g, "\\?")}[^\\s"<]*`))?.[0];
            if (link) return true;
          }
        }
        return false;
      },
      { timeout: 15_000, message: `a mail to ${to} with ${path}` },
    )
    .toBe(true);
  return link!;
}

function base32Decode(input: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of input.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for the step `offset` steps from now. */
export function totp(secret: string, offset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hash = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const at = hash[19] & 0x0f;
  const binary = ((hash[at] & 0x7f) << 24) | (hash[at + 1] << 16) | (hash[at + 2] << 8) | hash[at + 3];
  return String(binary % 1_000_000).padStart(6, "0");
}

/** An admin made with `oxcart create-admin`, signed in with two-factor turned on. */
export async function signedInAdmin(page: Page): Promise<string> {
  const { execFileSync } = await import("node:child_process");
  const password = "a long admin passphrase";
  const email = uniqueEmail("admin");
  execFileSync(process.env.OXCART_BIN!, ["create-admin", "--email", email, "--name", "Grace Hopper"], {
    env: { ...process.env, OXCART_DATA_DIR: dataDir(), OXCART_ADMIN_PASSWORD: password, RUST_LOG: "warn" },
  });
  await page.goto("/account/login");
  await hydrated(page);
  await page.getByTestId("input-email").fill(email);
  await page.getByTestId("input-password").fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/account\/two-factor\?required=1$/);
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  await page.getByTestId("input-code").fill(totp(secret));
  await page.getByTestId("totp-enable-submit").click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  return email;
}

/** Waits for a mail to `to` whose text contains `text` (the outbox holds `.eml` files). */
export async function mailed(to: string, text: string): Promise<void> {
  const outbox = join(dataDir(), "outbox");
  await expect
    .poll(
      () =>
        readdirSync(outbox).some((f) => {
          const mail = decodeQuotedPrintable(readFileSync(join(outbox, f), "utf8"));
          return mail.includes(to) && mail.includes(text);
        }),
      { timeout: 15_000, message: `a mail to ${to} with ${text}` },
    )
    .toBe(true);
}

/** A guest finds the product whose name holds `word`, adds one to the cart, and on the
 * checkout gives `email`, a US address and the first shipping rate (ready to pay). */
export async function guestReadyToPay(guest: Page, word: string, email: string): Promise<void> {
  await guest.goto(`/search?q=${word}`);
  await guest.getByTestId("product-card").first().locator("a").click();
  await hydrated(guest);
  await guest.getByTestId("add-to-cart-button").click();
  await expect(guest.getByTestId("cart-count")).toHaveText("1");
  await guest.goto("/checkout");
  await hydrated(guest);
  await guest.getByTestId("input-email").fill(email);
  await guest.getByTestId("input-full_name").fill("Grace Hopper");
  await guest.getByTestId("input-line1").fill("1 Navy Way");
  await guest.getByTestId("input-city").fill("Arlington");
  await guest.getByTestId("input-postal_code").fill("22201");
  await guest.getByTestId("input-country").selectOption("US");
  await guest.getByTestId("save-contact").click();
  await guest.getByTestId("rate").first().locator("input").check();
  await guest.getByTestId("choose-rate").click();
}
