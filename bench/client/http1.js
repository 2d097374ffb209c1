'use strict';
// A minimal HTTP/1.1 keep-alive client over one raw TCP socket, for precise sequential timing: no agent, no
// pooling, no header objects. Understands Content-Length and chunked responses. One request at a time.
const net = require('net');

const CRLF2 = Buffer.from('\r\n\r\n');

class Http1Connection {
  /** target: {host, port, path, headers: {name: value}, body: string} */
  constructor(target) {
    this.target = target;
    const body = Buffer.from(target.body);
    let head = `POST ${target.path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\nConnection: keep-alive\r\n`;
    for (const [k, v] of Object.entries(target.headers || {})) head += `${k}: ${v}\r\n`;
    head += `Content-Length: ${body.length}\r\n\r\n`;
    this.request = Buffer.concat([Buffer.from(head, 'latin1'), body]);
    this.socket = null;
    this.pending = null;
    this.buf = Buffer.alloc(0);
    this.timeoutMs = target.timeoutMs || 10_000;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.target.host, port: this.target.port, noDelay: true }, () => resolve());
      s.setNoDelay(true);
      s.on('error', (e) => { if (this.pending) { const p = this.pending; this.pending = null; p.reject(e); } else reject(e); });
      s.on('close', () => { this.socket = null; if (this.pending) { const p = this.pending; this.pending = null; p.reject(new Error('connection closed')); } });
      s.on('data', (d) => this.onData(d));
      this.socket = s;
    });
  }

  /** Sends the request; resolves {status, ns} with the time from write to the last body byte. */
  async send() {
    if (!this.socket) await this.connect();
    return new Promise((resolve, reject) => {
      this.buf = Buffer.alloc(0);
      this.pending = { resolve, reject, start: process.hrtime.bigint(), status: 0, headerEnd: -1, length: -1, chunked: false, close: false };
      this.socket.write(this.request);
      // A request that hangs longer than the timeout fails and drops the connection (the next send reconnects).
      const p = this.pending;
      p.timer = setTimeout(() => {
        if (this.pending === p) { this.pending = null; this.close(); reject(new Error(`timeout after ${this.timeoutMs} ms`)); }
      }, this.timeoutMs);
      p.timer.unref();
    });
  }

  onData(d) {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const p = this.pending;
    if (!p) return;
    if (p.headerEnd < 0) {
      const i = this.buf.indexOf(CRLF2);
      if (i < 0) return;
      p.headerEnd = i + 4;
      const head = this.buf.toString('latin1', 0, i);
      p.status = Number(head.substring(9, 12));
      const lower = head.toLowerCase();
      const m = /\r\ncontent-length:\s*(\d+)/.exec(lower);
      if (m) p.length = Number(m[1]);
      p.chunked = /\r\ntransfer-encoding:\s*chunked/.test(lower);
      p.close = /\r\nconnection:\s*close/.test(lower);
    }
    let done = false;
    if (p.length >= 0) {
      done = this.buf.length >= p.headerEnd + p.length;
    } else if (p.chunked) {
      done = chunkedComplete(this.buf, p.headerEnd);
    }
    if (done) {
      const ns = process.hrtime.bigint() - p.start;
      clearTimeout(p.timer);
      this.pending = null;
      this.buf = Buffer.alloc(0);
      if (p.close && this.socket) { this.socket.destroy(); this.socket = null; }
      p.resolve({ status: p.status, ns: Number(ns) });
    }
  }

  close() { if (this.socket) this.socket.destroy(); this.socket = null; }
}

/** True when a complete chunked body (ending in the zero-size chunk and its trailer CRLF) starts at `from`. */
function chunkedComplete(buf, from) {
  let pos = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos, 'latin1');
    if (eol < 0) return false;
    const size = parseInt(buf.toString('latin1', pos, eol), 16);
    if (Number.isNaN(size)) return false;
    if (size === 0) {
      // Trailers (none expected) end with an empty line.
      return buf.indexOf(CRLF2, eol) >= 0 || (buf.length >= eol + 4 && buf[eol + 2] === 13 && buf[eol + 3] === 10);
    }
    pos = eol + 2 + size + 2;
    if (pos > buf.length) return false;
  }
}

module.exports = { Http1Connection };
