// Presence and meeting mode, end to end, in real headless Chromium against
// the built app (dist/) and a running relay (target/debug/sync-server):
//
//   1. a first visit asks for a name and a colour (a welcome card that does
//      not get in the way: "Not now" puts it away); the header changes both
//      later, and a reload remembers them;
//   2. three people on the same plan see each other's avatars (initials on
//      the colour each chose, a tooltip saying where they are);
//   3. A in a text field shows A's outline, name and caret (and selection)
//      at that field on B's screen; A in a decision field moves the marker;
//   4. a page that closes disappears from the others at once (it says it
//      left), and one that loses its network within a few seconds (it falls
//      silent); both times are printed;
//   5. A presents and B follows: as A moves to another section, B's view
//      moves there (the time is printed); Escape and "Stop following" end
//      following, and A stopping presenting ends it for everyone;
//   6. no console errors in any profile.
//
// The tests share one relay, one browser and the profiles, and run in order;
// each builds on the state the one before left.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchBrowser, screenshotPath, signIn, startRelay, tempDataDir } from "../support/harness.js";
import { TIMEOUT, cuttableRelay, makeProfile, setName, sideBySide, until, waitText, waitValue } from "../support/page.js";

const LOAD_TIMEOUT = 15_000;

const ANA = "Ana Lima";
const BEN = "Ben Okafor";
const CLEO = "Cleo Park";
const DEV = "Dev Rao";
const TEAL = "rgb(14, 116, 144)"; // #0e7490
const PURPLE = "rgb(122, 63, 193)"; // #7a3fc1

const sel = {
  welcome: "[data-testid=welcome]",
  whoAmI: "[data-testid=who-am-i]",
  title: ".plan-head input[data-field=title]",
  vision: "#overview textarea[data-field=vision]",
  owner: "#overview .field-grid [data-field=owner]",
  visionMarks: "#overview .field-box:has(textarea[data-field=vision]) [data-testid=peer-marks]",
  ownerMarks: "#overview .field-box:has([data-field=owner]) [data-testid=peer-marks]",
  avatar: (name) => `[data-testid=avatar][data-name="${name}"]`,
  meeting: "[data-testid=meeting]",
  meetingAction: "[data-testid=meeting-action]",
  present: "[data-testid=present]",
};

let phase = "first run";
const profile = makeProfile(() => phase);

/** How long `fn()` (polled every 25 ms) takes to become truthy, in ms (from `started`). */
async function timeUntil(fn, what, timeout = TIMEOUT, started = performance.now()) {
  await until(fn, what, timeout);
  return Math.round(performance.now() - started);
}

const count = (page, selector) => page.locator(selector).count();

/** What the meeting pill says, its button included ("" while hidden). */
const pill = (page) =>
  page.locator(sel.meeting).evaluate((el) => (el.hidden ? "" : el.innerText.replace(/\s+/g, " ").trim()));

/** Wait until the meeting pill says `want` (a RegExp). */
const waitPill = (page, want) => until(async () => want.test(await pill(page)), `the meeting pill to say ${want}`);

/** The id of the section whose top sits just under the top bar, if any. */
const sectionAtTop = (page) =>
  page.evaluate(() => {
    const near = [...document.querySelectorAll(".plan-section")].filter((s) => {
      const top = s.getBoundingClientRect().top;
      return top >= 0 && top <= 130;
    });
    return near[0]?.id ?? null;
  });

describe("presence: who is here, where, and following a presenter", { timeout: 180_000 }, () => {
  let relay;
  let browser;
  /** @type {any} */ let A;
  /** @type {any} */ let B;
  /** @type {any} */ let C;
  const profiles = [];
  let planUrl;

  before(async () => {
    relay = await startRelay({ dataDir: tempDataDir() });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const p of profiles) await p.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await relay?.stop().catch(() => {});
  });

  test("a first visit asks for a name and a colour; the header changes them later", async () => {
    A = await profile(browser, "A", relay.url);
    profiles.push(A);
    const page = A.page;
    await page.locator(sel.welcome).waitFor({ timeout: LOAD_TIMEOUT });
    // It asks, it does not block: the list and its "New plan" button are there.
    await page.getByRole("button", { name: /New plan/ }).waitFor();
    const welcome = page.locator(sel.welcome);
    assert.equal(await welcome.getByRole("radio").count(), 8, "a palette of eight colours");
    await welcome.getByLabel("Display name").fill(ANA);
    await welcome.getByRole("radio", { name: "Teal", exact: true }).check();
    await page.screenshot({ path: screenshotPath("presence-welcome") });
    await welcome.getByRole("button", { name: "Save" }).click();
    await welcome.waitFor({ state: "hidden" });
    await waitText(page, sel.whoAmI, ANA);
    // Remembered on this device.
    await page.reload();
    await waitText(page, sel.whoAmI, ANA, LOAD_TIMEOUT);
    assert.equal(await page.locator(sel.welcome).isVisible(), false, "no welcome once named");

    // B puts the welcome away, then names themselves from the header and
    // picks a colour there.
    B = await profile(browser, "B", relay.url);
    profiles.push(B);
    await B.page.locator(sel.welcome).waitFor({ timeout: LOAD_TIMEOUT });
    await B.page.locator(sel.welcome).getByRole("button", { name: "Not now" }).click();
    await B.page.locator(sel.welcome).waitFor({ state: "hidden" });
    await setName(B.page, BEN);
    await B.page.locator(sel.whoAmI).click();
    const pop = B.page.locator(".who-pop");
    await pop.getByRole("radio", { name: "Purple", exact: true }).check();
    await B.page.screenshot({ path: screenshotPath("presence-who-am-i"), clip: { x: 780, y: 0, width: 500, height: 320 } });
    await pop.getByRole("button", { name: "Save" }).click();
    await pop.waitFor({ state: "detached" });
  });

  test("three people on one plan see each other's avatars", async () => {
    phase = "avatars";
    const page = A.page;
    await page.getByRole("button", { name: /New plan/ }).click();
    await page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
    planUrl = page.url();
    await page.waitForFunction((s) => document.activeElement === document.querySelector(s), sel.title);
    await page.keyboard.type("Northwind FY27 account plan");
    assert.equal(await count(page, "[data-testid=avatar]"), 0);
    await waitText(page, "[data-testid=presence]", /Only you here/);

    await B.page.goto(planUrl);
    await waitValue(B.page, sel.title, "Northwind FY27 account plan", LOAD_TIMEOUT);
    C = await profile(browser, "C", planUrl);
    profiles.push(C);
    await setName(C.page, CLEO);
    await waitValue(C.page, sel.title, "Northwind FY27 account plan", LOAD_TIMEOUT);

    const seen = await timeUntil(
      async () =>
        (await count(A.page, sel.avatar(BEN))) === 1 &&
        (await count(A.page, sel.avatar(CLEO))) === 1 &&
        (await count(B.page, sel.avatar(ANA))) === 1 &&
        (await count(B.page, sel.avatar(CLEO))) === 1 &&
        (await count(C.page, sel.avatar(ANA))) === 1 &&
        (await count(C.page, sel.avatar(BEN))) === 1,
      "everyone to see the two others",
    );
    console.log(`# presence: all three see each other ${seen} ms after the last one named themselves`);
    for (const p of [A, B, C]) assert.equal(await count(p.page, "[data-testid=avatar]"), 2, `${p.name} sees two others, not itself`);

    const ana = B.page.locator(sel.avatar(ANA));
    assert.equal((await ana.textContent()).trim(), "AL");
    assert.equal(await ana.evaluate((el) => getComputedStyle(el).backgroundColor), TEAL, "Ana's chosen colour");
    const ben = A.page.locator(sel.avatar(BEN));
    assert.equal(await ben.evaluate((el) => getComputedStyle(el).backgroundColor), PURPLE, "Ben's chosen colour");
  });

  test("A in a field shows A's outline, name and caret there on B's screen", async () => {
    phase = "fields";
    await A.page.locator(sel.vision).click();
    await A.page.keyboard.type("Grow the cloud footprint\nacross EMEA and APAC");
    const marks = B.page.locator(sel.visionMarks);
    await marks.waitFor({ timeout: TIMEOUT });
    await waitText(B.page, `${sel.visionMarks} .peer-flag`, ANA);
    // (The marks are redrawn as Ana types: read them in one go.)
    await B.page.waitForFunction(
      ([s, teal]) => getComputedStyle(document.querySelector(s)).outlineColor === teal,
      [sel.visionMarks, TEAL],
      { timeout: TIMEOUT },
    );
    // The caret is at the end of the text, on the second line of the box.
    await waitValue(B.page, sel.vision, "Grow the cloud footprint\nacross EMEA and APAC");
    const where = async () =>
      B.page.evaluate(
        ([area, markSel]) => {
          const box = document.querySelector(area).getBoundingClientRect();
          const caret = document.querySelector(`${markSel} .peer-caret`)?.getBoundingClientRect();
          const line = parseFloat(getComputedStyle(document.querySelector(area)).lineHeight);
          return caret && { dx: caret.left - box.left, dy: caret.top - box.top, line, width: box.width };
        },
        [sel.vision, sel.visionMarks],
      );
    // Ana's caret is sent at most every 100 ms, so B may first see it part-way
    // through the line (the text itself can arrive sooner): wait for where it ends.
    let last = null;
    const caret = await until(async () => {
      last = await where();
      return last && last.dy > last.line && last.dx > 100 ? last : null;
    }, () => `Ana's caret after "across EMEA and APAC" on the second line (last seen ${JSON.stringify(last)})`);
    assert.ok(caret.dx < caret.width, `caret inside the box (${JSON.stringify(caret)})`);
    await B.page.locator("#overview .field:has(textarea[data-field=vision])").screenshot({ path: screenshotPath("presence-caret") });
    await until(
      async () => /editing Customer vision.*\(line 2\) in Overview/i.test(await B.page.locator(sel.avatar(ANA)).getAttribute("title")),
      "Ana's tooltip to say where she is",
    );
    console.log(`# presence: B's tooltip for Ana reads "${await B.page.locator(sel.avatar(ANA)).getAttribute("title")}"`);

    // A selects "EMEA and APAC": B sees it marked.
    for (let i = 0; i < "EMEA and APAC".length; i++) await A.page.keyboard.press("Shift+ArrowLeft");
    await waitText(B.page, `${sel.visionMarks} mark`, "EMEA and APAC");
    await sideBySide(browser, "presence-field", [
      { label: "A (Ana) selecting in Customer vision", png: await A.page.screenshot() },
      { label: "B (Ben) sees Ana's outline, name and selection", png: await B.page.screenshot() },
    ]);

    // A moves to a decision field: the marker moves with her.
    await A.page.locator(sel.owner).click();
    await B.page.locator(sel.ownerMarks).waitFor({ timeout: TIMEOUT });
    await B.page.locator(sel.visionMarks).waitFor({ state: "detached", timeout: TIMEOUT });
    await waitText(B.page, `${sel.ownerMarks} .peer-flag`, ANA);
    // …and leaving it takes the marker away.
    await A.page.evaluate(() => document.activeElement.blur());
    await B.page.locator(sel.ownerMarks).waitFor({ state: "detached", timeout: TIMEOUT });
  });

  test("a page that closes or loses its network disappears from the others", async () => {
    phase = "leaving";
    // Closing the page (as a person closing the tab does: the page's unload
    // handlers run) says goodbye.
    const closing = C.page.close({ runBeforeUnload: true });
    const gone = await timeUntil(async () => (await count(B.page, sel.avatar(CLEO))) === 0, "Cleo to leave", 10_000);
    await closing;
    console.log(`# presence: a closed page disappeared from the others after ${gone} ms`);
    await until(async () => (await count(A.page, sel.avatar(CLEO))) === 0, "Cleo gone for Ana too");

    // D, whose relay connection the test can cut, cannot say goodbye when
    // cut off: it falls silent. (Its socket goes through the test, which
    // might lose a last message: closing is measured with C above.)
    const D = await profile(browser, "D", "about:blank");
    profiles.push(D);
    const cut = await cuttableRelay(D.context);
    await D.page.goto(signIn(planUrl));
    await setName(D.page, DEV);
    await until(async () => (await count(B.page, sel.avatar(DEV))) === 1, "Dev to arrive", LOAD_TIMEOUT);
    await cut.cut();
    const silent = await timeUntil(async () => (await count(B.page, sel.avatar(DEV))) === 0, "Dev to fall silent", 15_000);
    console.log(`# presence: a page that lost its network disappeared from the others after ${silent} ms`);
    await D.context.close();
  });

  test("A presents, B follows A from section to section, and stops following", async () => {
    phase = "meeting";
    await A.page.locator(sel.present).click();
    await waitPill(A.page, /^You are presenting Stop presenting$/);
    await waitPill(B.page, /^Ana Lima is presenting Follow$/);
    await B.page.locator(sel.meetingAction).click();
    await waitPill(B.page, /^Following Ana Lima Stop following Esc$/);

    // A jumps to the pipeline with the section navigation.
    let started = performance.now();
    await A.page.locator('.plan-nav a[href="#pipeline"]').click();
    const toPipeline = await timeUntil(async () => (await sectionAtTop(B.page)) === "pipeline", "B's view at the pipeline", TIMEOUT, started);
    // A scrolls down to the risks.
    started = performance.now();
    await A.page.evaluate(() => window.scrollTo(0, document.getElementById("risks").getBoundingClientRect().top + scrollY - 72));
    const toRisks = await timeUntil(async () => (await sectionAtTop(B.page)) === "risks", "B's view at the risks", TIMEOUT, started);
    console.log(`# presence: following moved B's view ${toPipeline} ms after A jumped to a section, ${toRisks} ms after A scrolled to one`);
    await sideBySide(browser, "presence-following", [
      { label: "A (Ana) presenting, at Risks", png: await A.page.screenshot() },
      { label: "B (Ben) following Ana", png: await B.page.screenshot() },
    ]);
    // A's tooltip on B's page says she presents, and where.
    assert.match(await B.page.locator(sel.avatar(ANA)).getAttribute("title"), /Ana Lima \(presenting\) — viewing Risks and mitigations/);

    // Escape stops following: A moves on, B stays.
    await B.page.keyboard.press("Escape");
    await waitPill(B.page, /^Ana Lima is presenting Follow$/);
    await A.page.locator('.plan-nav a[href="#stakeholders"]').click();
    await until(async () => /viewing Stakeholder map/.test(await B.page.locator(sel.avatar(ANA)).getAttribute("title")), "Ana at the stakeholders");
    await new Promise((ok) => setTimeout(ok, 500));
    assert.equal(await sectionAtTop(B.page), "risks", "B's view stayed where it was");

    // Following again brings B to A at once; the button stops it too.
    await B.page.locator(sel.meetingAction).click();
    await until(async () => (await sectionAtTop(B.page)) === "stakeholders", "B's view at the stakeholders");
    await B.page.locator(sel.meetingAction).click();
    await waitPill(B.page, /^Ana Lima is presenting Follow$/);

    // The presenter stopping ends following for everyone.
    await B.page.locator(sel.meetingAction).click();
    await waitPill(B.page, /^Following Ana Lima Stop following Esc$/);
    await A.page.locator(sel.meetingAction).click();
    await A.page.locator(sel.meeting).waitFor({ state: "hidden" });
    await B.page.locator(sel.meeting).waitFor({ state: "hidden", timeout: TIMEOUT });
    await A.page.locator('.plan-nav a[href="#swot"]').click();
    await until(async () => /viewing SWOT/.test(await B.page.locator(sel.avatar(ANA)).getAttribute("title")), "Ana at SWOT");
    assert.equal(await sectionAtTop(B.page), "stakeholders", "B no longer follows");
  });

  test("no console errors", () => {
    phase = "done";
    for (const p of profiles) {
      console.log(`# profile ${p.name}: ${p.consoleErrors.length} console errors`);
      assert.deepEqual(p.consoleErrors, [], `profile ${p.name}: unexpected console errors`);
    }
  });
});
