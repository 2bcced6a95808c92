// Helpers for driving the Fieldbook app in a test: profiles that record
// console errors by test phase, the sync badge, and waiting for a control.
import assert from "node:assert/strict";

import { openProfile, screenshotPath, signIn } from "./harness.js";

export const TIMEOUT = 5_000; // "within a second or two", with room for a slow machine
export const BADGE = "[data-testid=sync-badge]";

/**
 * `profile(browser, name, url, viewport)`: a fresh profile on `url` whose
 * console errors are recorded with the phase of the test they happened in
 * (`getPhase()` at the time) and the resource they are about.
 */
export function makeProfile(getPhase) {
  return async function profile(browser, name, url, viewport) {
    const p = await openProfile(browser, "about:blank", viewport);
    p.name = name;
    p.consoleErrors = [];
    p.page.on("console", (m) => {
      if (m.type() === "error") {
        p.consoleErrors.push({ phase: getPhase(), text: m.text(), url: m.location()?.url ?? "" });
      }
    });
    p.page.on("pageerror", (e) => p.consoleErrors.push({ phase: getPhase(), text: String(e), url: "" }));
    await p.page.goto(signIn(url));
    return p;
  };
}

/** The badge's state and words. */
export async function badge(page) {
  return page.locator(BADGE).evaluate((el) => ({
    state: el.getAttribute("data-state"),
    text: el.textContent.trim(),
  }));
}

/** Wait for the badge to reach `state`; fails saying what it shows. */
export async function waitBadge(page, state, timeout = TIMEOUT) {
  try {
    await page.waitForFunction(
      ([s, want]) => document.querySelector(s)?.getAttribute("data-state") === want,
      [BADGE, state],
      { timeout },
    );
  } catch (e) {
    const now = await badge(page).catch(() => null);
    throw new Error(`badge did not become "${state}" within ${timeout} ms (it shows ${JSON.stringify(now)})`, {
      cause: e,
    });
  }
  return badge(page);
}

export const value = (page, selector) => page.locator(selector).inputValue();

/** Wait until the control holds exactly `want`; returns how long that took (ms). */
export async function waitValue(page, selector, want, timeout = TIMEOUT) {
  const started = performance.now();
  try {
    await page.waitForFunction(([s, w]) => document.querySelector(s)?.value === w, [selector, want], {
      timeout,
      polling: 10,
    });
  } catch (e) {
    const now = await page
      .evaluate((s) => document.querySelector(s)?.value ?? "<no such control>", selector)
      .catch(() => "<page gone>");
    throw new Error(`${selector} did not reach ${JSON.stringify(want)} within ${timeout} ms; it holds ${JSON.stringify(now)}`, {
      cause: e,
    });
  }
  return Math.round(performance.now() - started);
}

/** Screenshots (`{ label, png }`) side by side in one image, each at most `width` px wide. */
export async function sideBySide(browser, name, shots, width = 1276) {
  const context = await browser.newContext({ viewport: { width: (width + 4) * shots.length, height: 100 } });
  try {
    const page = await context.newPage();
    const imgs = shots
      .map(
        ({ label, png }) =>
          `<figure><figcaption>${label}</figcaption><img src="data:image/png;base64,${png.toString("base64")}"></figure>`,
      )
      .join("");
    await page.setContent(
      `<style>body{margin:0;display:flex;align-items:flex-start;font:14px sans-serif;background:#888}figure{margin:0 2px}` +
        `figcaption{padding:6px 10px;background:#222;color:#fff}img{display:block;max-width:${width}px}</style>${imgs}`,
    );
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  } finally {
    await context.close();
  }
}

/** The page's width against the screen's, and what sticks out of it. */
export function horizontalOverflow(page) {
  return page.evaluate(() => {
    const root = document.scrollingElement;
    // Anything sticking out of the screen that is not inside a box that
    // scrolls or clips sideways.
    const inScroller = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right > root.clientWidth + 0.5 || r.left < -0.5) && !inScroller(el);
      })
      .filter((el) => !el.classList.contains("visually-hidden"))
      .slice(0, 10)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} [${Math.round(el.getBoundingClientRect().left)}, ${Math.round(el.getBoundingClientRect().right)}]`,
      );
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, innerWidth, wide };
  });
}

/** Wait until `fn()` (run in the test) is truthy; `what` (a string, or a function
 * giving one when the wait times out) names what was awaited. */
export async function until(fn, what, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${typeof what === "function" ? what() : what} (last: ${last})`);
    await new Promise((ok) => setTimeout(ok, 25));
  }
}

/** Wait until `selector`'s trimmed text is `want` (a string or a RegExp). */
export async function waitText(page, selector, want, timeout = TIMEOUT) {
  let last;
  await until(
    async () => {
      last = (await page.locator(selector).first().textContent({ timeout: 100 }))?.trim();
      return typeof want === "string" ? last === want : want.test(last ?? "");
    },
    () => `${selector} to read ${want} (it reads ${JSON.stringify(last)})`,
    timeout,
  );
  return last;
}

/** Every `selector` element's trimmed text, in page order. */
export const texts = (page, selector) => page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent.trim()));

/** How many changes the badge says are waiting to sync. */
export const pendingCount = (text) => Number(/(\d+) changes? to sync/.exec(text)?.[1] ?? 0);

/** Wait for the badge to count changes waiting to sync (an edit's count
 * follows it within a frame); returns the badge. */
export async function waitPending(page, timeout = TIMEOUT) {
  await until(async () => pendingCount((await badge(page)).text) > 0, "the badge to count changes to sync", timeout);
  return badge(page);
}

/** Say who you are in the header. */
export async function setName(page, name) {
  await page.locator("[data-testid=who-am-i]").click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Your name").press("Enter");
  await until(async () => (await page.locator("[data-testid=who-am-i]").textContent()) === name, `${name} in the header`);
}

/**
 * Route a profile's relay WebSocket through the test, so that the test can
 * cut this one profile off the relay and let it back while the others stay
 * connected (Chromium's offline emulation leaves an open WebSocket alone).
 * Applies to sockets opened after it: reload the page.
 */
export async function cuttableRelay(context) {
  const live = new Set();
  let cut = false;
  await context.routeWebSocket(/\/sync(\?.*)?$/, (ws) => {
    if (cut) {
      // What a refused connection looks like to the page: closed at once.
      ws.close({ code: 4000, reason: "offline" }).catch(() => {});
      return;
    }
    const link = { ws, server: ws.connectToServer() };
    live.add(link);
    ws.onClose((code, reason) => {
      live.delete(link);
      link.server.close({ code, reason }).catch(() => {});
    });
    link.server.onClose((code, reason) => {
      live.delete(link);
      ws.close({ code, reason }).catch(() => {});
    });
  });
  return {
    /** Cut the connection, and tell the page the network is gone. */
    async cut() {
      cut = true;
      await context.setOffline(true);
      for (const link of [...live]) {
        live.delete(link);
        await link.ws.close({ code: 4000, reason: "offline" }).catch(() => {});
        await link.server.close().catch(() => {});
      }
    },
    /** Let it connect again; the page hears the network is back. */
    async restore() {
      cut = false;
      await context.setOffline(false);
    },
  };
}

/** A screenshot of the union of `selectors`' boxes, from a full-page capture. */
export async function shootBox(page, selectors, path) {
  const box = await page.evaluate((list) => {
    const rects = list.map((s) => document.querySelector(s).getBoundingClientRect());
    const left = Math.min(...rects.map((r) => r.left)) + scrollX;
    const top = Math.min(...rects.map((r) => r.top)) + scrollY;
    const right = Math.max(...rects.map((r) => r.right)) + scrollX;
    const bottom = Math.max(...rects.map((r) => r.bottom)) + scrollY;
    return { x: left, y: top, width: right - left, height: bottom - top };
  }, selectors);
  const pad = 12;
  return page.screenshot({
    path,
    fullPage: true,
    clip: { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad },
  });
}

/** A record page's title box. */
export const TITLE_BOX = ".esc-head input[data-field=title]";

/** A record page's decision field, in its side column, by key. */
export const sideField = (key) => `.esc-side [data-field="${key}"]`;

/** Type a one-line decision field of a record page and leave it (that commits it). */
export async function commitLine(page, key, text) {
  await page.locator(sideField(key)).fill(text);
  await page.locator(sideField(key)).press("Tab");
}

/** Open a record's page by its address and wait for its title. */
export async function openRecord(p, url, title, timeout = 15_000) {
  await p.page.goto(url);
  await waitValue(p.page, TITLE_BOX, title, timeout);
}

/** The ids of the records under `/${kind}/` that `selector`'s elements link to, in page order. */
export const linkedIds = (page, selector, kind) =>
  page
    .locator(selector)
    .evaluateAll((els, k) => els.map((e) => e.querySelector(`a[href^='/${k}/']`)?.getAttribute("href").split("/").pop()), kind);

/** The values a conflict offers, each with who set it, in value order. */
export const conflictOptions = (page, selector) =>
  page.locator(`${selector} .conflict-option`).evaluateAll((bs) =>
    bs
      .map((b) => ({ value: b.querySelector("strong").textContent, by: b.querySelector(".conflict-by").textContent }))
      .sort((x, y) => x.value.localeCompare(y.value)),
  );

/** Assert that every `[what, horizontalOverflow(page)]` fits its screen. */
export function assertFits(measured) {
  for (const [what, o] of measured) {
    assert.ok(o.scrollWidth <= o.innerWidth, `${what}: page is ${o.scrollWidth}px wide on a ${o.innerWidth}px screen`);
    assert.ok(o.scrollWidth <= o.clientWidth, `${what}: no horizontal overflow (${o.scrollWidth} > ${o.clientWidth})`);
    assert.deepEqual(o.wide, [], `${what}: no element sticks out of the screen`);
  }
}

/**
 * Ask this device's settings store (IndexedDB "meta") one thing: `op` is
 * "get" (the value under `arg`, a key) or "count" (how many keys start with
 * `arg`, a prefix).
 */
const metaRequest = (page, op, arg) =>
  page.evaluate(
    ([op, arg]) =>
      new Promise((ok, fail) => {
        const open = indexedDB.open("fieldbook");
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction("meta").objectStore("meta");
          const req = op === "get" ? store.get(arg) : store.count(IDBKeyRange.bound(arg, `${arg}\uffff`));
          req.onsuccess = () => {
            db.close();
            ok(req.result);
          };
          req.onerror = () => fail(req.error);
        };
      }),
    [op, arg],
  );

/** The value this device's database holds under `key` in its settings store (undefined if none). */
export const storedMeta = (page, key) => metaRequest(page, "get", key);

/** How many keys starting with `prefix` this device's settings store holds. */
export const storedMetaCount = (page, prefix) => metaRequest(page, "count", prefix);

/** Focus a text box and put the caret at `pos` (UTF-16 units). */
export async function caretAt(page, selector, pos) {
  await page.locator(selector).focus();
  await page.locator(selector).evaluate((el, p) => el.setSelectionRange(p, p), pos);
}

/** Is `small` a subsequence of `big` (every character, in order)? */
export function isSubsequence(small, big) {
  let i = 0;
  for (const ch of big) if (i < small.length && ch === small[i]) i++;
  return i === small.length;
}
