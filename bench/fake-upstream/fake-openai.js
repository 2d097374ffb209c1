#!/usr/bin/env node
// Fake OpenAI upstream for benchmarks: POST /v1/chat/completions, non-streaming (~300 B JSON with usage) and
// streaming (N chunks at a fixed interval, then a usage chunk, then [DONE]). 0 ms delay unless DELAY_MS is set.
// Binds 127.0.0.1 only. Uses only Node's raw `http` module (no dependencies).
//
// Listeners (env):
//   PORT=19010              fast listener: streams STREAM_CHUNKS chunks every STREAM_INTERVAL_MS
//   SLOW_PORT=19011         slow listener (optional, 0 = off): streams SLOW_CHUNKS chunks every SLOW_INTERVAL_MS,
//                           used to hold many streams open at once (RSS scenario)
//   DELAY_MS=0              delay before the non-streaming answer / first stream chunk
//   STREAM_CHUNKS=10  STREAM_INTERVAL_MS=0   SLOW_CHUNKS=30  SLOW_INTERVAL_MS=1000
// GET /stats answers {"requests":n,"openStreams":n,"maxOpenStreams":n}.
'use strict';
const http = require('http');

const env = (name, dflt) => (process.env[name] === undefined || process.env[name] === '' ? dflt : Number(process.env[name]));
const DELAY_MS = env('DELAY_MS', 0);

let requests = 0;
let openStreams = 0;
let maxOpenStreams = 0;

const created = Math.floor(Date.now() / 1000);
const COMPLETION = Buffer.from(JSON.stringify({
  id: 'chatcmpl-bench0000000000000000000000',
  object: 'chat.completion',
  created,
  model: 'gpt-3.5-turbo-0125',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' },
    logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 },
  system_fingerprint: 'fp_bench',
}));
const JSON_HEADERS = { 'Content-Type': 'application/json', 'Content-Length': String(COMPLETION.length) };
const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };
const chunk = (content, finish) => Buffer.from('data: ' + JSON.stringify({
  id: 'chatcmpl-bench0000000000000000000000', object: 'chat.completion.chunk', created,
  model: 'gpt-3.5-turbo-0125', system_fingerprint: 'fp_bench',
  choices: [{ index: 0, delta: content === null ? {} : { content }, logprobs: null, finish_reason: finish }],
}) + '\n\n');
const FIRST = Buffer.from('data: ' + JSON.stringify({
  id: 'chatcmpl-bench0000000000000000000000', object: 'chat.completion.chunk', created,
  model: 'gpt-3.5-turbo-0125', system_fingerprint: 'fp_bench',
  choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
}) + '\n\n');
const WORD = chunk('hello ', null);
const STOP = chunk(null, 'stop');
const usageChunk = (n) => Buffer.from('data: ' + JSON.stringify({
  id: 'chatcmpl-bench0000000000000000000000', object: 'chat.completion.chunk', created,
  model: 'gpt-3.5-turbo-0125', system_fingerprint: 'fp_bench', choices: [],
  usage: { prompt_tokens: 9, completion_tokens: n, total_tokens: 9 + n },
}) + '\n\n');
const DONE = Buffer.from('data: [DONE]\n\n');
const NOT_FOUND = Buffer.from('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');

function stream(res, chunks, intervalMs) {
  openStreams++;
  if (openStreams > maxOpenStreams) maxOpenStreams = openStreams;
  let sent = 0;
  let closed = false;
  let timer = null;
  const finish = () => { if (!closed) { closed = true; openStreams--; if (timer) clearTimeout(timer); } };
  res.on('close', finish);
  res.writeHead(200, SSE_HEADERS);
  res.write(FIRST);
  const step = () => {
    if (closed) return;
    if (sent < chunks) {
      res.write(WORD);
      sent++;
      if (intervalMs > 0) { timer = setTimeout(step, intervalMs); } else { setImmediate(step); }
      return;
    }
    res.write(STOP);
    res.write(usageChunk(chunks));
    res.end(DONE);
    finish();
  };
  if (intervalMs > 0) { timer = setTimeout(step, intervalMs); } else { step(); }
}

function handler(chunks, intervalMs) {
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ requests, openStreams, maxOpenStreams }));
      return;
    }
    if (req.method !== 'POST' || !req.url.startsWith('/v1/chat/completions')) {
      req.resume();
      res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': String(NOT_FOUND.length) });
      res.end(NOT_FOUND);
      return;
    }
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      requests++;
      const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      // A cheap check instead of JSON.parse: the benchmark bodies are ours.
      const streaming = /"stream"\s*:\s*true/.test(body.toString('latin1'));
      const answer = () => {
        if (streaming) {
          stream(res, chunks, intervalMs);
        } else {
          res.writeHead(200, JSON_HEADERS);
          res.end(COMPLETION);
        }
      };
      if (DELAY_MS > 0) setTimeout(answer, DELAY_MS); else answer();
    });
  };
}

function listen(port, chunks, intervalMs, label) {
  const server = http.createServer({ keepAliveTimeout: 120_000 }, handler(chunks, intervalMs));
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  server.listen(port, '127.0.0.1', 4096, () => {
    process.stdout.write(`fake-openai ${label} listening on 127.0.0.1:${port} (stream ${chunks} chunks every ${intervalMs} ms, delay ${DELAY_MS} ms)\n`);
  });
  return server;
}

const servers = [listen(env('PORT', 19010), env('STREAM_CHUNKS', 10), env('STREAM_INTERVAL_MS', 0), 'fast')];
const slowPort = env('SLOW_PORT', 19011);
if (slowPort > 0) servers.push(listen(slowPort, env('SLOW_CHUNKS', 30), env('SLOW_INTERVAL_MS', 1000), 'slow'));
const stop = () => { servers.forEach((s) => s.close()); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
