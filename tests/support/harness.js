// Shared test harness: start the relay binary on a free port, launch Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "..", "..");
export const relayBin =
  process.env.FIELDBOOK_RELAY_BIN ?? join(repoRoot, "target", "debug", "sync-server");
export const distDir = process.env.FIELDBOOK_DIST ?? join(repoRoot, "dist");
export const outputDir = join(repoRoot, "tests", "output");
mkdirSync(outputDir, { recursive: true });

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** A fresh data directory, removed when the process exits. */
export function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), "fieldbook-test-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh relay data directory holding `n` generated escalations and the
 * systemic issues they link to (`bench seed`); returns it and how many
 * systemic issues there are. With `release`, the release build of `bench`
 * is used when it exists (much faster for large `n`); otherwise the debug
 * build, built first if missing.
 */
export function seedEscalations(n, { release = false } = {}) {
  const binary = (profile) => join(repoRoot, "target", profile, "bench");
  let bench = binary("release");
  if (!release || !existsSync(bench)) {
    bench = binary("debug");
    if (!existsSync(bench)) {
      const built = spawnSync("cargo", ["build", "-q", "-p", "bench"], { cwd: repoRoot, stdio: "inherit" });
      if (built.status !== 0) throw new Error("cargo build -p bench failed");
    }
  }
  const dataDir = tempDataDir();
  const seeded = spawnSync(bench, ["seed", "--data", dataDir, "--escalations", String(n)], { encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`bench seed failed:\n${seeded.stderr}`);
  return { dataDir, systemic: Number(/and (\d+) systemic/.exec(seeded.stdout)?.[1] ?? 0) };
}

/**
 * Each running relay's sign-in token, by origin (`http://127.0.0.1:PORT`):
 * the relay prints it on start; `signIn` adds it to a page URL.
 */
const tokens = new Map();

/**
 * `url` with the sign-in token of the relay serving it (`#token=…`), so the
 * first page a profile opens signs it in; the app keeps the token and takes
 * it out of the address bar. Other URLs are returned unchanged.
 */
export function signIn(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const token = tokens.get(parsed.origin);
  if (!token || parsed.hash) return url;
  parsed.hash = `token=${token}`;
  return parsed.href;
}

/**
 * Start `sync-server` serving the built app. Resolves once it prints its URL
 * (which carries a sign-in token: `token`, and `wsUrl` includes it).
 * `stop()` sends SIGTERM and waits for exit; `kill()` sends SIGKILL.
 */
export async function startRelay({ port, dataDir, dist = distDir } = {}) {
  port ??= await freePort();
  dataDir ??= tempDataDir();
  const args = ["--listen", `127.0.0.1:${port}`, "--data", dataDir];
  if (dist) args.push("--dist", dist);
  const child = spawn(relayBin, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  let log = "";
  let token = "";
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise((ok) => child.once("exit", (code, signal) => ok({ code, signal })));
  await new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`relay did not start:\n${out}\n${log}`)), 15000);
    child.stdout.on("data", (d) => {
      out += d;
      const printed = /token=([0-9A-Za-z_]+)\s/.exec(out);
      if (/running|listening/.test(out) && printed) {
        token = printed[1];
        clearTimeout(timer);
        ok();
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      fail(new Error(`relay exited with ${code}:\n${out}\n${log}`));
    });
  });
  tokens.set(`http://127.0.0.1:${port}`, token);
  return {
    port,
    dataDir,
    token,
    url: `http://127.0.0.1:${port}/`,
    wsUrl: `ws://127.0.0.1:${port}/sync?token=${token}`,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      child.kill("SIGKILL");
      return exited;
    },
  };
}

/** Headless Chromium as the machine's closed network needs it. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A fresh browser profile (own IndexedDB) with a page; console errors and
 * page errors are collected so tests can assert there are none.
 */
export async function openProfile(browser, url, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(signIn(url));
  return { context, page, errors };
}

export function screenshotPath(name) {
  return join(outputDir, `${name}.png`);
}
