// Builds a platform-specific .vsix: copies the peace-lsp binary into
// server/<platform>-<arch>/ (Node's process.platform / process.arch names,
// which is where the extension looks for it), the rule pages into
// server/rules/, the licence files, and a copy of README.md whose images
// point into media/ (copied there) and whose other links leave nothing
// outside the package, then runs `vsce package --target <target>` and
// checks the result with scripts/check-vsix.mjs.
//
// Usage (after `npm run build`; `npm run package -- ARGS` does both):
//   node scripts/package.mjs                      # this machine's platform,
//                                                 # binary ../../target/release/peace-lsp
//   node scripts/package.mjs --target linux-arm64 --binary ../../target/aarch64-unknown-linux-gnu/release/peace-lsp
//   node scripts/package.mjs --out my.vsix
//   node scripts/package.mjs --no-strip           # keep the debug line tables
// PEACE_LSP_BINARY=/path/to/peace-lsp may replace --binary.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkVsix, relativeTarget, markdownLinks } from './check-vsix.mjs';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(here, '..', '..');

// vsce target -> [process.platform, process.arch] of the VS Code that installs it.
const TARGETS = {
  'win32-x64': ['win32', 'x64'],
  'win32-arm64': ['win32', 'arm64'],
  'linux-x64': ['linux', 'x64'],
  'linux-arm64': ['linux', 'arm64'],
  'linux-armhf': ['linux', 'arm'],
  'darwin-x64': ['darwin', 'x64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'alpine-x64': ['linux', 'x64'],
  'alpine-arm64': ['linux', 'arm64'],
};

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (!v || v.startsWith('--')) die(`${name} needs a value`);
  return v;
}

function die(msg) {
  console.error(`package: ${msg}`);
  process.exit(1);
}

function currentTarget() {
  const arch = process.arch === 'arm' ? 'armhf' : process.arch;
  return `${process.platform}-${arch}`;
}

const target = arg('--target') ?? currentTarget();
if (!TARGETS[target]) die(`unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
const [platform, arch] = TARGETS[target];
const exe = platform === 'win32' ? 'peace-lsp.exe' : 'peace-lsp';
const binary = path.resolve(arg('--binary') ?? process.env.PEACE_LSP_BINARY ?? path.join(repo, 'target', 'release', exe));
if (!fs.existsSync(binary)) {
  die(`no server binary at ${binary}: run \`cargo build --release\` in ${repo} first, or pass --binary PATH`);
}
if (!fs.existsSync(path.join(here, 'dist', 'extension.js'))) die('dist/extension.js is missing: run `npm run build` first');

// A targeted package carries exactly one binary.
const serverDir = path.join(here, 'server');
fs.rmSync(serverDir, { recursive: true, force: true });
const binDir = path.join(serverDir, `${platform}-${arch}`);
fs.mkdirSync(binDir, { recursive: true });
fs.copyFileSync(binary, path.join(binDir, exe));
fs.chmodSync(path.join(binDir, exe), 0o755);
console.log(`package: ${binary} -> server/${platform}-${arch}/${exe}`);

// The rule pages, so that each diagnostic's link works offline.
const rulesSrc = path.join(repo, 'docs', 'rules');
if (fs.existsSync(rulesSrc)) {
  fs.mkdirSync(path.join(serverDir, 'rules'));
  for (const f of fs.readdirSync(rulesSrc).filter((f) => f.endsWith('.md'))) {
    fs.copyFileSync(path.join(rulesSrc, f), path.join(serverDir, 'rules', f));
  }
}

// The release profile keeps line tables (about 40 MB); the packaged copy is
// stripped (about 6 MB) when this machine's `strip` can do it.
if (target === currentTarget() && platform !== 'win32' && !process.argv.includes('--no-strip')) {
  try {
    execFileSync('strip', [path.join(binDir, exe)], { stdio: 'ignore', timeout: 60000 });
    console.log(`package: stripped, ${(fs.statSync(path.join(binDir, exe)).size / 1e6).toFixed(1)} MB`);
  } catch {
    console.log('package: `strip` is not available; packaging the binary unstripped');
  }
}

// Check that the binary runs when it is for this machine.
if (target === currentTarget()) {
  try {
    const v = execFileSync(path.join(binDir, exe), ['--version'], { encoding: 'utf8', timeout: 10000 }).trim();
    console.log(`package: ${v}`);
  } catch (e) {
    die(`the server binary does not run: ${e.message}`);
  }
}

// The licence texts the manifest's "license" names.
for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) {
  const src = path.join(repo, f);
  if (!fs.existsSync(src)) die(`${src} is missing`);
  fs.copyFileSync(src, path.join(here, f));
}

// The README shown on the extension's page: in the repository its images and
// links point up into ../../docs; in the package nothing above the extension
// exists. Images are copied into media/ and linked there, rule pages point at
// the copies in server/rules/, and any other link outside the package keeps
// its text and loses the link.
const mediaDir = path.join(here, 'media');
fs.rmSync(mediaDir, { recursive: true, force: true });
const readme = fs.readFileSync(path.join(here, 'README.md'), 'utf8');
let packagedReadme = '';
let last = 0;
for (const link of markdownLinks(readme)) {
  const rel = relativeTarget(link.target);
  if (rel === undefined) continue;
  const abs = path.resolve(here, rel.path);
  const inside = !path.relative(here, abs).startsWith('..');
  let replacement;
  if (inside) {
    continue;
  } else if (link.image) {
    if (!fs.existsSync(abs)) die(`README.md shows ${link.target}, which does not exist`);
    fs.mkdirSync(mediaDir, { recursive: true });
    const name = path.basename(abs);
    fs.copyFileSync(abs, path.join(mediaDir, name));
    replacement = `![${link.text}](media/${name})`;
  } else if (path.dirname(abs) === rulesSrc && fs.existsSync(path.join(serverDir, 'rules', path.basename(abs)))) {
    replacement = `[${link.text}](server/rules/${path.basename(abs)}${rel.fragment})`;
  } else {
    console.log(`package: README link ${link.target} points outside the package; keeping its text only`);
    replacement = link.text;
  }
  packagedReadme += readme.slice(last, link.start) + replacement;
  last = link.end;
}
packagedReadme += readme.slice(last);
const buildDir = path.join(here, 'build');
fs.mkdirSync(buildDir, { recursive: true });
fs.writeFileSync(path.join(buildDir, 'README.md'), packagedReadme);

const version = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8')).version;
const out = path.resolve(arg('--out') ?? path.join(here, `peace-lsp-${target}-${version}.vsix`));
const vsce = path.join(here, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
  process.execPath,
  [vsce, 'package', '--target', target, '--out', out, '--no-dependencies', '--skip-license',
    '--allow-missing-repository', '--no-rewrite-relative-links', '--readme-path', 'build/README.md'],
  { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] },
);
console.log(`package: wrote ${out}`);
const problems = await checkVsix(out);
if (problems.length > 0) die(`the package is broken:\n  ${problems.join('\n  ')}`);
console.log('package: every link and image of the packaged README resolves inside the package');
