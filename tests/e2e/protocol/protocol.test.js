// Protocol-level end-to-end test of the peace-lsp binary, driven over stdio
// by vscode-languageserver-protocol (the library under VS Code's client).
//
//   PEACE_LSP_BIN=target/release/peace-lsp node --test tests/e2e/protocol/protocol.test.js
//
// The fixture sentence always yields one peacekeeping-as-peacemaking warning
// on "peacekeepers" (line 0, UTF-16 characters 3..15).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const P = require('vscode-languageserver-protocol/node');

const BIN = path.resolve(process.env.PEACE_LSP_BIN
  || path.join(__dirname, '..', '..', '..', 'target', 'release', 'peace-lsp'));
const TIMEOUT = Number(process.env.PEACE_E2E_TIMEOUT_MS || 10000);
const SENTENCE = 'UN peacekeepers negotiated the Dayton Accords.';
const CODE = 'peacekeeping-as-peacemaking';
// U+1F54A DOVE (2 UTF-16 units, 4 UTF-8 bytes) + U+FE0F (1 unit, 3 bytes) + space.
const DOVE_LINE = '\u{1F54A}\uFE0F ' + SENTENCE;

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${TIMEOUT} ms`)), TIMEOUT);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Start the server and a protocol connection; collect its stderr and diagnostics. */
function start() {
  const proc = spawn(BIN, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const s = { proc, stderr: '', published: new Map(), waiters: [] };
  proc.stderr.on('data', (d) => { s.stderr += d; });
  s.died = new Promise((resolve, reject) => {
    proc.on('error', (e) => reject(new Error(`cannot start ${BIN}: ${e.message}`)));
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  // A server that dies or cannot be started fails every pending request.
  s.alive = s.died.then(({ code, signal }) => {
    throw new Error(`${BIN} exited (code ${code}, signal ${signal}) unexpectedly`);
  });
  s.alive.catch(() => {});
  s.conn = P.createProtocolConnection(
    new P.StreamMessageReader(proc.stdout), new P.StreamMessageWriter(proc.stdin));
  s.conn.onRequest(P.ConfigurationRequest.type, (p) => p.items.map(() => null));
  s.conn.onRequest(P.RegistrationRequest.type, () => null);
  s.conn.onRequest(P.WorkDoneProgressCreateRequest.type, () => null);
  s.conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    s.published.set(p.uri, p);
    s.waiters = s.waiters.filter((w) => !w(p));
  });
  s.conn.onError(() => {});
  s.conn.listen();
  /** Next publishDiagnostics for uri matching pred. */
  s.diagnostics = (uri, pred = () => true) => withTimeout(Promise.race([s.alive, new Promise((resolve) => {
    const w = (p) => (p.uri === uri && pred(p) ? (resolve(p), true) : false);
    const last = s.published.get(uri);
    if (!(last && w(last))) s.waiters.push(w);
  })]), `publishDiagnostics for ${uri}`);
  s.request = (type, params) => withTimeout(
    Promise.race([s.alive, s.conn.sendRequest(type, params)]), type.method);
  return s;
}

async function initialize(s, general) {
  const init = await s.request(P.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(__dirname).href,
    workspaceFolders: null,
    capabilities: {
      general,
      textDocument: {
        synchronization: { didSave: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
          isPreferredSupport: true,
        },
      },
      workspace: { applyEdit: true, workspaceEdit: { documentChanges: true } },
    },
  });
  await s.conn.sendNotification(P.InitializedNotification.type, {});
  return init;
}

async function shutdown(s) {
  assert.equal(await s.request(P.ShutdownRequest.type, undefined), null);
  await s.conn.sendNotification(P.ExitNotification.type);
  const { code, signal } = await withTimeout(s.died, 'exit');
  s.conn.dispose();
  return { code, signal };
}

/** Apply LSP TextEdits (UTF-16 positions) to a text. */
function applyEdits(text, edits) {
  const lines = text.split('\n');
  const offset = (p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

/** The TextEdits of a WorkspaceEdit for one uri (changes or documentChanges). */
function editsFor(edit, uri) {
  if (edit.documentChanges) {
    return edit.documentChanges
      .filter((c) => c.textDocument && c.textDocument.uri === uri)
      .flatMap((c) => c.edits);
  }
  return (edit.changes && edit.changes[uri]) || [];
}

/** Run a session; on failure add the server's stderr to the error. */
async function session(general, body) {
  const s = start();
  try {
    await body(s, await initialize(s, general));
  } catch (e) {
    s.proc.kill();
    e.message += `\n--- ${BIN} stderr:\n${s.stderr || '(empty)'}\n---`;
    throw e;
  }
}

test('UTF-8 client: diagnostics, hover, quick fix, clean exit', async (t) => {
  await session({ positionEncodings: ['utf-8', 'utf-16'] }, async (s, init) => {
    const caps = init.capabilities;
    assert.equal(init.serverInfo && init.serverInfo.name, 'peace-lsp');
    assert.equal(caps.positionEncoding, 'utf-8', 'a client offering utf-8 gets utf-8');
    assert.ok(caps.hoverProvider, 'hoverProvider');
    t.diagnostic(`server ${init.serverInfo.version}, capabilities ${JSON.stringify(caps)}`);

    const uri = pathToFileURL(path.join(__dirname, 'essay.md')).href;
    let text = `${SENTENCE}\n${DOVE_LINE}\n`;
    await s.conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'markdown', version: 1, text },
    });
    const pub = await s.diagnostics(uri);
    const ours = pub.diagnostics.filter((d) => d.code === CODE);

    await t.test('diagnostics', () => {
      assert.equal(ours.length, 2, JSON.stringify(pub.diagnostics));
      assert.deepEqual(ours[0].range, { start: { line: 0, character: 3 }, end: { line: 0, character: 15 } });
      // Line 1 starts with 8 UTF-8 bytes (7 of them before the space) before "UN".
      assert.deepEqual(ours[1].range, { start: { line: 1, character: 11 }, end: { line: 1, character: 23 } });
      assert.equal(ours[0].severity, P.DiagnosticSeverity.Warning);
      assert.equal(ours[0].source, 'peace-lsp');
      assert.match(ours[0].message, /peacemaking/);
      if (pub.version !== undefined && pub.version !== null) assert.equal(pub.version, 1);
    });

    await t.test('hover', async () => {
      const hover = await s.request(P.HoverRequest.type,
        { textDocument: { uri }, position: { line: 0, character: 5 } });
      assert.ok(hover, 'a hover on "peacekeepers"');
      assert.equal(hover.contents.kind, 'markdown');
      assert.match(hover.contents.value, /Peacekeep|consent/);
      assert.deepEqual(hover.range, ours[0].range);
    });

    await t.test('quick fix', async (st) => {
      if (!caps.codeActionProvider) {
        console.log('SKIP: server offers no quickfix');
        st.skip('server offers no quickfix');
        return;
      }
      const actions = await s.request(P.CodeActionRequest.type, {
        textDocument: { uri },
        range: ours[0].range,
        context: { diagnostics: [ours[0]], only: ['quickfix'], triggerKind: 1 },
      });
      st.diagnostic(`actions: ${JSON.stringify((actions || []).map((a) => a.title))}`);
      // Of the fixes titled Replace "peacekeepers" ..., the one to "peacemakers" if offered.
      const fixes = (actions || []).filter((a) => a.title && a.title.startsWith('Replace "peacekeepers"'));
      const fix = fixes.find((a) => a.title.includes('"peacemakers"')) || fixes[0];
      assert.ok(fix, `a quick fix titled Replace "peacekeepers"...: ${JSON.stringify(actions)}`);
      assert.equal(fix.kind, 'quickfix');
      assert.ok(fix.edit, 'the quick fix carries a WorkspaceEdit');
      const edits = editsFor(fix.edit, uri);
      assert.ok(edits.length > 0, JSON.stringify(fix.edit));
      text = applyEdits(text, edits);
      assert.match(text.split('\n')[0], /peacemakers/);
      // The edit as the client applies it; the warning on line 0 goes away.
      await s.conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: 2 },
        contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
      });
      const after = await s.diagnostics(uri, (p) => p.version === 2
        || !p.diagnostics.some((d) => d.code === CODE && d.range.start.line === 0));
      assert.ok(!after.diagnostics.some((d) => d.code === CODE && d.range.start.line === 0),
        JSON.stringify(after.diagnostics));
    });

    await t.test('didClose clears diagnostics', async () => {
      await s.conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
      await s.diagnostics(uri, (p) => p.diagnostics.length === 0);
    });

    await t.test('shutdown, exit: exit code 0', async () => {
      const { code, signal } = await shutdown(s);
      assert.equal(signal, null);
      assert.equal(code, 0);
    });
  });
});

test('UTF-16 client: positions in UTF-16 code units', async () => {
  await session(undefined, async (s, init) => {
    assert.ok([undefined, 'utf-16'].includes(init.capabilities.positionEncoding),
      `positionEncoding ${init.capabilities.positionEncoding} for a client that offers none`);
    const uri = pathToFileURL(path.join(__dirname, 'notes.txt')).href;
    await s.conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'plaintext', version: 1, text: `${DOVE_LINE}\n` },
    });
    const pub = await s.diagnostics(uri);
    const d = pub.diagnostics.find((x) => x.code === CODE);
    assert.ok(d, JSON.stringify(pub.diagnostics));
    assert.deepEqual(d.range, { start: { line: 0, character: 7 }, end: { line: 0, character: 19 } });
    const hover = await s.request(P.HoverRequest.type,
      { textDocument: { uri }, position: { line: 0, character: 8 } });
    assert.match(hover.contents.value, /Peacekeep|consent/);
    assert.deepEqual(hover.range, d.range);
    const { code } = await shutdown(s);
    assert.equal(code, 0);
  });
});
