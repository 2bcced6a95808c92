// Forums, end to end, in real headless Chromium against the built app (dist/)
// and a running relay (target/debug/sync-server). Two people: Ana, the
// community lead (she makes the categories, so she moderates them), and Ben,
// a field engineer.
//
//   1. an empty forum invites a first category; Ana makes a question, an
//      announcement and an idea category and asks a question whose post holds
//      Markdown, a <script> tag and a javascript: link — shown as text, no
//      script element, no such link;
//   2. Ben sees the category's unread count and the thread's "1 new"; opening
//      it marks the opening post "new since your last visit", and going back
//      the counts are gone;
//   3. both reply at the same moment while Ben is offline (his relay socket
//      cut): his reply waits on his device, and when he is back both replies
//      are on both screens in the same order; Ana's reply @mentions Ben, and
//      his Mentions page lists the thread;
//   4. both react 👍 to one post at once: it counts 2 on both sides; Ben
//      quotes Ana's reply;
//   5. only the asker (or a moderator) is offered "Accept answer": Ana accepts
//      Ben's reply, both see it marked, and the list says "Answered";
//   6. a reply Ana has not seen shows in her counts and is marked "new since
//      your last visit"; search finds a word from a reply, with a snippet;
//   7. Ben edits his own post (Ana is not offered Edit) and deletes another
//      after saying no once to the question; Ana sees the edit and the
//      deletion;
//   8. moderator tools: Ben has none; Ana pins an announcement (it leads the
//      list), sets an idea's status, and locks the question — Ben's reply box
//      is gone and the page says it is locked;
//   9. the forum and a thread fit a phone (390 px) without horizontal scroll;
//  10. no console errors in either profile (Chromium's own line about a socket
//      it refused while Ben was offline aside).
//
// The tests share one relay, one browser and two profiles and run in order.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchBrowser, screenshotPath, startRelay, tempDataDir } from "../support/harness.js";
import {
  cuttableRelay,
  horizontalOverflow,
  makeProfile,
  setName,
  texts,
  until,
  waitBadge,
  waitText,
} from "../support/page.js";

const LOAD_TIMEOUT = 15_000;
const RECONNECT_TIMEOUT = 30_000;
const ID = "[1-9A-HJ-NP-Za-km-z]+";

const ANA = "Ana Lima";
const BEN = "Ben Okafor";

const sel = {
  heading: "#forum-heading",
  counts: "[data-testid=forum-counts]",
  rows: "[data-testid=threads] .thread-row",
  rowTitles: "[data-testid=threads] .thread-row-title",
  nav: (name) => `.forum-nav a:has(.forum-nav-name:text-is("${name}"))`,
  posts: "[data-testid=posts] > li.post",
  postBodies: "[data-testid=posts] > li.post .post-body, [data-testid=posts] > li.post .post-deleted",
  reply: "#reply",
  send: "[data-testid=send-reply]",
  newSince: "[data-testid=new-since]",
};

let phase = "happy path";
const profile = makeProfile(() => phase);

/** The post (by its author and the start of its text) as a locator. */
const post = (page, text) => page.locator(sel.posts).filter({ hasText: text });

/** Open the forums and wait for the page. */
async function openForums(p, path = "forums") {
  await p.page.goto(new URL(path, relayUrl).href);
  await p.page.locator(sel.heading).waitFor({ timeout: LOAD_TIMEOUT });
}

/** Make a category with the form. */
async function makeCategory(page, name, kind, description) {
  await page.locator("[data-testid=new-category]").click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Kind").selectOption(kind);
  await page.getByLabel("What it is for").fill(description);
  await page.locator("[data-testid=create-category]").click();
  await page.waitForURL(new RegExp(`/forums/${ID}$`));
  await waitText(page, sel.heading, name);
}

/** Start a thread in the category on screen; returns its path. */
async function startThread(page, title, body) {
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press("n");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("First post").fill(body);
  await page.locator("[data-testid=start-thread]").click();
  await page.waitForURL(new RegExp(`/threads/${ID}$`));
  await waitText(page, "#thread-title", title);
  return new URL(page.url()).pathname;
}

/** Reply with Ctrl+Enter. */
async function reply(page, body) {
  await page.locator(sel.reply).fill(body);
  await page.locator(sel.reply).press("Control+Enter");
  await until(async () => (await page.locator(sel.reply).inputValue()) === "", "the reply box to empty");
}

/**
 * With B cut off: A replies mentioning B (picked from the suggestions with
 * Tab) while B replies offline; B's reply waits on his device.
 */
async function replyAtOnce() {
  await waitBadge(B.page, "offline", 10_000);
    await A.page.locator(sel.reply).fill("Thanks — ");
    await A.page.locator(sel.reply).press("End");
    await A.page.locator(sel.reply).pressSequentially("@Ben");
    await A.page.locator(".mention-list li", { hasText: BEN }).waitFor();
    await A.page.locator(sel.reply).press("Tab");
    assert.equal(await A.page.locator(sel.reply).inputValue(), `Thanks — @${BEN} `);
    await A.page.locator(sel.reply).pressSequentially("can you share the client log?");
    await Promise.all([
      A.page.locator(sel.reply).press("Control+Enter"),
      reply(B.page, "Same here on Wi-Fi. Workaround: disable IPv6 on the adapter."),
    ]);
    await post(A.page, "can you share the client log").waitFor();
    await post(B.page, "Workaround: disable IPv6").waitFor();
    assert.equal(await post(B.page, "can you share the client log").count(), 0, "B is offline");
    const pending = await B.page.locator("[data-testid=sync-badge]").textContent();
    assert.match(pending, /change/, `B's badge counts the unsent reply: ${pending}`);

}

let relayUrl;
let relay;
let browser;
let A;
let B;
const paths = {};

describe("forums", { timeout: 240_000 }, () => {
  before(async () => {
    relay = await startRelay({ dataDir: tempDataDir() });
    relayUrl = relay.url;
    browser = await launchBrowser();
  });

  after(async () => {
    for (const p of [A, B]) await p?.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await relay?.stop().catch(() => {});
  });

  test("categories, and a question whose post cannot inject anything", async () => {
    A = await profile(browser, "A", new URL("forums", relayUrl).href);
    const { page } = A;
    await page.locator(sel.heading).waitFor({ timeout: LOAD_TIMEOUT });
    await page.getByRole("heading", { name: "Start your community" }).waitFor();
    await setName(page, ANA);
    await makeCategory(page, "Release notes", "announcement", "What shipped and when");
    await makeCategory(page, "Product ideas", "idea", "What we should build next");
    await makeCategory(page, "Networking", "question", "VPN, DNS, proxies");
    assert.deepEqual(await texts(page, ".forum-nav .forum-nav-name"), [
      "All threads",
      "Mentions of you",
      "Networking",
      "Product ideas",
      "Release notes",
    ]);

    paths.question = await startThread(
      page,
      "VPN drops every hour since 4.2",
      "Since **4.2** the tunnel drops hourly.\n\n- Windows 11\n- `vpn --status` says *idle*\n\n<script>window.injected = 1</script> [click me](javascript:window.injected=2)",
    );
    const body = post(page, "the tunnel drops hourly").locator(".post-body");
    await body.locator("strong", { hasText: "4.2" }).waitFor();
    assert.deepEqual(await body.locator("li").allTextContents(), ["Windows 11", "vpn --status says idle"]);
    assert.equal(await body.locator("code").textContent(), "vpn --status");
    assert.match(await body.textContent(), /<script>window\.injected = 1<\/script> \[click me\]\(javascript:window\.injected=2\)/);
    assert.equal(await page.locator(".post-body script").count(), 0, "no script element from a post");
    assert.equal(await page.locator(".post-body a").count(), 0, "no javascript: link");
    assert.equal(await page.evaluate(() => window.injected), undefined);
    await page.screenshot({ path: screenshotPath("forum-01-question"), fullPage: true });

    await openForums(A, "forums");
    await waitText(page, sel.rowTitles, "VPN drops every hour since 4.2");
  });

  test("Ben sees what is new: counts per category, the thread's marker, and they clear once read", async () => {
    B = await profile(browser, "B", new URL("forums", relayUrl).href);
    const { page } = B;
    await page.locator(sel.heading).waitFor({ timeout: LOAD_TIMEOUT });
    await setName(page, BEN);
    await waitText(page, `${sel.nav("Networking")} .unread-badge`, "1", LOAD_TIMEOUT);
    await waitText(page, `${sel.rows} .unread-badge`, "1 new");
    assert.match(await page.locator(sel.counts).textContent(), /1 thread · 1 unread/);
    await page.screenshot({ path: screenshotPath("forum-02-unread"), fullPage: true });

    await page.locator(sel.rowTitles).first().click();
    await waitText(page, "#thread-title", "VPN drops every hour since 4.2");
    await page.locator(sel.newSince).waitFor();
    assert.equal(await page.locator(`${sel.posts}.post-new`).count(), 1);

    await page.locator(".crumbs a").click();
    await waitText(page, sel.heading, "Networking");
    await until(async () => (await page.locator(`${sel.rows} .unread-badge`).count()) === 0, "the row's unread count to clear");
    assert.equal(await page.locator(`${sel.nav("Networking")} .unread-badge`).count(), 0);
    // And it stays read across a reload (kept on this device).
    await page.reload();
    await waitText(page, sel.rowTitles, "VPN drops every hour since 4.2", LOAD_TIMEOUT);
    await page.waitForTimeout(300);
    assert.equal(await page.locator(`${sel.rows} .unread-badge`).count(), 0);

    // Ben joins in: from now on he is someone Ana can @mention.
    await page.locator(sel.rowTitles).first().click();
    await reply(page, "Seeing it too, on 4.2.0.");
    await post(page, "Seeing it too").waitFor();
  });

  test("replies written at once, one of them offline, both survive in the same order; a mention reaches Ben", async () => {
    for (const p of [A, B]) {
      await p.page.goto(new URL(paths.question, relayUrl).href);
      await waitText(p.page, "#thread-title", "VPN drops every hour since 4.2", LOAD_TIMEOUT);
      await waitBadge(p.page, "synced", 10_000);
    }
    phase = "B offline";
    const net = await cuttableRelay(B.context);
    await B.page.reload();
    await waitText(B.page, "#thread-title", "VPN drops every hour since 4.2", LOAD_TIMEOUT);
    await net.cut();
    try {
      await replyAtOnce();
    } finally {
      await net.restore();
      phase = "happy path";
    }
    await waitBadge(B.page, "synced", RECONNECT_TIMEOUT);
    for (const p of [A, B]) {
      await post(p.page, "can you share the client log").waitFor({ timeout: 10_000 });
      await post(p.page, "Workaround: disable IPv6").waitFor({ timeout: 10_000 });
    }

    const order = async (p) => texts(p.page, `${sel.posts} .post-author`);
    const onA = await order(A);
    assert.equal(onA.length, 4);
    assert.deepEqual(await order(B), onA, "same order on both screens");
    assert.equal(onA[0], ANA, "the question leads");
    assert.equal(
      await post(A.page, "can you share the client log").locator(".mention").textContent(),
      `@${BEN}`,
    );

    await openForums(B, "mentions");
    await waitText(B.page, sel.rowTitles, "VPN drops every hour since 4.2");
    assert.match(await B.page.locator(".thread-row-snippet").textContent(), /can you share the client log/);
  });

  test("two reactions at once both count; a reply quotes another", async () => {
    for (const p of [A, B]) {
      await p.page.goto(new URL(paths.question, relayUrl).href);
      await post(p.page, "Workaround: disable IPv6").waitFor({ timeout: LOAD_TIMEOUT });
    }
    const react = async (page) => {
      const target = post(page, "Workaround: disable IPv6");
      await target.locator("summary.reaction-add").click();
      await target.getByRole("button", { name: "React 👍" }).click();
    };
    await Promise.all([react(A.page), react(B.page)]);
    for (const p of [A, B]) {
      const pill = post(p.page, "Workaround: disable IPv6").locator(".reaction[aria-pressed]").first();
      await waitText(p.page, `${sel.posts}:has-text("Workaround: disable IPv6") .reaction[aria-pressed] .reaction-count`, "2");
      assert.equal(await pill.getAttribute("aria-pressed"), "true", `${p.name} reacted`);
      assert.match(await pill.getAttribute("title"), new RegExp(`👍 ${ANA}, ${BEN}`));
    }

    await post(B.page, "can you share the client log").getByRole("button", { name: "Quote" }).click();
    await B.page.locator(".quoting", { hasText: `Quoting ${ANA}` }).waitFor();
    assert.equal(await B.page.evaluate(() => document.activeElement?.id), "reply", "quoting moves to the reply box");
    await reply(B.page, "Log attached to case 4471.");
    for (const p of [A, B]) {
      const quote = post(p.page, "Log attached to case 4471").locator(".post-quote");
      await quote.waitFor({ timeout: 10_000 });
      assert.match(await quote.textContent(), new RegExp(`${ANA} wrote.*can you share the client log`));
    }
  });

  test("only the asker is offered Accept answer; accepting marks it for both and in the list", async () => {
    const target = (p) => post(p.page, "Workaround: disable IPv6");
    assert.equal(await B.page.locator("[data-testid=accept]").count(), 0, "Ben did not ask");
    await target(A).locator("[data-testid=accept]").click();
    for (const p of [A, B]) {
      await target(p).locator("[data-testid=accepted]").waitFor({ timeout: 10_000 });
      await p.page.locator(".thread-flags .tag-accepted").waitFor();
    }
    await A.page.screenshot({ path: screenshotPath("forum-03-thread"), fullPage: true });
    await openForums(B, "forums");
    await waitText(B.page, `${sel.rows} .tag-accepted`, "✓ Answered");
  });

  test("a reply Ana has not seen shows in her counts and is marked new in the thread; search finds a word in a post", async () => {
    await openForums(A, "forums");
    await B.page.goto(new URL(paths.question, relayUrl).href);
    await waitText(B.page, "#thread-title", "VPN drops every hour since 4.2", LOAD_TIMEOUT);
    await reply(B.page, "Confirmed: fixed after the workaround.");
    await waitText(A.page, `${sel.rows} .unread-badge`, "1 new", 10_000);
    await waitText(A.page, `${sel.nav("All threads")} .unread-badge`, "1");
    await waitText(A.page, `${sel.nav("Networking")} .unread-badge`, "1");
    await A.page.locator(sel.rowTitles).first().click();
    await A.page.locator(sel.newSince).waitFor();
    assert.deepEqual(await texts(A.page, `${sel.posts}.post-new .post-body`), ["Confirmed: fixed after the workaround."]);
    // The marker sits right above it.
    assert.equal(
      await A.page.locator(`${sel.newSince} + li.post`).getAttribute("data-post"),
      await A.page.locator(`${sel.posts}.post-new`).getAttribute("data-post"),
    );

    await openForums(A, "forums");
    await A.page.evaluate(() => document.activeElement?.blur());
    await A.page.keyboard.press("/");
    await A.page.keyboard.type("ipv6 adapter");
    await waitText(A.page, sel.rowTitles, "VPN drops every hour since 4.2");
    assert.match(await A.page.locator(".thread-row-snippet").textContent(), /disable IPv6 on the adapter/);
    await A.page.locator(".search-input").fill("ipv6 macos");
    await A.page.getByText("No thread has all of those words.").waitFor();
  });

  test("Ben edits his own post and deletes another; only he is offered Edit, and Ana sees both changes", async () => {
    for (const p of [A, B]) {
      await p.page.goto(new URL(paths.question, relayUrl).href);
      await post(p.page, "Confirmed: fixed after the workaround").waitFor({ timeout: LOAD_TIMEOUT });
    }
    const confirmed = (p) => post(p.page, "Confirmed: fixed after the workaround");
    assert.equal(await confirmed(A).getByRole("button", { name: "Edit" }).count(), 0, "Ana cannot edit Ben's post");
    await confirmed(B).getByRole("button", { name: "Edit" }).click();
    // While it is edited, the post's text is in the box (not shown twice).
    const editing = B.page.locator(`${sel.posts}:has(#edit-post)`);
    const box = editing.locator("#edit-post");
    assert.equal(await box.inputValue(), "Confirmed: fixed after the workaround.");
    assert.equal(await editing.locator(".post-body").count(), 0);
    await box.fill("Confirmed: fixed after the workaround, on **4.2.0** too.");
    await editing.getByRole("button", { name: "Save" }).click();
    for (const p of [A, B]) {
      await waitText(p.page, `${sel.posts}:has-text("on 4.2.0 too") .post-body`, "Confirmed: fixed after the workaround, on 4.2.0 too.", 10_000);
      await post(p.page, "on 4.2.0 too").locator(".post-body strong", { hasText: "4.2.0" }).waitFor();
      await post(p.page, "on 4.2.0 too").locator(".post-edited").waitFor();
    }
    assert.equal(await B.page.locator("#edit-post").count(), 0, "the edit box closes on save");

    // Deleting asks first: "no" keeps the post, "yes" deletes it for everyone.
    const log = (p) => post(p.page, "Log attached to case 4471");
    B.page.once("dialog", (d) => d.dismiss());
    await log(B).getByRole("button", { name: "Delete" }).click();
    await B.page.waitForTimeout(300);
    assert.equal(await log(B).locator(".post-body").count(), 1, "kept after no");
    B.page.once("dialog", (d) => d.accept());
    await log(B).getByRole("button", { name: "Delete" }).click();
    for (const p of [A, B]) {
      const gone = p.page.locator(`${sel.posts}:has(.post-deleted)`);
      await gone.waitFor({ timeout: 10_000 });
      assert.equal(await gone.locator(".post-deleted").textContent(), "This post was deleted.");
      assert.equal(await gone.locator("summary.reaction-add, button").count(), 0, "nothing to do with a deleted post");
      assert.equal(await p.page.locator(sel.posts).filter({ hasText: "Log attached to case 4471" }).count(), 0);
    }
  });

  test("moderators pin, set an idea's status and lock; Ben gets no tools and a locked thread takes no reply", async () => {
    await openForums(A, "forums");
    await A.page.locator(sel.nav("Release notes")).click();
    await waitText(A.page, sel.heading, "Release notes");
    const release = await startThread(A.page, "4.2.1 is out", "Fixes the hourly VPN drop.");
    await A.page.getByRole("button", { name: "Pin" }).click();
    await A.page.locator(".thread-flags .tag-pinned").waitFor();

    await openForums(A, "forums");
    await A.page.locator(sel.nav("Product ideas")).click();
    await waitText(A.page, sel.heading, "Product ideas");
    await startThread(A.page, "Offline maps for site visits", "Field teams work where there is no signal.");
    await waitText(A.page, "[data-testid=idea-status]", "New");
    await A.page.locator("[data-testid=set-idea-status]").selectOption("planned");
    await waitText(A.page, "[data-testid=idea-status]", "Planned");

    // The pinned announcement leads "All threads" though it is not the latest.
    await openForums(B, "forums");
    await until(async () => (await B.page.locator(sel.rows).count()) === 3, "three threads on B");
    assert.equal((await texts(B.page, sel.rowTitles))[0], "4.2.1 is out");
    await B.page.goto(new URL(release, relayUrl).href);
    await waitText(B.page, "#thread-title", "4.2.1 is out", LOAD_TIMEOUT);
    assert.equal(await B.page.locator(".mod-tools").count(), 0, "Ben moderates nothing");

    await A.page.goto(new URL(paths.question, relayUrl).href);
    await waitText(A.page, "#thread-title", "VPN drops every hour since 4.2", LOAD_TIMEOUT);
    await A.page.locator("[data-testid=lock]").click();
    await B.page.goto(new URL(paths.question, relayUrl).href);
    await B.page.locator("[data-testid=locked]").waitFor({ timeout: 10_000 });
    await B.page.locator(".locked-note").waitFor();
    assert.equal(await B.page.locator(sel.reply).count(), 0, "no reply box");
    assert.equal(await B.page.getByRole("button", { name: "Quote" }).count(), 0);
    await B.page.screenshot({ path: screenshotPath("forum-04-locked"), fullPage: true });
  });

  test("the forum and a thread fit a phone", async () => {
    await B.page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["forums", paths.question.slice(1)]) {
      await B.page.goto(new URL(path, relayUrl).href);
      await B.page.locator(path === "forums" ? sel.rows : sel.posts).first().waitFor({ timeout: LOAD_TIMEOUT });
      const o = await horizontalOverflow(B.page);
      assert.equal(o.scrollWidth, o.clientWidth, `${path} scrolls sideways: ${o.wide.join(", ")}`);
      await B.page.screenshot({ path: screenshotPath(`forum-05-phone-${path === "forums" ? "list" : "thread"}`), fullPage: true });
    }
  });

  test("no console errors in either profile (but the browser's own note of a socket refused while B was offline)", () => {
    const offlineSocket = (e) =>
      e.phase === "B offline" && /WebSocket connection to .* failed: .*ERR_INTERNET_DISCONNECTED/.test(e.text);
    for (const p of [A, B]) {
      assert.deepEqual(p.consoleErrors.filter((e) => !offlineSocket(e)), [], `profile ${p.name}: unexpected console errors`);
    }
  });
});
