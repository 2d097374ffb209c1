#!/usr/bin/env node
// Holds N streaming chat requests open at once and samples the resident memory of the given processes.
//
//   node streams.js target.json --streams 1000 --pid name=PID [--pid name=PID …] [--timeout 90] [--out r.json]
//
// target.json: {"host","port","path","headers":{…},"body":"…"} with "stream":true in the body, pointed (directly or
// through a gateway) at a fake upstream that emits slowly, so every stream stays open for many seconds.
// Reports per pid: VmRSS before (idle), at the peak of concurrently open streams ("open": first event received,
// [DONE] not yet; peakOpen says how many), and the maximum seen; and for the streams: how many got HTTP 200, a first event, and [DONE], and how long opening took.
'use strict';
const fs = require('fs');
const net = require('net');

function args(name) {
  const out = [];
  for (let i = 2; i < process.argv.length - 1; i++) if (process.argv[i] === '--' + name) out.push(process.argv[i + 1]);
  return out;
}
const arg = (name, dflt) => (args(name)[0] === undefined ? dflt : args(name)[0]);

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch (e) { return NaN; }
}

async function main() {
  const target = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const n = Number(arg('streams', 1000));
  const timeoutS = Number(arg('timeout', 90));
  const out = arg('out', null);
  const pids = args('pid').map((s) => { const [name, pid] = s.split('='); return { name, pid: Number(pid) }; });
  const rss = {};
  for (const p of pids) rss[p.name] = { idleKb: rssKb(p.pid), openKb: NaN, maxKb: 0 };
  const sample = () => { for (const p of pids) { const v = rssKb(p.pid); if (v > rss[p.name].maxKb) rss[p.name].maxKb = v; } };

  const body = Buffer.from(target.body);
  let head = `POST ${target.path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\nConnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(target.headers || {})) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${body.length}\r\n\r\n`;
  const request = Buffer.concat([Buffer.from(head, 'latin1'), body]);

  const stats = { streams: n, http200: 0, firstEvent: 0, done: 0, errors: 0, firstError: null, openMs: NaN, allDoneMs: NaN,
    peakOpen: 0 };
  let openNow = 0;   // streams that have had their first event and have not ended
  const start = Date.now();
  const sockets = [];
  let finish;
  const finished = new Promise((r) => { finish = r; });
  const settle = () => { if (stats.done + stats.errors >= n) finish(); };
  const fail = (msg) => { stats.errors++; stats.firstError = stats.firstError || msg; settle(); };

  const open = (i) => {
    const st = { status: 0, first: false, done: false, failed: false, tail: '' };
    const s = net.connect({ host: target.host, port: target.port });
    sockets.push(s);
    s.setNoDelay(true);
    s.on('connect', () => s.write(request));
    s.on('data', (d) => {
      let text = st.tail + d.toString('latin1');
      if (st.status === 0) {
        const i = text.indexOf('\r\n\r\n');
        if (i < 0) { st.tail = text; return; }
        st.status = Number(text.substring(9, 12));
        if (st.status !== 200) { st.failed = true; fail(`HTTP ${st.status}`); s.destroy(); return; }
        stats.http200++;
        text = text.substring(i + 4);
      }
      if (!st.first && text.indexOf('data:') >= 0) {
        st.first = true;
        stats.firstEvent++;
        openNow++;
        if (openNow > stats.peakOpen) {
          stats.peakOpen = openNow;
          if (openNow === n || openNow % 50 === 0) { sample(); for (const p of pids) rss[p.name].openKb = rssKb(p.pid); }
        }
        if (stats.firstEvent === n) stats.openMs = Date.now() - start;
      }
      if (!st.done && text.indexOf('[DONE]') >= 0) {
        st.done = true;
        stats.done++;
        openNow--;
        s.destroy();
        settle();
        return;
      }
      st.tail = text.length > 16 ? text.substring(text.length - 16) : text;
    });
    const lost = (msg) => { if (!st.done && !st.failed) { st.failed = true; if (st.first) openNow--; fail(msg); } };
    s.on('error', (e) => lost(e.message));
    s.on('close', () => lost('closed before [DONE]'));
  };

  // Open in batches of 50 per millisecond tick so that listen backlogs are not overrun.
  for (let i = 0; i < n; i += 50) {
    for (let j = i; j < Math.min(n, i + 50); j++) open(j);
    await new Promise((r) => setTimeout(r, 5));
  }
  const sampler = setInterval(sample, 200);
  const timer = setTimeout(() => { stats.firstError = stats.firstError || `timeout after ${timeoutS} s`; finish(); }, timeoutS * 1000);
  await finished;
  stats.allDoneMs = Date.now() - start;
  clearInterval(sampler);
  clearTimeout(timer);
  for (const s of sockets) s.destroy();
  const result = { ...stats, rss: {} };
  for (const [name, r] of Object.entries(rss)) {
    result.rss[name] = { idleMb: r.idleKb / 1024, openMb: r.openKb / 1024, maxMb: r.maxKb / 1024 };
  }
  const text = JSON.stringify(result, null, 2);
  if (out) fs.writeFileSync(out, text);
  process.stdout.write(text + '\n');
}

main().catch((e) => { process.stderr.write(String(e.stack || e) + '\n'); process.exit(1); });
