// The escalation views with many escalations on the device, in real headless
// Chromium against the built app: a relay data directory is filled with N
// generated escalations and the systemic issues they link to
// (`bench seed`), then one browser profile
//
//   1. opens the workspace for the first time and receives every document
//      from the relay (the board counts N),
//   2. opens Trends (the page says how long the aggregation took),
//   3. switches the board to the table and sorts it,
//   4. reloads: a cold open from IndexedDB with N escalations on the device.
//
// Figures are printed, never asserted on. The test command runs it small
// (N = 300); `FIELDBOOK_BENCH_ESCALATIONS=5000` gives the figures for the
// record (run after `cargo build --release -p bench`, which seeds faster).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, openProfile, screenshotPath, seedEscalations, signIn, startRelay } from "../support/harness.js";

const N = Number(process.env.FIELDBOOK_BENCH_ESCALATIONS ?? 300);
const SLOW = 120_000 + N * 60; // a first sync of N documents on a slow machine

let relay;
let browser;
const figures = [];

before(async () => {
  const { dataDir } = seedEscalations(N, { release: N > 1000 });
  relay = await startRelay({ dataDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
  const width = Math.max(...figures.map(([name]) => name.length));
  console.log(`\nescalation views with ${N} escalations (headless Chromium)`);
  for (const [name, ms] of figures) console.log(`  ${name.padEnd(width)}  ${ms.toFixed(1).padStart(9)} ms`);
});

/**
 * Milliseconds from starting `action` until `selector`'s text matches
 * `pattern`, on the test's clock (a reload resets the page's).
 */
async function timed(page, action, selector, pattern, timeout = SLOW) {
  const start = performance.now();
  await action();
  await page.waitForFunction(
    ([s, p]) => new RegExp(p).test(document.querySelector(s)?.textContent ?? ""),
    [selector, pattern.source],
    { timeout, polling: "raf" },
  );
  return performance.now() - start;
}

test(`the escalation views stay usable with ${N} escalations on the device`, { timeout: SLOW * 3 }, async () => {
  const { page, errors } = await openProfile(browser, "about:blank", { width: 1280, height: 900 });
  const counts = "[data-testid=esc-counts]";
  const all = new RegExp(`of ${N} `);

  const first = await timed(page, () => page.goto(signIn(`${relay.url}escalations`)), counts, all);
  figures.push(["first open: every escalation received from the relay", first]);

  const trends = await timed(page, () => page.click(".topnav >> text=Trends"), "[data-testid=trends-timing]", new RegExp(`^${N} escalations`));
  figures.push(["open Trends (click to painted)", trends]);
  const shown = await page.locator("[data-testid=trends-timing]").textContent();
  const aggregated = Number(/aggregated in ([\d.]+) ms/.exec(shown)?.[1]);
  assert.ok(Number.isFinite(aggregated), `the trends page reports its time: ${shown}`);
  figures.push(["  of which the aggregation (as the page reports)", aggregated]);
  assert.ok((await page.locator("svg[role=img] rect").count()) > 0, "the charts have bars");
  await page.screenshot({ path: screenshotPath(`perf-trends-${N}`), fullPage: true });

  const switchDim = await timed(
    page,
    () => page.click("[role=tab] >> text=Root cause"),
    ".chart-card:nth-of-type(2) .legend",
    /Product defect|Configuration|Not set/,
  );
  figures.push(["switch the breakdown to root cause", switchDim]);

  const board = await timed(page, () => page.click(".topnav >> text=Escalations"), counts, all);
  figures.push(["back to the board", board]);
  const table = await timed(page, () => page.click("button:has-text('Table')"), "[data-testid=esc-table] tbody", /Sev/);
  figures.push(["switch to the table", table]);
  const sorted = await timed(page, () => page.click("th >> text=Age"), "th[aria-sort=ascending]", /Age/);
  figures.push(["sort the table by age", sorted]);

  const cold = await timed(page, () => page.reload(), counts, all);
  figures.push(["reload: cold open from IndexedDB to the counted board", cold]);

  assert.deepEqual(errors, [], "no console errors");
});
