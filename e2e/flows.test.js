// Two people using Plaza side by side in real browsers: following, commenting, Yeahs, the live
// notification count, grouped notifications, "load more", screenshots, blocking and signing out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, api, firstCommunity, loaded, openFirstCommunity, signedUpPeople, stamp } from "./browser.js";

const person = signedUpPeople();

/** A small PNG made in the page's own canvas, as a phone screenshot stand-in. */
async function pngBytes(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 400; c.height = 240;
    const g = c.getContext("2d");
    g.fillStyle = "#3a7"; g.fillRect(0, 0, 400, 240);
    g.fillStyle = "#fff"; g.fillRect(50, 50, 100, 60);
    return c.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(b64, "base64");
}

test("following, commenting, Yeahs, live notifications, load more, screenshots, blocking, signing out", async () => {
  const s = stamp();
  const alice = await person(`alice${s}`);
  const bob = await person(`bob${s}`);
  const community = await firstCommunity(bob);
  const communityId = community.split("/").pop();

  // Bob posts; Alice follows him and sees it in her activity feed.
  await bob.goto(community);
  await bob.fill("#body", `Bob's news ${s}`);
  await Promise.all([loaded(bob, community), bob.click("form.compose button[type=submit]")]);
  const postUrl = `${BASE}${await bob.getAttribute("article.post header a[href^='/posts/']", "href")}`;
  await alice.goto(`${BASE}/users/bob${s}`);
  await Promise.all([loaded(alice, `${BASE}/users/bob${s}`), alice.click("form[action$='/follow'] button")]);
  assert.ok(await alice.isVisible("form[action$='/follow'] button:has-text('Unfollow')"));
  await alice.goto(`${BASE}/activity`);
  assert.ok(await alice.isVisible(`text=Bob's news ${s}`));

  // Bob waits on a page while Alice comments and gives a Yeah: his header count changes live.
  await bob.goto(community);
  await alice.goto(postUrl);
  await alice.fill("#body", "Congratulations!");
  await Promise.all([loaded(alice, /#c\d+$/), alice.click("form.compose button[type=submit]")]);
  await alice.goto(postUrl);
  await alice.click("article.post button.yeah");
  await alice.waitForSelector("article.post button.yeah[aria-pressed='true']");
  // Three groups: Alice followed, commented and gave a Yeah.
  await bob.waitForFunction(() => document.getElementById("unread-count")?.textContent.trim() === "3", null, { timeout: 25000 });
  assert.equal(await bob.getAttribute("#unread-count", "aria-label"), "3 unread");

  // Grouped notifications name Alice.
  await bob.goto(`${BASE}/notifications`);
  const texts = await bob.locator(".notifications li a").allTextContents();
  assert.ok(texts.includes(`alice${s} gave your post a Yeah.`), texts.join(" | "));
  assert.ok(texts.includes(`alice${s} commented on your post.`), texts.join(" | "));

  // "Load more" appends the next page in place.
  const token = (await api("/sessions", { method: "POST", body: { username: `bob${s}`, password: "password1" } })).token;
  for (let i = 0; i < 22; i++) {
    await api(`/communities/${communityId}/posts`, { token, method: "POST", body: { body: `filler ${s} ${i}` } });
  }
  await alice.goto(community);
  const before = await alice.locator("article.post").count();
  assert.equal(before, 20);
  const url = alice.url();
  await alice.click("a.load-more");
  await alice.waitForFunction((n) => document.querySelectorAll("article.post").length > n, before);
  assert.equal(alice.url(), url, "no navigation");

  // A screenshot from the file input.
  await alice.setInputFiles("#screenshot", { name: "shot.png", mimeType: "image/png", buffer: await pngBytes(alice) });
  await alice.fill("#body", "Look at this");
  await Promise.all([loaded(alice, community), alice.click("form.compose button[type=submit]")]);
  const shot = alice.locator("article.post .screenshot img").first();
  await shot.waitFor();
  assert.equal(await shot.getAttribute("width"), "400");

  // Alice blocks Bob: his posts leave her community page.
  await alice.goto(`${BASE}/users/bob${s}`);
  await Promise.all([loaded(alice, `${BASE}/users/bob${s}`), alice.click("form[action$='/block'] button")]);
  await alice.goto(community);
  assert.equal(await alice.locator(`article.post:has-text("filler ${s}")`).count(), 0);

  // Signing out.
  await Promise.all([loaded(alice, `${BASE}/`), alice.click("form[action='/signout'] button")]);
  assert.ok(await alice.isVisible("nav a[href='/signin']"));
});

test("everything needed to read and give a Yeah works with the keyboard alone", async () => {
  const s = stamp();
  const writer = await person(`kw${s}`);
  const community = await openFirstCommunity(writer);
  await writer.fill("#body", `Keyboard test ${s}`);
  await Promise.all([loaded(writer, community), writer.click("form.compose button[type=submit]")]);

  const reader = await person(`kr${s}`);
  await reader.goto(community);
  // The first Tab reaches the skip link, which is shown when focused.
  await reader.keyboard.press("Tab");
  assert.equal(await reader.evaluate(() => document.activeElement.className), "skip");
  assert.ok(await reader.isVisible("a.skip"));
  // Tab on until the Yeah button of the writer's post, then press it with Enter.
  const articleId = await reader.locator(`article.post:has-text("Keyboard test ${s}")`).first().getAttribute("id");
  const target = `#${articleId} button.yeah`;
  let reached = false;
  for (let i = 0; i < 120 && !reached; i++) {
    await reader.keyboard.press("Tab");
    reached = await reader.evaluate((sel) => document.activeElement === document.querySelector(sel), target);
  }
  assert.ok(reached, "the Yeah button is reachable with Tab");
  await reader.keyboard.press("Enter");
  await reader.waitForSelector(`${target}[aria-pressed='true']`);
  // The button keeps the focus, visibly marked.
  assert.ok(await reader.evaluate((sel) => document.activeElement === document.querySelector(sel), target));
  const outline = await reader.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
});
