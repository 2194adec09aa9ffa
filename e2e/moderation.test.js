// Reporting a post and working the review queue, in a real browser at phone and desktop sizes,
// in English and Japanese: a member reports a post, a moderator (an admin, made with
// `plaza admin create`) hides or removes it from the queue with a reason, and its author reads
// why. axe-core checks the report form, the queue and the staff notice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { BASE, VIEWPORTS, api, axeProblems, launch, loaded, signUp, smallTapTargets, stamp } from "./browser.js";

const SIZES = VIEWPORTS.filter((vp) => vp.name === "phone" || vp.name === "desktop");
/** What each language's pages say, checked so that a page is not English in Japanese. */
const LANGUAGES = [
  { lang: "en", locale: "en-US", thanks: "Thank you", queue: "Review queue", hidden: "Hidden by the moderators", removed: "Removed by the moderators" },
  { lang: "ja", locale: "ja-JP", thanks: "ありがとうございます", queue: "確認待ちの通報", hidden: "運営により非表示", removed: "運営により削除" },
];

let browser, moderator, community;
before(async () => {
  const dataDir = process.env.PLAZA_DATA_DIR;
  if (!dataDir) throw new Error("PLAZA_DATA_DIR is not set: run this through scripts/test.sh");
  const binary = process.env.PLAZA_BIN || new URL("../target/debug/plaza", import.meta.url).pathname;
  moderator = `boss${stamp()}`;
  execFileSync(binary, ["admin", "create", moderator], {
    env: { ...process.env, PLAZA_DATA_DIR: dataDir, PLAZA_ADMIN_PASSWORD: "password1", RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const { communities } = await api("/communities");
  community = communities[0].id;
  browser = await launch();
});
after(async () => { await browser?.close(); });

/** A context at `vp`'s size speaking `locale`, where axe-core may run. */
function contextFor(vp, locale) {
  return browser.newContext({ ...vp, locale, bypassCSP: true });
}

async function signIn(page, name) {
  await page.goto(`${BASE}/signin`);
  await page.fill("#username", name);
  await page.fill("#password", "password1");
  await Promise.all([loaded(page, `${BASE}/`), page.click("form.card button[type=submit]")]);
}

/** Fails when `page` scrolls sideways at `vp`'s width, or has small tap targets on touch. */
async function fits(page, vp, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= vp.viewport.width, `${what} scrolls sideways at ${vp.name} (${width}px)`);
  if (vp.hasTouch) assert.deepEqual(await smallTapTargets(page), [], `${what}: tap targets under 44 px`);
}

for (const words of LANGUAGES) {
  for (const vp of SIZES) {
    const action = vp.name === "phone" ? "hide" : "remove";
    test(`a report reaches the queue and the author reads why it was ${action === "hide" ? "hidden" : "removed"} (${words.lang}, ${vp.name})`, async () => {
      const id = stamp();
      const author = `writer${words.lang}${id}`;
      const { token } = await api("/accounts", { method: "POST", body: { username: author, password: "password1" } });
      const text = `Post to report ${words.lang} ${vp.name} ${id}`;
      const { post } = await api(`/communities/${community}/posts`, { token, method: "POST", body: { body: text } });
      const problems = [];

      // A member reports it from the post's page.
      const readerContext = await contextFor(vp, words.locale);
      const reader = await readerContext.newPage();
      await signUp(reader, `reader${words.lang}${id}`);
      await reader.goto(`${BASE}/posts/${post.id}`);
      await Promise.all([loaded(reader, /\/report\?/), reader.click("article.post a.report")]);
      assert.equal(await reader.getAttribute("html", "lang"), words.lang);
      await fits(reader, vp, "the report form");
      problems.push(...(await axeProblems(reader, "/report")));
      await reader.check("input[name=reason][value=harassment]");
      await reader.fill("#report-body", "Mean to other players");
      await Promise.all([loaded(reader, /\/report\?.*sent=1$/), reader.click("form.report-form button[type=submit]")]);
      assert.match(await reader.innerText("[role=status]"), new RegExp(words.thanks));
      await readerContext.close();

      // The moderator finds it in the queue (most reported first too) and acts with a reason.
      const modContext = await contextFor(vp, words.locale);
      const mod = await modContext.newPage();
      await signIn(mod, moderator);
      for (const sort of ["newest", "most_reported"]) {
        await mod.goto(`${BASE}/moderation?sort=${sort}`);
        assert.match(await mod.innerText("h1"), new RegExp(words.queue));
        assert.ok(await mod.isVisible(`#q-${post.id}`), `the post is in the queue (${sort})`);
        assert.equal(await mod.getAttribute(`a[href='/moderation?sort=${sort}']`, "aria-current"), "page");
      }
      const item = mod.locator(`#q-${post.id}`);
      assert.match(await item.innerText(), /Mean to other players/);
      await fits(mod, vp, "the queue");
      problems.push(...(await axeProblems(mod, "/moderation")));
      await item.locator("form.moderate select[name=action]").selectOption(action);
      await item.locator("form.moderate textarea[name=reason]").fill(`Not kind ${id}`);
      await Promise.all([loaded(mod, /\/moderation/), item.locator("form.moderate button[type=submit]").click()]);
      assert.equal(await mod.locator(`#q-${post.id}`).count(), 0, "handled: gone from the queue");
      await modContext.close();

      // The author sees on the post, and in the staff notice, what was done and why.
      const authorContext = await contextFor(vp, words.locale);
      const own = await authorContext.newPage();
      await signIn(own, author);
      await own.goto(`${BASE}/posts/${post.id}`);
      const note = await own.innerText(".moderation-note");
      assert.match(note, new RegExp(action === "hide" ? words.hidden : words.removed));
      assert.match(note, new RegExp(`Not kind ${id}`));
      await own.goto(`${BASE}/notifications`);
      await Promise.all([loaded(own, /\/notices\/\d+$/), own.click("a[href^='/notices/']")]);
      assert.match(await own.innerText(".notice"), new RegExp(`Not kind ${id}`));
      await fits(own, vp, "the notice");
      problems.push(...(await axeProblems(own, "/notices")));
      await authorContext.close();

      assert.deepEqual(problems, []);
    });
  }
}
