// Browser tests drive Debian's Chromium (/usr/bin/chromium); Playwright never downloads a
// browser here. The server under test is the release binary (OXCART_BIN, set by
// `make e2e`) on a fresh SQLite database in a temporary data dir.
import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const port = Number(process.env.OXCART_E2E_PORT ?? 3199);
const baseURL = process.env.OXCART_E2E_BASE_URL ?? `http://127.0.0.1:${port}`;
const bin = process.env.OXCART_BIN ?? resolve(__dirname, "../target/release/oxcart");
// Made once by the main process; workers inherit it, so tests can read the mail outbox.
process.env.OXCART_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "oxcart-e2e-"));
process.env.OXCART_BIN ??= bin;
const dataDir = process.env.OXCART_E2E_DATA_DIR;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    { name: "phone", use: { ...devices["Pixel 7"], launchOptions: chromium } },
  ],
  webServer: process.env.OXCART_E2E_BASE_URL
    ? undefined
    : {
        // Run from the repository root so the binary finds target/site.
        // A demo catalog (the same on every run) for the shopper journeys, then serve.
        command: `"${bin}" seed --demo 80 --if-empty && "${bin}" serve`,
        cwd: resolve(__dirname, ".."),
        url: `${baseURL}/ready`,
        timeout: 60_000,
        reuseExistingServer: false,
        // The server's warnings and errors (RUST_LOG=warn) go to the run's output, marked
        // [WebServer]: a flaky failure then comes with the server's side of it.
        stdout: "pipe",
        env: {
          OXCART_ADDR: `127.0.0.1:${port}`,
          OXCART_DATA_DIR: dataDir,
          RUST_LOG: "warn",
          // Each test claims its own client address, so the per-IP sign-in limit
          // (10/min) applies per test, as it would per shopper.
          OXCART_TRUST_PROXY: "true",
        },
      },
});
