// The full account plan, end to end, in real headless Chromium against the
// built app (dist/) and a running relay (target/debug/sync-server):
//
//   1. a plan with every section filled (header, the text sections, every
//      list, an objective with actions, targets) survives a reload field by
//      field; the stakeholder map and the pipeline chart are drawn from it;
//      the Markdown export holds every section;
//   2. two people edit different sections and the same text at once and
//      converge to identical content, every typed character kept;
//   3. a status set differently on two devices while the relay is down is
//      shown as a conflict (both values, who set which) and settled by one
//      click on one side, for both;
//   4. an old version is viewed read-only and restored; the restore is itself
//      a new version, so the state before it is still listed;
//   5. items moved up and down and removed are seen in the same order by the
//      other person;
//   6. the filled plan fits a phone (390×844) without horizontal scrolling;
//   7. no console errors, except the relay being unreachable while it was down.
//
// The tests share one relay, one browser and two profiles (A and B) and run in
// order; each builds on the state the one before left.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";

import { launchBrowser, screenshotPath, startRelay, tempDataDir } from "../support/harness.js";
import {
  TIMEOUT,
  caretAt,
  horizontalOverflow,
  isSubsequence,
  makeProfile,
  pendingCount,
  sideBySide,
  until,
  value,
  waitBadge,
  waitValue,
  waitPending,
} from "../support/page.js";

const LOAD_TIMEOUT = 15_000;
const RECONNECT_TIMEOUT = 30_000; // the transport's backoff tops out at ~10 s

const sel = {
  title: ".plan-head input[data-field=title]",
  head: (key) => `#overview > .field-grid [data-field="${key}"]`,
  targets: (key) => `#pipeline > .field-grid [data-field="${key}"]`,
  service: (key) => `#service > .field-grid [data-field="${key}"]`,
  review: (key) => `#review > .field-grid [data-field="${key}"]`,
  prose: (key) => `.plan-section > .field textarea[data-field="${key}"]`,
  list: (key) => `[data-list="${key}"]`,
  item: (id) => `.item[data-item="${id}"]`,
  itemField: (id, key) => `.item[data-item="${id}"] > .item-fields [data-field="${key}"]`,
  actions: (objectiveId) => `.item[data-item="${objectiveId}"] > .item-nested > [data-list="actions"]`,
  statusConflict: "#overview > .field-grid .field:has([data-field=status]) .conflict",
  history: {
    toggle: "[data-testid=history-toggle]",
    version: ".versions .version",
    view: ".version-view",
  },
};

// ---------------------------------------------------------------- the plan

// A's display name (B sets none: its values read "by you" and "by device …").
const NAME_A = "Ana Lima";

const TITLE = "Northwind Traders FY27/28 — strategic account plan";
// What the export names the download: anything but letters, digits, space,
// "-", "_" and "." becomes "-".
const FILE_NAME = "Northwind Traders FY27-28 - strategic account plan.md";

/**
 * One field as a person fills it: `set` is what is typed or chosen, `value`
 * what the control holds afterwards (and after a reload), `md` how the
 * Markdown export writes it.
 */
function f(key, label, type, set, { value = set, md } = {}) {
  return { key, label, type, set, value, md: md ?? value };
}
const choice = (key, label, set, shown) => f(key, label, "choice", set, { md: shown });
const money = (key, label, set, shown) => f(key, label, "money", set, { value: shown });
const text = (key, label, set) => f(key, label, "text", set);
const line = (key, label, set) => f(key, label, "line", set);
const date = (key, label, set) => f(key, label, "date", set);
const percent = (key, label, set) => f(key, label, "percent", set, { md: `${set}%` });

const HEADER = [
  line("customer", "Customer", "Northwind Traders"),
  line("owner", "Plan owner", "Dana Whitfield"),
  choice("status", "Status", "draft", "Draft"),
  date("periodStart", "Period start", "2026-07-01"),
  date("periodEnd", "Period end", "2027-06-30"),
];
const TARGETS = [
  money("revenueTarget", "Revenue target", "1,000,000 USD", "1,000,000.00 USD"),
  money("consumptionTarget", "Consumption target", "400000", "400,000.00 USD"),
];
const SERVICE = [choice("health", "Service health", "green", "Green")];
const CADENCE = [choice("cadence", "Review cadence", "quarterly", "Quarterly"), date("nextReview", "Next review", "2027-01-15")];

const VISION = [
  "Northwind wants one logistics platform for all 14 warehouses by FY28.",
  "Success means same-day dispatch in every region, with IT spend flat while volume grows 20 %.",
].join("\n");
const PROSE = [
  { key: "vision", heading: "Customer vision", text: VISION },
  {
    key: "priorities",
    heading: "Business priorities",
    text: "1. Consolidate the warehouse systems.\n2. Cut order-to-ship time in half.\n3. Pass the SOC 2 audit in Q3.",
  },
  { key: "itObjectives", heading: "IT objectives", text: "Move the WMS to the Frankfurt cloud region; retire the AS/400 by March." },
  { key: "remediation", heading: "Proactive remediation", text: "Patch the edge gateways before peak; add a second on-call rotation." },
  { key: "roi", heading: "ROI", text: "Same-day dispatch keeps about 2.1 M USD of orders a year; platform cost down 12 %." },
];

/** Every list, in the page's (and the export's) order, with its items. */
const LISTS = [
  {
    key: "team",
    title: "Virtual account team",
    items: [[line("person", "Person", "Priya Raman"), line("role", "Role", "Solution architect")]],
  },
  {
    key: "stakeholders",
    title: "Stakeholder map",
    items: [
      [
        line("name", "Name", "Aurélie Martin"),
        line("title", "Title", "Chief Information Officer"),
        choice("role", "Role", "cio", "CIO"),
        choice("influence", "Influence", "high", "High"),
        choice("support", "Support", "champion", "Champion"),
        line("owner", "Internal owner", "Dana Whitfield"),
        date("lastContact", "Last contact", "2026-06-12"),
        text("notes", "Notes", "Sponsor of the consolidation; wants a monthly steering call."),
      ],
      [
        line("name", "Name", "Tom Becker"),
        line("title", "Title", "Head of Warehouse Operations"),
        choice("role", "Role", "lob-leader", "Line-of-business leader"),
        choice("influence", "Influence", "medium", "Medium"),
        choice("support", "Support", "skeptic", "Skeptic"),
        line("owner", "Internal owner", "Priya Raman"),
        date("lastContact", "Last contact", "2026-05-30"),
        text("notes", "Notes", "Worried about downtime during the peak season."),
      ],
    ],
  },
  {
    key: "installedBase",
    title: "Installed base and agreements",
    items: [
      [
        line("product", "Product", "Fieldbook Cloud Enterprise"),
        line("agreement", "Agreement", "EA-2024-0117"),
        line("quantity", "Quantity", "2,500 seats"),
        date("renewal", "Renewal date", "2027-03-31"),
      ],
    ],
  },
  {
    key: "opportunities",
    title: "Opportunities",
    items: [
      [
        line("name", "Name", "WMS cloud migration"),
        choice("stage", "Stage", "propose", "Propose"),
        money("amount", "Amount", "450,000 USD", "450,000.00 USD"),
        date("close", "Close date", "2026-12-15"),
        line("owner", "Owner", "Dana Whitfield"),
      ],
      [
        line("name", "Name", "Analytics add-on"),
        choice("stage", "Stage", "won", "Won"),
        money("amount", "Amount", "150000", "150,000.00 USD"),
        date("close", "Close date", "2026-09-30"),
        line("owner", "Owner", "Priya Raman"),
      ],
    ],
  },
  { key: "strengths", title: "Strengths", items: [[text("text", "Point", "Trusted by the CIO since the 2024 rollout")]] },
  { key: "weaknesses", title: "Weaknesses", items: [[text("text", "Point", "No reference customer in logistics yet")]] },
  { key: "swotOpportunities", title: "Opportunities", items: [[text("text", "Point", "Peak-season capacity planning as a service")]] },
  { key: "threats", title: "Threats", items: [[text("text", "Point", "A competitor offers a free migration")]] },
  {
    key: "objectives",
    title: "Objectives",
    items: [
      [
        text("title", "Objective", "Consolidate the warehouse systems by Q2"),
        line("owner", "Owner", "Dana Whitfield"),
        date("due", "Due", "2027-03-31"),
      ],
    ],
    actions: [
      [
        text("text", "Action", "Run the migration pilot in Hamburg"),
        line("owner", "Owner", "Priya Raman"),
        date("due", "Due", "2027-01-20"),
        choice("status", "Status", "in-progress", "In progress"),
        percent("percent", "% done", "40"),
      ],
      [
        text("text", "Action", "Sign off the cut-over plan with operations"),
        line("owner", "Owner", "Tom Becker"),
        date("due", "Due", "2027-02-10"),
        choice("status", "Status", "todo", "To do"),
        percent("percent", "% done", "0"),
      ],
    ],
  },
  {
    key: "escalations",
    title: "Linked escalations",
    items: [[line("ref", "Escalation", "ESC-4821"), line("note", "Note", "Checkout latency during the autumn sale")]],
  },
  {
    key: "risks",
    title: "Risks and mitigations",
    items: [
      [
        text("risk", "Risk", "The peak-season freeze delays the cut-over"),
        text("mitigation", "Mitigation", "Agree a January window with operations now"),
        choice("likelihood", "Likelihood", "medium", "Medium"),
        choice("impact", "Impact", "high", "High"),
        line("owner", "Owner", "Dana Whitfield"),
      ],
    ],
  },
  {
    key: "metrics",
    title: "Metrics",
    items: [
      [
        line("name", "Metric", "Order-to-ship time"),
        line("baseline", "Baseline", "36 h"),
        line("target", "Target", "18 h"),
        line("current", "Current", "30 h"),
      ],
    ],
  },
];

// What the pipeline chart must say for the opportunities and target above.
const PIPELINE_CAPTION =
  "Won 150,000.00 USD and open 450,000.00 USD against a revenue target of 1,000,000.00 USD (60% covered).";

// ---------------------------------------------------------------- helpers

let phase = "happy path";
const profile = makeProfile(() => phase);

/**
 * Wait until every control holds its value ([selector, value] pairs); on
 * timeout, fail naming each control that differs and what it holds.
 */
async function waitValues(page, pairs, timeout = TIMEOUT) {
  try {
    await page.waitForFunction((list) => {
      for (const [s, want] of list) if (document.querySelector(s)?.value !== want) return false;
      return true;
    }, pairs, { timeout, polling: 50 });
  } catch (e) {
    const wrong = await page.evaluate(
      (list) =>
        list
          .map(([s, want]) => ({ s, want, got: document.querySelector(s)?.value ?? "<no such control>" }))
          .filter((r) => r.got !== r.want),
      pairs,
    );
    throw new Error(`${wrong.length} of ${pairs.length} controls differ:\n${wrong.map((r) => `  ${r.s}: want ${JSON.stringify(r.want)}, holds ${JSON.stringify(r.got)}`).join("\n")}`, {
      cause: e,
    });
  }
}

/** The ids of a list's items, in the order shown. */
const itemIds = (page, listSelector) =>
  page.$$eval(`${listSelector} > .item`, (els) => els.map((e) => e.getAttribute("data-item")));

/**
 * Click the list's add button; returns the new item's id. The first item
 * the list shows after the click is this one: an item someone else adds at
 * the same moment arrives later, from the network.
 */
async function addItem(page, listSelector, key) {
  const list = page.locator(listSelector);
  await list.evaluate((el) => {
    const known = new Set([...el.children].map((c) => c.getAttribute("data-item")));
    el.__added = [];
    el.__observer?.disconnect();
    el.__observer = new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          const id = n.nodeType === 1 && n.matches(".item") ? n.getAttribute("data-item") : null;
          if (id && !known.has(id)) {
            known.add(id);
            el.__added.push(id);
          }
        }
      }
    });
    el.__observer.observe(el, { childList: true });
  });
  await page.locator(`${listSelector} > [data-add="${key}"]`).click();
  const handle = await list.evaluateHandle(
    (el, timeout) =>
      new Promise((ok, fail) => {
        const end = Date.now() + timeout;
        const look = () => {
          if (el.__added.length) {
            el.__observer.disconnect();
            ok(el.__added[0]);
          } else if (Date.now() > end) fail(new Error("no new item"));
          else setTimeout(look, 10);
        };
        look();
      }),
    TIMEOUT,
  );
  const id = await handle.jsonValue();
  const ids = await itemIds(page, listSelector);
  assert.ok(ids.includes(id), `the new item ${id} is in ${listSelector}`);
  return id;
}

/** Type or choose a field's value the way a person does. */
async function setField(page, selector, field) {
  const box = page.locator(selector);
  switch (field.type) {
    case "choice":
      await box.selectOption(field.set); // fires `change`: committed
      break;
    case "date":
      await box.fill(field.set); // a date input fires `change` on fill
      break;
    case "text":
      await box.fill(field.set); // saved as it is typed
      break;
    default:
      await box.fill(field.set);
      await box.press("Tab"); // leaving the box commits it
  }
}

/** The Markdown line the export writes for one item. */
const mdItem = (fields) =>
  fields.map((fl, i) => (i === 0 ? `**${fl.md}**` : `${fl.label}: ${fl.md}`)).join(" — ");

/**
 * A screenshot of one part of the page, taken from a full-page capture so
 * the sticky top bar does not cover it.
 */
async function shootPart(page, selector, name) {
  const box = await page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
  });
  const pad = 12;
  await page.screenshot({
    path: screenshotPath(name),
    fullPage: true,
    clip: { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad },
  });
}

// ---------------------------------------------------------------- the tests

describe("account plans: every section, co-edited, merged, restored", { timeout: 240_000 }, () => {
  let relay;
  let port;
  let dataDir;
  let browser;
  /** @type {any} */ let A;
  /** @type {any} */ let B;
  const profiles = [];
  let planUrl;
  /** Item ids by list key (and "actions"), in the order they were added. */
  const ids = {};

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

  /** Every control of the filled plan with the value it must hold. */
  function expectedValues() {
    const pairs = [[sel.title, TITLE]];
    for (const fl of HEADER) pairs.push([sel.head(fl.key), fl.value]);
    for (const fl of TARGETS) pairs.push([sel.targets(fl.key), fl.value]);
    for (const fl of SERVICE) pairs.push([sel.service(fl.key), fl.value]);
    for (const fl of CADENCE) pairs.push([sel.review(fl.key), fl.value]);
    for (const p of PROSE) pairs.push([sel.prose(p.key), p.text]);
    for (const list of LISTS) {
      list.items.forEach((fields, i) => {
        for (const fl of fields) pairs.push([sel.itemField(ids[list.key][i], fl.key), fl.value]);
      });
      list.actions?.forEach((fields, i) => {
        for (const fl of fields) pairs.push([sel.itemField(ids.actions[i], fl.key), fl.value]);
      });
    }
    return pairs;
  }

  test("a plan with every section filled survives a reload, and exports to Markdown", async () => {
    A = await profile(browser, "A", relay.url);
    profiles.push(A);
    const { page } = A;
    await page.getByRole("heading", { name: "Account plans" }).waitFor({ timeout: LOAD_TIMEOUT });
    // A says who they are: conflicts and history name them.
    await page.locator("[data-testid=who-am-i]").click();
    await page.getByLabel("Your name").fill(NAME_A);
    await page.getByLabel("Your name").press("Enter");
    await until(async () => (await page.locator("[data-testid=who-am-i]").textContent()) === NAME_A, "A's name in the header");
    await page.getByRole("button", { name: /New plan/ }).click();
    await page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
    planUrl = page.url();

    // The section navigation lists every section, each an anchor on the page.
    const anchors = await page.$$eval(".plan-nav a", (as) => as.map((a) => a.getAttribute("href")));
    assert.deepEqual(anchors, [
      "#overview",
      "#stakeholders",
      "#installed-base",
      "#pipeline",
      "#swot",
      "#objectives",
      "#service",
      "#risks",
      "#metrics",
      "#review",
    ]);
    for (const a of anchors) assert.equal(await page.locator(a).count(), 1, `section ${a} is on the page`);

    // Header: the title box has the focus on a new plan.
    await page.locator(sel.title).waitFor();
    await page.keyboard.type(TITLE);
    for (const fl of HEADER) await setField(page, sel.head(fl.key), fl);
    for (const fl of TARGETS) await setField(page, sel.targets(fl.key), fl);
    for (const fl of SERVICE) await setField(page, sel.service(fl.key), fl);
    for (const fl of CADENCE) await setField(page, sel.review(fl.key), fl);
    for (const p of PROSE) await page.locator(sel.prose(p.key)).fill(p.text);

    // Every list, item by item, field by field.
    for (const list of LISTS) {
      ids[list.key] = [];
      for (const fields of list.items) {
        const id = await addItem(page, sel.list(list.key), list.key);
        ids[list.key].push(id);
        for (const fl of fields) await setField(page, sel.itemField(id, fl.key), fl);
      }
      if (list.actions) {
        const objective = ids[list.key][0];
        ids.actions = [];
        for (const fields of list.actions) {
          const id = await addItem(page, sel.actions(objective), "actions");
          ids.actions.push(id);
          for (const fl of fields) await setField(page, sel.itemField(id, fl.key), fl);
        }
      }
    }
    // Nothing was refused (every value was valid).
    assert.deepEqual(await page.$$eval(".field-error", (els) => els.map((e) => e.textContent)), []);
    // The money fields show the amount as it is stored, formatted.
    await waitValues(page, expectedValues());
    await waitBadge(page, "synced", 10_000);

    // Reload: every value is read back from this device's storage.
    await page.reload();
    await waitValue(page, sel.title, TITLE, LOAD_TIMEOUT);
    await waitValues(page, expectedValues());
    for (const list of LISTS) {
      assert.deepEqual(await itemIds(page, sel.list(list.key)), ids[list.key], `${list.key} in the order added`);
    }
    assert.deepEqual(await itemIds(page, sel.actions(ids.objectives[0])), ids.actions, "actions in the order added");
    await waitBadge(page, "synced", 10_000);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath("plan-01-overview") });
    await page.screenshot({ path: screenshotPath("plan-01b-full-page"), fullPage: true });

    // Only the plan's own title is set large; a stakeholder's job title or an
    // objective looks like the fields beside it.
    const fontSize = (s) => page.locator(s).evaluate((el) => getComputedStyle(el).fontSize);
    assert.equal(await fontSize(sel.title), "22px");
    assert.equal(
      await fontSize(sel.itemField(ids.stakeholders[0], "title")),
      await fontSize(sel.itemField(ids.stakeholders[0], "name")),
    );
    assert.equal(
      await fontSize(sel.itemField(ids.objectives[0], "title")),
      await fontSize(sel.itemField(ids.objectives[0], "owner")),
    );
    // An objective's own move/remove buttons sit beside it, not after its actions.
    const box = (s) => page.locator(s).boundingBox();
    const objective = sel.item(ids.objectives[0]);
    assert.ok(
      (await box(`${objective} > .item-tools`)).y < (await box(`${objective} > .item-nested`)).y,
      "the objective's tools are above its actions",
    );

    // The stakeholder map: a card per person, grouped by role, coloured by support.
    const map = await page.$$eval(".stakeholder-map .stakeholder-group", (groups) =>
      groups.map((g) => ({
        role: g.querySelector(".stakeholder-role").textContent.trim(),
        cards: [...g.querySelectorAll(".stakeholder-card")].map((c) => ({
          id: c.getAttribute("data-item"),
          support: c.getAttribute("data-support"),
          influence: c.getAttribute("data-influence"),
          text: [...c.querySelectorAll(".stakeholder-name, .stakeholder-title, .tag")].map((e) => e.textContent.trim()),
        })),
      })),
    );
    const [s1, s2] = ids.stakeholders;
    assert.deepEqual(map, [
      {
        role: "CIO",
        cards: [
          {
            id: s1,
            support: "champion",
            influence: "high",
            text: ["Aurélie Martin", "Chief Information Officer", "Champion", "High influence"],
          },
        ],
      },
      {
        role: "Line-of-business leader",
        cards: [
          {
            id: s2,
            support: "skeptic",
            influence: "medium",
            text: ["Tom Becker", "Head of Warehouse Operations", "Skeptic", "Medium influence"],
          },
        ],
      },
    ]);
    // Coloured by support: a champion and a skeptic do not look alike.
    const colour = (id) =>
      page.locator(`.stakeholder-card[data-item="${id}"]`).evaluate((el) => getComputedStyle(el).borderLeftColor);
    assert.notEqual(await colour(s1), await colour(s2), "support levels have their own colours");
    await shootPart(page, "#stakeholders", "plan-02-stakeholder-map");

    // The pipeline chart: totals per stage against the revenue target.
    const chart = page.locator(".pipeline-chart");
    await chart.locator("figcaption").waitFor();
    assert.equal((await chart.locator("figcaption").textContent()).trim(), PIPELINE_CAPTION);
    assert.equal(await chart.locator("svg").getAttribute("aria-label"), PIPELINE_CAPTION);
    const bars = await chart.locator("svg g.bar").evaluateAll((gs) =>
      Object.fromEntries(
        gs.map((g) => [
          g.getAttribute("class").replace("bar bar-", ""),
          { value: g.querySelector(".bar-value").textContent, width: Number(g.querySelector("rect").getAttribute("width")) },
        ]),
      ),
    );
    assert.equal(bars.propose.value, "450,000.00 USD · 1");
    assert.equal(bars.won.value, "150,000.00 USD · 1");
    assert.equal(bars.total.value, "600,000.00 USD");
    assert.equal(bars.prospect.width, 0, "an empty stage has no bar");
    // Bars to scale: won is a third of propose and a quarter of the total.
    assert.ok(Math.abs(bars.won.width * 3 - bars.propose.width) < 0.5, JSON.stringify(bars));
    assert.ok(Math.abs(bars.won.width * 4 - bars.total.width) < 0.5, JSON.stringify(bars));
    assert.equal((await chart.locator("svg .target text").textContent()).trim(), "Target 1,000,000.00 USD");
    await shootPart(page, "#pipeline", "plan-03-pipeline-chart");

    // Export: a Markdown file named after the plan, with every section.
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: TIMEOUT }),
      page.locator("[data-testid=export-markdown]").click(),
    ]);
    assert.equal(download.suggestedFilename(), FILE_NAME);
    const md = await readFile(await download.path(), "utf8");
    assert.ok(md.startsWith(`# ${TITLE}\n\n`), md);
    const header = [...HEADER, ...TARGETS, ...SERVICE, ...CADENCE].map((fl) => `- **${fl.label}:** ${fl.md}`).join("\n");
    assert.ok(md.includes(`\n\n${header}\n\n`), `the header, in order:\n${header}\n--- in ---\n${md}`);
    for (const p of PROSE) {
      assert.ok(md.includes(`\n## ${p.heading}\n\n${p.text}\n\n`), `section ${p.heading} in:\n${md}`);
    }
    // The four SWOT quadrants sit under one "## SWOT" heading.
    const SWOT_KEYS = ["strengths", "weaknesses", "swotOpportunities", "threats"];
    const swot = (list) => SWOT_KEYS.includes(list.key);
    assert.ok(md.includes("\n## SWOT\n\n### Strengths\n\n"), `SWOT grouped:\n${md}`);
    for (const list of LISTS) {
      const heading = swot(list) ? "###" : "##";
      let block = `\n${heading} ${list.title}\n\n` + list.items.map((fields) => `- ${mdItem(fields)}\n`).join("");
      if (list.actions) block += list.actions.map((fields) => `  - ${mdItem(fields)}\n`).join("");
      assert.ok(md.includes(block), `list ${list.key}:\n${block}--- in ---\n${md}`);
    }
    const sections = PROSE.length + LISTS.filter((l) => !swot(l)).length + 1;
    assert.equal(md.match(/^## /gm).length, sections, "one heading per section, nothing else");
    assert.equal(md.match(/^### /gm).length, SWOT_KEYS.length, "one sub-heading per SWOT quadrant");
    console.log(`# exported ${md.length} characters of Markdown, ${md.split("\n").length} lines`);
  });

  test("two people edit different sections and the same text at once, and converge", async () => {
    assert.ok(planUrl, "needs the plan");
    B = await profile(browser, "B", planUrl);
    profiles.push(B);
    const vision = sel.prose("vision");
    await waitValue(B.page, vision, VISION, LOAD_TIMEOUT);
    await waitBadge(B.page, "synced", 10_000);

    // Both type into the vision at the same moment: A at the end, B inside
    // (after the first sentence).
    const typedA = " A: the board wants proof by the spring review.";
    const typedB = " B: Hamburg goes first, then the Nordic sites.";
    const spotB = VISION.indexOf("\n");
    const wantVision = VISION.slice(0, spotB) + typedB + VISION.slice(spotB) + typedA;

    // Then each edits a different section: A adds a risk, B a weakness and
    // the service health; and both add a metric at the same moment.
    const riskA = { risk: "Operations headcount is frozen until April", mitigation: "Offer a managed cut-over team" };
    const weaknessB = "Our support hours do not cover Asia-Pacific";
    let riskId;
    let weaknessId;
    const metrics = sel.list("metrics");
    const metricsBefore = await itemIds(A.page, metrics);
    const spans = {};
    // Both carets are placed before either types: a caret put by position
    // once the other's first key has arrived lands one character early.
    await caretAt(A.page, vision, VISION.length);
    await caretAt(B.page, vision, spotB);
    await Promise.all([
      (async () => {
        const t0 = performance.now();
        await A.page.keyboard.type(typedA, { delay: 10 });
        spans.visionA = [t0, performance.now()];
        const t1 = performance.now();
        riskId = await addItem(A.page, sel.list("risks"), "risks");
        await A.page.locator(sel.itemField(riskId, "risk")).click();
        await A.page.keyboard.type(riskA.risk, { delay: 5 });
        await A.page.locator(sel.itemField(riskId, "mitigation")).fill(riskA.mitigation);
        await A.page.locator(sel.itemField(riskId, "likelihood")).selectOption("high");
        spans.sectionA = [t1, performance.now()];
        await A.page.locator(`${metrics} > [data-add=metrics]`).click();
      })(),
      (async () => {
        const t0 = performance.now();
        await B.page.keyboard.type(typedB, { delay: 10 });
        spans.visionB = [t0, performance.now()];
        const t1 = performance.now();
        weaknessId = await addItem(B.page, sel.list("weaknesses"), "weaknesses");
        await B.page.locator(sel.itemField(weaknessId, "text")).click();
        await B.page.keyboard.type(weaknessB, { delay: 5 });
        await B.page.locator(sel.service("health")).selectOption("amber");
        spans.sectionB = [t1, performance.now()];
        await B.page.locator(`${metrics} > [data-add=metrics]`).click();
      })(),
    ]);
    const done = performance.now();
    // The typing really overlapped.
    const overlap = (a, b) => Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
    assert.ok(overlap(spans.visionA, spans.visionB) > 0, "A and B typed in the vision at the same time");
    assert.ok(overlap(spans.sectionA, spans.sectionB) > 0, "A and B edited their sections at the same time");

    // Both windows converge to the same vision, every character kept where
    // its author typed it.
    await waitValue(A.page, vision, wantVision);
    await waitValue(B.page, vision, wantVision);
    console.log(
      `# vision typed at once (A ${Math.round(spans.visionA[1] - spans.visionA[0])} ms, B ${Math.round(spans.visionB[1] - spans.visionB[0])} ms, ` +
        `overlapping ${Math.round(overlap(spans.visionA, spans.visionB))} ms); both windows identical ${Math.round(performance.now() - done)} ms after the last edit`,
    );
    const merged = await value(A.page, vision);
    assert.ok(isSubsequence(typedA, merged) && isSubsequence(typedB, merged) && isSubsequence(VISION, merged));
    assert.equal(merged.length, VISION.length + typedA.length + typedB.length);

    // Each sees the other's section edits.
    await waitValue(B.page, sel.itemField(riskId, "risk"), riskA.risk);
    await waitValue(B.page, sel.itemField(riskId, "mitigation"), riskA.mitigation);
    await waitValue(B.page, sel.itemField(riskId, "likelihood"), "high");
    await waitValue(A.page, sel.itemField(weaknessId, "text"), weaknessB);
    await waitValue(A.page, sel.service("health"), "amber");
    // Both metrics added at the same moment are kept, in the same order on
    // both sides (which one is whose does not show, so A names the first
    // new one and B the second).
    const newMetrics = async (page) => {
      const now = await itemIds(page, metrics);
      return now.length === metricsBefore.length + 2 && now.filter((id) => !metricsBefore.includes(id));
    };
    const [metricA, metricB] = await until(() => newMetrics(A.page), "both new metrics on A");
    assert.deepEqual(await until(() => newMetrics(B.page), "both new metrics on B"), [metricA, metricB]);
    await Promise.all([
      setField(A.page, sel.itemField(metricA, "name"), line("name", "Metric", "Net promoter score")),
      setField(B.page, sel.itemField(metricB, "name"), line("name", "Metric", "Dock-to-stock time")),
    ]);
    await waitValue(A.page, sel.itemField(metricB, "name"), "Dock-to-stock time");
    await waitValue(B.page, sel.itemField(metricA, "name"), "Net promoter score");
    const metricsA = await itemIds(A.page, metrics);
    assert.deepEqual(await itemIds(B.page, metrics), metricsA, "the same order on both sides");
    // Nothing else moved: everything else is as it was filled.
    const unchanged = expectedValues().filter(([s]) => s !== vision && s !== sel.service("health"));
    await waitValues(A.page, unchanged);
    await waitValues(B.page, unchanged);
    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("a status set differently on two devices while offline is shown as a conflict and settled", async () => {
    assert.ok(B, "needs both profiles");
    const status = sel.head("status");
    assert.equal(await value(A.page, status), "draft");
    assert.equal(await value(B.page, status), "draft");

    const customerHeight = async (page) => (await page.locator(sel.head("customer")).boundingBox()).height;
    const heightBefore = await customerHeight(A.page);

    phase = "relay down";
    await relay.stop();
    relay = undefined;
    try {
      await waitBadge(A.page, "offline");
      await waitBadge(B.page, "offline");
      await A.page.locator(status).selectOption("active");
      await B.page.locator(status).selectOption("in-review");
      for (const p of [A, B]) {
        const b = await waitPending(p.page);
        assert.equal(b.state, "offline", `${p.name} is offline`);
        assert.ok(pendingCount(b.text) > 0, `${p.name} has a change to sync: ${b.text}`);
      }
      // Neither sees a conflict yet: each has only its own value.
      assert.equal(await A.page.locator(sel.statusConflict).count(), 0);
      assert.equal(await B.page.locator(sel.statusConflict).count(), 0);

      relay = await startRelay({ port, dataDir });
      const back = performance.now();
      await A.page.locator(sel.statusConflict).waitFor({ timeout: RECONNECT_TIMEOUT });
      await B.page.locator(sel.statusConflict).waitFor({ timeout: RECONNECT_TIMEOUT });
      console.log(`# both saw the conflict ${Math.round(performance.now() - back)} ms after the relay restarted`);
      await waitBadge(A.page, "synced", RECONNECT_TIMEOUT);
      await waitBadge(B.page, "synced", RECONNECT_TIMEOUT);
    } finally {
      relay ??= await startRelay({ port, dataDir });
    }
    phase = "happy path";

    const options = (page) =>
      page.locator(`${sel.statusConflict} .conflict-option`).evaluateAll((bs) =>
        bs
          .map((b) => ({ value: b.querySelector("strong").textContent, by: b.querySelector(".conflict-by").textContent }))
          .sort((x, y) => x.value.localeCompare(y.value)),
      );
    const seenByA = await options(A.page);
    const seenByB = await options(B.page);
    // Both values, each with who set it: "you" on the device that set it,
    // the other device on the other.
    assert.deepEqual(
      seenByA.map((o) => o.value),
      ["Active", "In review"],
    );
    assert.deepEqual(
      seenByB.map((o) => o.value),
      ["Active", "In review"],
    );
    // A named themselves, B did not.
    assert.equal(seenByA[0].by, `by ${NAME_A}`);
    assert.match(seenByA[1].by, /^by device [0-9a-f]{6}$/);
    assert.equal(seenByB[0].by, `by ${NAME_A}`);
    assert.equal(seenByB[1].by, "by you");
    // The fields beside the conflict keep their size (no layout jump).
    assert.equal(await customerHeight(A.page), heightBefore, "the customer box is not stretched by the conflict beside it");
    // Both show the same value in the box meanwhile (automerge's winner).
    const shown = await value(A.page, status);
    assert.ok(["active", "in-review"].includes(shown));
    assert.equal(await value(B.page, status), shown);
    assert.equal(
      await A.page.locator(sel.statusConflict).getAttribute("aria-label"),
      "Status: conflicting values",
    );

    const conflictShot = async (page) => {
      const field = page.locator("#overview > .field-grid");
      await field.scrollIntoViewIfNeeded();
      return field.screenshot();
    };
    await sideBySide(browser, "plan-04-conflict", [
      { label: "Window A", png: await conflictShot(A.page) },
      { label: "Window B", png: await conflictShot(B.page) },
    ], 640);

    // A keeps the value that is not showing (so the box visibly changes).
    const keep = shown === "active" ? "in-review" : "active";
    const keepLabel = keep === "active" ? "Active" : "In review";
    await A.page.locator(`${sel.statusConflict} .conflict-option`, { hasText: keepLabel }).click();
    for (const p of [A, B]) {
      await waitValue(p.page, status, keep);
      await p.page.locator(sel.statusConflict).waitFor({ state: "detached", timeout: TIMEOUT });
      assert.equal(await p.page.locator(".conflict").count(), 0, `${p.name}: no conflict anywhere`);
    }
    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("an old version is viewed read-only and restored, and the restore is a new version", async () => {
    assert.ok(B, "needs both profiles");
    const priorities = sel.prose("priorities");
    const health = sel.service("health");
    const oldPriorities = PROSE.find((p) => p.key === "priorities").text;
    const [baseId] = ids.installedBase;
    const product = sel.itemField(baseId, "product");
    assert.equal(await value(A.page, priorities), oldPriorities);
    assert.equal(await value(A.page, health), "amber");

    // A new editing session: reload A (a new load is a new session), then
    // rewrite the priorities, turn the health red and remove a row.
    await A.page.reload();
    await waitValue(A.page, priorities, oldPriorities, LOAD_TIMEOUT);
    await waitBadge(A.page, "synced", 10_000);
    const newPriorities = "Only one priority now: survive the audit.";
    await A.page.locator(priorities).fill(newPriorities);
    await A.page.locator(health).selectOption("red");
    await A.page.locator(sel.item(baseId)).getByRole("button", { name: "Remove product or agreement" }).click();
    await A.page.locator(sel.item(baseId)).waitFor({ state: "detached" });
    await waitValue(B.page, priorities, newPriorities);
    await waitValue(B.page, health, "red");
    await B.page.locator(sel.item(baseId)).waitFor({ state: "detached" });
    await waitBadge(A.page, "synced");

    // History, newest first: A's session just now, then what came before.
    await A.page.locator(sel.history.toggle).click();
    const versions = A.page.locator(sel.history.version);
    await versions.first().waitFor();
    const before = await versions.count();
    assert.ok(before >= 2, `at least two versions (${before})`);
    const what = (i) => versions.nth(i).locator(".version-what").textContent();
    // Who and what, in words a person reads.
    assert.equal(await versions.nth(0).locator(".version-who").textContent(), NAME_A);
    assert.match(await what(0), /^\d+ changes · Business priorities, Installed base and agreements, Service health$/);
    assert.equal(await versions.nth(0).locator("[data-testid=restore]").count(), 0, "the current version has no restore");

    // View the version before: the old text, read-only; the plan itself is unchanged.
    await versions.nth(1).getByRole("button", { name: "View" }).click();
    const view = A.page.locator(sel.history.view);
    await view.waitFor();
    const shown = await view.locator("pre").textContent();
    assert.ok(shown.includes(`## Business priorities\n\n${oldPriorities}\n`), shown);
    assert.ok(shown.includes("- **Service health:** Amber"), shown);
    assert.ok(shown.includes("- **Fieldbook Cloud Enterprise**"), shown);
    assert.ok(!shown.includes(newPriorities), "the old version does not have the new text");
    assert.equal(await view.locator("input, textarea, select, [contenteditable=true], [contenteditable='']").count(), 0, "read-only");
    assert.equal(await value(A.page, priorities), newPriorities, "viewing does not change the plan");
    await shootPart(A.page, "#review", "plan-05-history");

    // Restore it: the old values are back, on both devices.
    await versions.nth(1).locator("[data-testid=restore]").click();
    await A.page.getByRole("status").filter({ hasText: "Restored." }).waitFor();
    for (const p of [A, B]) {
      await waitValue(p.page, priorities, oldPriorities);
      await waitValue(p.page, health, "amber");
      await waitValue(p.page, product, "Fieldbook Cloud Enterprise");
      assert.deepEqual(await itemIds(p.page, sel.list("installedBase")), [baseId], `${p.name}: the row is back`);
    }
    // The other fields of the restored row came back too.
    const row = LISTS.find((l) => l.key === "installedBase").items[0];
    await waitValues(
      B.page,
      row.map((fl) => [sel.itemField(baseId, fl.key), fl.value]),
    );

    // The restore is itself the newest version; the rewrite before it is
    // still listed (nothing is lost) and can be viewed.
    await until(async () => (await versions.count()) === before + 1, `${before + 1} versions after the restore (have ${await versions.count()})`);
    const rows = await versions.evaluateAll((els) =>
      els.map((e) => [...e.querySelectorAll(".version-when, .version-who, .version-what")].map((c) => c.textContent).join(" | ")),
    );
    console.log(`# newest versions after the restore:\n${rows.slice(0, 3).map((r) => `#   ${r}`).join("\n")}`);
    assert.equal(await versions.nth(0).locator(".version-who").textContent(), NAME_A);
    assert.match(await what(0), / · Business priorities, Installed base and agreements, Service health$/);
    await versions.nth(1).getByRole("button", { name: "View" }).click();
    await until(async () => (await view.locator("pre").textContent()).includes(newPriorities), "the rewritten version in the viewer");
    await shootPart(A.page, "#review", "plan-05b-history-after-restore");
    await A.page.locator(sel.history.toggle).click();
    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("items moved up and down and removed are seen in the same order by the other person", async () => {
    assert.ok(B, "needs both profiles");
    const team = sel.list("team");
    const [priya] = ids.team;
    const marco = await addItem(A.page, team, "team");
    await A.page.locator(sel.itemField(marco, "person")).fill("Marco Ruiz");
    await A.page.locator(sel.itemField(marco, "person")).press("Tab");
    const lena = await addItem(A.page, team, "team");
    await A.page.locator(sel.itemField(lena, "person")).fill("Lena Vogel");
    await A.page.locator(sel.itemField(lena, "person")).press("Tab");
    const order = (page) => itemIds(page, team);
    await until(async () => (await order(B.page)).join() === [priya, marco, lena].join(), "B to see three team members");

    const button = (id, name) => A.page.locator(sel.item(id)).getByRole("button", { name, exact: true });
    // The first cannot move up, the last cannot move down.
    assert.ok(await button(priya, "Move team member up").isDisabled());
    assert.ok(await button(lena, "Move team member down").isDisabled());
    assert.ok(await button(marco, "Move team member up").isEnabled());

    await button(lena, "Move team member up").click();
    await until(async () => (await order(A.page)).join() === [priya, lena, marco].join(), "Lena moved up");
    await button(priya, "Move team member down").click();
    await until(async () => (await order(A.page)).join() === [lena, priya, marco].join(), "Priya moved down");
    await button(marco, "Remove team member").click();
    await until(async () => (await order(A.page)).join() === [lena, priya].join(), "Marco removed");

    await until(async () => (await order(B.page)).join() === [lena, priya].join(), `B to see [Lena, Priya], has ${await order(B.page)}`);
    await waitValue(B.page, sel.itemField(lena, "person"), "Lena Vogel");
    await waitValue(B.page, sel.itemField(priya, "person"), "Priya Raman");
    // The buttons follow the new order.
    assert.ok(await B.page.locator(sel.item(lena)).getByRole("button", { name: "Move team member up" }).isDisabled());
    assert.ok(await B.page.locator(sel.item(priya)).getByRole("button", { name: "Move team member down" }).isDisabled());
    await waitBadge(A.page, "synced");
    await waitBadge(B.page, "synced");
  });

  test("the filled plan fits a phone (390×844) without horizontal scrolling", async () => {
    assert.ok(planUrl && relay, "needs the plan and a running relay");
    const phone = await profile(browser, "phone", planUrl, { width: 390, height: 844 });
    profiles.push(phone);
    await waitValue(phone.page, sel.title, TITLE, LOAD_TIMEOUT);
    await waitValue(phone.page, sel.prose("vision"), await value(A.page, sel.prose("vision")));
    await phone.page.locator(".pipeline-chart svg").waitFor();
    await waitBadge(phone.page, "synced");
    const { scrollWidth, clientWidth, wide } = await horizontalOverflow(phone.page);
    await phone.page.screenshot({ path: screenshotPath("plan-06-phone"), fullPage: true });
    assert.ok(scrollWidth <= 390, `page is ${scrollWidth}px wide on a 390px screen`);
    assert.ok(scrollWidth <= clientWidth, `no horizontal overflow (${scrollWidth} > ${clientWidth})`);
    assert.deepEqual(wide, [], "no element sticks out of the screen");
  });

  test("a long text box grows with what is typed, pasted or received, and shrinks back", async () => {
    assert.ok(A && B, "needs both profiles");
    const vision = sel.prose("vision");
    const box = A.page.locator(vision);
    await box.waitFor();
    // All of the text shows, with no scrollbar inside the box: its height
    // follows the text (min-height 220px).
    const fits = async (page, what) => {
      const m = await page.locator(vision).evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight, height: el.offsetHeight }));
      assert.ok(m.scroll <= m.client, `${what}: the text (${m.scroll}px) fits in the box (${m.client}px)`);
      return m.height;
    };
    const start = await fits(A.page, "at first");
    // Typed, line by line.
    await box.focus();
    await A.page.keyboard.press("ControlOrMeta+End");
    for (let i = 1; i <= 12; i++) {
      await A.page.keyboard.press("Enter");
      await A.page.keyboard.type(`Line ${i} of the follow-up.`);
    }
    const typed = await fits(A.page, "after twelve typed lines");
    assert.ok(typed > start, `the box grew with the lines (${start}px to ${typed}px)`);
    // Received: B pastes a long paragraph; A's box shows all of it.
    const long = "Expand into the EMEA subsidiaries once the renewal is signed. ".repeat(60);
    if (B.page.url() !== planUrl) await B.page.goto(planUrl);
    // B pastes over what it sees, so it must first see all of A's lines.
    await waitValue(B.page, vision, await value(A.page, vision), LOAD_TIMEOUT);
    await B.page.locator(vision).fill(long);
    await waitValue(A.page, vision, long, LOAD_TIMEOUT);
    const received = await fits(A.page, "after B's long paragraph");
    // Narrower: the lines wrap more and the box grows to fit them.
    await A.page.setViewportSize({ width: 700, height: 800 });
    const narrow = await A.page.waitForFunction(
      (s) => {
        const el = document.querySelector(s);
        return el.scrollHeight <= el.clientHeight && el.offsetHeight;
      },
      vision,
      { timeout: TIMEOUT },
    );
    assert.ok((await narrow.jsonValue()) > received, "a narrower window makes the box taller");
    await A.page.setViewportSize({ width: 1280, height: 800 });
    // Cleared with the keyboard: the box goes back to its least height.
    await box.focus();
    await A.page.keyboard.press("ControlOrMeta+a");
    await A.page.keyboard.press("Backspace");
    await waitValue(B.page, vision, "", LOAD_TIMEOUT);
    assert.equal(await fits(A.page, "emptied"), 220, "an empty box is back to 220px");
  });

  test("no console errors, except the relay being unreachable while it was down", () => {
    assert.ok(profiles.length >= 2, "needs the profiles");
    const origin = `127.0.0.1:${port}`;
    const expectedWhileDown = (e) =>
      new RegExp(`^WebSocket connection to 'ws://${origin}/sync(\\?token=[^']*)?' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED$`).test(e.text);
    for (const p of profiles) {
      const allowed = p.consoleErrors.filter((e) => e.phase === "relay down" && expectedWhileDown(e));
      console.log(`# profile ${p.name}: ${p.consoleErrors.length} console errors, ${allowed.length} of them the relay being unreachable`);
      const unexpected = p.consoleErrors.filter((e) => !(e.phase === "relay down" && expectedWhileDown(e)));
      assert.deepEqual(unexpected, [], `profile ${p.name}: unexpected console errors`);
      assert.equal(p.errors.length, p.consoleErrors.length);
    }
  });
});
