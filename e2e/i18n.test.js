// The site in Japanese: someone chooses 日本語 in their settings and every page they visit is in
// Japanese, with no English interface words left (compared against the English catalog); a
// signed-out visitor switches with the footer. Japanese screenshots at the three sizes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { BASE, axeProblemsOnPages, launch, loaded, openFirstCommunity, signUp, VIEWPORTS } from "./browser.js";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

/** A catalog as key → message (the catalogs are flat `key = "message"` lines under [tables]). */
function catalog(lang) {
  const text = readFileSync(new URL(`../locales/${lang}.toml`, import.meta.url), "utf8");
  const messages = new Map();
  let table = "";
  for (const line of text.split("\n")) {
    const header = line.match(/^\[(.+)\]\s*$/);
    if (header) { table = header[1]; continue; }
    const entry = line.match(/^([\w.]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/);
    if (entry) messages.set(`${table}.${entry[1]}`, JSON.parse(`"${entry[2]}"`));
  }
  return messages;
}

const EN = catalog("en");
const JA = catalog("ja");

/** English interface words to look for: each message's pieces between placeholders, when the
 * Japanese message differs, at least four characters long and containing letters. */
const ENGLISH_WORDS = [...new Set([...EN].filter(([key, en]) => JA.get(key) !== en)
  .flatMap(([, en]) => en.split(/\{\w+\}/))
  .map((piece) => piece.trim())
  .filter((piece) => piece.length >= 4 && /[A-Za-z]{3}/.test(piece)))];

/** What people wrote (posts, names, community names and descriptions) is not the interface. */
const USER_CONTENT = [".body", ".author", "a.community", ".tag", ".banner-text h1", ".banner-text p",
  ".community-text", ".profile h1", ".bio", ".people li", ".yeahers a", ".logo", "#display_name",
  "#bio", "#body", "#drawing_alt", "nav a[href^='/users/']", "input[type=hidden]"];

/** The page's visible text plus the words only some people perceive (labels, alt text, title). */
async function interfaceText(page) {
  return page.evaluate((userContent) => {
    const clone = document.body.cloneNode(true);
    for (const el of clone.querySelectorAll(userContent.join(","))) el.remove();
    const hidden = [...clone.querySelectorAll("[aria-label], img[alt], [placeholder], [title]")]
      .map((el) => [el.getAttribute("aria-label"), el.getAttribute("alt"), el.getAttribute("placeholder"),
        el.getAttribute("title")].filter(Boolean).join(" "));
    document.body.appendChild(clone);
    clone.style.position = "absolute";
    const visible = clone.innerText;
    clone.remove();
    return [document.title, visible, ...hidden].join("\n");
  }, USER_CONTENT);
}

function leftovers(text) {
  return ENGLISH_WORDS.filter((word) => text.includes(word));
}

let browser, cookies, paths;
before(async () => {
  assert.ok(ENGLISH_WORDS.length > 100, `the English catalog was read (${ENGLISH_WORDS.length} words)`);
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const name = `hana${Date.now() % 1000000}`;
  await signUp(page, name);

  // The setting: choose 日本語 and save; the settings page comes back in Japanese.
  await page.goto(`${BASE}/settings`);
  await page.selectOption("#language", "ja");
  await Promise.all([loaded(page, /\/settings\?saved=1$/), page.click("form.card button[type=submit]")]);
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  assert.ok(await page.isVisible("text=保存しました。"));

  // Some content, so that every page has something on it: a post with a drawing, a comment,
  // a favourite and a follower's notification.
  const community = await openFirstCommunity(page);
  await page.fill("#body", "日本語の投稿です。");
  await page.check("input[name=feeling][value='2']");
  await page.waitForSelector("[data-canvas]:not([hidden]) canvas");
  await page.locator("[data-canvas] canvas").scrollIntoViewIfNeeded();
  const box = await page.locator("[data-canvas] canvas").boundingBox();
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20, { steps: 10 });
  await page.mouse.up();
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  assert.match(await page.getAttribute("article.post img.drawing", "alt"), /さんの手書き$/);
  await Promise.all([loaded(page, community), page.click("form[action$='/favourite'] button")]);
  const post = `${BASE}${await page.getAttribute("article.post header a[href^='/posts/']", "href")}`;
  await page.goto(post);
  await page.fill("#body", "コメントです。");
  await Promise.all([loaded(page, /#c\d+$/), page.click("form.compose button[type=submit]")]);

  const fan = await browser.newContext();
  const fanPage = await fan.newPage();
  await signUp(fanPage, `fan${Date.now() % 1000000}`);
  await fanPage.goto(`${BASE}/users/${name}`);
  await Promise.all([loaded(fanPage, `${BASE}/users/${name}`), fanPage.click("form[action$='/follow'] button")]);
  await fanPage.goto(post);
  await fanPage.click("article.post button.yeah");
  await fanPage.waitForSelector("article.post button.yeah[aria-pressed=true]");
  await fan.close();

  cookies = await context.cookies();
  paths = [["home", "/"], ["communities", "/communities"], ["community", community.slice(BASE.length)],
    ["popular", `${community.slice(BASE.length)}?tab=popular`], ["post", post.slice(BASE.length)],
    ["user", `/users/${name}`], ["followers", `/users/${name}/followers`], ["activity", "/activity"],
    ["notifications", "/notifications"], ["settings", "/settings"], ["missing", "/no/such/page"]];
  await context.close();
});
after(async () => { await browser?.close(); });

test("with the setting on 日本語 no page has English interface words left", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: "en-US" });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const problems = [];
  for (const [label, path] of paths) {
    await page.goto(`${BASE}${path}`);
    assert.equal(await page.getAttribute("html", "lang"), "ja", path);
    const words = leftovers(await interfaceText(page));
    if (words.length) problems.push(`${label}: ${words.join(" | ")}`);
  }
  // The notification is a Japanese sentence, and the Yeah button says そうだね.
  await page.goto(`${BASE}/notifications`);
  assert.ok(await page.isVisible("text=/あなたの投稿に「そうだね」しました|あなたをフォローしました/"));
  await page.goto(`${BASE}${paths[4][1]}`);
  assert.match(await page.locator("article.post button.yeah").first().innerText(), /そうだね/);
  await context.close();
  assert.deepEqual(problems, []);
});

test("a signed-out visitor switches to 日本語 in the footer and can sign in in Japanese", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: "en-US" });
  const page = await context.newPage();
  await page.goto(`${BASE}/communities`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  // The check itself finds English where there is English.
  assert.ok(leftovers(await interfaceText(page)).length > 5, "the English page is recognised as English");
  await Promise.all([loaded(page, `${BASE}/communities`), page.click("footer button[value=ja]")]);
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  const problems = [];
  for (const path of ["/communities", "/signin", "/signup", paths[2][1], paths[4][1]]) {
    await page.goto(`${BASE}${path}`);
    const words = leftovers(await interfaceText(page));
    if (words.length) problems.push(`${path}: ${words.join(" | ")}`);
  }
  assert.deepEqual(problems, []);
  // And back to English.
  await Promise.all([loaded(page, `${BASE}${paths[4][1]}`), page.click("footer button[value=en]")]);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await context.close();
});

for (const vp of VIEWPORTS) {
  test(`Japanese pages fit at ${vp.name} size (screenshots)`, async () => {
    const context = await browser.newContext(vp);
    await context.addCookies(cookies);
    const page = await context.newPage();
    for (const [label, path] of paths) {
      await page.goto(`${BASE}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= vp.viewport.width, `${path} scrolls sideways at ${vp.name} (${width}px)`);
      await page.screenshot({ path: `${SHOTS}ja-${vp.name}-${label}.png`, fullPage: true });
    }
    await context.close();
  });
}

test("axe-core finds no serious or critical violation on the Japanese pages", async () => {
  assert.deepEqual(await axeProblemsOnPages(browser, cookies, paths.map(([, path]) => path)), []);
});
