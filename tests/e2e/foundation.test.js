// The foundation slice, end to end, in real headless Chromium against the
// built app (dist/) and a running relay (target/debug/sync-server):
//
//   1. an empty list on first open; a plan typed with the keyboard is saved as
//      you type and survives a reload; the badge reaches "synced";
//   2. a second, independent profile sees the plan, and edits travel both ways;
//   3. two people typing in the same text box at the same moment merge
//      character by character, and a remote edit does not make the caret jump;
//   4. with the relay down the badge says offline with a pending count, the app
//      still reloads (from IndexedDB), and the offline edits reach the other
//      window once the relay is back;
//   5. no console errors on the happy path; the plan page fits a phone.
//
// The tests share one relay, one browser and two profiles (A and B) and run in
// order; each builds on the state the one before left.

import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { after, before, describe, test } from "node:test";

import {
  distDir,
  launchBrowser,
  screenshotPath,
  startRelay,
  tempDataDir,
} from "../support/harness.js";
import {
  TIMEOUT,
  caretAt,
  isSubsequence,
  makeProfile,
  pendingCount,
  sideBySide,
  value,
  waitBadge,
  waitPending,
  waitValue,
} from "../support/page.js";

const TITLE = "Contoso FY27 — cloud renewal";
// Long, multi-line, with accents, a dash and a character outside the BMP
// (two UTF-16 units), so splice positions are exercised beyond ASCII.
const VISION = [
  "Contoso wants to retire its two on-premises data centres by the end of FY27 and run every customer-facing workload in the cloud.",
  "Their CIO, Aurélie Martin, measures success by three things: release cadence (weekly, not quarterly), cost per transaction down 30 %, and zero unplanned outages during the holiday peak.",
  "Constraints: data residency in the EU, a frozen headcount in IT operations, and a board that wants proof before every big step 🚀 — so we plan in small, visible wins.",
].join("\n");

const RECONNECT_TIMEOUT = 30_000; // the transport's backoff tops out at ~10 s

const sel = {
  title: "input[data-field=title]",
  vision: "textarea[data-field=vision]",
  docUrl: "[data-testid=doc-url]",
  row: ".plan-row",
  rowTitle: ".plan-row-title",
};

// ---------------------------------------------------------------- helpers

let phase = "happy path";
const profile = makeProfile(() => phase);

const selection = (page, selector) =>
  page.locator(selector).evaluate((el) => ({
    start: el.selectionStart,
    end: el.selectionEnd,
    focused: document.activeElement === el,
  }));

/**
 * Resolves when the page next fails to open a WebSocket (the transport
 * tried to reconnect and the relay was not there).
 */
function nextRefusedSocket(page, timeout = 15_000) {
  return new Promise((ok, fail) => {
    const onSocket = (ws) => ws.once("socketerror", (error) => done(null, error));
    const timer = setTimeout(() => done(new Error(`no reconnect attempt within ${timeout} ms`)), timeout);
    const done = (err, error) => {
      clearTimeout(timer);
      page.off("websocket", onSocket);
      err ? fail(err) : ok(error);
    };
    page.on("websocket", onSocket);
  });
}

/** Serve dist/ from disk for this context, so the page loads with the relay down. */
async function serveDistFromDisk(context, origin) {
  const root = resolve(distDir);
  const types = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
  };
  // A page Playwright fulfils has no network address, so Chromium's Local
  // Network Access checks treat it as public and block its WebSocket to the
  // loopback relay. A page served by the relay (or, later, by a service
  // worker) is not affected; grant the permission so this stand-in is not.
  await context.grantPermissions(["local-network-access"], { origin });
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin) return route.continue();
    // The relay's own API is down with it; the app must fall back to the
    // workspace it remembers in IndexedDB.
    if (url.pathname.startsWith("/api/")) return route.abort("connectionrefused");
    let file = resolve(root, "." + decodeURIComponent(url.pathname));
    if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      file = join(root, "index.html"); // the app's routes, like the relay does
    }
    return route.fulfill({
      status: 200,
      contentType: types[extname(file)] ?? "application/octet-stream",
      body: await readFile(file),
    });
  });
}

// ---------------------------------------------------------------- the tests

describe("foundation: one plan through the real stack", { timeout: 180_000 }, () => {
  let relay;
  let port;
  let dataDir;
  let browser;
  /** @type {any} */ let A;
  /** @type {any} */ let B;
  const profiles = [];
  let planPath;

  before(async () => {
    dataDir = tempDataDir();
    relay = await startRelay({ dataDir });
    port = relay.port;
    browser = await launchBrowser();
  });

  after(async () => {
    for (const p of profiles) await p.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await relay?.stop().catch(() => {});
  });

  test("first open: empty list; a plan typed by keyboard survives a reload and syncs", async () => {
    A = await profile(browser, "A", relay.url);
    profiles.push(A);
    const { page } = A;

    await page.getByRole("heading", { name: "Account plans" }).waitFor({ timeout: 15_000 });
    await page.getByText("Start your first account plan").waitFor();
    assert.equal(await page.locator(sel.row).count(), 0, "a fresh profile lists no plans");
    await page.screenshot({ path: screenshotPath("01-empty-list") });

    await page.getByRole("button", { name: /New plan/ }).click();
    await page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
    planPath = new URL(page.url()).pathname;
    const id = planPath.split("/").pop();
    assert.equal(await page.locator(sel.docUrl).textContent(), `automerge:${id}`);

    // The title box is focused on a new plan: type straight into it.
    await page.locator(sel.title).waitFor();
    assert.ok(
      await page.locator(sel.title).evaluate((el) => document.activeElement === el),
      "a new plan's title box has the focus",
    );
    await page.keyboard.type(TITLE);
    await page.locator(sel.vision).click();
    await page.keyboard.type(VISION);
    assert.equal(await value(page, sel.title), TITLE);
    assert.equal(await value(page, sel.vision), VISION);

    const synced = await waitBadge(page, "synced", 10_000);
    assert.equal(synced.text, "Synced");
    await page.screenshot({ path: screenshotPath("02-plan-page"), fullPage: true });

    await page.reload();
    await waitValue(page, sel.title, TITLE, 10_000);
    await waitValue(page, sel.vision, VISION);
    await waitBadge(page, "synced", 10_000);

    // And the list shows it, by title.
    await page.getByRole("link", { name: "← All plans" }).click();
    await page.locator(sel.rowTitle, { hasText: TITLE }).waitFor({ timeout: TIMEOUT });
    assert.equal(await page.locator(sel.row).count(), 1);
    assert.match(await page.locator(".page-sub").textContent(), /1 plan in this workspace/);
  });

  test("a second profile sees the plan; edits travel both ways within seconds", async () => {
    assert.ok(planPath, "needs the plan made by the first test");
    B = await profile(browser, "B", relay.url);
    profiles.push(B);

    const started = performance.now();
    await B.page.locator(sel.rowTitle, { hasText: TITLE }).waitFor({ timeout: 10_000 });
    console.log(`# B's list showed the plan ${Math.round(performance.now() - started)} ms after navigation`);
    await B.page.screenshot({ path: screenshotPath("03-second-profile-list") });

    await B.page.locator(sel.row).first().getByRole("link").click();
    await B.page.waitForURL((u) => u.pathname === planPath);
    await waitValue(B.page, sel.title, TITLE);
    await waitValue(B.page, sel.vision, VISION);

    await A.page.goto(new URL(planPath, relay.url).href);
    await waitValue(A.page, sel.vision, VISION, 10_000);

    // A → B: the title.
    const suffix = " (draft)";
    await caretAt(A.page, sel.title, TITLE.length);
    await A.page.keyboard.type(suffix);
    const aToB = await waitValue(B.page, sel.title, TITLE + suffix);
    console.log(`# propagation A → B (title, ${suffix.length} keystrokes): ${aToB} ms after the last keystroke`);

    // B → A: the vision, at its very start.
    const prefix = "Summary: modernise. ";
    await caretAt(B.page, sel.vision, 0);
    await B.page.keyboard.type(prefix);
    const bToA = await waitValue(A.page, sel.vision, prefix + VISION);
    console.log(`# propagation B → A (vision, ${prefix.length} keystrokes): ${bToA} ms after the last keystroke`);

    // One keystroke, timed from the key press to the other screen.
    await caretAt(A.page, sel.title, (TITLE + suffix).length);
    const t0 = performance.now();
    await A.page.keyboard.press("!");
    await waitValue(B.page, sel.title, TITLE + suffix + "!");
    console.log(`# one keystroke A → B: ${Math.round(performance.now() - t0)} ms key-press-to-screen`);
    await A.page.keyboard.press("Backspace");
    await waitValue(B.page, sel.title, TITLE + suffix);

    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("two people typing in the same text box at once merge character by character", async () => {
    assert.ok(B, "needs both profiles");
    const base = await value(A.page, sel.vision);
    assert.equal(await value(B.page, sel.vision), base);

    // Different places: A just after the first sentence, B at the end.
    const atA = base.indexOf("cloud.") + "cloud.".length;
    assert.ok(atA > 10);
    const typedA = " Phase one moves the web shop.";
    const typedB = "\nNext review: 14 March, with the CFO.";
    await caretAt(A.page, sel.vision, atA);
    await caretAt(B.page, sel.vision, base.length);
    const t0 = performance.now();
    await Promise.all([
      A.page.keyboard.type(typedA, { delay: 25 }),
      B.page.keyboard.type(typedB, { delay: 20 }),
    ]);
    const expected = base.slice(0, atA) + typedA + base.slice(atA) + typedB;
    await waitValue(A.page, sel.vision, expected);
    await waitValue(B.page, sel.vision, expected);
    console.log(
      `# concurrent typing (${typedA.length} + ${typedB.length} keystrokes) converged ${Math.round(performance.now() - t0)} ms after both started`,
    );
    // Each person's caret stayed where they were typing.
    assert.equal((await selection(A.page, sel.vision)).start, atA + typedA.length);
    assert.equal((await selection(B.page, sel.vision)).start, expected.length);

    // The same place at the same moment: who goes first is up to the CRDT,
    // but nobody's characters are lost and each person's stay in order.
    const spot = expected.indexOf("Their CIO");
    const sameA = "[aaa aaa]";
    const sameB = "{bbb bbb}";
    await caretAt(A.page, sel.vision, spot);
    await caretAt(B.page, sel.vision, spot);
    await Promise.all([
      A.page.keyboard.type(sameA, { delay: 15 }),
      B.page.keyboard.type(sameB, { delay: 15 }),
    ]);
    await A.page.waitForFunction(
      ([s, n]) => document.querySelector(s).value.length === n,
      [sel.vision, expected.length + sameA.length + sameB.length],
      { timeout: TIMEOUT },
    );
    await B.page.waitForFunction(
      ([s, want]) => document.querySelector(s).value === want,
      [sel.vision, await value(A.page, sel.vision)],
      { timeout: TIMEOUT },
    );
    const merged = await value(A.page, sel.vision);
    assert.equal(await value(B.page, sel.vision), merged, "both windows show the same text");
    const inserted = merged.slice(spot, spot + sameA.length + sameB.length);
    assert.equal(merged.slice(0, spot) + merged.slice(spot + inserted.length), expected);
    assert.ok(isSubsequence(sameA, inserted), `A's characters in order in ${JSON.stringify(inserted)}`);
    assert.ok(isSubsequence(sameB, inserted), `B's characters in order in ${JSON.stringify(inserted)}`);
    assert.deepEqual([...inserted].sort(), [...(sameA + sameB)].sort());
    console.log(`# same-spot concurrent typing merged as ${JSON.stringify(inserted)}`);

    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
    const shots = [
      { label: "Window A", png: await A.page.screenshot() },
      { label: "Window B", png: await B.page.screenshot() },
    ];
    await sideBySide(browser, "04-concurrent-merge", shots);
  });

  test("the caret does not jump when someone else's edit lands", async () => {
    assert.ok(B, "needs both profiles");
    const base = await value(A.page, sel.vision);

    // A rests in the middle of the text, not typing.
    const mid = base.indexOf("Constraints:");
    assert.ok(mid > 0);
    await caretAt(A.page, sel.vision, mid);

    // B inserts before A's caret: A's caret moves right by exactly that much.
    const before = "Context: ";
    await caretAt(B.page, sel.vision, 0);
    await B.page.keyboard.type(before);
    await waitValue(A.page, sel.vision, before + base);
    let caret = await selection(A.page, sel.vision);
    assert.ok(caret.focused, "A's text box keeps the focus");
    assert.deepEqual([caret.start, caret.end], [mid + before.length, mid + before.length]);

    // B inserts after A's caret: A's caret stays put.
    const tail = " Thanks!";
    await caretAt(B.page, sel.vision, (before + base).length);
    await B.page.keyboard.type(tail);
    const now = before + base + tail;
    await waitValue(A.page, sel.vision, now);
    caret = await selection(A.page, sel.vision);
    assert.deepEqual([caret.start, caret.end], [mid + before.length, mid + before.length]);

    // A keeps typing and it lands where A's caret is.
    const typed = "Key point: ";
    await A.page.keyboard.type(typed);
    const at = mid + before.length;
    const want = now.slice(0, at) + typed + now.slice(at);
    await waitValue(A.page, sel.vision, want);
    await waitValue(B.page, sel.vision, want);

    // A selection (not just a caret) is carried over too.
    const word = "Constraints";
    const from = want.indexOf(word);
    await A.page.locator(sel.vision).evaluate((el, [s, e]) => el.setSelectionRange(s, e), [from, from + word.length]);
    await caretAt(B.page, sel.vision, 0);
    await B.page.keyboard.type(">> ");
    await waitValue(A.page, sel.vision, ">> " + want);
    caret = await selection(A.page, sel.vision);
    assert.deepEqual([caret.start, caret.end], [from + 3, from + 3 + word.length]);
    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("relay down: offline badge with a pending count, reload from IndexedDB, merge on return", async () => {
    assert.ok(B, "needs both profiles");
    const titleBefore = await value(A.page, sel.title);
    const visionBefore = await value(A.page, sel.vision);

    const retriedB = nextRefusedSocket(B.page);
    const downAt = performance.now();
    phase = "relay down";
    const { signal } = await relay.stop();
    relay = undefined;
    try {
      assert.ok(signal === "SIGTERM" || signal === null, `relay stopped (${signal})`);
      await offlineThenBack(titleBefore, visionBefore, retriedB, downAt);
    } finally {
      // Whatever happened above, leave a relay running for the tests after.
      relay ??= await startRelay({ port, dataDir });
      await A.context.unrouteAll({ behavior: "ignoreErrors" });
    }
  });

  async function offlineThenBack(titleBefore, visionBefore, retriedB, downAt) {
    await waitBadge(A.page, "offline");
    await waitBadge(B.page, "offline");

    // A keeps typing in the vision, B in the title.
    const offA1 = " Offline note from the plane.";
    await caretAt(A.page, sel.vision, visionBefore.length);
    await A.page.keyboard.type(offA1);
    let aBadge = await waitPending(A.page);
    assert.equal(aBadge.state, "offline");
    assert.match(aBadge.text, /^Offline · \d+ changes? to sync$/);
    assert.ok(pendingCount(aBadge.text) > 0, `A shows a pending count: ${aBadge.text}`);
    await A.page.screenshot({ path: screenshotPath("05-offline-badge") });

    const offB = " [B, offline]";
    await caretAt(B.page, sel.title, titleBefore.length);
    await B.page.keyboard.type(offB);
    const bBadge = await waitPending(B.page);
    assert.equal(bBadge.state, "offline");
    assert.ok(pendingCount(bBadge.text) > 0, `B shows a pending count: ${bBadge.text}`);

    // Reload A with the relay down. The relay also serves the app, so this
    // context gets dist/ from disk instead (what a service worker would do);
    // /api/workspace fails, the WebSocket cannot connect, and the data must
    // come from IndexedDB.
    await serveDistFromDisk(A.context, `http://127.0.0.1:${port}`);
    await A.page.reload();
    await waitValue(A.page, sel.vision, visionBefore + offA1, 10_000);
    assert.equal(await value(A.page, sel.title), titleBefore, "A has not seen B's offline edit");
    aBadge = await waitBadge(A.page, "offline");
    assert.ok(pendingCount(aBadge.text) > 0, `after the reload A still shows what is pending: ${aBadge.text}`);

    const offA2 = " Second offline note.";
    await caretAt(A.page, sel.vision, (visionBefore + offA1).length);
    await A.page.keyboard.type(offA2);
    await A.page.screenshot({ path: screenshotPath("05b-offline-after-reload") });

    // Stay down until B's transport has tried to reconnect and failed, so the
    // way back goes through the backoff, not just the first attempt.
    assert.match(await retriedB, /ERR_CONNECTION_REFUSED/);

    // The relay comes back on the same port with the same data.
    relay = await startRelay({ port, dataDir });
    await A.context.unrouteAll({ behavior: "ignoreErrors" });
    const back = performance.now();
    console.log(`# the relay was down for ${Math.round(back - downAt)} ms`);
    const wantVision = visionBefore + offA1 + offA2;
    const wantTitle = titleBefore + offB;
    await waitValue(B.page, sel.vision, wantVision, RECONNECT_TIMEOUT);
    console.log(`# A's offline edits reached B ${Math.round(performance.now() - back)} ms after the relay restarted`);
    await waitValue(A.page, sel.title, wantTitle, RECONNECT_TIMEOUT);
    console.log(`# B's offline edit reached A ${Math.round(performance.now() - back)} ms after the relay restarted`);
    assert.equal(await value(A.page, sel.vision), wantVision);
    assert.equal(await value(B.page, sel.title), wantTitle);
    assert.equal((await waitBadge(A.page, "synced", RECONNECT_TIMEOUT)).text, "Synced");
    assert.equal((await waitBadge(B.page, "synced", RECONNECT_TIMEOUT)).text, "Synced");
    // Only now: a refused connection attempt from just before the restart may
    // be reported a little late.
    phase = "happy path";
  }

  test("the plan page fits a phone (390×844) without horizontal scrolling", async () => {
    assert.ok(planPath && relay, "needs the plan and a running relay");
    const phone = await profile(browser, "phone", new URL(planPath, relay.url).href, { width: 390, height: 844 });
    profiles.push(phone);
    await waitValue(phone.page, sel.vision, await value(A.page, sel.vision), 10_000);
    await waitBadge(phone.page, "synced");
    // A link to an existing plan opens for reading: the title does not grab
    // the focus (on a phone that would pop the keyboard over the plan).
    const focused = await phone.page.evaluate(() => document.activeElement?.getAttribute("data-field"));
    assert.notEqual(focused, "title", "opening an existing plan on a new device leaves its title unfocused");
    const { scrollWidth, clientWidth } = await phone.page.evaluate(() => ({
      scrollWidth: document.scrollingElement.scrollWidth,
      clientWidth: document.scrollingElement.clientWidth,
    }));
    await phone.page.screenshot({ path: screenshotPath("06-phone-plan-page"), fullPage: true });
    assert.ok(scrollWidth <= 390, `page is ${scrollWidth}px wide on a 390px screen`);
    assert.ok(scrollWidth <= clientWidth, `no horizontal overflow (${scrollWidth} > ${clientWidth})`);
  });

  test("no console errors, except the relay being unreachable while it was down", () => {
    assert.ok(profiles.length >= 2, "needs the profiles");
    const origin = `127.0.0.1:${port}`;
    const expectedWhileDown = (e) =>
      // The transport's reconnect attempts.
      new RegExp(`^WebSocket connection to 'ws://${origin}/sync(\\?token=[^']*)?' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED$`).test(e.text) ||
      // The reload's /api/workspace request, refused on purpose above.
      (e.url.split("?")[0] === `http://${origin}/api/workspace` && e.text.includes("net::ERR_CONNECTION_REFUSED"));
    for (const p of profiles) {
      const allowed = p.consoleErrors.filter((e) => e.phase === "relay down" && expectedWhileDown(e));
      console.log(`# profile ${p.name}: ${p.consoleErrors.length} console errors, ${allowed.length} of them the relay being unreachable`);
      const unexpected = p.consoleErrors.filter((e) => !(e.phase === "relay down" && expectedWhileDown(e)));
      assert.deepEqual(unexpected, [], `profile ${p.name}: unexpected console errors`);
      // The harness' own list holds the same messages, unfiltered.
      assert.equal(p.errors.length, p.consoleErrors.length);
    }
  });
});

