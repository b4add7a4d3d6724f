// Opens the class report of `peace-lsp report` in headless Debian Chromium
// and checks what a teacher sees against the JSON of the same run: the
// counts, both charts, the essay table (sorting, a row click that reaches
// the essay's section), the print layout, and that a hostile class stays
// inert. Started by run.sh, which makes the reports.
//
// Environment:
//   REPORT     the class report (HTML) to open
//   JSON       `peace-lsp report --format json` of the same class
//   HOSTILE    a report made from hostile essays (scripts, handlers, a 5 MB paragraph)
//   OUT        where screenshots go
//   RESULTS    file to write "passed failed" counts to
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { chromium } = require('playwright-core');

const REPORT = process.env.REPORT;
const HOSTILE = process.env.HOSTILE;
const data = JSON.parse(fs.readFileSync(process.env.JSON, 'utf8'));
const OUT = process.env.OUT || path.join(__dirname, 'out');
const RESULTS = process.env.RESULTS;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 180000);

fs.mkdirSync(OUT, { recursive: true });
const t0 = Date.now();
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);
const results = { passed: 0, failed: 0 };
const writeResults = () => RESULTS && fs.writeFileSync(RESULTS, `${results.passed} ${results.failed}\n`);

setTimeout(() => {
  console.log(`FAIL: the browser test did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`);
  results.failed += 1;
  writeResults();
  process.exit(1);
}, TOTAL_TIMEOUT_MS).unref();

async function check(page, name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    results.passed += 1;
    log(`ok    ${name} (${((Date.now() - start) / 1000).toFixed(1)}s)${detail ? `: ${detail}` : ''}`);
  } catch (e) {
    results.failed += 1;
    const shot = path.join(OUT, `fail-${name.replace(/\W+/g, '-')}.png`);
    await page.screenshot({ path: shot, fullPage: false }).catch(() => {});
    console.log(`FAIL: ${name}: ${String(e.message || e).split('\n')[0]}`);
    log(`      screenshot of the failure: ${shot}`);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

function equal(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

/** A page that records what it tries to fetch, its console errors and dialogs. */
async function open(browser, file) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const seen = { requests: [], errors: [], dialogs: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  return { page, seen, url, context };
}

/** The numbers in the cells of the essay table, per row. */
async function tableRows(page) {
  return page.$$eval('#essays tbody tr', (rows) =>
    rows.map((r) => ({
      target: r.getAttribute('data-target'),
      name: r.cells[0].textContent,
      words: Number(r.cells[1].getAttribute('data-sort')),
      findings: Number(r.cells[2].getAttribute('data-sort')),
    })));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const { page, seen, url } = await open(browser, REPORT);
  log(`opened ${url}`);

  await check(page, 'the page loads alone: nothing fetched, no errors, no policy violations', async () => {
    const others = seen.requests.filter((u) => u !== url);
    equal(others, [], 'requests other than the page');
    equal(seen.errors, [], 'console errors');
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
    expect(csp.includes("default-src 'none'"), `policy: ${csp}`);
    return `${seen.requests.length} request (the file itself)`;
  });

  await check(page, 'the class at a glance matches the JSON', async () => {
    const card = async (id) => Number((await page.textContent(`#${id} .n`)).replace(/,/g, ''));
    equal(await card('total-essays'), data.totals.essays, 'essays');
    equal(await card('total-words'), data.totals.words, 'words');
    equal(await card('total-findings'), data.totals.findings, 'findings');
    equal(await card('total-essays-with-findings'), data.totals.essays_with_findings, 'essays with findings');
    return `${data.totals.essays} essays, ${data.totals.words} words, ${data.totals.findings} findings`;
  });

  await check(page, 'both charts show each code as in the JSON, bars to scale', async () => {
    const read = (id) => page.$$eval(`#${id} g.bar`, (bars) => bars.map((g) => ({
      code: g.getAttribute('data-code'),
      width: g.querySelector('rect.value').getBBox().width,
      track: g.querySelector('rect.track').getBBox().width,
      text: g.querySelector('text.count').textContent,
      visible: g.querySelector('rect.value').getBoundingClientRect().height > 0,
      // Both texts inside the chart's box (a clipped "106 of 300 essays (35%" would not be).
      fits: (() => {
        const box = g.ownerSVGElement.viewBox.baseVal;
        const [label, count] = [g.querySelector('text:not(.count)').getBBox(), g.querySelector('text.count').getBBox()];
        return label.x >= 0 && count.x + count.width <= box.width;
      })(),
    })));
    const findings = await read('chart-findings');
    const essays = await read('chart-essays');
    equal(findings.map((b) => b.code), data.codes.map((c) => c.code), 'codes in the findings chart');
    equal(essays.map((b) => b.code), data.codes.map((c) => c.code), 'codes in the essays chart');
    const max = Math.max(...data.codes.map((c) => c.findings));
    const n = data.totals.essays;
    data.codes.forEach((c, i) => {
      const f = findings[i];
      equal(f.text, `${c.findings} finding${c.findings === 1 ? '' : 's'}`, `findings label of ${c.code}`);
      const want = max ? (c.findings / max) * f.track : 0;
      expect(Math.abs(f.width - want) <= Math.max(2, want * 0.01), `findings bar of ${c.code}: ${f.width} vs ${want}`);
      const e = essays[i];
      const pct = n ? Math.round((c.essays * 100) / n) : 0;
      equal(e.text, `${c.essays} of ${n} essays (${pct}%)`, `essays label of ${c.code}`);
      const wantE = n ? (c.essays / n) * e.track : 0;
      expect(Math.abs(e.width - wantE) <= Math.max(2, wantE * 0.01), `essays bar of ${c.code}: ${e.width} vs ${wantE}`);
      expect(f.visible && e.visible, `bars of ${c.code} rendered`);
      expect(f.fits && e.fits, `labels of ${c.code} inside the chart`);
    });
    return `${data.codes.length} codes`;
  });

  await check(page, 'concepts used and never defined match the JSON', async () => {
    const rows = await page.$$eval('#concept-table tbody tr', (rs) => rs.map((r) => ({
      concept: r.getAttribute('data-concept'),
      using: r.cells[1].textContent,
      defining: r.cells[3].textContent,
    })));
    equal(rows.map((r) => r.concept), data.concepts.map((c) => c.concept), 'concepts');
    data.concepts.forEach((c, i) => {
      equal(rows[i].using, `${c.essays_using} of ${data.totals.essays}`, `${c.concept} used`);
      equal(rows[i].defining, `${c.essays_defining} of ${data.totals.essays}`, `${c.concept} defined`);
    });
    const never = data.concepts.filter((c) => c.essays_using > 0 && c.essays_defining === 0);
    const callout = await page.$('#never-defined');
    equal(Boolean(callout), never.length > 0, 'never-defined callout shown');
    if (callout) {
      const text = await callout.textContent();
      never.forEach((c) => expect(text.includes(c.label), `${c.label} in "${text}"`));
    }
    return never.length ? `never defined: ${never.map((c) => c.label).join(', ')}` : 'every used concept defined';
  });

  await check(page, 'one row per essay with its words and findings', async () => {
    const rows = await tableRows(page);
    equal(rows.map((r) => r.name), data.essays.map((e) => e.name), 'names');
    equal(rows.map((r) => r.words), data.essays.map((e) => e.words), 'words');
    equal(rows.map((r) => r.findings), data.essays.map((e) => e.findings.length), 'findings');
    return `${rows.length} rows`;
  });

  // The overview: cards, charts, concepts and the essay table.
  const bottom = await page.$eval('#overview', (o) => o.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: path.join(OUT, 'report.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 16 } });
  log(`screenshot: ${path.join(OUT, 'report.png')}`);

  await check(page, 'a click on a column sorts the table', async () => {
    await page.click('#essays thead th:nth-child(3) button');
    let rows = await tableRows(page);
    const desc = [...rows].map((r) => r.findings);
    equal(desc, [...desc].sort((a, b) => b - a), 'findings, largest first');
    await page.click('#essays thead th:nth-child(3) button');
    rows = await tableRows(page);
    const asc = rows.map((r) => r.findings);
    equal(asc, [...asc].sort((a, b) => a - b), 'findings, smallest first');
    await page.click('#essays thead th:nth-child(1) button');
    rows = await tableRows(page);
    const names = rows.map((r) => r.name);
    equal(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())), 'names A to Z');
    const sorted = await page.getAttribute('#essays thead th:nth-child(1)', 'aria-sort');
    equal(sorted, 'ascending', 'aria-sort');
    return 'findings both ways, names';
  });

  await check(page, 'a click on an essay row reaches its section', async () => {
    // The essay with the most findings, clicked on its words cell (not the link).
    const top = [...data.essays].sort((a, b) => b.findings.length - a.findings.length)[0];
    await page.click(`#essays tbody tr[data-target="${top.id}"] td:nth-child(2)`);
    await page.waitForFunction((id) => location.hash === `#${id}`, top.id, { timeout: 5000 });
    const box = await page.$eval(`#${top.id}`, (s) => {
      const r = s.getBoundingClientRect();
      return { top: r.top, title: s.querySelector('h2').firstChild.textContent, items: s.querySelectorAll('ol.findings > li').length };
    });
    expect(Math.abs(box.top) < 40, `section top at ${box.top}px`);
    equal(box.title, top.name, 'section title');
    equal(box.items, Math.min(top.findings.length, 100), 'findings listed');
    const marks = await page.$$eval(`#${top.id} mark`, (ms) => ms.map((m) => m.textContent));
    // Grouped by misconception, in the order of the charts.
    const grouped = data.codes.flatMap((c) => top.findings.filter((f) => f.code === c.code));
    equal(marks, grouped.slice(0, 100).map((f) => [...f.sentence].slice(f.mark[0], f.mark[1]).join('')), 'marked words');
    await page.screenshot({ path: path.join(OUT, 'report-essay.png'), fullPage: false });
    return `${top.name}: ${top.findings.length} findings`;
  });

  await check(page, 'printed, each essay starts a new page', async () => {
    await page.emulateMedia({ media: 'print' });
    const breaks = await page.$$eval('section.essay', (ss) => ss.map((s) => getComputedStyle(s).breakBefore));
    equal(breaks, data.essays.map(() => 'page'), 'break-before of the essays');
    const hidden = await page.$$eval('.noprint', (ns) => ns.every((n) => getComputedStyle(n).display === 'none'));
    expect(hidden, 'screen-only hints hidden in print');
    await page.emulateMedia({ media: 'screen' });
    return `${breaks.length} essays`;
  });

  // The hostile class.
  const h = await open(browser, HOSTILE);
  await check(h.page, 'a hostile class stays inert and its 5 MB paragraph renders', async () => {
    await h.page.waitForTimeout(500);
    equal(h.seen.dialogs, [], 'dialogs opened');
    equal(h.seen.requests.filter((u) => u !== h.url), [], 'requests other than the page');
    equal(h.seen.errors, [], 'console errors');
    const dom = await h.page.evaluate(() => ({
      scripts: document.scripts.length,
      embeds: document.querySelectorAll('img, iframe, object, embed, video, audio, form, input, textarea').length,
      jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => !a.getAttribute('href').startsWith('#')).length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      pwned: typeof window.__pwned,
      essays: document.querySelectorAll('section.essay').length,
      shownAttack: document.body.textContent.includes("<script>window.__pwned = 1; alert('x')</script>"),
    }));
    equal(dom.scripts, 1, 'scripts (the report\'s own)');
    equal(dom.embeds, 0, 'images, frames, forms');
    equal(dom.jsLinks, 0, 'links that leave the page');
    equal(dom.handlers, 0, 'elements with event handlers');
    equal(dom.pwned, 'undefined', 'injected code ran');
    expect(dom.shownAttack, 'the attack is shown as text');
    const huge = await h.page.$$eval('section.essay', (ss) => ss.filter((s) => s.querySelector('h2').firstChild.textContent.endsWith('huge.txt')).map((s) => {
      const r = s.getBoundingClientRect();
      return { height: r.height, marks: s.querySelectorAll('mark').length };
    }));
    expect(huge.length === 1 && huge[0].height > 50 && huge[0].marks >= 1, `the 5 MB essay's section: ${JSON.stringify(huge)}`);
    await h.page.screenshot({ path: path.join(OUT, 'hostile.png'), fullPage: false });
    return `${dom.essays} essays, 1 script, nothing fetched`;
  });

  await browser.close();
  writeResults();
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
})().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  results.failed += 1;
  writeResults();
  process.exit(1);
});
