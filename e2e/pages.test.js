// Every page at three sizes (phone with touch, console 1280×720, desktop 1440×900): no horizontal
// scrolling, tap targets of at least 44 px on touch, a screenshot of each, and axe-core finding no
// serious or critical accessibility violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { BASE, axeProblems, axeProblemsOnPages, launch, loaded, openFirstCommunity, signUp, smallTapTargets, VIEWPORTS } from "./browser.js";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

let browser, cookies, paths;
before(async () => {
  browser = await launch();
  // One signed-in person with a post, a comment and a notification, so every page has content.
  const context = await browser.newContext();
  const page = await context.newPage();
  const name = `tour${Date.now() % 1000000}`;
  await signUp(page, name);
  const community = await openFirstCommunity(page);
  await page.fill("#body", "A post to look at on every screen size.");
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  const post = `${BASE}${await page.getAttribute("article.post header a[href^='/posts/']", "href")}`;
  await page.goto(post);
  await page.fill("#body", "And a comment under it.");
  await Promise.all([loaded(page, /#c\d+$/), page.click("form.compose button[type=submit]")]);
  cookies = await context.cookies();
  paths = [["home", "/"], ["communities", "/communities"], ["community", community.slice(BASE.length)],
    ["drawings", `${community.slice(BASE.length)}?tab=drawings`], ["post", post.slice(BASE.length)],
    ["user", `/users/${name}`], ["followers", `/users/${name}/followers`], ["activity", "/activity"],
    ["notifications", "/notifications"], ["settings", "/settings"]];
  await context.close();
});
after(async () => { await browser?.close(); });

for (const vp of VIEWPORTS) {
  test(`every page fits and works at ${vp.name} size`, async () => {
    const context = await browser.newContext(vp);
    await context.addCookies(cookies);
    const page = await context.newPage();
    for (const [label, path] of paths) {
      const response = await page.goto(`${BASE}${path}`);
      assert.equal(response.status(), 200, path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= vp.viewport.width, `${path} scrolls sideways at ${vp.name} (${width}px)`);
      if (vp.hasTouch) {
        assert.deepEqual(await smallTapTargets(page), [], `${path}: tap targets under 44 px at ${vp.name}`);
      }
      await page.screenshot({ path: `${SHOTS}${vp.name}-${label}.png`, fullPage: true });
    }
    await context.close();
  });
}

test("axe-core finds no serious or critical violation on any page", async () => {
  const every = [...paths.map(([, path]) => path), "/signin", "/signup"];
  assert.deepEqual(await axeProblemsOnPages(browser, cookies, every), []);
});

test("dark mode keeps every page readable (axe-core contrast and the rest) with screenshots", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: "dark", bypassCSP: true });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const problems = [];
  for (const [label, path] of paths) {
    await page.goto(`${BASE}${path}`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, "rgb(21, 23, 26)", `${path} is dark`);
    problems.push(...(await axeProblems(page, path)));
    await page.screenshot({ path: `${SHOTS}dark-console-${label}.png`, fullPage: true });
  }
  await context.close();
  assert.deepEqual(problems, []);
});
