#!/usr/bin/env node
// Turns the raw JSON of one bench/run.sh run (bench/results/<stamp>/) into a Markdown report on stdout.
'use strict';
const fs = require('fs');
const path = require('path');

const raw = process.argv[2];
const read = (f) => { try { return JSON.parse(fs.readFileSync(path.join(raw, f), 'utf8')); } catch (e) { return null; } };
const meta = {};
for (const line of fs.readFileSync(path.join(raw, 'meta.env'), 'utf8').split('\n')) {
  const i = line.indexOf('=');
  if (i > 0) meta[line.slice(0, i)] = line.slice(i + 1);
}
const COLS = [['direct', 'direct to fake'], ['portkey', 'Portkey 1.15.2'], ['onegate', 'OneGate']];
const active = new Set((meta.targets || '').split(/\s+/).filter(Boolean));
const absent = (t) => (t === 'onegate' && meta.onegate_status && meta.onegate_status !== 'ok' ? meta.onegate_status : 'not run');
const f = (v, d = 2) => (v === undefined || v === null || Number.isNaN(v) ? '—' : Number(v).toFixed(d));
const signed = (v, d = 2) => (v === undefined || v === null || Number.isNaN(v) ? '—' : (v >= 0 ? '+' : '') + v.toFixed(d));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };

const seq = read('seq.json') || {};
const tp = {};
const streams = {};
for (const [t] of COLS) {
  const runs = [];
  for (let r = 1; ; r++) { const x = read(`tp-${t}-${r}.json`); if (!x) break; runs.push(x); }
  if (runs.length) {
    const m = median(runs.map((x) => x.rps));
    tp[t] = { runs, median: runs.find((x) => x.rps === m) };
  }
  streams[t] = read(`streams-${t}.json`);
}

const rows = [];
const row = (label, fn) => rows.push(`| ${label} | ${COLS.map(([t]) => (active.has(t) ? fn(t) : (t === 'onegate' ? '*n/a*' : '—'))).join(' | ')} |`);
const d = seq.direct;
row('**S1 sequential, c=1** — p50 latency (ms)', (t) => f(seq[t]?.p50, 3));
row('p99 latency (ms)', (t) => f(seq[t]?.p99, 3));
row('added p50 vs direct (ms)', (t) => (t === 'direct' ? '—' : signed(seq[t] && d ? seq[t].p50 - d.p50 : NaN, 3)));
row('added p99 vs direct (ms)', (t) => (t === 'direct' ? '—' : signed(seq[t] && d ? seq[t].p99 - d.p99 : NaN, 3)));
row('median of round medians (ms)', (t) => f(seq[t]?.medianOfRoundMedians, 3));
row('rounds completed', (t) => (seq[t] ? String(seq._rounds ?? '—') : '—'));
row('requests measured / errors', (t) => (seq[t] ? `${seq[t].count} / ${seq[t].errors}` : '—'));
const tpErrors = (x) => x.errors_connect + x.errors_read + x.errors_write + x.errors_status + x.errors_timeout;
row(`**S2 throughput, c=${(meta.tp || '').match(/c=(\d+)/)?.[1] || '?'}** — req/s (median run)`, (t) => (tp[t] ? `**${f(tp[t].median.rps, 0)}**` : '—'));
row('req/s of every run', (t) => (tp[t] ? tp[t].runs.map((x) => f(x.rps, 0)).join(', ') : '—'));
row('p50 / p99 latency of the median run (ms)', (t) => (tp[t] ? `${f(tp[t].median.p50_ms)} / ${f(tp[t].median.p99_ms)}` : '—'));
row('errors (all runs)', (t) => (tp[t] ? String(tp[t].runs.reduce((a, x) => a + tpErrors(x), 0)) : '—'));
row('gateway CPU, % of one core (median run)', (t) => (t === 'direct' ? '—' : tp[t] ? f(tp[t].median.gateway_cpu_pct, 0) : '—'));
row('throughput ÷ Portkey', (t) => (tp[t] && tp.portkey ? `${f(tp[t].median.rps / tp.portkey.median.rps, 2)}×` : '—'));
const s = (t) => streams[t];
row(`**S3 concurrent streams** — streams 200 / first event / [DONE] (of ${s('direct')?.streams ?? s('portkey')?.streams ?? s('onegate')?.streams ?? '?'})`,
  (t) => (s(t) ? `${s(t).http200} / ${s(t).firstEvent} / ${s(t).done}${s(t).firstError ? ` (${s(t).firstError})` : ''}` : '—'));
row('time until all streams had their first event (ms)', (t) => (s(t) ? f(s(t).openMs, 0) : '—'));
row('peak of streams open at once', (t) => (s(t) ? String(s(t).peakOpen) : '—'));
row('gateway RSS idle → at peak → max (MB)', (t) => {
  if (!s(t)) return '—';
  const r = t === 'direct' ? s(t).rss.fake : s(t).rss.gateway;
  if (!r) return '—';
  const txt = `${f(r.idleMb, 0)} → ${f(r.openMb, 0)} → ${f(r.maxMb, 0)}`;
  return t === 'direct' ? `(fake upstream itself: ${txt})` : `**${txt}**`;
});

const out = [];
out.push(`# OneGate benchmark run ${meta.stamp}`);
out.push('');
out.push(`Machine: ${meta.cpu}, ${meta.cores} cores, ${meta.mem}, Linux ${meta.kernel}; ${meta.java}; Node ${meta.node}; ${meta.wrk}. ` +
  `Commit ${meta.commit} (${meta.branch}).`);
out.push('');
const s1First = meta.s1_after_s2 !== '1';
out.push(s1First
  ? `Load average (1/5/15 min): start ${meta.load_start}; after S1 ${meta.load_after_s1 || '—'}; after S2 ${meta.load_after_s2 || '—'}; end ${meta.load_end || '—'}.`
  : `Load average (1/5/15 min): start ${meta.load_start}; after S2 ${meta.load_after_s2 || '—'}; after S1 ${meta.load_after_s1 || '—'}; end ${meta.load_end || '—'}.`);
out.push('');
if (!active.has('onegate')) out.push(`OneGate column: **${absent('onegate')}**.`, '');
out.push(`| Scenario / metric | ${COLS.map((c) => c[1]).join(' | ')} |`);
out.push(`| --- | ${COLS.map(() => '---').join(' | ')} |`);
out.push(...rows);
out.push('');
out.push('Settings:');
out.push(`- S1: ${meta.seq}${s1First ? '' : `, run after S2 once OneGate's backing services were quiet (${meta.quiesce_seconds || '—'} s)`} (pinned=0: everything shares both cores, as in the S2 runs; pinned=1: gateway on CPU 1; fake upstream, client and — in split mode — the standalone JVM and PostgreSQL on CPU 0).`);
out.push(`- S2: ${meta.tp} (closed loop, wrk; runs interleaved across targets; pinned=0: whole box shared by everything).`);
out.push(`- S3: ${meta.streams}; RSS = VmRSS of the gateway process from /proc/<pid>/status.`);
out.push(meta.onegate_mode === 'split'
  ? `- OneGate (ONEGATE_MODE=split): traffic to a separate gateway node (gateway jar) joined to the standalone, which runs PostgreSQL, Kafka and the billing and health workers; RSS and CPU are the gateway node's alone; auth, quota and usage events on; status: ${meta.onegate_status}; JAVA_OPTS: \`${meta.java_opts || '(none)'}\`.`
  : `- OneGate (ONEGATE_MODE=standalone): standalone launcher — gateway, billing worker, health worker and the embedded Kafka broker in one JVM (PostgreSQL is a child process, not counted), so RSS and CPU include all of them; auth, quota and usage events on; status: ${meta.onegate_status}; JAVA_OPTS: \`${meta.java_opts || '(none)'}\`.`);
if (meta.onegate_rss_after_start) out.push(`- OneGate process RSS right after start and two probe requests: ${meta.onegate_rss_after_start}.`);
if (active.has('onegate') && seq.onegate && d) {
  const addP50 = seq.onegate.p50 - d.p50;
  const addP99 = seq.onegate.p99 - d.p99;
  const ratio = tp.onegate && tp.portkey ? tp.onegate.median.rps / tp.portkey.median.rps : NaN;
  const rss = s('onegate')?.rss?.gateway?.maxMb;
  const ok = (b) => (b ? 'met' : 'NOT met');
  out.push('');
  out.push('Targets (issue 3):');
  out.push(`- added p50 ≤ 0.3 ms: ${signed(addP50, 3)} ms — ${ok(addP50 <= 0.3)}`);
  out.push(`- added p99 ≤ 1 ms: ${signed(addP99, 3)} ms — ${ok(addP99 <= 1)}`);
  out.push(`- throughput ≥ 4× Portkey at 64 connections: ${f(ratio, 2)}× — ${ok(ratio >= 4)}`);
  out.push(`- 1,000 concurrent streams under 512 MB RSS: max ${f(rss, 0)} MB — ${ok(rss < 512 && s('onegate')?.done === s('onegate')?.streams)}`);
}
process.stdout.write(out.join('\n') + '\n');
