// End-to-end tests in a real browser (Debian's Chromium via playwright-core) against a freshly
// started Plaza whose address is in PLAZA_URL (scripts/test.sh starts one).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { BASE, launch, loaded, openFirstCommunity, signUp } from "./browser.js";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await launch();
});
after(async () => { await browser?.close(); });

const unique = (prefix) => `${prefix}${Date.now() % 100000}${Math.floor(Math.random() * 90 + 10)}`.slice(0, 16);

test("a person signs up, posts with a feeling, draws a picture and posts it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await signUp(page, unique("e2e"));
  const community = await openFirstCommunity(page);

  await page.fill("#body", "Hello from a real browser");
  await page.check("input[name=feeling][value='1']");
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  assert.ok(await page.isVisible("text=Hello from a real browser"));

  // The canvas is revealed by the script; draw a stroke with the mouse and post it with no text.
  await page.waitForSelector("[data-canvas]:not([hidden]) canvas");
  await page.click("[data-tool][data-size='6']");
  await page.locator("[data-canvas] canvas").scrollIntoViewIfNeeded();
  const box = await page.locator("[data-canvas] canvas").boundingBox();
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 20 + i * (box.width - 40) / 20, box.y + box.height / 2);
  await page.mouse.up();
  await page.click("[data-action='undo']");
  await page.click("[data-action='redo']");
  await page.screenshot({ path: `${SHOTS}compose-console.png` });
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  const img = page.locator("article.post img.drawing").first();
  await img.waitFor();
  assert.equal(await img.getAttribute("width"), "320");
  assert.equal(await img.getAttribute("loading"), "lazy");
  const natural = await img.evaluate((el) => el.decode().then(() => el.naturalWidth));
  assert.equal(natural, 320);
  await page.close();
});

test("Yeah toggles without a reload and spoilers reveal on request", async () => {
  const author = await browser.newPage();
  await signUp(author, unique("auth"));
  const community = await openFirstCommunity(author);
  await author.fill("#body", "The twist at the end!");
  await author.check("input[name=spoiler]");
  await Promise.all([loaded(author, community), author.click("form.compose button[type=submit]")]);

  const fan = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await signUp(fan, unique("fan"));
  await fan.goto(community);
  const post = fan.locator("article.post", { hasText: "This post contains spoilers" }).first();
  assert.ok(!(await post.locator("p.body").isVisible()));
  await post.locator("summary").click();
  assert.ok(await post.locator("text=The twist at the end!").isVisible());

  let navigated = false;
  fan.on("framenavigated", () => { navigated = true; });
  const button = post.locator("button.yeah");
  await button.click();
  await fan.waitForFunction((el) => el.getAttribute("aria-pressed") === "true", await button.elementHandle());
  assert.equal(await post.locator(".yeah-count").textContent(), "1");
  await button.click();
  await fan.waitForFunction((el) => el.getAttribute("aria-pressed") === "false", await button.elementHandle());
  assert.equal(await post.locator(".yeah-count").textContent(), "0");
  assert.equal(navigated, false, "the page did not reload");
  const width = await fan.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling on a phone (${width}px)`);
  await fan.screenshot({ path: `${SHOTS}community-phone.png`, fullPage: true });
  await fan.close();
  await author.close();
});

test("pages refuse to be framed and break no rule of their own security policy", async () => {
  const page = await browser.newPage();
  const violations = [];
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  // A signed-in person's ordinary use: pages whose scripts (Yeah, canvas, live count) must run.
  await signUp(page, unique("csp"));
  const community = await openFirstCommunity(page);
  await page.fill("#body", "Policy check");
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  await page.goto(`${BASE}/notifications`);
  assert.deepEqual(violations, []);

  // Another site frames Plaza's page: Chromium must refuse to show it (frame-ancestors 'none').
  const framer = await browser.newPage();
  const blocked = [];
  framer.on("console", (msg) => blocked.push(msg.text()));
  await framer.setContent(`<iframe id="f" src="${community}"></iframe>`);
  await framer.waitForTimeout(1000);
  const frame = framer.frames().find((f) => f !== framer.mainFrame());
  const framedText = frame ? await frame.evaluate(() => document.body?.innerText || "").catch(() => "") : "";
  assert.ok(!framedText.includes("Policy check"), "the framed page must not render");
  assert.ok(blocked.some((t) => /frame-ancestors|Refused to frame/i.test(t)), blocked.join("\n"));
  await framer.close();
  await page.close();
});
