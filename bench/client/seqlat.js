#!/usr/bin/env node
// Sequential latency probe (concurrency 1): one keep-alive connection per target, targets interleaved in rounds
// (the order rotates each round) so that noise from a shared machine hits every target alike.
//
//   node seqlat.js targets.json [--rounds 10] [--per-round 1000] [--warmup 1000] [--max-seconds 0] [--out r.json]
// --max-seconds bounds the run on a slow machine: no new round starts after that time (whole rounds only).
//
// targets.json: [{"name","host","port","path","headers":{…},"body":"…"}]. Prints and writes per target:
// count, errors, p50/p90/p99/p999/max/mean in ms over all measured requests, and the median of the round medians.
'use strict';
const fs = require('fs');
const { Http1Connection } = require('./http1');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
}

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function main() {
  const targets = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const rounds = Number(arg('rounds', 10));
  const perRound = Number(arg('per-round', 1000));
  const warmup = Number(arg('warmup', 1000));
  const out = arg('out', null);
  const maxSeconds = Number(arg('max-seconds', 0));   // 0 = no limit; else stop after the round that crosses it
  const began = Date.now();
  const state = targets.map((t) => ({ t, conn: new Http1Connection(t), all: [], roundMedians: [], errors: 0, firstError: null }));

  // A target that keeps failing (e.g. a gateway that hangs) is given up after MAX_ERRORS so that the run stays bounded.
  const MAX_ERRORS = 20;
  for (const s of state) {
    for (let i = 0; i < warmup && s.errors < MAX_ERRORS; i++) {
      try {
        const r = await s.conn.send();
        if (r.status !== 200) { s.errors++; s.firstError = s.firstError || `HTTP ${r.status}`; }
      } catch (e) { s.errors++; s.firstError = s.firstError || e.message; }
    }
  }
  let roundsDone = 0;
  for (let r = 0; r < rounds; r++) {
    if (maxSeconds > 0 && r > 0 && Date.now() - began > maxSeconds * 1000) break;
    roundsDone++;
    for (let k = 0; k < state.length; k++) {
      const s = state[(r + k) % state.length];
      const lat = new Float64Array(perRound);
      let n = 0;
      for (let i = 0; i < perRound && s.errors < MAX_ERRORS; i++) {
        try {
          const res = await s.conn.send();
          if (res.status !== 200) { s.errors++; s.firstError = s.firstError || `HTTP ${res.status}`; continue; }
          lat[n++] = res.ns / 1e6;
        } catch (e) { s.errors++; s.firstError = s.firstError || e.message; }
      }
      const sorted = Array.from(lat.subarray(0, n)).sort((a, b) => a - b);
      if (n > 0) s.roundMedians.push(pct(sorted, 50));
      for (const v of sorted) s.all.push(v);
    }
  }
  const result = { _rounds: roundsDone };
  for (const s of state) {
    s.conn.close();
    const sorted = s.all.sort((a, b) => a - b);
    const rm = s.roundMedians.sort((a, b) => a - b);
    result[s.t.name] = {
      count: sorted.length,
      errors: s.errors,
      firstError: s.firstError,
      p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), p999: pct(sorted, 99.9),
      max: sorted[sorted.length - 1], mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
      medianOfRoundMedians: pct(rm, 50),
    };
  }
  const text = JSON.stringify(result, null, 2);
  if (out) fs.writeFileSync(out, text);
  process.stdout.write(text + '\n');
}

main().catch((e) => { process.stderr.write(String(e.stack || e) + '\n'); process.exit(1); });
