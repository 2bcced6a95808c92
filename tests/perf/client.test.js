// The client's own figures, in real headless Chromium against the built app
// (issue 8, "Client"):
//
//   1. cold open: a workspace with N documents in IndexedDB (escalations and
//      the systemic issues they link to, seeded with `bench seed` and
//      received once from the relay) is opened again in a new tab: time to
//      the first contentful paint, and to the board counting all N;
//   2. keystroke to paint in an account plan whose text is PLAN_KB KB of
//      paragraphs: real key presses, each timed from the key event to the
//      frame after it was painted; then the page is loaded again and timed
//      until the box shows the whole typed plan; and the same keys in a
//      plan holding the same text as one paragraph;
//   3. others typing in that plan while the person types too, as in a
//      meeting: a JavaScript automerge-repo client splices REMOTE_CPS
//      characters a second into it for REMOTE_SECONDS; timed are the
//      person's own keys (key to painted), the page's longest task, and how
//      long after the last remote character was typed, and after their
//      client last sent changes, the page showed all of them (watched while
//      the person is still typing);
//   4. the size of the app's .wasm, raw and with brotli (quality 11).
//
// Figures are printed and written to tests/output/perf-client.json (the
// bench command's table reads it), never asserted on. The test command runs
// it small; `scripts/bench` runs it at the sizes (N = 1000,
// PLAN_KB = 100).

import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { brotliCompressSync, constants } from "node:zlib";

import { decodeSyncMessage, splice } from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

import {
  distDir,
  launchBrowser,
  openProfile,
  outputDir,
  screenshotPath,
  seedEscalations,
  signIn,
  startRelay,
} from "../support/harness.js";
import { until } from "../support/page.js";

const N = Number(process.env.FIELDBOOK_BENCH_DOCS ?? 150);
const PLAN_KB = Number(process.env.FIELDBOOK_BENCH_PLAN_KB ?? 20);
const KEYS = Number(process.env.FIELDBOOK_BENCH_KEYS ?? 30);
const REMOTE_CPS = Number(process.env.FIELDBOOK_BENCH_REMOTE_CPS ?? 30);
const REMOTE_SECONDS = Number(process.env.FIELDBOOK_BENCH_REMOTE_SECONDS ?? 4);
const SLOW = 120_000 + N * 60;

let relay;
let browser;
let documents = N;
const figures = {};

before(async () => {
  const { dataDir, systemic } = seedEscalations(N, { release: true });
  documents = N + systemic;
  relay = await startRelay({ dataDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, "perf-client.json"), JSON.stringify(figures, null, 2));
  console.log(`\nthe client (headless Chromium): ${JSON.stringify(figures, null, 2)}`);
});

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

test(`cold open with ${N} escalations on the device`, { timeout: SLOW * 2 }, async () => {
  const { context, page, errors } = await openProfile(browser, `${relay.url}escalations`);
  const counts = "[data-testid=esc-counts]";
  const all = new RegExp(`of ${N} `);
  // The first open receives every document from the relay into IndexedDB.
  await page.waitForFunction(
    ([s, p]) => new RegExp(p).test(document.querySelector(s)?.textContent ?? ""),
    [counts, all.source],
    { timeout: SLOW, polling: 250 },
  );
  // Wait for the device to have saved all of it (the badge says so), then
  // close the tab and open a new one.
  await page.waitForFunction(
    () => document.querySelector("[data-testid=sync-badge]")?.title.startsWith("Everything is saved"),
    null,
    { timeout: SLOW, polling: 250 },
  );
  await page.close();
  const cold = await context.newPage();
  cold.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  // The longest stretch the page could not answer a click or paint.
  await cold.addInitScript(() => {
    // What the splash said while the workspace opened.
    window.splashSaid = [];
    new MutationObserver(() => {
      const said = document.querySelector(".splash p")?.textContent;
      if (said && said !== window.splashSaid.at(-1)) window.splashSaid.push(said);
    }).observe(document, { subtree: true, childList: true, characterData: true });
    window.longestTask = 0;
    new PerformanceObserver((list) => {
      for (const t of list.getEntries()) window.longestTask = Math.max(window.longestTask, t.duration);
    }).observe({ type: "longtask", buffered: true });
  });
  await cold.goto(`${relay.url}escalations`);
  const listed = await cold.waitForFunction(
    ([s, p]) => new RegExp(p).test(document.querySelector(s)?.textContent ?? "") && performance.now(),
    [counts, all.source],
    { timeout: SLOW, polling: "raf" },
  );
  const fcp = await cold.evaluate(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
  );
  figures.cold_open = {
    documents,
    first_contentful_paint_ms: fcp,
    all_listed_ms: await listed.jsonValue(),
    longest_task_ms: await cold.evaluate(() => window.longestTask),
  };
  const said = await cold.evaluate(() => window.splashSaid);
  console.log(`# cold open: the splash said ${JSON.stringify(said.slice(0, 3))} … ${JSON.stringify(said.at(-1))} (${said.length} updates)`);
  await cold.screenshot({ path: screenshotPath("perf-cold-open") });
  assert.ok(fcp !== null, "the browser reports a first contentful paint");
  assert.deepEqual(errors, [], "no console errors");
  await context.close();
});

const typedKeys = () => "abcdefghij".repeat(Math.ceil(KEYS / 10)).slice(0, KEYS);

/**
 * Type KEYS keys at the end of `box`, one at a time, and time each: from
 * the key event to the end of its handling (a task queued from the key
 * event runs after the input events and their microtasks), and to the
 * frame after it was painted (a task queued from the next animation frame).
 */
async function typeTimed(page, box) {
  await box.focus();
  await box.evaluate((el) => el.setSelectionRange(el.value.length, el.value.length));
  await page.evaluate(() => {
    window.handled = [];
    window.painted = [];
    window.onkeydown = (e) => {
      const start = e.timeStamp;
      setTimeout(() => window.handled.push(performance.now() - start), 0);
      requestAnimationFrame(() => setTimeout(() => window.painted.push(performance.now() - start), 0));
    };
  });
  for (const ch of typedKeys()) {
    await page.keyboard.press(ch);
    await page.waitForTimeout(25);
  }
  await page.waitForFunction((n) => window.painted.length >= n && window.handled.length >= n, KEYS);
  const summary = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95), max_ms: sorted[sorted.length - 1] };
  };
  const { handled, painted } = await page.evaluate(() => ({ handled: window.handled, painted: window.painted }));
  return { handled: summary(handled), painted: summary(painted) };
}

/**
 * PLAN_KB KB of a plan's text: paragraphs of six sentences with a blank
 * line between them, as people write; `flat`: the same sentences as one
 * paragraph with no line break (the browser's worst case: every keystroke
 * lays out all of it again).
 */
function planText(flat) {
  const line = "Grow the installed base in the north region; renew the EA early and land the analytics add-on. ";
  const paragraph = line.repeat(6).trim();
  const size = PLAN_KB * 1024;
  const text = flat ? line.repeat(Math.ceil(size / line.length)) : Array(Math.ceil(size / paragraph.length)).fill(paragraph).join("\n\n");
  return text.slice(0, size);
}

/** A new plan in `page` whose vision holds `planText(flat)`; returns the box and the text. */
async function bigPlan(page, flat = false) {
  await page.getByRole("button", { name: /New plan/ }).click();
  await page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
  const box = page.locator('.plan-section > .field textarea[data-field="vision"]');
  const text = planText(flat);
  await box.fill(text);
  return { box, text };
}

/**
 * Time KEYS keys at the end of `box` and then the same keys in a plain
 * textarea holding `text`, outside the app: the browser's own cost and the
 * wait for the next frame, which every keystroke pays whatever the app does.
 */
async function typeBoth(page, box, text) {
  await page.evaluate((t) => {
    const plain = document.createElement("textarea");
    plain.id = "bench-control";
    plain.style = "position:fixed;bottom:0;right:0;width:300px;height:80px";
    plain.value = t;
    document.body.append(plain);
  }, text);
  const app = await typeTimed(page, box);
  const plain = await typeTimed(page, page.locator("#bench-control"));
  await page.evaluate(() => document.getElementById("bench-control").remove());
  // The plan really holds what was typed, after everything before it.
  const value = await box.inputValue();
  assert.equal(value.length, text.length + KEYS);
  assert.ok(value.endsWith(typedKeys()), "the keystrokes landed at the end");
  return { app, plain };
}

test(`keystroke to paint in a ${PLAN_KB} KB account plan`, { timeout: SLOW }, async () => {
  const { context, page, errors } = await openProfile(browser, relay.url);
  const { box, text } = await bigPlan(page);
  const { app, plain } = await typeBoth(page, box, text);
  // Reopen the typed plan: once the device has saved every keystroke, load
  // the page again and time until the box shows all of it.
  await page.waitForFunction(
    () => document.querySelector("[data-testid=sync-badge]")?.title.startsWith("Everything is saved"),
    null,
    { timeout: SLOW, polling: 250 },
  );
  await page.reload();
  const shown = await page.waitForFunction(
    (n) => document.querySelector('.plan-section > .field textarea[data-field="vision"]')?.value.length === n && performance.now(),
    text.length + KEYS,
    { timeout: SLOW, polling: "raf" },
  );
  assert.ok((await box.inputValue()).endsWith(typedKeys()), "the reopened plan holds the keystrokes");
  const reopened_ms = await shown.jsonValue();
  figures.keystroke = { plan_bytes: text.length, keys: KEYS, app, plain_textarea: plain, reopened_ms };
  assert.deepEqual(errors, [], "no console errors");
  await context.close();
});

test(`keystroke to paint in a ${PLAN_KB} KB plan written as one paragraph`, { timeout: SLOW }, async () => {
  const { context, page, errors } = await openProfile(browser, relay.url);
  const { box, text } = await bigPlan(page, true);
  const { app, plain } = await typeBoth(page, box, text);
  figures.keystroke_one_paragraph = { plan_bytes: text.length, keys: KEYS, app, plain_textarea: plain };
  assert.deepEqual(errors, [], "no console errors");
  await context.close();
});

test(`others typing ${REMOTE_CPS} characters a second in a ${PLAN_KB} KB plan`, { timeout: SLOW }, async () => {
  const { context, page, errors } = await openProfile(browser, relay.url);
  const { box, text } = await bigPlan(page);
  // The edit is offered to the relay once its frame is painted (within
  // 100 ms however the page is drawn); from then the badge counts it until
  // the relay has it.
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 150))));
  await page.locator('[data-testid=sync-badge][data-state="synced"]').waitFor({ timeout: SLOW });
  const url = (await page.locator("[data-testid=doc-url]").textContent()).trim();

  // The others: one JavaScript automerge-repo client typing for all of them.
  const adapter = new WebSocketClientAdapter(relay.wsUrl);
  // When their client last sent changes: it merges the person's keys into
  // its own copy of the plan too, and may send its last ones late.
  let lastSent = 0;
  const send = adapter.send.bind(adapter);
  adapter.send = (message) => {
    if (message.type === "sync" && decodeSyncMessage(message.data).changes.length > 0) lastSent = Date.now();
    send(message);
  };
  const others = new Repo({ network: [adapter], peerId: `perf-others-${Date.now()}` });
  try {
    const handle = await others.find(url, { signal: AbortSignal.timeout(SLOW) });
    await until(() => handle.doc().vision.length === text.length, "the others to have the plan", SLOW);
    await page.evaluate(() => {
      window.longestTask = 0;
      new PerformanceObserver((list) => {
        for (const t of list.getEntries()) window.longestTask = Math.max(window.longestTask, t.duration);
      }).observe({ type: "longtask" });
    });

    // They type near the top ("R", which the text does not hold) while the
    // person types at the end.
    const sent = REMOTE_CPS * REMOTE_SECONDS;
    // When the page first shows all of their characters, watched while the
    // person is still typing: their keys may go on after the others stop.
    const shown = () => box.evaluate((el) => el.value.split("R").length - 1);
    let allShown = 0;
    let watching = true;
    const watch = (async () => {
      while (watching && !allShown) {
        const count = await shown().catch(() => 0);
        if (count === sent) allShown = Date.now();
        else await new Promise((ok) => setTimeout(ok, 50));
      }
    })();
    const typing = (async () => {
      const started = Date.now();
      for (let i = 0; i < sent; i++) {
        const due = started + (i * 1000) / REMOTE_CPS;
        await new Promise((ok) => setTimeout(ok, Math.max(0, due - Date.now())));
        handle.change((d) => splice(d, ["vision"], (i * 37) % 2000, 0, "R"));
      }
      return Date.now();
    })();
    let own;
    let stopped;
    try {
      own = await typeTimed(page, box);
      stopped = await typing;
      await until(() => allShown > 0, "the page to show every remote character", SLOW);
    } finally {
      watching = false;
      await watch;
    }
    const caughtUp = allShown - stopped;
    const afterSent = allShown - lastSent;
    const longest = await page.evaluate(() => window.longestTask);

    // Everyone ends with the same plan, holding everyone's keys.
    await until(async () => handle.doc().vision === (await box.inputValue()), "the others to have the person's keys", SLOW);
    const value = await box.inputValue();
    assert.equal(value.length, text.length + sent + KEYS);
    assert.ok(value.endsWith(typedKeys()), "the person's keys landed at the end");
    figures.remote_typing = {
      plan_bytes: text.length,
      remote_cps: REMOTE_CPS,
      remote_changes: sent,
      own_keys: own,
      longest_task_ms: longest,
      caught_up_ms: caughtUp,
      shown_after_sent_ms: afterSent,
    };
    assert.deepEqual(errors, [], "no console errors");
  } finally {
    await others.shutdown();
    await context.close();
  }
});

test("the app's .wasm, raw and with brotli", () => {
  const wasm = readdirSync(distDir).find((f) => f.endsWith(".wasm"));
  assert.ok(wasm, "dist holds the built app");
  const bytes = readFileSync(join(distDir, wasm));
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  figures.wasm = { raw_bytes: bytes.length, brotli_bytes: brotli.length };
});
