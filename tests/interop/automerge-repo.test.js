// Interop: the unmodified JavaScript automerge-repo (npm @automerge/automerge-repo
// and @automerge/automerge-repo-network-websocket, 2.5.x) against our relay, and
// against the Fieldbook app through the relay.
//
// The only thing added on the JavaScript side is a wire tap: a subclass of the
// stock WebSocketClientAdapter that records every message it sends and
// receives and then does exactly what the stock adapter does. The tap lets the
// tests prove *who* said what (the relay answered `doc-unavailable`; nobody
// sent an `error`) instead of inferring it from timeouts. It also backports
// one upstream fix so that a failing test cannot hang node (see `connect`).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { splice } from "@automerge/automerge";
import { Repo, cbor, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

import { launchBrowser, openProfile, startRelay } from "../support/harness.js";

/** A stock client adapter that also records the traffic (see the file comment). */
class TappedAdapter extends WebSocketClientAdapter {
  #disconnected = false;
  constructor(url, wire, retryInterval) {
    super(url, retryInterval);
    this.wire = wire;
  }
  // In 2.5.x, disconnect() does not cancel a reconnect that onClose has
  // already scheduled: a repo shut down while the relay is away reconnects
  // forever and node never exits. Fixed upstream after 2.5.6 ("clear timers
  // and listeners on disconnect", automerge-repo#690); this does the same.
  connect(peerId, peerMetadata) {
    if (this.#disconnected) return;
    return super.connect(peerId, peerMetadata);
  }
  disconnect() {
    this.#disconnected = true;
    return super.disconnect();
  }
  receiveMessage(bytes) {
    try {
      this.wire.push({ dir: "in", ...summary(cbor.decode(new Uint8Array(bytes))) });
    } catch (e) {
      this.wire.push({ dir: "in", type: "undecodable", message: String(e) });
    }
    return super.receiveMessage(bytes);
  }
  send(message) {
    this.wire.push({ dir: "out", ...summary(message) });
    return super.send(message);
  }
}

function summary(m) {
  return {
    type: m?.type,
    documentId: m?.documentId,
    senderId: m?.senderId,
    message: m?.message,
    peerMetadata: m?.peerMetadata,
  };
}

/** Every client a test made; `shutdownAll` closes the ones still open. */
const clients = new Set();

/**
 * A JavaScript automerge-repo with no storage, connected to the relay over
 * the stock WebSocket adapter.
 */
function jsClient(name, wsUrl, { retryInterval = 5000 } = {}) {
  const wire = [];
  const adapter = new TappedAdapter(wsUrl, wire, retryInterval);
  const repo = new Repo({
    network: [adapter],
    peerId: `js-${name}-${Math.random().toString(36).slice(2, 10)}`,
  });
  const client = {
    name,
    repo,
    wire,
    async shutdown() {
      if (!clients.delete(client)) return;
      await repo.shutdown();
    },
  };
  clients.add(client);
  return client;
}

async function shutdownAll() {
  await Promise.all([...clients].map((c) => c.shutdown()));
}

/** Poll `check` until it returns a truthy value; fail with `what` after `timeout`. */
async function eventually(what, check, { timeout = 10000, interval = 25 } = {}) {
  const started = Date.now();
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() - started > timeout) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    }
    await new Promise((ok) => setTimeout(ok, interval));
  }
}

/** `repo.find` that gives up after `ms` instead of waiting forever. */
function find(client, url, ms = 10000, options = {}) {
  return client.repo.find(url, { signal: AbortSignal.timeout(ms), ...options });
}

/** The relay as this client sees it: its peer id and the storage id it announced. */
async function relayPeer(client) {
  const peerId = await eventually(`${client.name} to meet the relay`, () => client.repo.peers[0]);
  const storageId = client.repo.getStorageIdOfPeer(peerId);
  assert.ok(storageId, "the relay announces a storageId in its peer metadata");
  return { peerId, storageId };
}

/**
 * Wait until the relay has confirmed (through the automerge sync protocol,
 * as tracked by automerge-repo per storage id) that it holds every change
 * this handle has.
 */
async function relayHasAll(client, handle) {
  const { storageId } = await relayPeer(client);
  const want = JSON.stringify([...handle.heads()].sort());
  await eventually(`the relay to confirm ${client.name}'s heads of ${handle.documentId}`, () => {
    const heads = handle.getSyncInfo(storageId)?.lastHeads;
    return heads && JSON.stringify([...heads].sort()) === want;
  });
}

/** Nobody sent or received a protocol `error`, and the relay logged no warning. */
function assertClean(relay, ...cs) {
  for (const c of cs) {
    const errors = c.wire.filter((m) => m.type === "error" || m.type === "undecodable");
    assert.deepEqual(errors, [], `client ${c.name} saw protocol errors`);
  }
  assert.doesNotMatch(relay.log(), /\b(WARN|ERROR)\b/, "the relay logged a warning or error");
}

const documentIdOf = (url) => parseAutomergeUrl(url).documentId;

after(shutdownAll);

describe("JavaScript automerge-repo clients through the relay", () => {
  let relay;
  before(async () => {
    relay = await startRelay();
  });
  after(async () => {
    await shutdownAll();
    await relay?.stop();
  });

  test("a document created by one JS client is found by a second one with no storage, and edits flow both ways", async () => {
    const a = jsClient("a", relay.wsUrl);
    const created = a.repo.create({
      title: "Globex — account plan",
      vision: "Move every plant onto one platform by 2027.",
      tags: ["energy", "emea"],
    });
    created.change((d) => {
      d.vision += " Café, naïve, 🚀 — non-ASCII survives.";
      d.owner = { name: "Ana", seats: 42 };
    });
    await relayHasAll(a, created);

    const b = jsClient("b", relay.wsUrl);
    const found = await find(b, created.url);
    assert.equal(found.url, created.url);
    assert.deepEqual(found.doc(), created.doc());
    assert.equal(
      found.doc().vision,
      "Move every plant onto one platform by 2027. Café, naïve, 🚀 — non-ASCII survives.",
    );
    // B asked with `request` and the relay answered with `sync`.
    const id = created.documentId;
    assert.ok(b.wire.some((m) => m.dir === "out" && m.type === "request" && m.documentId === id));
    assert.ok(b.wire.some((m) => m.dir === "in" && m.type === "sync" && m.documentId === id));

    found.change((d) => {
      splice(d, ["title"], 0, 0, "★ ");
      d.tags.push("renewal");
    });
    await eventually("A to see B's change", () => created.doc().title === "★ Globex — account plan");
    assert.deepEqual(created.doc().tags, ["energy", "emea", "renewal"]);

    // Concurrent edits to the same text from both sides merge.
    created.change((d) => splice(d, ["vision"], 0, 0, "[A] "));
    found.change((d) => splice(d, ["vision"], d.vision.length, 0, " [B]"));
    const merged =
      "[A] Move every plant onto one platform by 2027. Café, naïve, 🚀 — non-ASCII survives. [B]";
    await eventually("A and B to converge", () => created.doc().vision === merged && found.doc().vision === merged);
    assert.deepEqual(created.heads().sort(), found.heads().sort());

    await Promise.all([a.shutdown(), b.shutdown()]);
    assertClean(relay, a, b);
  });

  test("the relay keeps documents: a new client finds one after its authors left, and after a relay restart", async () => {
    const a = jsClient("a", relay.wsUrl);
    const handle = a.repo.create({ title: "Initech", vision: "Kept by the relay." });
    await relayHasAll(a, handle);
    const b = jsClient("b", relay.wsUrl);
    const seen = await find(b, handle.url);
    seen.change((d) => splice(d, ["vision"], 0, 4, "Stored"));
    await relayHasAll(b, seen);
    const expected = { title: "Initech", vision: "Stored by the relay." };
    await Promise.all([a.shutdown(), b.shutdown()]);
    assertClean(relay, a, b);

    // Nobody else has the document now: only the relay can answer.
    const c = jsClient("c", relay.wsUrl);
    assert.deepEqual((await find(c, handle.url)).doc(), expected);
    await c.shutdown();
    assertClean(relay, c);

    // A client that stays connected through the restart, editing while the
    // relay is down: the stock adapter reconnects and its edit is uploaded.
    const d = jsClient("d", relay.wsUrl, { retryInterval: 200 });
    const kept = await find(d, handle.url);

    const { port, dataDir } = relay;
    const exit = await relay.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, "the relay shuts down cleanly on SIGTERM");
    await eventually("D to notice the relay went away", () => d.repo.peers.length === 0);
    kept.change((doc) => splice(doc, ["title"], 7, 0, " Corp"));
    relay = await startRelay({ port, dataDir });

    const e = jsClient("e", relay.wsUrl);
    const afterRestart = await find(e, handle.url);
    assert.deepEqual(afterRestart.doc(), expected, "persisted across the restart");
    await eventually("D to reconnect after the restart", () => d.repo.peers.length === 1);
    await relayHasAll(d, kept);
    await eventually("D's offline edit to reach E", () => afterRestart.doc().title === "Initech Corp");
    assert.equal(afterRestart.doc().vision, "Stored by the relay.");
    await Promise.all([d.shutdown(), e.shutdown()]);
    assertClean(relay, d, e);
  });

  test("asking for a document nobody has: the relay answers doc-unavailable and find rejects promptly", async () => {
    const c = jsClient("c", relay.wsUrl);
    const url = generateAutomergeUrl();
    const started = Date.now();
    await assert.rejects(find(c, url, 15000), /unavailable/);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 3000, `unavailable took ${elapsed} ms`);
    const { peerId } = await relayPeer(c);
    const answers = c.wire.filter((m) => m.dir === "in" && m.documentId === documentIdOf(url));
    assert.deepEqual(
      answers.map((m) => [m.type, m.senderId]),
      [["doc-unavailable", peerId]],
      "the relay said doc-unavailable (and nothing else) for the unknown document",
    );
    await c.shutdown();
    assertClean(relay, c);
  });

  test("a client told doc-unavailable gets the document pushed once someone uploads it", async () => {
    const url = generateAutomergeUrl();
    const waiter = jsClient("waiter", relay.wsUrl);
    const handle = await find(waiter, url, 15000, { allowableStates: ["ready", "unavailable"] });
    assert.equal(handle.state, "unavailable");

    // Make a document offline, then upload it under that id.
    const offline = new Repo();
    const draft = offline.create({ title: "Umbrella", vision: "Arrived late." });
    const bytes = await offline.export(draft.url);
    await offline.shutdown();
    const uploader = jsClient("uploader", relay.wsUrl);
    uploader.repo.import(bytes, { docId: documentIdOf(url) });

    await handle.whenReady(["ready"]);
    assert.deepEqual(handle.doc(), { title: "Umbrella", vision: "Arrived late." });
    await Promise.all([waiter.shutdown(), uploader.shutdown()]);
    assertClean(relay, waiter, uploader);
  });
});

describe("the Fieldbook app and a JavaScript automerge-repo client", () => {
  let relay;
  let browser;
  before(async () => {
    [relay, browser] = await Promise.all([startRelay(), launchBrowser()]);
  });
  after(async () => {
    await shutdownAll();
    await browser?.close();
    await relay?.stop();
  });

  const synced = (page) =>
    page.locator('[data-testid=sync-badge][data-state="synced"]').waitFor({ timeout: 15000 });

  test("a plan made in the app is found by a JS client through the URL the app shows", async () => {
    const { context, page, errors } = await openProfile(browser, relay.url);
    await page.getByRole("button", { name: /New plan/ }).click();
    const title = page.locator("input[data-field=title]");
    const vision = page.locator("textarea[data-field=vision]");
    await title.pressSequentially("Hooli — expansion ✈");
    await vision.pressSequentially("Consolidate vendors.");
    await synced(page);
    const url = (await page.locator("[data-testid=doc-url]").textContent()).trim();
    assert.match(url, /^automerge:[1-9A-HJ-NP-Za-km-z]+$/);

    const js = jsClient("js", relay.wsUrl);
    const handle = await find(js, url);
    // A new plan lays out every text section (empty until someone writes).
    const { title: shownTitle, vision: shownVision, ...rest } = handle.doc();
    assert.deepEqual(
      { title: shownTitle, vision: shownVision },
      { title: "Hooli — expansion ✈", vision: "Consolidate vendors." },
    );
    assert.ok(Object.values(rest).every((v) => v === ""), `other sections start empty: ${JSON.stringify(rest)}`);

    // The app listed it in the workspace index as a JS client reads it.
    const { indexUrl } = await (await fetch(new URL(`/api/workspace?token=${relay.token}`, relay.url))).json();
    const entry = (await find(js, indexUrl)).doc().records[handle.documentId];
    // The app writes `kind` as a scalar string, which automerge 3's JS API
    // surfaces as an ImmutableString (a JS client writing a plain string makes
    // Text instead; the app reads both).
    assert.equal(String(entry.kind), "account-plan");
    assert.ok(entry.createdAt instanceof Date, "createdAt is an automerge timestamp");
    assert.ok(Math.abs(Date.now() - entry.createdAt.getTime()) < 60000, `createdAt ${entry.createdAt}`);

    // Live both ways on the same document: a JS splice shows up in the open
    // page, and typing in the page reaches the JS client.
    handle.change((d) => splice(d, ["vision"], 0, 0, "Q3: "));
    await eventually("the app to show the JS edit", async () =>
      (await vision.inputValue()) === "Q3: Consolidate vendors.",
    );
    await vision.press("End");
    await vision.pressSequentially(" Then cut costs.");
    await eventually(
      "the JS client to see the app's edit",
      () => handle.doc().vision === "Q3: Consolidate vendors. Then cut costs.",
    );

    assert.deepEqual(errors, [], "the page logged no errors");
    await context.close();
    await js.shutdown();
    assertClean(relay, js);
  });

  test("a plan made by a JS client and listed in the workspace index appears in the app and opens", async () => {
    const { context, page, errors } = await openProfile(browser, relay.url);
    await synced(page);
    const before = await page.locator(".plan-row").count();

    const js = jsClient("js", relay.wsUrl);
    const plan = js.repo.create({
      title: "Stark Industries",
      vision: "Clean energy for every site.\nSecond paragraph.",
    });
    await relayHasAll(js, plan);

    const workspace = await (await fetch(new URL(`/api/workspace?token=${relay.token}`, relay.url))).json();
    assert.equal(workspace.indexUrl, `automerge:${workspace.indexDocumentId}`);
    const index = await find(js, workspace.indexUrl);
    assert.equal(typeof index.doc().records, "object", "the index document has a `records` map");
    // The app writes createdAt as an automerge timestamp; a JS Date is one.
    index.change((d) => {
      d.records[plan.documentId] = { kind: "account-plan", createdAt: new Date() };
    });
    await relayHasAll(js, index);

    const row = page.locator(".plan-row", { hasText: "Stark Industries" });
    await row.waitFor({ timeout: 10000 });
    assert.equal(await page.locator(".plan-row").count(), before + 1);
    assert.match(await row.locator(".plan-row-meta").textContent(), /just now/);
    assert.match(await row.locator(".plan-row-excerpt").textContent(), /Clean energy for every site\./);

    await row.locator("a").click();
    const title = page.locator("input[data-field=title]");
    const vision = page.locator("textarea[data-field=vision]");
    await eventually("the plan page to show the title", async () => (await title.inputValue()) === "Stark Industries");
    assert.equal(await vision.inputValue(), "Clean energy for every site.\nSecond paragraph.");
    assert.equal(
      (await page.locator("[data-testid=doc-url]").textContent()).trim(),
      plan.url,
      "the app opened the JS client's document",
    );

    // An edit in the app reaches the JS author, and the index stayed one map.
    await title.press("End");
    await title.pressSequentially(" (EMEA)");
    await eventually("the JS client to see the app's title edit", () => plan.doc().title === "Stark Industries (EMEA)");
    assert.equal(index.doc().records[plan.documentId].kind, "account-plan");

    assert.deepEqual(errors, [], "the page logged no errors");
    await context.close();
    await js.shutdown();
    assertClean(relay, js);
  });
});
