// What every browser test file shares: the address of the Plaza under test and how Debian's
// Chromium is started (headless, no sandbox as root, no background traffic on a closed network).
import { before, after } from "node:test";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const BASE = process.env.PLAZA_URL;
if (!BASE) throw new Error("PLAZA_URL is not set: run this through scripts/test.sh");

/** The three sizes every page is checked at: a phone with touch, a console, a desktop. */
export const VIEWPORTS = [
  { name: "phone", viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  { name: "console", viewport: { width: 1280, height: 720 } },
  { name: "desktop", viewport: { width: 1440, height: 900 } },
];

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * axe-core's serious and critical violations on what `page` shows (at `path`), one line each.
 * axe-core goes in as an inline script, which Plaza's CSP refuses: the page's context must be
 * made with `bypassCSP: true`.
 */
export async function axeProblems(page, path) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${path}: ${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

/** [`axeProblems`] on each of `paths`, visited signed in with `cookies`. */
export async function axeProblemsOnPages(browser, cookies, paths) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const problems = [];
  for (const path of paths) {
    await page.goto(`${BASE}${path}`);
    problems.push(...(await axeProblems(page, path)));
  }
  await context.close();
  return problems;
}

/** The visible tap targets on `page` smaller than 44 px either way (for touch screens). */
export function smallTapTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("button, .tabs a, nav a, .more a, input[type=checkbox], input[type=radio]")]
      .filter((el) => el.offsetParent !== null)
      .map((el) => {
        const target = el.closest("label") || el;
        const r = target.getBoundingClientRect();
        return { text: (el.textContent || el.name || "").trim().slice(0, 30), w: r.width, h: r.height };
      })
      .filter((r) => r.w < 44 || r.h < 44));
}

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
