// What every browser test file shares: the address of the Plaza under test and how Debian's
// Chromium is started (headless, no sandbox as root, no background traffic on a closed network).
import { chromium } from "playwright-core";

export const BASE = process.env.PLAZA_URL;
if (!BASE) throw new Error("PLAZA_URL is not set: run this through scripts/test.sh");

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

/**
 * Waits for `page` to load a new document at `url`: a form's answer, whether the browser sent
 * the form or the page's script did (then the page goes there only after the script's answer,
 * possibly to the URL it is already at).
 */
export function loaded(page, url) {
  return page.waitForEvent("load").then(() => page.waitForURL(url));
}
