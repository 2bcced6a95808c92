// Sync that people can trust, end to end, in real headless Chromium against
// the built app (dist/) and a running relay (target/debug/sync-server):
//
//   1. a record says its own sync state: "Synced"; offline, "Offline · N
//      changes to sync", and the sync panel lists it under "Waiting to sync"
//      with that count; back online it is "Synced" again;
//   2. the sync log keeps connects, disconnects and merges (naming the record
//      and its change count), survives a reload, and can be cleared;
//   3. after a time offline, "While you were away" lists the record another
//      person changed — by whom, how many changes, which fields — and links
//      to it; the person's own offline edits are not in it;
//   4. the same after the tab was closed: a new tab sums up what changed
//      since the device last had the record;
//   5. no console errors (Chromium's own line about a socket refused while a
//      profile was cut off aside).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchBrowser, screenshotPath, startRelay, tempDataDir } from "../support/harness.js";
import {
  cuttableRelay,
  makeProfile,
  setName,
  storedMetaCount,
  texts,
  until,
  waitBadge,
  waitText,
  waitValue,
} from "../support/page.js";

const LOAD_TIMEOUT = 15_000;
const RECONNECT_TIMEOUT = 30_000;

const sel = {
  title: "input[data-field=title]",
  vision: "textarea[data-field=vision]",
  docSync: "[data-testid=doc-sync]",
  badge: "[data-testid=sync-badge]",
  panel: "[data-testid=sync-panel]",
  waiting: "[data-testid=sync-waiting] li",
  log: "[data-testid=sync-log] li",
  away: "[data-testid=away]",
  awayRows: "[data-testid=away] .away-row",
};

let phase = "happy path";
const profile = makeProfile(() => phase);

let relay;
let browser;
let A;
let B;
let planPath;

/** Open the plan and wait for its title. */
async function openPlan(p, title) {
  await p.page.goto(new URL(planPath, relay.url).href);
  await waitValue(p.page, sel.title, title, LOAD_TIMEOUT);
}

/** Type at the end of a text box, as a person does. */
async function typeAtEnd(page, selector, text) {
  await page.locator(selector).click();
  await page.locator(selector).press("End");
  await page.locator(selector).pressSequentially(text);
}

describe("sync status, log and while you were away", { timeout: 240_000 }, () => {
  before(async () => {
    relay = await startRelay({ dataDir: tempDataDir() });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const p of [A, B]) await p?.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await relay?.stop().catch(() => {});
  });

  test("a record says its own sync state, and the panel lists what waits to sync", async () => {
    A = await profile(browser, "A", relay.url);
    const net = await cuttableRelay(A.context);
    await A.page.reload();
    await setName(A.page, "Ana Lima");
    await A.page.getByRole("button", { name: /New plan/ }).click();
    await A.page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
    planPath = new URL(A.page.url()).pathname;
    await A.page.locator(sel.title).pressSequentially("Contoso FY27");
    await A.page.locator(sel.title).press("Tab");
    await waitText(A.page, sel.docSync, "Synced", 10_000);

    phase = "A offline";
    await net.cut();
    try {
      await waitBadge(A.page, "offline", 10_000);
      await typeAtEnd(A.page, sel.vision, "Cloud first");
      // Each key is a change; the count follows the keys within a frame.
      await waitText(A.page, sel.docSync, /^Offline · (1[1-9]|[2-9]\d|\d{3,}) changes to sync$/);
      await A.page.locator(sel.badge).click();
      await A.page.locator(sel.panel).waitFor();
      // The panel lists the record with the count its own line gives.
      await until(async () => {
        const [line, row] = await Promise.all([
          A.page.locator(sel.docSync).textContent(),
          A.page.locator(sel.waiting).first().textContent({ timeout: 1000 }),
        ]);
        const n = /(\d+) changes? to sync/.exec(line)?.[1];
        return n && new RegExp(`^Plan: Contoso FY27 · ${n} changes?$`).test(row.trim());
      }, "the panel to list the plan with the count its own line gives");
      await A.page.screenshot({ path: screenshotPath("sync-01-offline-panel") });
    } finally {
      await net.restore();
      phase = "happy path";
    }
    await waitText(A.page, sel.docSync, "Synced", RECONNECT_TIMEOUT);
    await A.page.getByText("Nothing: the relay has every change made here.").waitFor();
  });

  test("the sync log keeps connects, disconnects and merges across a reload", async () => {
    const events = () => A.page.locator(sel.log).evaluateAll((els) => els.map((e) => e.dataset.event));
    let logged = await events();
    // Newest first: back online after the cut.
    assert.equal(logged[0], "connected", logged.join(", "));
    assert.ok(logged.includes("disconnected"), logged.join(", "));

    B = await profile(browser, "B", new URL(planPath, relay.url).href);
    await setName(B.page, "Ben Okafor");
    await waitValue(B.page, sel.title, "Contoso FY27", LOAD_TIMEOUT);
    await typeAtEnd(B.page, sel.vision, ", then AI");
    await waitValue(A.page, sel.vision, "Cloud first, then AI", 10_000);
    // Merges are gathered for a second, then logged naming the record.
    await until(async () => (await events()).includes("merged"), "a merge in A's log", 10_000);
    const merged = A.page.locator(`${sel.log}[data-event=merged]`).first();
    assert.match(await merged.textContent(), /Merged: 1 record, \d+ changes?.*Contoso FY27 \(\d+\)/);

    await A.page.reload();
    await waitValue(A.page, sel.title, "Contoso FY27", LOAD_TIMEOUT);
    await A.page.locator(sel.badge).click();
    logged = await events();
    assert.ok(logged.includes("merged") && logged.includes("disconnected"), `kept across reload: ${logged.join(", ")}`);
    await A.page.getByRole("button", { name: "Clear" }).click();
    await A.page.getByText("Nothing logged yet.").waitFor();
    await until(async () => (await storedMetaCount(A.page, "sync-log/")) === 0, "the clear to reach IndexedDB");
    await A.page.reload();
    await waitValue(A.page, sel.title, "Contoso FY27", LOAD_TIMEOUT);
    await A.page.locator(sel.badge).click();
    // Only what happened since the clear (this load's connect).
    assert.deepEqual(await events(), ["connected"]);
    await A.page.keyboard.press("Escape");
    await until(async () => (await A.page.locator(sel.panel).count()) === 0, "Escape to close the panel");
  });

  test("after a time offline, while you were away lists what others changed, with a link", async () => {
    await openPlan(A, "Contoso FY27");
    await openPlan(B, "Contoso FY27");
    await waitBadge(B.page, "synced", 10_000);
    const net = await cuttableRelay(B.context);
    await B.page.reload();
    await waitValue(B.page, sel.title, "Contoso FY27", LOAD_TIMEOUT);
    // The reload itself was a start-up: nothing changed meanwhile.
    await B.page.waitForTimeout(2_000);
    assert.equal(await B.page.locator(sel.away).count(), 0, "nothing to report after a plain reload");
    phase = "B offline";
    await net.cut();
    try {
      await waitBadge(B.page, "offline", 10_000);
      // Ana changes the title and the vision; Ben, offline, the vision too.
      await A.page.locator(sel.title).fill("Contoso FY27 — renewal");
      await A.page.locator(sel.title).press("Tab");
      await typeAtEnd(A.page, sel.vision, " by Q3");
      await typeAtEnd(B.page, sel.vision, " (Ben's note)");
      await waitBadge(A.page, "synced", 10_000);
    } finally {
      await net.restore();
      phase = "happy path";
    }
    await waitBadge(B.page, "synced", RECONNECT_TIMEOUT);
    await B.page.locator(sel.away).waitFor({ timeout: 10_000 });
    assert.deepEqual(await texts(B.page, `${sel.awayRows} .away-title`), ["Contoso FY27 — renewal"]);
    const meta = await B.page.locator(`${sel.awayRows} .away-meta`).textContent();
    assert.match(meta, /^Ana Lima · \d+ changes · title, vision$/);
    assert.doesNotMatch(meta, /Ben/, "his own edits are not news to him");
    await B.page.screenshot({ path: screenshotPath("sync-02-away") });
    await B.page.locator(`${sel.awayRows} .away-title`).click();
    await B.page.waitForURL((u) => u.pathname === planPath);
    await B.page.locator("[data-testid=away-dismiss]").click();
    await until(async () => (await B.page.locator(sel.away).count()) === 0, "the card to go");
  });

  test("after the tab was closed, a new tab sums up what changed since", async () => {
    await B.page.close();
    await typeAtEnd(A.page, sel.vision, ", signed");
    await waitBadge(A.page, "synced", 10_000);
    B.page = await B.context.newPage();
    B.page.on("console", (m) => {
      if (m.type() === "error") B.consoleErrors.push({ phase, text: m.text(), url: m.location()?.url ?? "" });
    });
    await B.page.goto(new URL(planPath, relay.url).href);
    await B.page.locator(sel.away).waitFor({ timeout: LOAD_TIMEOUT });
    assert.match(await B.page.locator(`${sel.awayRows} .away-meta`).textContent(), /^Ana Lima · \d+ changes? · vision$/);
    await waitValue(B.page, sel.vision, await A.page.locator(sel.vision).inputValue());
  });

  test("no console errors", () => {
    const offlineSocket = (e) =>
      e.phase.endsWith("offline") && /WebSocket connection to .* failed: .*ERR_INTERNET_DISCONNECTED/.test(e.text);
    for (const p of [A, B]) {
      assert.deepEqual(p.consoleErrors.filter((e) => !offlineSocket(e)), [], `profile ${p.name}: unexpected console errors`);
    }
  });
});
