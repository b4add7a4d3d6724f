// VS Code client for peace-lsp: finds the server binary, starts it over stdio
// for essays (Markdown, LaTeX, plain text and any files named in
// `peace-lsp.files`), adds three commands, and shows the Markdown that the
// server's `peace-lsp.explain` command returns (from Explain Term Under
// Cursor, the Explain quick fix or the summary code lens) in a preview.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DocumentFilter,
  ErrorCodes,
  ExecuteCommandRequest,
  HoverRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
  ShowDocumentResult,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

const SECTION = 'peace-lsp';
const LANGUAGES = ['markdown', 'latex', 'tex', 'plaintext', 'text'];
const SCHEMES = ['file', 'untitled'];
const EXPLAIN_COMMAND = 'peace-lsp.explain';
const EXPLAIN_SCHEME = 'peace-lsp-explain';
const EXE = process.platform === 'win32' ? 'peace-lsp.exe' : 'peace-lsp';

let ctx: vscode.ExtensionContext;
let output: vscode.OutputChannel;
let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;
/** Set after a start failed and the user was told; cleared by a restart or a settings change. */
let failed = false;
/** `peace-lsp.explain` requests under way: their result is what is shown. */
let explaining = 0;
const explanations = new Map<string, string>();
const explainChanged = new vscode.EventEmitter<vscode.Uri>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = context;
  output = vscode.window.createOutputChannel('Peace LSP');
  context.subscriptions.push(output);

  context.subscriptions.push(
    explainChanged,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      onDidChange: explainChanged.event,
      provideTextDocumentContent: (uri) => explanations.get(uri.toString()) ?? '',
    }),
    vscode.commands.registerCommand('peace-lsp.restartServer', restartServer),
    vscode.commands.registerCommand('peace-lsp.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('peace-lsp.explainTerm', explainTerm),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (!failed && wants(doc)) void ensureClient();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.server`) || e.affectsConfiguration(`${SECTION}.files`)) {
        log('server settings changed: restarting');
        void restartServer();
      }
    }),
  );

  // Start lazily: only once a document the server checks is open, so that
  // activation on startup (for `peace-lsp.files`) costs nothing elsewhere.
  if (vscode.workspace.textDocuments.some(wants)) await ensureClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

function log(message: string): void {
  output.appendLine(`[client ${new Date().toISOString()}] ${message}`);
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function documentSelector(): DocumentFilter[] {
  const selector: DocumentFilter[] = [];
  for (const scheme of SCHEMES) {
    for (const language of LANGUAGES) selector.push({ scheme, language });
  }
  for (const pattern of config().get<string[]>('files', [])) {
    if (typeof pattern === 'string' && pattern.trim() !== '') selector.push({ scheme: 'file', pattern: pattern.trim() });
  }
  return selector;
}

function wants(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(documentSelector() as vscode.DocumentSelector, doc) > 0;
}

// ---------------------------------------------------------------- server lookup

type Found = { command: string; from: string } | { error: string };

function expand(p: string): string {
  let s = p.trim();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) s = s.replace(/\$\{workspaceFolder\}/g, folder);
  if (s === '~' || s.startsWith('~/') || s.startsWith('~\\')) s = path.join(os.homedir(), s.slice(1));
  if (!path.isAbsolute(s) && folder) s = path.join(folder, s);
  return s;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name = 'peace-lsp'): string | undefined {
  const exts =
    process.platform === 'win32' && path.extname(name) === ''
      ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase())
      : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, `${name}${ext}`);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** `peace-lsp.server.path`, then the bundled binary, then `peace-lsp` on PATH. */
function findServer(): Found {
  const configured = config().get<string>('server.path', '');
  if (configured && configured.trim() !== '') {
    // A bare name ("peace-lsp-dev") is looked up on PATH; a path is expanded.
    const bare = !/[\\/]/.test(configured.trim()) && !configured.includes('${') && configured.trim() !== '~';
    const p = (bare && onPath(configured.trim())) || expand(configured);
    if (isExecutableFile(p)) return { command: p, from: 'the peace-lsp.server.path setting' };
    return { error: `The peace-lsp.server.path setting names "${p}", which is not an executable file.` };
  }
  const bundled = ctx.asAbsolutePath(path.join('server', `${process.platform}-${process.arch}`, EXE));
  if (fs.existsSync(bundled)) {
    // Some unzip paths drop the executable bit; put it back.
    if (!isExecutableFile(bundled)) {
      try {
        fs.chmodSync(bundled, 0o755);
      } catch (e) {
        log(`cannot make ${bundled} executable: ${e}`);
      }
    }
    if (isExecutableFile(bundled)) return { command: bundled, from: 'the binary bundled with the extension' };
  }
  const found = onPath();
  if (found) return { command: found, from: 'PATH' };
  return {
    error:
      `Peace LSP cannot find the peace-lsp server: peace-lsp.server.path is not set, this extension has no ` +
      `bundled binary for ${process.platform}-${process.arch}, and peace-lsp is not on PATH.`,
  };
}

async function reportStartFailure(message: string): Promise<void> {
  failed = true;
  log(message);
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
  if (choice === 'Open Settings') {
    await openServerPathSetting();
  } else if (choice === 'Show Output') {
    output.show(true);
  }
}

async function openServerPathSetting(): Promise<void> {
  const key = `${SECTION}.server.path`;
  // The setting is machine-scoped: in a remote window (code-server, SSH, WSL,
  // containers) it lives in the Remote tab, where the extension host runs.
  if (vscode.env.remoteName) {
    try {
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query: key });
      return;
    } catch (e) {
      log(`cannot open the remote settings: ${errorText(e)}`);
    }
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', key);
}

// ---------------------------------------------------------------- client lifecycle

/** The settings the server reads, in its camelCase names. */
function serverSettings(cfg = config()): Record<string, unknown> {
  return {
    rules: cfg.get<Record<string, string>>('rules', {}),
    maxDocumentBytes: cfg.get<number>('maxDocumentBytes', 10485760),
    completion: cfg.get<boolean>('completion', true),
    completionCitations: cfg.get<boolean>('completionCitations', true),
    semanticTokens: cfg.get<boolean>('semanticTokens', true),
    summaryLens: cfg.get<boolean>('summaryLens', false),
  };
}

function initializationOptions(): Record<string, unknown> {
  const options = serverSettings();
  // The rule pages shipped in the package, so each diagnostic's link opens offline.
  const rules = ctx.asAbsolutePath(path.join('server', 'rules'));
  // rulesDir is a folder, which only the editor may name (a project's rules-base-url is http(s) only).
  if (fs.existsSync(path.join(rules, 'README.md'))) options.rulesDir = rules;
  return options;
}

function ensureClient(): Promise<LanguageClient | undefined> {
  if (client && client.state !== State.Stopped) return Promise.resolve(client);
  if (!starting) {
    starting = startClient().finally(() => {
      starting = undefined;
    });
  }
  return starting;
}

async function startClient(): Promise<LanguageClient | undefined> {
  const found = findServer();
  if ('error' in found) {
    void reportStartFailure(found.error);
    return undefined;
  }
  const args = config().get<string[]>('server.args', []).filter((a) => typeof a === 'string');
  log(`starting ${found.command} ${args.join(' ')} (found via ${found.from})`);

  const serverOptions: ServerOptions = {
    command: found.command,
    args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions,
    synchronize: { configurationSection: SECTION },
    middleware: {
      // `peace-lsp.explain` returns its explanation as Markdown; whoever ran
      // it (the Explain quick fix, the summary code lens, a keybinding), show
      // that result rendered, in a preview that is not itself checked.
      executeCommand: async (command, args, next) => {
        if (command !== EXPLAIN_COMMAND) return next(command, args);
        const result = await explainRequest(() => next(command, args));
        await showExplanation(result);
        return result;
      },
      window: {
        // While an explanation is being asked for, a server that would also
        // open it itself (window/showDocument) is told it is shown: the
        // command's result is.
        showDocument: async (params, next) => {
          if (explaining > 0) {
            log(`not opening ${params.uri}: the explanation is shown from the command's result`);
            return { success: true };
          }
          return (await next(params, new vscode.CancellationTokenSource().token)) as ShowDocumentResult;
        },
      },
    },
  };
  const c = new LanguageClient(SECTION, 'Peace LSP', serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    void vscode.commands.executeCommand('setContext', 'peace-lsp.active', e.newState === State.Running);
  });
  client = c;
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    void reportStartFailure(
      `Peace LSP could not start the server ${found.command} (found via ${found.from}): ${errorText(e)}`,
    );
    return undefined;
  }
  const info = c.initializeResult?.serverInfo;
  log(`server running: ${info ? `${info.name} ${info.version ?? ''}` : 'no serverInfo'}`);
  return c;
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop(5000);
    } catch (e) {
      log(`stopping the server: ${errorText(e)}`);
    }
  }
  void vscode.commands.executeCommand('setContext', 'peace-lsp.active', false);
}

async function restartServer(): Promise<void> {
  if (starting) await starting;
  await stopClient();
  failed = false;
  // A restart asked for by hand starts the server even with no essay open.
  const c = await ensureClient();
  if (c) vscode.window.setStatusBarMessage('Peace LSP: server restarted', 3000);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------- Explain Term Under Cursor

function isUnsupported(e: unknown): boolean {
  if (!(e instanceof ResponseError)) return false;
  if (e.code === ErrorCodes.MethodNotFound) return true;
  return e.code === ErrorCodes.InvalidParams && /unknown command|not supported|unsupported/i.test(e.message);
}

/** Runs a `peace-lsp.explain` request, counting it as under way. */
async function explainRequest<T>(request: () => T | Thenable<T>): Promise<T> {
  explaining += 1;
  try {
    return await request();
  } finally {
    explaining -= 1;
  }
}

/** Shows the Markdown a `peace-lsp.explain` returned; false when it returned none. */
async function showExplanation(result: unknown): Promise<boolean> {
  if (typeof result !== 'string' || result.trim() === '') return false;
  // The title: the first bold words (the term, "**Peacekeeping** · concept")
  // or the first heading (a rule's explanation).
  const title = /^#+\s+(.+)$/m.exec(result)?.[1] ?? /\*\*([^*]+)\*\*/.exec(result)?.[1];
  await showMarkdown(result, title ? `Explain ${title.replace(/[`*_]/g, '').trim()}` : 'Explain');
  return true;
}

function hoverMarkdown(hover: vscode.Hover): string {
  return hover.contents
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c)))
    .join('\n\n---\n\n');
}

async function showMarkdown(markdown: string, title: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${title.replace(/[\\/]/g, ' ')}.md` });
  explanations.set(uri.toString(), markdown);
  explainChanged.fire(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch (e) {
    log(`no Markdown preview (${errorText(e)}); showing a message instead`);
    const plain = markdown.replace(/[*_`#>]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
    void vscode.window.showInformationMessage(plain.length > 1000 ? `${plain.slice(0, 1000)}…` : plain);
  }
}

async function explainTerm(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Peace LSP: put the cursor on a term in an essay first.');
    return;
  }
  const doc = editor.document;
  if (!wants(doc)) {
    void vscode.window.showInformationMessage(
      `Peace LSP does not check ${doc.languageId} documents; add a pattern to peace-lsp.files to include them.`,
    );
    return;
  }
  failed = false;
  const c = await ensureClient();
  if (!c) return;
  const position = editor.selection.active;
  const wordRange = doc.getWordRangeAtPosition(position);
  const title = wordRange ? `Explain ${doc.getText(wordRange)}` : 'Explain';

  const commands = c.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (commands.includes(EXPLAIN_COMMAND)) {
    // The command returns the explanation as Markdown (and the server says
    // so itself when there is no term at the cursor).
    try {
      const result = await explainRequest(() =>
        c.sendRequest(ExecuteCommandRequest.type, {
          command: EXPLAIN_COMMAND,
          arguments: [{ uri: c.code2ProtocolConverter.asUri(doc.uri), position: c.code2ProtocolConverter.asPosition(position) }],
        }),
      );
      await showExplanation(result);
      return;
    } catch (e) {
      if (!isUnsupported(e)) {
        void vscode.window.showErrorMessage(`Peace LSP: explaining the term failed: ${errorText(e)}`);
        return;
      }
      log(`the server does not support ${EXPLAIN_COMMAND} (${errorText(e)}); falling back to the hover`);
    }
  } else {
    log(`the server does not offer ${EXPLAIN_COMMAND}; using the hover text`);
  }

  const result = await c.sendRequest(
    HoverRequest.type,
    c.code2ProtocolConverter.asTextDocumentPositionParams(doc, position),
  );
  const hover = result ? c.protocol2CodeConverter.asHover(result) : undefined;
  if (!hover || hover.contents.length === 0) {
    void vscode.window.showInformationMessage('Peace LSP: no known term under the cursor.');
    return;
  }
  await showMarkdown(hoverMarkdown(hover), title);
}
