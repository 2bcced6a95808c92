// One table of every benchmark (`scripts/bench` calls this): the relay
// under load (bench load's table), the keystroke path against raw automerge
// (bench paper's rows) and the client in headless Chromium
// (tests/output/perf-client.json), the relay's sync engine alone (bench
// fanout's rows) and a long plan stored and opened again (bench reopen's
// rows), headed by the machine they ran on.
// usage: node bench/table.mjs LOAD.md PAPER.md CLIENT.json FANOUT.md REOPEN.md
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const [loadFile, paperFile, clientFile, fanoutFile, reopenFile] = process.argv.slice(2);
const rows = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| figure") && !l.startsWith("| ---"));
const client = JSON.parse(readFileSync(clientFile, "utf8"));

const ms = (x) => (x == null ? "—" : `${x.toFixed(1)} ms`);
const kb = (x) => `${(x / 1000).toFixed(0)} KB`;
const times = (ours, theirs) => (ours && theirs ? `${(theirs / ours).toFixed(2)}×` : "—");
const out = [];
const row = (...cells) => out.push(`| ${cells.join(" | ")} |`);

const cpu = cpus();
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${process.platform}; ${new Date().toISOString().slice(0, 10)}.\n`,
);
console.log("| figure | Fieldbook | reference | ratio (× better) | target |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows(loadFile)) console.log(r);
for (const r of rows(fanoutFile)) console.log(r);
for (const r of rows(reopenFile)) console.log(r);
for (const r of rows(paperFile)) {
  // bench paper's rows: reference is raw automerge, ratio is Fieldbook ÷ raw.
  console.log(r.replace("| replay", "| typing: replay").replace(/\| ([\d.]+)× \|/, "| $1× slower (Fieldbook ÷ raw) |"));
}
const { cold_open: cold, keystroke: key, keystroke_one_paragraph: flat, remote_typing: remote, wasm } = client;
if (cold) {
  row(`cold open, ${cold.documents} documents in IndexedDB: first contentful paint`, ms(cold.first_contentful_paint_ms), "—", "—", "< 500 ms");
  row(`cold open, ${cold.documents} documents in IndexedDB: all listed on the board`, ms(cold.all_listed_ms), "—", "—", "");
  row(`cold open, ${cold.documents} documents in IndexedDB: longest task (page frozen)`, ms(cold.longest_task_ms), "—", "—", "");
}
if (key) {
  const size = `${Math.round(key.plan_bytes / 1024)} KB plan`;
  for (const [what, p] of [
    ["key to painted, p50", "p50_ms"],
    ["key to painted, p95", "p95_ms"],
  ]) {
    const [ours, theirs] = [key.app.painted[p], key.plain_textarea.painted[p]];
    row(`keystroke in a ${size} (reference: a plain textarea): ${what}`, ms(ours), ms(theirs), times(ours, theirs), "< 16 ms");
  }
  const [ours, theirs] = [key.app.handled.p50_ms, key.plain_textarea.handled.p50_ms];
  row(`keystroke in a ${size}: key to handled, p50`, ms(ours), ms(theirs), times(ours, theirs), "");
  row(`reopen the ${size} after those ${key.keys} keystrokes: all of it shown after reload`, ms(key.reopened_ms), "—", "—", "");
}
if (flat) {
  const [ours, theirs] = [flat.app.painted.p50_ms, flat.plain_textarea.painted.p50_ms];
  const what = `keystroke in a ${Math.round(flat.plan_bytes / 1024)} KB plan written as one paragraph (reference: a plain textarea): key to painted, p50`;
  row(what, ms(ours), ms(theirs), times(ours, theirs), "");
}
if (remote) {
  const what = `others typing ${remote.remote_cps} characters/s in a ${Math.round(remote.plan_bytes / 1024)} KB plan`;
  row(`${what}: own key to painted, p50`, ms(remote.own_keys.painted.p50_ms), "—", "—", "");
  row(`${what}: own key to painted, p95`, ms(remote.own_keys.painted.p95_ms), "—", "—", "");
  row(`${what}: longest task`, ms(remote.longest_task_ms), "—", "—", "");
  row(`${what}: all shown, after the last was typed`, ms(remote.caught_up_ms), "—", "—", "");
  row(`${what}: all shown, after their client last sent changes`, ms(remote.shown_after_sent_ms), "—", "—", "");
}
if (wasm) {
  row("app .wasm, raw", kb(wasm.raw_bytes), "—", "—", "");
  row("app .wasm, brotli (quality 11)", kb(wasm.brotli_bytes), "—", "—", "≤ 600 KB");
}
for (const l of out) console.log(l);
