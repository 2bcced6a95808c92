// Agreements, end to end, in real headless Chromium against the built app
// (dist/) and a running relay (target/debug/sync-server):
//
//   1. three agreements made from the list (the "n" key and the button) and
//      filled in; the board's Validation column and the list are in order of
//      days to fiscal close (the one past close first) with their countdowns;
//      the column adds up the values per currency; type and stage filters and
//      "/" search narrow the list;
//   2. one agreement goes through every stage: a move with a field missing
//      and a move past an unresolved blocker are refused with the reason;
//      once the blocker is resolved it moves on; sending it back needs a
//      reason, which the history keeps; processed ends the countdown;
//   3. a profile whose clock is 20 days ahead flags the agreements that have
//      not moved since as stuck after 14 days (the default), not after 30,
//      again after 7 — the threshold is kept on that device across a reload
//      — and the "Stuck" filter shows just them;
//   4. two profiles see each other's changes; a stage moved differently while
//      one of them is offline is a conflict on both, settled by one click;
//      blockers raised on both sides at once both survive;
//   5. an agreement links to an account plan, whose page lists it;
//   6. the board and the agreement page fit a phone (390 px) without
//      horizontal scrolling;
//   7. no console errors in any profile.
//
// The tests share one relay, one browser and the profiles, and run in order;
// each builds on the state the one before left. Screenshots: tests/output/agr-*.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchBrowser, screenshotPath, signIn, startRelay, tempDataDir } from "../support/harness.js";
import {
  TIMEOUT,
  TITLE_BOX,
  assertFits,
  commitLine,
  conflictOptions,
  cuttableRelay,
  horizontalOverflow,
  linkedIds,
  makeProfile,
  openRecord,
  pendingCount,
  setName,
  shootBox,
  sideBySide,
  sideField,
  storedMeta,
  texts,
  until,
  value,
  waitBadge,
  waitText,
  waitValue,
  waitPending,
} from "../support/page.js";

const LOAD_TIMEOUT = 15_000;
const RECONNECT_TIMEOUT = 30_000; // the transport's backoff tops out at ~10 s
const DAY = 86_400_000;
const ID = "[1-9A-HJ-NP-Za-km-z]+"; // a document id (base58)

const sel = {
  heading: "#agr-heading",
  counts: "[data-testid=agr-counts]",
  board: "[data-testid=agr-board]",
  column: (stage) => `[data-testid=agr-board] .board-column[data-stage="${stage}"]`,
  cards: (stage) => `[data-testid=agr-board] .board-column[data-stage="${stage}"] li.agr-card`,
  table: "[data-testid=agr-table]",
  rows: "[data-testid=agr-table] tbody tr",
  title: TITLE_BOX,
  field: sideField,
  pill: ".esc-head .stage-pill",
  countdown: ".esc-head .countdown",
  current: ".stage-flow .status-step.current",
  move: ".stage-control [data-action=move]",
  back: ".stage-control [data-action=back]",
  backTo: "#back-to",
  reason: ".back-form input",
  stageError: "[data-testid=stage-error]",
  conflict: ".stage-control .conflict",
  blockers: "[data-testid=blockers] li.blocker",
  newBlocker: "[data-testid=new-blocker]",
  history: "[data-testid=stage-history] li",
  stuckDays: "[data-testid=stuck-days]",
};

const NAME_A = "Ana Lima";
const NAME_B = "Ben Okafor";

/**
 * The three agreements; `close` is the fiscal close in days from today
 * (negative: passed), `countdown` what its chip says.
 */
const AG1 = {
  title: "Contoso EA renewal FY27",
  customer: "Contoso",
  type: "enterprise",
  value: "1,250,000",
  shown: "1,250,000.00 USD",
  close: 45,
  state: "due",
  countdown: "Closes in 45 days",
};
const AG2 = {
  title: "Fabrikam subscription true-up",
  customer: "Fabrikam",
  type: "renewal",
  value: "300,000 EUR",
  shown: "300,000.00 EUR",
  close: -3,
  state: "overdue",
  countdown: "3 days past close",
};
const AG3 = {
  title: "Northwind server subscription",
  customer: "Northwind Traders",
  type: "subscription",
  value: "80,000",
  shown: "80,000.00 USD",
  close: 10,
  state: "soon",
  countdown: "Closes in 10 days",
};

// ---------------------------------------------------------------- helpers

let phase = "happy path";
const profile = makeProfile(() => phase);

/** The calendar date `days` from today in the page's time zone, `YYYY-MM-DD`. */
const dateIn = (page, days) =>
  page.evaluate((d) => {
    const t = new Date();
    t.setDate(t.getDate() + d);
    const p = (n) => String(n).padStart(2, "0");
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`;
  }, days);

/** From the list page, open a new agreement and fill it in; returns its id. */
async function createAgreement(page, ag, how) {
  await page.locator(sel.heading).waitFor();
  if (how === "key") {
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("n");
  } else {
    await page.getByRole("button", { name: /New agreement/ }).click();
  }
  await page.waitForURL(new RegExp(`/agreements/${ID}$`));
  const id = new URL(page.url()).pathname.split("/").pop();
  // A new agreement's title box has the focus: type straight into it.
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), sel.title, { timeout: TIMEOUT });
  await page.keyboard.type(ag.title);
  await commitLine(page, "customer", ag.customer);
  await page.locator(sel.field("type")).selectOption(ag.type);
  await commitLine(page, "value", ag.value);
  const close = await dateIn(page, ag.close);
  await page.locator(sel.field("fiscalClose")).fill(close);
  await page.locator(sel.field("fiscalClose")).press("Tab");
  await waitValue(page, sel.title, ag.title);
  await waitValue(page, sel.field("customer"), ag.customer);
  await waitValue(page, sel.field("type"), ag.type);
  await waitValue(page, sel.field("value"), ag.shown);
  await waitValue(page, sel.field("fiscalClose"), close);
  // The owner is whoever opened it; a new agreement is in validation.
  assert.equal(await value(page, sel.field("owner")), NAME_A);
  assert.deepEqual(await texts(page, ".field-error"), [], "nothing refused");
  await waitText(page, sel.pill, "Validation");
  await page.locator(`${sel.countdown}[data-close="${ag.state}"]`).waitFor({ timeout: TIMEOUT });
  await waitText(page, sel.countdown, ag.countdown);
  return id;
}

async function backToList(page) {
  await page.getByRole("link", { name: "← All agreements" }).click();
  await page.locator(sel.heading).waitFor();
}

/** Click the move forward and wait for the stage it leads to. */
async function moveForward(page, label) {
  const button = page.locator(sel.move);
  assert.equal((await button.textContent()).trim(), { Signature: "Send for signature", Submitted: "Mark submitted", Processed: "Mark processed" }[label]);
  await button.click();
  await waitText(page, sel.pill, label);
}

/** Send the agreement back to `stage` (its value) for `reason`. */
async function sendBack(page, stage, reason) {
  await page.locator(sel.back).click();
  await page.locator(sel.backTo).selectOption(stage);
  await page.locator(sel.reason).fill(reason);
  await page.locator(".back-form").getByRole("button", { name: "Send back" }).click();
}

// ---------------------------------------------------------------- the tests

describe("agreements: pipeline board, stages, blockers, stuck, conflicts", { timeout: 300_000 }, () => {
  let relay;
  let browser;
  /** @type {any} */ let A;
  /** @type {any} */ let B;
  const profiles = [];
  const ids = new Map();
  const url = (ag) => new URL(`agreements/${ids.get(ag)}`, relay.url).href;

  before(async () => {
    relay = await startRelay({ dataDir: tempDataDir() });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const p of profiles) await p.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await relay?.stop().catch(() => {});
  });

  test("the board and the list put the agreement past fiscal close first; filters and search narrow them", async () => {
    A = await profile(browser, "A", new URL("agreements", relay.url).href);
    profiles.push(A);
    const { page } = A;
    await page.locator(sel.heading).waitFor({ timeout: LOAD_TIMEOUT });
    await waitText(page, sel.counts, "No agreements yet");
    await setName(page, NAME_A);

    ids.set(AG1, await createAgreement(page, AG1, "key"));
    await backToList(page);
    ids.set(AG2, await createAgreement(page, AG2, "button"));
    await backToList(page);
    ids.set(AG3, await createAgreement(page, AG3, "button"));
    await backToList(page);

    // The board: every one in validation, past close first, then by days
    // to close.
    await page.locator(sel.board).waitFor();
    assert.equal(await page.getByRole("button", { name: "Board", exact: true }).getAttribute("aria-pressed"), "true");
    await waitText(page, sel.counts, "3 open of 3 · 1 past fiscal close · 1 closing within 30 days · 0 stuck");
    const cards = sel.cards("validation");
    await until(async () => (await page.locator(cards).count()) === 3, "three cards in Validation");
    assert.deepEqual(await linkedIds(page, cards, "agreements"), [ids.get(AG2), ids.get(AG3), ids.get(AG1)], "past close first, then soonest close");
    assert.deepEqual(await page.locator(cards).evaluateAll((els) => els.map((e) => e.getAttribute("data-close"))), ["overdue", "soon", "due"]);
    assert.deepEqual(await texts(page, `${cards} .countdown`), [AG2.countdown, AG3.countdown, AG1.countdown]);
    assert.deepEqual(await texts(page, `${cards} .esc-card-title`), [AG2.title, AG3.title, AG1.title]);
    assert.deepEqual(await texts(page, `${cards} .esc-card-who`), [AG2, AG3, AG1].map((ag) => `${ag.customer} · ${NAME_A}`));
    assert.deepEqual(await texts(page, `${cards} .agr-value`), [AG2.shown, AG3.shown, AG1.shown]);
    assert.equal(
      (await page.locator(`${sel.column("validation")} .board-sum`).textContent()).trim(),
      "300,000.00 EUR + 1,330,000.00 USD",
      "the column adds up its values per currency",
    );
    for (const stage of ["signature", "submitted", "processed"]) {
      assert.equal(await page.locator(sel.cards(stage)).count(), 0, `${stage} is empty`);
    }
    // The one past close is marked apart from the others, not only by its words.
    const edge = (i) => page.locator(cards).nth(i).locator("a").evaluate((a) => getComputedStyle(a).borderTopColor);
    assert.notEqual(await edge(0), await edge(2), "the card past close has its own border colour");
    await page.screenshot({ path: screenshotPath("agr-01-board"), fullPage: true });

    // The list: the same order, with type, stage, owner, value and date.
    await page.getByRole("button", { name: "List", exact: true }).click();
    await page.locator(sel.table).waitFor();
    assert.deepEqual(await linkedIds(page, sel.rows, "agreements"), [ids.get(AG2), ids.get(AG3), ids.get(AG1)]);
    const first = await page.locator(sel.rows).first().locator("td").evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
    assert.deepEqual(first, [
      `${AG2.title}${AG2.customer}`,
      "Renewal",
      "Validation",
      NAME_A,
      AG2.shown,
      await dateIn(page, AG2.close),
      AG2.countdown,
    ]);
    assert.equal(await page.locator(sel.rows).first().getAttribute("data-close"), "overdue");
    await page.screenshot({ path: screenshotPath("agr-02-list"), fullPage: true });

    // Filters: by type, by stage; "/" jumps to search.
    await page.locator("[data-testid=filter-type]").selectOption("subscription");
    await until(async () => (await linkedIds(page, sel.rows, "agreements")).join() === ids.get(AG3), "only the subscription");
    await page.locator("[data-testid=filter-type]").selectOption("");
    await page.locator("[data-testid=filter-scope]").selectOption("signature");
    await page.locator(`${sel.table} ~ .empty`, { hasText: "No agreement matches these filters." }).waitFor({ timeout: TIMEOUT });
    await page.locator("[data-testid=filter-scope]").selectOption("");
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("/");
    await page.keyboard.type("north");
    await until(async () => (await linkedIds(page, sel.rows, "agreements")).join() === ids.get(AG3), "only Northwind by search");
    await page.getByLabel("Search agreements").fill("");
    await until(async () => (await page.locator(sel.rows).count()) === 3, "all three again");
    await page.getByRole("button", { name: "Board", exact: true }).click();
    await waitBadge(page, "synced", 10_000);
  });

  test("an agreement moves through every stage; refused moves say why; a blocker holds it until resolved", async () => {
    assert.ok(ids.has(AG1), "needs the agreements");
    const { page } = A;
    await page.locator(`${sel.board} a[href="/agreements/${ids.get(AG1)}"]`).click();
    await waitValue(page, sel.title, AG1.title);
    assert.equal(await page.locator(sel.current).getAttribute("data-stage"), "validation");
    assert.equal(await page.locator(sel.back).count(), 0, "nothing to send back to from validation");

    // Validation needs the value: clearing it stops the move.
    await commitLine(page, "value", "");
    await page.locator(sel.move).click();
    await waitText(page, sel.stageError, "Stage: fill in the value before sending it for signature");
    assert.equal((await page.locator(sel.pill).textContent()).trim(), "Validation", "still in validation");
    await commitLine(page, "value", AG1.value);
    await waitValue(page, sel.field("value"), AG1.shown);

    // A blocker on validation holds it there, and says so.
    const blocker = "Customer PO number missing";
    await page.locator(sel.newBlocker).fill(blocker);
    await page.locator(sel.newBlocker).press("Enter");
    await waitValue(page, sel.newBlocker, "");
    await until(async () => (await page.locator(sel.blockers).count()) === 1, "the blocker listed");
    const item = page.locator(sel.blockers).first();
    assert.equal(await item.getAttribute("data-resolved"), "false");
    assert.equal((await item.locator(".blocker-text").textContent()).trim(), blocker);
    assert.equal((await item.locator(".stage-pill").textContent()).trim(), "Validation");
    assert.match((await item.locator(".blocker-meta").textContent()).trim(), new RegExp(`^Raised by ${NAME_A} · `));
    await waitText(page, ".esc-head .blocked-flag", "Blocked · 1");
    await page.locator(sel.move).click();
    await waitText(page, sel.stageError, `Stage: Validation is blocked by “${blocker}”: resolve it first`);
    assert.equal((await page.locator(sel.pill).textContent()).trim(), "Validation", "still in validation");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath("agr-03-blocked") });

    // Resolved, it lets the agreement move on.
    await item.getByRole("button", { name: "Resolve" }).click();
    await until(async () => (await page.locator(sel.blockers).first().getAttribute("data-resolved")) === "true", "the blocker resolved");
    assert.match((await page.locator(`${sel.blockers} .blocker-meta`).textContent()).trim(), new RegExp(`resolved by ${NAME_A}$`));
    await page.locator(".esc-head .blocked-flag").waitFor({ state: "detached", timeout: TIMEOUT });
    await moveForward(page, "Signature");
    await page.locator(sel.stageError).waitFor({ state: "detached", timeout: TIMEOUT });
    assert.equal(await page.locator(sel.current).getAttribute("data-stage"), "signature");
    assert.deepEqual(await page.locator(".stage-flow .status-step.done").evaluateAll((els) => els.map((e) => e.dataset.stage)), ["validation"]);

    // Who owns signature shows in the flow.
    await commitLine(page, "signatureOwner", "Chloé Dubois");
    await waitText(page, '.stage-flow [data-stage="signature"] .step-owner', "Chloé Dubois");

    // Submitted, then back to signature: a reason is needed, and kept.
    await moveForward(page, "Submitted");
    await page.locator(sel.back).click();
    assert.equal(await value(page, sel.backTo), "signature", "back one stage by default");
    await page.locator(".back-form").getByRole("button", { name: "Send back" }).click();
    await waitText(page, sel.stageError, "Stage: say why it goes back to signature");
    assert.equal((await page.locator(sel.pill).textContent()).trim(), "Submitted");
    const reason = "The licensing desk rejected it: the enrolment form was unsigned";
    await sendBack(page, "signature", reason);
    await waitText(page, sel.pill, "Signature");
    await page.locator(".back-form").waitFor({ state: "detached", timeout: TIMEOUT });

    // Forward to processed: the countdown ends, no move is left but back.
    await moveForward(page, "Submitted");
    await moveForward(page, "Processed");
    assert.equal(await page.locator(sel.move).count(), 0, "processed is the last stage");
    assert.equal(await page.locator(sel.back).count(), 1);
    await page.locator(sel.countdown).waitFor({ state: "detached", timeout: TIMEOUT });
    assert.equal(await page.locator(sel.stageError).count(), 0);

    // The history: every move, who made it, and why it went back.
    const moves = await page.locator(sel.history).evaluateAll((els) =>
      els.map((e) => [e.querySelector(".history-move").textContent, e.querySelector(".history-reason")?.textContent ?? ""]),
    );
    assert.deepEqual(moves, [
      ["Validation → Signature", ""],
      ["Signature → Submitted", ""],
      ["Submitted → Signature", reason],
      ["Signature → Submitted", ""],
      ["Submitted → Processed", ""],
    ]);
    assert.ok((await texts(page, `${sel.history} .hint`)).every((t) => t.startsWith(`${NAME_A} · `)), "each move says who");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath("agr-04-processed"), fullPage: true });

    // The board puts it in processed; the list puts it last.
    await backToList(page);
    await page.locator(`${sel.column("processed")} a[href="/agreements/${ids.get(AG1)}"]`).waitFor({ timeout: TIMEOUT });
    await waitText(page, sel.counts, "2 open of 3 · 1 past fiscal close · 1 closing within 30 days · 0 stuck");
    await page.getByRole("button", { name: "List", exact: true }).click();
    await until(async () => (await linkedIds(page, sel.rows, "agreements")).join() === [ids.get(AG2), ids.get(AG3), ids.get(AG1)].join(), "processed last");
    await page.getByRole("button", { name: "Board", exact: true }).click();
    await waitBadge(page, "synced");
  });

  test("20 days later the agreements that have not moved are stuck after 14 days, not 30, again after 7; the choice is kept", async () => {
    assert.ok(ids.has(AG3), "needs the agreements");
    // A profile whose clock is 20 days ahead (its timers keep running).
    const C = await profile(browser, "C (20 days later)", "about:blank");
    profiles.push(C);
    await C.context.clock.setFixedTime(new Date(Date.now() + 20 * DAY));
    const { page } = C;
    await page.goto(signIn(new URL("agreements", relay.url).href));
    await page.locator(sel.board).waitFor({ timeout: LOAD_TIMEOUT });
    await until(async () => (await page.locator(`${sel.board} li.agr-card`).count()) === 3, "the three agreements on C");

    // The default: stuck after 14 days. AG2 and AG3 never moved; AG1 is processed.
    assert.equal(await value(page, sel.stuckDays), "14");
    await waitText(page, sel.counts, "2 open of 3 · 2 past fiscal close · 0 closing within 30 days · 2 stuck");
    const stuck = () => page.locator(`${sel.board} li.agr-card[data-stuck]`).evaluateAll((els) => els.map((e) => e.querySelector("a").getAttribute("href").split("/").pop()));
    assert.deepEqual(await stuck(), [ids.get(AG2), ids.get(AG3)]);
    assert.deepEqual(await texts(page, `${sel.board} .stuck-flag`), ["Stuck · 20 d", "Stuck · 20 d"]);
    // Twenty days on, the countdowns moved too.
    assert.deepEqual(await texts(page, `${sel.cards("validation")} .countdown`), ["23 days past close", "10 days past close"]);
    await page.screenshot({ path: screenshotPath("agr-05-stuck"), fullPage: true });

    const setDays = async (n) => {
      await page.locator(sel.stuckDays).fill(String(n));
      await page.locator(sel.stuckDays).press("Tab");
    };
    await setDays(30);
    await waitText(page, sel.counts, /· 0 stuck$/);
    assert.deepEqual(await stuck(), []);
    await setDays(7);
    await waitText(page, sel.counts, /· 2 stuck$/);
    // The "Stuck" filter shows just them, in the list too.
    await page.locator("[data-testid=filter-scope]").selectOption("stuck");
    await page.getByRole("button", { name: "List", exact: true }).click();
    await until(async () => (await linkedIds(page, sel.rows, "agreements")).join() === [ids.get(AG2), ids.get(AG3)].join(), "the stuck ones");

    // Kept on this device: after a reload the threshold is still 30.
    await setDays(30);
    await waitText(page, sel.counts, /· 0 stuck$/);
    // Saved on the device a moment later (a reload within that moment
    // would still find 7).
    await until(async () => (await storedMeta(page, "setting/agreements.stuck-days")) === "30", "the choice to be saved");
    await page.reload();
    await page.locator(sel.heading).waitFor({ timeout: LOAD_TIMEOUT });
    await waitValue(page, sel.stuckDays, "30");
    await waitText(page, sel.counts, "2 open of 3 · 2 past fiscal close · 0 closing within 30 days · 0 stuck");
  });

  test("two profiles see the same changes; a stage moved differently while one is offline is a conflict, settled by one click", async () => {
    assert.ok(ids.has(AG3), "needs the agreements");
    await openRecord(A, url(AG3), AG3.title);
    B = await profile(browser, "B", url(AG3));
    profiles.push(B);
    await waitValue(B.page, sel.title, AG3.title, LOAD_TIMEOUT);
    await setName(B.page, NAME_B);

    // A sends it for signature; B sees it.
    await moveForward(A.page, "Signature");
    await waitText(B.page, sel.pill, "Signature");
    await waitBadge(A.page, "synced", 10_000);
    await waitBadge(B.page, "synced", 10_000);

    // B's connection to the relay goes through the test from its next load on.
    const net = await cuttableRelay(B.context);
    await openRecord(B, url(AG3), AG3.title);
    await waitBadge(B.page, "synced", 10_000);
    phase = "B offline";
    await net.cut();
    try {
      await waitBadge(B.page, "offline", 10_000);
      // A marks it submitted and raises a blocker; B, offline, sends it
      // back to validation and raises one too.
      await moveForward(A.page, "Submitted");
      await A.page.locator(sel.newBlocker).fill("Licensing desk queue closed until the 3rd");
      await A.page.locator(sel.newBlocker).press("Enter");
      await waitBadge(A.page, "synced");
      await sendBack(B.page, "validation", "Customer asked to add 200 seats");
      await waitText(B.page, sel.pill, "Validation");
      await B.page.locator(sel.newBlocker).fill("New seat count needs a new quote");
      await B.page.locator(sel.newBlocker).press("Enter");
      const b = await waitPending(B.page);
      assert.equal(b.state, "offline", "B is still offline");
      assert.ok(pendingCount(b.text) > 0, `B has changes to sync: ${b.text}`);
      assert.equal(await A.page.locator(sel.conflict).count(), 0, "no conflict before B is back");

      await net.restore();
      await A.page.locator(sel.conflict).waitFor({ timeout: RECONNECT_TIMEOUT });
      await B.page.locator(sel.conflict).waitFor({ timeout: RECONNECT_TIMEOUT });
      await waitBadge(A.page, "synced", RECONNECT_TIMEOUT);
      await waitBadge(B.page, "synced", RECONNECT_TIMEOUT);
    } finally {
      await net.restore();
    }
    phase = "happy path";

    const options = (page) => conflictOptions(page, sel.conflict);
    const want = [
      { value: "Submitted", by: `by ${NAME_A}` },
      { value: "Validation", by: `by ${NAME_B}` },
    ];
    assert.deepEqual(await options(A.page), want, "A sees both stages and who set each");
    assert.deepEqual(await options(B.page), want, "B sees both stages and who set each");
    const shown = await A.page.locator(sel.pill).getAttribute("data-stage");
    await until(async () => (await B.page.locator(sel.pill).getAttribute("data-stage")) === shown, "B to show the same stage");
    // Both blockers, on both sides; both moves in both histories.
    for (const p of [A, B]) {
      await until(async () => (await p.page.locator(sel.blockers).count()) === 2, `${p.name}: both blockers`);
      await until(async () => (await p.page.locator(sel.history).count()) === 3, `${p.name}: all three moves`);
    }
    assert.deepEqual((await texts(A.page, `${sel.blockers} .blocker-text`)).sort(), (await texts(B.page, `${sel.blockers} .blocker-text`)).sort());
    const shot = (page) => shootBox(page, [".esc-head", ".stage-control"]);
    await sideBySide(browser, "agr-06-conflict", [
      { label: `Window A (${NAME_A})`, png: await shot(A.page) },
      { label: `Window B (${NAME_B})`, png: await shot(B.page) },
    ], 900);

    // A keeps the value not showing; both settle on it.
    const keep = shown === "submitted" ? "Validation" : "Submitted";
    await A.page.locator(`${sel.conflict} .conflict-option`, { hasText: keep }).click();
    for (const p of [A, B]) {
      await waitText(p.page, sel.pill, keep);
      await p.page.locator(sel.conflict).waitFor({ state: "detached", timeout: TIMEOUT });
      assert.equal(await p.page.locator(sel.stageError).count(), 0, `${p.name}: no stage error`);
    }
    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("an agreement links to an account plan, whose page lists it", async () => {
    assert.ok(ids.has(AG1), "needs the agreements");
    const { page } = A;
    await page.goto(relay.url);
    await page.getByRole("button", { name: /New plan/ }).click();
    await page.waitForURL(new RegExp(`/plans/${ID}$`));
    const plan = new URL(page.url()).pathname.split("/").pop();
    await page.keyboard.type("Contoso FY27 account plan");
    await waitValue(page, ".plan-head [data-field=title]", "Contoso FY27 account plan");

    await openRecord(A, url(AG1), AG1.title);
    const link = sel.field("plan");
    await until(async () => (await page.locator(`${link} option[value="${plan}"]`).textContent({ timeout: 100 }))?.trim() === "Contoso FY27 account plan", "the plan by title");
    await page.locator(link).selectOption(plan);
    await waitValue(page, link, plan);
    await page.locator(".esc-side .link-row").getByRole("link", { name: "Open" }).click();
    await page.waitForURL((u) => u.pathname === `/plans/${plan}`);
    const rows = "[data-testid=plan-agreements] li.linked-row";
    await until(async () => (await page.locator(rows).count()) === 1, "the agreement on the plan's page");
    assert.equal((await page.locator(`${rows} a`).textContent()).trim(), AG1.title);
    assert.equal((await page.locator(`${rows} .stage-pill`).textContent()).trim(), "Processed");
    assert.equal((await page.locator(`${rows} .esc-cell-sub`).textContent()).trim(), AG1.shown);
    await page.locator("#installed-base").scrollIntoViewIfNeeded();
    await shootBox(page, ["#installed-base h2", "[data-testid=plan-agreements]"], screenshotPath("agr-07-plan"));
    // Following the row opens the agreement, without reloading the app.
    await page.evaluate(() => (window.__sameApp = true));
    await page.locator(`${rows} a`).click();
    await waitValue(page, sel.title, AG1.title);
    assert.equal(await page.evaluate(() => window.__sameApp), true, "opened inside the app");
    await waitBadge(page, "synced");
  });

  test("the board and the agreement page fit a phone (390×844) without horizontal scrolling", async () => {
    assert.ok(ids.has(AG3), "needs the agreements");
    const phone = await profile(browser, "phone", new URL("agreements", relay.url).href, { width: 390, height: 844 });
    profiles.push(phone);
    const { page } = phone;
    await page.locator(sel.board).waitFor({ timeout: LOAD_TIMEOUT });
    await until(async () => (await page.locator(`${sel.board} li.agr-card`).count()) === 3, "the three agreements on the phone");
    await waitBadge(page, "synced", 10_000);
    const board = await horizontalOverflow(page);
    const boardPng = await page.screenshot({ fullPage: true });

    await page.locator(`${sel.board} a[href="/agreements/${ids.get(AG3)}"]`).click();
    await waitValue(page, sel.title, AG3.title, LOAD_TIMEOUT);
    await until(async () => (await page.locator(sel.blockers).count()) === 2, "the blockers on the phone");
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute("data-field")), "title", "an existing agreement does not grab the focus");
    const sheet = await horizontalOverflow(page);
    const sheetPng = await page.screenshot({ fullPage: true });
    await sideBySide(browser, "agr-08-phone", [
      { label: "Board (390 px)", png: boardPng },
      { label: "Agreement (390 px)", png: sheetPng },
    ], 390);
    assertFits([
      ["board", board],
      ["agreement page", sheet],
    ]);
  });

  test("no console errors in any profile, B's time offline included", () => {
    assert.ok(profiles.length >= 3, "needs the profiles");
    for (const p of profiles) {
      console.log(`# profile ${p.name}: ${p.consoleErrors.length} console errors`);
      assert.deepEqual(p.consoleErrors, [], `profile ${p.name}: unexpected console errors`);
    }
  });
});
