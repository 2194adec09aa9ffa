// The drawing canvas has a text alternative: a labelled "Describe your drawing" field whose words
// become the picture's alt text, and keyboard users are told they can post text instead. Every
// image on the pages has a meaningful alt text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, firstCommunity, launch, loaded, openFirstCommunity, signUp } from "./browser.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("a drawing is posted with its description, which becomes its alt text", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const name = `artist${Date.now() % 1000000}`;
  await signUp(page, name);
  const community = await openFirstCommunity(page);
  await page.waitForSelector("[data-canvas]:not([hidden]) canvas");

  // The canvas tells keyboard and screen reader users that text alone is fine.
  const canvas = page.locator("[data-canvas] canvas");
  const described = await canvas.evaluate((el) => el.getAttribute("aria-describedby").split(" ")
    .map((id) => document.getElementById(id).textContent).join(" "));
  assert.match(described, /keyboard or screen reader/);
  assert.match(described, /write your post in the text box instead/);

  // The description field is found by its label, as assistive technology finds it.
  const field = page.getByLabel("Describe your drawing");
  assert.equal(await field.count(), 1);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 30, box.y + 30);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 30, box.y + box.height - 30, { steps: 12 });
  await page.mouse.up();
  await field.fill("A line from the top left corner to the bottom right");
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  const img = page.locator("article.post img.drawing").first();
  await img.waitFor();
  assert.equal(await img.getAttribute("alt"), "A line from the top left corner to the bottom right");

  // The same by keyboard alone: Tab from the text box reaches the tools and the description.
  await page.goto(community);
  await page.waitForSelector("[data-canvas]:not([hidden]) canvas");
  await page.focus("#body");
  await page.keyboard.type("Only words, no drawing");
  const reached = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    reached.push(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim()));
  }
  assert.ok(reached.includes("drawing_alt"), `Tab reaches the description field: ${reached.join(", ")}`);
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  assert.ok(await page.isVisible("text=Only words, no drawing"));
  await page.close();
});

test("every image on the pages has a meaningful alt text", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await signUp(page, `looker${Date.now() % 1000000}`);
  const community = await firstCommunity(page);
  const bad = [];
  for (const path of [community, `${community}?tab=drawings`, `${BASE}/`, `${BASE}/communities`]) {
    await page.goto(path);
    const images = await page.evaluate(() => [...document.images].map((img) => ({
      src: img.getAttribute("src"), alt: (img.getAttribute("alt") || "").trim(),
    })));
    assert.ok(path.includes("drawings") ? images.length > 0 : true, `${path} shows drawings`);
    for (const { src, alt } of images) {
      if (alt.length < 5 || /^(image|picture|drawing|img)$/i.test(alt)) bad.push(`${path}: ${src} "${alt}"`);
    }
  }
  await page.close();
  assert.deepEqual(bad, []);
});
