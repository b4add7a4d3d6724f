#!/usr/bin/env node
// Starts a language server over stdio, sends `initialize`, prints the
// server's capabilities as one line of JSON, then `shutdown` and `exit`.
// No dependencies. Exit 0 with the JSON on stdout; 1 (and the reason on
// stderr) if the server does not answer within 10 s.
// Usage: node probe_capabilities.js SERVER_BIN [ARGS...]
'use strict';
const { spawn } = require('node:child_process');

const [bin, ...args] = process.argv.slice(2);
if (!bin) {
  console.error('usage: probe_capabilities.js SERVER_BIN [ARGS...]');
  process.exit(2);
}
const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const send = (msg) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
};
const timer = setTimeout(() => {
  console.error(`probe: no initialize result from ${bin} within 10 s`);
  child.kill('SIGKILL');
  process.exit(1);
}, 10000);
child.on('error', (e) => {
  console.error(`probe: cannot run ${bin}: ${e.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (!done) {
    console.error(`probe: ${bin} exited (${signal ?? code}) before answering initialize`);
    process.exit(1);
  }
});

let buf = Buffer.alloc(0);
let done = false;
child.stdout.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const m = /content-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('ascii'));
    if (!m) throw new Error('probe: frame without Content-Length');
    const len = Number(m[1]);
    if (buf.length < end + 4 + len) return;
    const msg = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString('utf8'));
    buf = buf.subarray(end + 4 + len);
    if (msg.id === 1 && !done) {
      done = true;
      clearTimeout(timer);
      if (msg.error) {
        console.error(`probe: initialize failed: ${JSON.stringify(msg.error)}`);
        process.exit(1);
      }
      process.stdout.write(`${JSON.stringify(msg.result.capabilities)}\n`);
      send({ id: 2, method: 'shutdown', params: null });
    } else if (msg.id === 2) {
      send({ method: 'exit', params: null });
      child.stdin.end();
      setTimeout(() => process.exit(0), 2000).unref();
      child.on('exit', () => process.exit(0));
    }
  }
});
send({
  id: 1,
  method: 'initialize',
  params: { processId: process.pid, rootUri: null, capabilities: {}, clientInfo: { name: 'peace-lsp-e2e-probe' } },
});
