// What every browser test file shares: the address of the Plaza under test and how Debian's
// Chromium is started (headless, no sandbox as root, no background traffic on a closed network).
import { before, after } from "node:test";
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

/** A short number that makes names unique within one run. */
export const stamp = () => String(Date.now() % 1000000);

/** Signs `page` up as `name` (password "password1"); the page ends at the home page. */
export async function signUp(page, name) {
  await page.goto(`${BASE}/signup`);
  await page.fill("#username", name);
  await page.fill("#password", "password1");
  await Promise.all([loaded(page, `${BASE}/`), page.click("form.card button[type=submit]")]);
}

/** A new browser context of `browser`, signed up as `name` (password "password1"). */
export async function signedUpPage(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await signUp(page, name);
  return page;
}

/** The address of the first community in the list of communities (`page` goes there). */
export async function firstCommunity(page) {
  await page.goto(`${BASE}/communities`);
  return `${BASE}${await page.getAttribute(".communities a", "href")}`;
}

/**
 * One browser for the calling test file, started before its tests and closed after them. Returns
 * `person(name)`: a new page in that browser, signed up as `name`.
 */
export function signedUpPeople() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => { await browser?.close(); });
  return (name) => signedUpPage(browser, name);
}

/** Opens the first community's page; returns its address. */
export async function openFirstCommunity(page) {
  const community = await firstCommunity(page);
  await page.goto(community);
  return community;
}

/** A call to Plaza's JSON API: the answer's body ({} for a 204). */
export async function api(path, { token, method = "GET", body } = {}) {
  const response = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.status === 204 ? {} : response.json();
}
