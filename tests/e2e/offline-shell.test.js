// The offline app shell, end to end in headless Chromium against a copy of
// the built app served by a real relay:
//
//   1. the first visit installs the service worker, which keeps this build's
//      files on the device; the manifest and its icons are served (installable);
//   2. with the browser offline and the relay stopped, a reload opens the app
//      from the worker: the plan is there, editable, and the edit survives
//      another offline reload; back online, it reaches the relay;
//   3. a new build deployed on the relay installs as a new worker with its own
//      cache (the old one is deleted), the page offers a reload, and the
//      reload runs the new build — never old files mixed with new ones;
//   4. no console errors, except the relay being unreachable while offline.

import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { distDir, launchBrowser, screenshotPath, startRelay, tempDataDir } from "../support/harness.js";
import { TIMEOUT, makeProfile, waitBadge, waitValue } from "../support/page.js";

const TITLE = "input[data-field=title]";
const RECONNECT_TIMEOUT = 30_000;

/** The service worker's caches of this origin. */
const shellCaches = (page) =>
  page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith("fieldbook-shell-")));

/** Wait until every change is written to this device (the badge says so). */
const saved = (page) =>
  page.waitForFunction(
    () => document.querySelector("[data-testid=sync-badge]")?.title.startsWith("Everything is saved on this device"),
    null,
    { timeout: TIMEOUT },
  );

/** Wait until a service worker controls the page. */
const controlled = (page) =>
  page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15_000 });

describe("offline shell: the app opens with no network and updates cleanly", { timeout: 180_000 }, () => {
  let phase = "setup";
  const profile = makeProfile(() => phase);
  let browser;
  let relay;
  let dist;
  let dataDir;
  let port;
  let A;
  let planUrl;

  before(async () => {
    // A copy of the build, so a "new build" can be deployed in test 3.
    dist = mkdtempSync(join(tmpdir(), "fieldbook-dist-"));
    cpSync(distDir, dist, { recursive: true });
    dataDir = tempDataDir();
    relay = await startRelay({ dataDir, dist });
    port = relay.port;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await relay?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  test("the first visit installs the worker, which keeps the build; the app is installable", async () => {
    phase = "online";
    A = await profile(browser, "A", relay.url);
    await A.page.click("text=New plan");
    await A.page.waitForSelector(TITLE);
    await A.page.fill(TITLE, "Contoso — offline shell");
    planUrl = A.page.url();
    await waitBadge(A.page, "synced");
    await controlled(A.page);
    const keys = await shellCaches(A.page);
    assert.equal(keys.length, 1, `one shell cache: ${keys}`);
    const cached = await A.page.evaluate(async (key) => {
      const cache = await caches.open(key);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    }, keys[0]);
    for (const want of ["/index.html", ".wasm", ".js", ".css", "/manifest.webmanifest", "/icon-192.png"]) {
      assert.ok(cached.some((p) => p.endsWith(want)), `the shell cache holds ${want}: ${cached.join(", ")}`);
    }
    assert.ok(!cached.includes("/sw.js"), "the worker does not cache itself");

    const manifest = await A.page.evaluate(async () => {
      const href = document.querySelector("link[rel=manifest]").href;
      return (await fetch(href)).json();
    });
    assert.equal(manifest.name, "Fieldbook");
    assert.equal(manifest.display, "standalone");
    for (const icon of manifest.icons) {
      const status = await A.page.evaluate(async (src) => (await fetch(src)).status, icon.src);
      assert.equal(status, 200, `icon ${icon.src}`);
    }
  });

  test("offline with the relay down, a reload opens the app from the worker; edits survive and sync later", async () => {
    phase = "offline";
    await relay.stop();
    await A.context.setOffline(true);
    await A.page.reload();
    await waitValue(A.page, TITLE, "Contoso — offline shell", 15_000);
    await waitBadge(A.page, "offline", 15_000);
    await A.page.fill(TITLE, "Contoso — edited on the plane");
    await saved(A.page);
    await A.page.reload();
    await waitValue(A.page, TITLE, "Contoso — edited on the plane", 15_000);
    await A.page.goto(new URL("/escalations", planUrl).href);
    await A.page.waitForSelector("h1:has-text('Escalations')", { timeout: TIMEOUT });
    await A.page.screenshot({ path: screenshotPath("shell-01-offline") });

    phase = "back online";
    relay = await startRelay({ port, dataDir, dist });
    await A.context.setOffline(false);
    await A.page.goto(planUrl);
    await waitBadge(A.page, "synced", RECONNECT_TIMEOUT).catch((e) => {
      throw new Error(`${e.message}\nrelay log:\n${relay.log()}`, { cause: e });
    });
    // A fresh profile sees the plane edit: it reached the relay.
    const B = await profile(browser, "B", planUrl);
    await waitValue(B.page, TITLE, "Contoso — edited on the plane", 15_000);
    assert.deepEqual(B.consoleErrors, [], "no console errors in B");
    await B.context.close();
  });

  test("a new build installs as a new worker; the page offers a reload into it, never a mix", async () => {
    phase = "update";
    const before = await shellCaches(A.page);
    const index = join(dist, "index.html");
    writeFileSync(index, readFileSync(index, "utf8").replace("</head>", "<!-- build 2 --></head>"));
    await A.page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await A.page.waitForSelector("[data-testid=update-banner]", { timeout: 15_000 });
    await A.page.screenshot({ path: screenshotPath("shell-02-update") });
    // The new worker takes over as it activates, then deletes the old cache.
    const deadline = Date.now() + TIMEOUT;
    let afterUpdate = await shellCaches(A.page);
    while (afterUpdate.length > 1 && Date.now() < deadline) {
      await new Promise((ok) => setTimeout(ok, 100));
      afterUpdate = await shellCaches(A.page);
    }
    assert.equal(afterUpdate.length, 1, `one shell cache after the update: ${afterUpdate}`);
    assert.notEqual(afterUpdate[0], before[0], "the new build has its own cache; the old one is gone");
    const still = await A.page.evaluate(() => document.documentElement.outerHTML.includes("build 2"));
    assert.equal(still, false, "the open page keeps running the build it started with");

    await Promise.all([A.page.waitForEvent("load"), A.page.click("[data-testid=update-banner] button")]);
    await waitValue(A.page, TITLE, "Contoso — edited on the plane", 15_000);
    const html = await A.page.evaluate(() => document.documentElement.outerHTML);
    assert.ok(html.includes("build 2"), "after the reload the page is the new build");
    assert.equal(await A.page.locator("[data-testid=update-banner]").count(), 0, "and the banner is gone");
  });

  test("no console errors, except the relay being unreachable while offline", () => {
    const unexpected = A.consoleErrors.filter(
      (e) => !(e.phase === "offline" && /WebSocket|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to fetch|workspace/i.test(e.text)),
    );
    assert.deepEqual(unexpected, []);
  });
});
