// Helpers for driving the Fieldbook app in a test: profiles that record
// console errors by test phase, the sync badge, and waiting for a control.
import { openProfile, screenshotPath } from "./harness.js";

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
    await p.page.goto(url);
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
