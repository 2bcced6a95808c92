// Getting in, end to end, in real headless Chromium against the built app
// (dist/) and a running relay (target/debug/sync-server), with invitations
// and revocations made by the `sync-server` subcommands while it runs:
//
//   1. a browser with no token is asked to sign in: a pasted line that is not
//      a link is refused on the spot, a link with a wrong token says why, and
//      the relay's sign-in link opens the workspace;
//   2. an invitation link asks first — workspace, member, role and what the
//      role may do — "Not now" leaves the device as it was, "Join" opens the
//      workspace with the records others made, and the token leaves the
//      address bar; a reload goes straight in; as a viewer the header says
//      "View only", fields are read-only and "New plan" says why it cannot;
//   3. a plan title and a display name carrying an HTML payload show as
//      text in the list, on the page and on the presence avatar; nothing runs;
//   4. a revoked token signs the device out at once while it is open, and
//      on its next start: the records stay readable, the badge says why
//      nothing syncs, and a new link pasted into the notice signs it back in;
//   5. no console errors apart from the refusals these steps cause on
//      purpose (the browser logs a 401 answer as a failed resource).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";

import { launchBrowser, relayBin, screenshotPath, startRelay, tempDataDir } from "../support/harness.js";
import { BADGE, makeProfile, setName, until, waitText } from "../support/page.js";

const LOAD_TIMEOUT = 15_000;

let phase = "happy path";
const profile = makeProfile(() => phase);

let relay;
let browser;
let owner;
let bea;
let stranger;

/** Run a `sync-server` subcommand on the running relay's store; its output. */
function admin(...args) {
  const run = spawnSync(relayBin, [...args, "--data", relay.dataDir], { encoding: "utf8" });
  assert.equal(run.status, 0, `sync-server ${args.join(" ")}:\n${run.stderr}`);
  return run.stdout.trim();
}

/** A fresh profile that opens `url` as typed: no sign-in token added. */
async function bareProfile(name, url) {
  const p = await profile(browser, name, "about:blank");
  await p.page.goto(url);
  return p;
}

const heading = (page) => page.locator("main h1").first();

/** Paste `link` into the sign-in form and submit it. */
async function paste(page, link) {
  await page.getByLabel("Sign-in or invitation link").fill(link);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("signing in, invitations and revocation", { timeout: 180_000 }, () => {
  before(async () => {
    relay = await startRelay({ dataDir: tempDataDir() });
    browser = await launchBrowser();
    owner = await profile(browser, "owner", relay.url);
    await owner.page.getByRole("button", { name: /New plan/ }).click();
    await owner.page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
    await owner.page.locator("input[data-field=title]").pressSequentially("Contoso FY27");
    await owner.page.locator("input[data-field=title]").press("Tab");
    await waitText(owner.page, "[data-testid=doc-sync]", "Synced", LOAD_TIMEOUT);
  });

  after(async () => {
    for (const p of [owner, bea, stranger]) await p?.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await relay?.stop().catch(() => {});
  });

  test("a browser with no token is asked to sign in, and a pasted link signs it in", async () => {
    phase = "no token";
    stranger = await bareProfile("stranger", relay.url);
    await waitText(stranger.page, "main h1", "Sign in to Fieldbook", LOAD_TIMEOUT);
    assert.equal(await stranger.page.locator(".topnav").count(), 0, "no workspace without a token");
    await stranger.page.screenshot({ path: screenshotPath("access-01-sign-in") });

    await paste(stranger.page, "my password is hunter2");
    await waitText(stranger.page, ".access-form .access-error", /not a sign-in link/);

    await paste(stranger.page, `${relay.url}#token=fb_wrong`);
    await waitText(stranger.page, ".access-card > .access-error", /That sign-in link did not work: access token `fb_wro…` is unknown, revoked or expired/, LOAD_TIMEOUT);

    phase = "signing in";
    await paste(stranger.page, `${relay.url}#token=${relay.token}`);
    await stranger.page.getByRole("link", { name: "Contoso FY27" }).waitFor({ timeout: LOAD_TIMEOUT });
    assert.ok(!stranger.page.url().includes("token="), stranger.page.url());
    phase = "happy path";
  });

  test("an invitation asks first, then joins with its role", async () => {
    const link = admin("invite", "--member", "bea", "--role", "viewer", "--days", "7", "--base-url", relay.url);
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#token=fb_[0-9a-f]{64}$/);

    bea = await bareProfile("bea", link);
    await waitText(bea.page, "main h1", "You’re invited to Local", LOAD_TIMEOUT);
    const card = await bea.page.locator(".access-card").textContent();
    assert.match(card, /Join as bea, with the role viewer\./);
    assert.match(card, /changes made on this device are not shared/);
    assert.match(card, /The invitation works until \w{3} \d+ \w{3}, \d\d:\d\d\./);
    assert.ok(!bea.page.url().includes("token="), "the token left the address bar");
    await bea.page.screenshot({ path: screenshotPath("access-02-invitation") });

    // Not now: nothing is kept, so this new device is asked to sign in.
    await bea.page.getByRole("button", { name: "Not now" }).click();
    await waitText(bea.page, "main h1", "Sign in to Fieldbook", LOAD_TIMEOUT);

    await bea.page.goto(link);
    await waitText(bea.page, "main h1", "You’re invited to Local", LOAD_TIMEOUT);
    await bea.page.getByRole("button", { name: "Join Local" }).click();
    await bea.page.getByRole("link", { name: "Contoso FY27" }).waitFor({ timeout: LOAD_TIMEOUT });
    await until(async () => (await bea.page.locator(BADGE).getAttribute("data-state")) === "synced", "bea synced");

    await bea.page.reload();
    await bea.page.getByRole("link", { name: "Contoso FY27" }).waitFor({ timeout: LOAD_TIMEOUT });
    assert.equal(await bea.page.locator("[data-testid=invitation]").count(), 0, "asked only once");

    // A viewer reads; the app says so and does not pretend to save changes.
    await bea.page.locator(".topbar .view-only").waitFor();
    await bea.page.getByRole("button", { name: /New plan/ }).click();
    await bea.page.getByText(/you are a viewer in this workspace: you can read every record but not change it/).waitFor();
    await bea.page.getByRole("link", { name: "Contoso FY27" }).click();
    const title = bea.page.locator("input[data-field=title]");
    await until(async () => (await title.inputValue()) === "Contoso FY27", "the plan open for bea", LOAD_TIMEOUT);
    assert.notEqual(await title.getAttribute("readonly"), null, "text fields are read-only");
    assert.ok((await bea.page.locator("fieldset.field-box:disabled").count()) > 0, "choices are disabled");
    await title.press("End");
    await title.pressSequentially(" edited");
    assert.equal(await title.inputValue(), "Contoso FY27");
    await bea.page.evaluate(() => window.scrollTo({ top: 0, behavior: "instant" }));
    await new Promise((ok) => setTimeout(ok, 300));
    await bea.page.screenshot({ path: screenshotPath("access-02b-viewer") });
  });

  test("text from other people is shown as text, never run as HTML", async () => {
    const hostile = `<img src=x onerror="window.injected=1">`;
    await setName(owner.page, `Eve ${hostile}`);
    await owner.page.goto(new URL("/", relay.url).href);
    await owner.page.getByRole("button", { name: /New plan/ }).click();
    await owner.page.waitForURL(/\/plans\/[1-9A-HJ-NP-Za-km-z]+$/);
    const planUrl = owner.page.url();
    await owner.page.locator("input[data-field=title]").pressSequentially(`Plan ${hostile}`);
    await owner.page.locator("input[data-field=title]").press("Tab");
    await waitText(owner.page, "[data-testid=doc-sync]", "Synced", LOAD_TIMEOUT);

    // Bea reads the list (drawn as one escaped string) and the plan, where
    // Eve's name is on a presence avatar (also drawn as markup).
    await bea.page.goto(new URL("/", relay.url).href);
    await bea.page.getByRole("link", { name: `Plan ${hostile}` }).waitFor({ timeout: LOAD_TIMEOUT });
    await bea.page.goto(planUrl);
    await until(
      async () => (await bea.page.locator("[data-testid=avatar]").getAttribute("data-name").catch(() => null)) === `Eve ${hostile}`,
      "Eve's avatar with her name as text",
      LOAD_TIMEOUT,
    );
    for (const p of [owner, bea]) {
      const injected = await p.page.evaluate(() => ({
        ran: window.injected,
        images: document.querySelectorAll("img[src=x]").length,
      }));
      assert.deepEqual(injected, { ran: undefined, images: 0 }, p.name);
    }
    await setName(owner.page, "Olga Owner");
  });

  test("a revoked token signs the device out but keeps its records, and a new link signs it back in", async () => {
    const listed = admin("token", "list");
    const row = listed.split("\n").find((l) => l.includes("\tbea\t"));
    assert.ok(row, listed);
    const id = row.split("\t")[0];
    assert.equal(admin("token", "revoke", id), `token ${id} revoked`);

    phase = "bea revoked";
    // While open: the relay closes the connection and says why; the app
    // stops trying and says so.
    await waitText(bea.page, "[data-testid=signed-out] > p", /^Signed out: the relay says access revoked or expired\. Your records stay on this device/, LOAD_TIMEOUT);
    await waitText(bea.page, BADGE, /signed out/);
    // On the next start, before connecting.
    await bea.page.goto(new URL("/", relay.url).href);
    await waitText(bea.page, "[data-testid=signed-out] > p", /^Signed out: access token `fb_\w{3}…` is unknown, revoked or expired\. Your records stay on this device/, LOAD_TIMEOUT);
    await bea.page.getByRole("link", { name: "Contoso FY27" }).waitFor();
    await waitText(bea.page, BADGE, /signed out/);
    assert.equal(await bea.page.locator(BADGE).getAttribute("data-state"), "error");
    await bea.page.screenshot({ path: screenshotPath("access-03-signed-out") });

    const token = admin("token", "issue", "--member", "bea", "--role", "viewer");
    assert.match(token, /fb_[0-9a-f]{64}/);
    assert.notEqual(createHash("sha256").update(token).digest("hex").slice(0, 12), id);
    phase = "bea signing in again";
    await paste(bea.page, `${relay.url}#token=${token}`);
    await until(async () => (await bea.page.locator(BADGE).getAttribute("data-state")) === "synced", "bea synced again", LOAD_TIMEOUT);
    assert.equal(await bea.page.locator("[data-testid=signed-out]").count(), 0);
    phase = "happy path";
  });

  test("no console errors", () => {
    // Refused on purpose above: the browser logs each 401 answer to
    // /api/workspace as a failed resource.
    const refused = (e) =>
      e.phase !== "happy path" &&
      /Failed to load resource: the server responded with a status of 401/.test(e.text) &&
      e.url.includes("/api/workspace");
    for (const p of [owner, stranger, bea]) {
      const unexpected = p.consoleErrors.filter((e) => !refused(e));
      console.log(`# profile ${p.name}: ${p.consoleErrors.length} console errors, ${unexpected.length} unexpected`);
      assert.deepEqual(unexpected, [], `profile ${p.name}: unexpected console errors`);
    }
  });
});
