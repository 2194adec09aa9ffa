// Writes and live updates when the network or the server's Redis fails: a form whose answer is
// lost is sent again with the same idempotency key and writes once; a form that cannot be sent
// says so; a live stream that says it is paused makes the page poll the unread count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, api, loaded, openFirstCommunity, signedUpPeople, stamp } from "./browser.js";

const person = signedUpPeople();

/** Posts `text` from the first community's page; returns the post's address. */
async function postText(page, text) {
  const community = await openFirstCommunity(page);
  await page.fill("#body", text);
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  return `${BASE}${await page.getAttribute(`article.post:has-text("${text}") header a[href^='/posts/']`, "href")}`;
}

test("a post whose answer was lost is sent again with its key and posted once", async () => {
  const s = stamp();
  const page = await person(`lost${s}`);
  const community = await openFirstCommunity(page);
  const keys = [];
  // The first attempt reaches the server and is written, but its answer never arrives.
  await page.route("**/posts", async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    keys.push(await request.headerValue("idempotency-key"));
    if (keys.length === 1) {
      await route.fetch();
      return route.abort("connectionreset");
    }
    return route.continue();
  });
  await page.fill("#body", `Sent once ${s}`);
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  assert.equal(keys.length, 2, "one retry");
  assert.ok(keys[0] && keys[0] === keys[1], `the retry carries the first key: ${keys.join(", ")}`);
  assert.equal(await page.locator(`article.post:has-text("Sent once ${s}")`).count(), 1);
  await page.context().close();
});

test("a comment whose connection failed is retried, and lands at its place once", async () => {
  const s = stamp();
  const page = await person(`retry${s}`);
  const post = await postText(page, `A post to answer ${s}`);
  await page.goto(post);
  let attempts = 0;
  // The first attempt never reaches the server; the second gets a 502 from the "load balancer".
  await page.route("**/comments", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    attempts += 1;
    if (attempts === 1) return route.abort("connectionrefused");
    if (attempts === 2) return route.fulfill({ status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" });
    return route.continue();
  });
  await page.fill("#body", `Only once ${s}`);
  await Promise.all([loaded(page, /#c\d+$/), page.click("form.compose button[type=submit]")]);
  assert.equal(attempts, 3);
  assert.equal(await page.locator(`.comment-list li:has-text("Only once ${s}")`).count(), 1);
  await page.context().close();
});

test("a form that cannot be sent says so, and sending it again later writes it once", async () => {
  const s = stamp();
  const page = await person(`down${s}`);
  const community = await openFirstCommunity(page);
  let attempts = 0;
  await page.route("**/posts", (route) => {
    if (route.request().method() !== "POST") return route.continue();
    attempts += 1;
    return route.fulfill({ status: 503, contentType: "text/html", body: "<h1>No server is available</h1>" });
  });
  await page.fill("#body", `Sent when back ${s}`);
  await page.click("form.compose button[type=submit]");
  const alert = page.locator("form.compose .send-status[role=alert]");
  await alert.waitFor({ timeout: 20000 });
  assert.match(await alert.textContent(), /could not be sent/);
  assert.equal(attempts, 5, "the first attempt and four retries");
  assert.equal(page.url(), community, "still on the form, with what was written");
  assert.equal(await page.inputValue("#body"), `Sent when back ${s}`);

  await page.unroute("**/posts");
  await Promise.all([loaded(page, community), page.click("form.compose button[type=submit]")]);
  assert.equal(await page.locator(`article.post:has-text("Sent when back ${s}")`).count(), 1);
  await page.context().close();
});

test("a Yeah sent again with its key counts once", async () => {
  const s = stamp();
  const author = await person(`ya${s}`);
  const post = await postText(author, `Worth a Yeah ${s}`);
  const fan = await person(`yf${s}`);
  await fan.goto(post);
  let attempts = 0;
  await fan.route("**/yeah", async (route) => {
    attempts += 1;
    if (attempts === 1) {
      await route.fetch();
      return route.abort("connectionreset");
    }
    return route.continue();
  });
  await fan.click("article.post button.yeah");
  await fan.waitForSelector("article.post button.yeah[aria-pressed='true']");
  assert.equal(attempts, 2);
  assert.equal((await fan.textContent("article.post .yeah-count")).trim(), "1");
  // The next press is a new write with a new key: the Yeah is taken back.
  await fan.unroute("**/yeah");
  await fan.click("article.post button.yeah");
  await fan.waitForSelector("article.post button.yeah[aria-pressed='false']");
  await author.context().close();
  await fan.context().close();
});

test("a paused live stream makes the page poll the unread count until it is back", async () => {
  const s = stamp();
  const page = await person(`poll${s}`);
  await page.clock.install();
  // The server's stream says live updates are paused (its Redis is down) and stays quiet.
  await page.route("**/notifications/stream", (route) => route.fulfill({
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    body: "retry: 600000\nevent: paused\ndata: live updates are paused\n\n",
  }));
  await page.goto(`${BASE}/`);
  // The page's clock is stopped (its timers run only when told), so wait with Node's own.
  for (let i = 0; i < 50 && await page.evaluate(() => document.body.dataset.live) !== "paused"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(await page.evaluate(() => document.body.dataset.live), "paused");
  assert.equal((await page.textContent("#unread-count")).trim(), "");

  // Someone follows: the page hears of it from the poll, not the stream.
  await api("/accounts", { method: "POST", body: { username: `pf${s}`, password: "password1" } });
  const token = (await api("/sessions", { method: "POST", body: { username: `pf${s}`, password: "password1" } })).token;
  await api(`/users/poll${s}/follow`, { token, method: "PUT" });
  let shown = "";
  for (let i = 0; i < 40 && shown !== "1"; i++) {
    await page.clock.runFor(15000);
    await new Promise((resolve) => setTimeout(resolve, 250));
    shown = (await page.textContent("#unread-count")).trim();
  }
  assert.equal(shown, "1", "the poll showed the new notification");
  await page.context().close();
});
