// Checks a built .vsix: the README shown on the extension's page
// (extension/readme.md) has no link or image that leaves the package or
// names a file the package lacks, and the licence files are packed.
//
// Usage: node scripts/check-vsix.mjs FILE.vsix   (exit 1 and a list of
// problems when broken). scripts/package.mjs runs it after packaging.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Markdown links and images outside code: {start, end, image, text, target}. */
export function markdownLinks(markdown) {
  const links = [];
  // Blank out fenced code blocks and inline code, keeping offsets.
  const masked = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (m) => ' '.repeat(m.length));
  const re = /(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
  for (let m; (m = re.exec(masked)); ) {
    links.push({
      start: m.index,
      end: m.index + m[0].length,
      image: m[1] === '!',
      text: markdown.slice(m.index + m[1].length + 1, m.index + m[1].length + 1 + m[2].length),
      target: m[3],
    });
  }
  // Raw HTML: <img src="..."> and <a href="...">.
  const html = /<(?:img|a)\b[^>]*?\b(src|href)\s*=\s*["']([^"']+)["'][^>]*>/gi;
  for (let m; (m = html.exec(masked)); ) {
    links.push({ start: m.index, end: m.index + m[0].length, image: m[1] === 'src', text: '', target: m[2], html: true });
  }
  return links.sort((a, b) => a.start - b.start);
}

/** {path, fragment} of a relative link; undefined for URLs, anchors and absolute paths. */
export function relativeTarget(target) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) return undefined;
  const hash = target.indexOf('#');
  const p = hash < 0 ? target : target.slice(0, hash);
  const fragment = hash < 0 ? '' : target.slice(hash);
  return { path: decodeURIComponent(p), fragment };
}

function entries(file) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const found = new Map();
      zip.on('error', reject);
      zip.on('end', () => resolve(found));
      zip.on('entry', (entry) => {
        if (entry.fileName !== 'extension/readme.md') {
          found.set(entry.fileName, undefined);
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** The problems of a .vsix (empty when it is sound). */
export async function checkVsix(file) {
  const files = await entries(file);
  const problems = [];
  const readme = files.get('extension/readme.md');
  if (readme === undefined) return ['no extension/readme.md in the package'];
  let images = 0;
  for (const link of markdownLinks(readme)) {
    const rel = relativeTarget(link.target);
    if (rel === undefined || rel.path === '') continue;
    const inPackage = path.posix.normalize(path.posix.join('extension', rel.path));
    if (!inPackage.startsWith('extension/')) {
      problems.push(`readme.md links to ${link.target}, outside the package`);
    } else if (!files.has(inPackage)) {
      problems.push(`readme.md links to ${link.target}, which the package lacks (${inPackage})`);
    } else if (link.image) {
      images += 1;
    }
  }
  if (/!\[[^\]]*\]\(/.test(readme) && images === 0) problems.push('readme.md shows no image from the package');
  for (const f of ['extension/LICENSE-MIT', 'extension/LICENSE-APACHE']) {
    if (!files.has(f)) problems.push(`${f} is not in the package`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/check-vsix.mjs FILE.vsix');
    process.exit(2);
  }
  const problems = await checkVsix(file);
  if (problems.length > 0) {
    console.error(`check-vsix: ${file} is broken:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`check-vsix: ${file}: every README link and image resolves inside the package; licences packed`);
}
