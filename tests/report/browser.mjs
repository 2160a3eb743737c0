// Browser test of `ward report --format html`: opens reports in headless Chromium (Debian's,
// driven by playwright-core) from file:// and checks, from the DOM, that the tables, the
// risk grids, the pictures (each SVG renders with a non-empty box) and the item anchors are
// there, that the page makes no request of its own, and that nothing from a hostile
// workspace ran as script; screenshots each kind of picture; and checks the PDF that
// Chromium printed of the example (pages and text, with poppler's pdfinfo and pdftotext).
//
//   node browser.mjs --example <report.html> --hostile <report.html> --screenshot <out.png>
//                    --pictures <dir> --pdf <example.pdf> [--update-screenshot <docs/images>]
//
// run-browser-test.sh builds the reports with the freshly built binary and calls this.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

function parseArgs(argv) {
  const args = {};
  for (let at = 0; at < argv.length; at += 2) {
    const name = argv[at];
    const value = argv[at + 1];
    if (!name.startsWith('--') || value === undefined) {
      throw new Error(`bad argument ${name}; see the usage at the top of browser.mjs`);
    }
    args[name.slice(2)] = value;
  }
  for (const required of ['example', 'hostile', 'screenshot', 'pictures', 'pdf']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

let failures = 0;
function check(condition, message) {
  if (condition) {
    console.log(`  ok   ${message}`);
  } else {
    failures += 1;
    console.log(`  FAIL ${message}`);
  }
}

// Opens a page and records what would show that a script ran or a request went out.
async function open(context, file) {
  const page = await context.newPage();
  const seen = { dialogs: [], requests: [], errors: [] };
  page.on('dialog', async (dialog) => {
    seen.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const url = pathToFileURL(resolve(file)).href;
  page.on('request', (request) => {
    if (request.url() !== url) seen.requests.push(request.url());
  });
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  // Runs before any script of the page could: a canary that an injected script would trip.
  await page.addInitScript(() => {
    window.__wardScriptRan = false;
    for (const name of ['alert', 'confirm', 'prompt']) {
      const original = window[name];
      window[name] = (...args) => {
        window.__wardScriptRan = true;
        return original.apply(window, args);
      };
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, seen };
}

// The pictures: the kinds the example must have, each with the selector of its first one.
const PICTURES = {
  'gate-timeline': 'svg.timeline',
  'trace-graph': 'svg.graph',
  'asset-graph': 'figure.asset-graph svg.graph',
  'risk-heat-map': 'svg.heat-map',
  'support-timeline': 'svg.support',
};

async function checkPictures(page, pictures, update) {
  const boxes = await page.evaluate(() => [...document.querySelectorAll('svg')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const inner = svg.getBBox();
    return {
      class: svg.getAttribute('class'),
      inFigure: svg.parentElement?.matches('figure.picture') ?? false,
      width: box.width, height: box.height, innerWidth: inner.width, innerHeight: inner.height,
    };
  }));
  check(boxes.length >= Object.keys(PICTURES).length, `${boxes.length} pictures`);
  const empty = boxes.filter((b) => !(b.width > 0 && b.height > 0 && b.innerWidth > 0 && b.innerHeight > 0));
  check(empty.length === 0, `every SVG renders with a non-empty bounding box ${empty.map((b) => b.class).join(', ')}`);
  check(boxes.every((b) => b.inFigure), 'every SVG is a figure with a caption');
  mkdirSync(pictures, { recursive: true });
  for (const [name, selector] of Object.entries(PICTURES)) {
    const element = page.locator(selector).first();
    const count = await page.locator(selector).count();
    check(count > 0, `picture ${name} (${selector}): ${count}`);
    if (count === 0) continue;
    const path = join(pictures, `report-${name}.png`);
    await element.scrollIntoViewIfNeeded();
    await element.screenshot({ path });
    console.log(`  screenshot: ${path}`);
    if (update) {
      copyFileSync(path, join(update, `report-${name}.png`));
      console.log(`  updated ${join(update, `report-${name}.png`)}`);
    }
  }
  // Every node of the workspace graph links to an item or to an asset's graph.
  const nodes = await page.evaluate(() => [...document.querySelectorAll('svg.graph a.node')]
    .map((a) => a.getAttribute('href')));
  check(nodes.length > 0 && nodes.every((href) => href.startsWith('#item-') || href.startsWith('#graph-')),
    `${nodes.length} graph nodes link to items or asset graphs`);
}

// The PDF Chromium printed: a page per section at least, and the sections' headings, the
// plan's title and the pictures' captions in its text.
function checkPdf(pdf, expect) {
  console.log(`printed report: ${pdf}`);
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const headings = ['Method and acceptance criteria', 'Gate status', 'Traceability matrix',
    'Traceability graph', 'Risk matrix', 'Deployer guidance', 'Waivers', 'Components',
    'Vulnerabilities', 'Findings', 'Items'];
  check(pages >= headings.length, `${pages} pages, at least one per section`);
  const absent = headings.filter((heading) => !text.includes(heading));
  check(absent.length === 0, `the PDF's text has every section ${absent.join(', ')}`);
  check(text.includes(expect.title) && text.includes(expect.item),
    `the PDF has the plan's title "${expect.title}" and the item ${expect.item}`);
  check(/A4|595 x 842|842 x 595/.test(info) || /Page size:\s+841/.test(info),
    `the PDF is A4 landscape: ${/^Page size:.*$/m.exec(info)?.[0]}`);
  // No row of the traceability matrix cut across two pages: every ID of a row on one of the
  // matrix's pages (those that repeat its head). pdftotext ends a page with a form feed;
  // `-raw` keeps each cell's text together, in the order it was drawn, but a narrow cell
  // breaks an ID over lines, so IDs are compared without hyphens and spaces.
  const bare = (text) => text.replace(/[-\s]/g, '');
  const matrixPages = execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' })
    .split('\f')
    .filter((page) => /Threats →\s+assets/.test(page))
    .map(bare);
  const cut = expect.rowIds.filter((ids) => !matrixPages.some((page) => ids.every((id) => page.includes(bare(id)))));
  check(expect.rowIds.length > 0 && cut.length === 0,
    `${expect.rowIds.length} rows of the traceability matrix naming several items, each whole on one of its ${matrixPages.length} pages`
      + `${cut.length ? `; cut: ${cut.slice(0, 5).map((ids) => ids.join(' ')).join(' | ')}` : ''}`);
}

async function checkExample(context, file, screenshot, update, pictures) {
  console.log(`example report: ${file}`);
  const { page, seen } = await open(context, file);
  const dom = await page.evaluate(() => {
    const grids = {};
    for (const grid of document.querySelectorAll('table.grid')) {
      const cells = [...grid.querySelectorAll('td[data-exploitability]')];
      grids[grid.dataset.stage] = {
        cells: cells.length,
        risks: cells.reduce((sum, cell) => sum + Number(cell.dataset.count), 0),
        above: cells.filter((cell) => cell.classList.contains('above')).length,
      };
    }
    const tables = [...document.querySelectorAll('table')];
    const internal = [...document.querySelectorAll('a[href^="#"]')];
    const broken = internal
      .map((a) => decodeURIComponent(a.getAttribute('href').slice(1)))
      .filter((id) => !document.getElementById(id));
    const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
    return {
      title: document.title,
      h1: document.querySelector('h1')?.textContent ?? '',
      sections: [...document.querySelectorAll('main > section')].map((s) => s.id),
      tables: tables.length,
      withoutCaption: tables.filter((t) => !t.querySelector(':scope > caption')).length,
      headersWithoutScope: [...document.querySelectorAll('th')].filter((th) => !th.hasAttribute('scope')).length,
      traceRows: document.querySelectorAll('table.trace tbody tr').length,
      traceRisks: document.querySelectorAll('table.trace tbody').length,
      gateTables: document.querySelectorAll('table.gate').length,
      grids,
      itemAnchors: document.querySelectorAll('article.item[id^="item-"]').length,
      internalLinks: internal.length,
      broken,
      duplicateIds: ids.filter((id, at) => ids.indexOf(id) !== at),
      scripts: document.querySelectorAll('script').length,
      scriptRan: window.__wardScriptRan,
      firstMatrixLink: document.querySelector('table.trace tbody a[href^="#item-"]')?.getAttribute('href'),
      // The item IDs of each row of the traceability matrix that names two or more: what
      // the PDF must keep together on one page.
      rowIds: [...document.querySelectorAll('table.trace tbody tr')]
        .map((tr) => [...new Set([...tr.querySelectorAll('a[href^="#item-"]')]
          .map((a) => decodeURIComponent(a.getAttribute('href').slice('#item-'.length))))])
        .filter((ids) => ids.length >= 2),
    };
  });
  check(dom.h1.length > 0 && dom.title.includes('Ward report'), `title "${dom.title}"`);
  const expected = [
    'evaluation-method', 'gate-status', 'traceability', 'risk-matrix', 'deployer-guidance', 'waivers', 'categories',
    'components', 'vulnerabilities', 'suspect-links', 'findings', 'items',
  ];
  check(JSON.stringify(dom.sections) === JSON.stringify(expected), `sections ${dom.sections.join(', ')}`);
  check(dom.tables >= 5 && dom.withoutCaption === 0, `${dom.tables} tables, each with a caption`);
  check(dom.headersWithoutScope === 0, 'every <th> has a scope');
  check(dom.traceRisks > 0 && dom.traceRows >= dom.traceRisks,
    `traceability matrix: ${dom.traceRisks} risks in ${dom.traceRows} rows`);
  check(dom.gateTables > 0, `${dom.gateTables} gate tables`);
  for (const stage of ['before', 'after']) {
    const grid = dom.grids[stage];
    check(grid && grid.cells === 25 && grid.above > 0,
      `risk grid ${stage}: ${grid?.cells} cells, ${grid?.above} above acceptable, ${grid?.risks} risks`);
  }
  check(dom.grids.before?.risks === dom.grids.after?.risks && dom.grids.before?.risks > 0,
    'both grids place the same scored risks');
  check(dom.itemAnchors > 0, `${dom.itemAnchors} item anchors`);
  check(dom.internalLinks > 0 && dom.broken.length === 0,
    `${dom.internalLinks} internal links, none broken${dom.broken.length ? `: ${dom.broken.join(', ')}` : ''}`);
  check(dom.duplicateIds.length === 0, `no duplicate ids ${dom.duplicateIds.join(', ')}`);

  // A link in the matrix jumps to its item.
  if (dom.firstMatrixLink) {
    await page.click(`table.trace tbody a[href="${dom.firstMatrixLink}"]`);
    const landed = await page.evaluate(() => ({
      hash: location.hash,
      target: document.querySelector(':target')?.id ?? null,
      visible: (() => {
        const el = document.querySelector(':target');
        if (!el) return false;
        const box = el.getBoundingClientRect();
        return box.top >= -1 && box.top < window.innerHeight;
      })(),
    }));
    check(landed.hash === dom.firstMatrixLink && `#${landed.target}` === dom.firstMatrixLink && landed.visible,
      `clicking ${dom.firstMatrixLink} in the matrix shows its item`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.goto(page.url().split('#')[0]);
  }
  check(dom.scripts === 0 && !dom.scriptRan && seen.dialogs.length === 0, 'no script on the page, none ran');
  check(seen.requests.length === 0, `no request besides the page itself ${seen.requests.join(' ')}`);
  check(seen.errors.length === 0, `no page errors ${seen.errors.join(' ')}`);

  // The printed form: sections start on new pages and the page has a print stylesheet.
  await page.emulateMedia({ media: 'print' });
  const breaks = await page.evaluate(() =>
    [...document.querySelectorAll('main > section')].map((s) => getComputedStyle(s).breakBefore));
  check(breaks.every((b) => b === 'page'), 'in print, every section starts a new page');
  await page.emulateMedia({ media: 'screen' });

  await checkPictures(page, pictures, update);
  await page.evaluate(() => window.scrollTo(0, 0));

  mkdirSync(dirname(resolve(screenshot)), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`  screenshot: ${screenshot}`);
  if (update) {
    mkdirSync(update, { recursive: true });
    copyFileSync(screenshot, join(update, 'report.png'));
    console.log(`  updated ${join(update, 'report.png')}`);
  }
  await page.close();
  return { title: dom.h1, item: (dom.firstMatrixLink ?? '').replace(/^#item-/, ''), rowIds: dom.rowIds };
}

async function checkHostile(context, file) {
  console.log(`hostile report: ${file}`);
  const { page, seen } = await open(context, file);
  // Give any injected handler (onerror of a broken image, onload of an svg) time to fire.
  await page.waitForTimeout(300);
  const dom = await page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      scriptRan: window.__wardScriptRan,
      pwned: window.__pwned === true,
      scripts: document.querySelectorAll('script').length,
      // The report's own pictures are `figure.picture > svg.picture`, made of a few SVG
      // elements; any other svg, or another element inside one, came from user text.
      dangerous: all
        .filter((el) => ['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'MATH', 'B', 'math'].includes(el.tagName)
          || (el.tagName === 'svg' && !(el.matches('svg.picture') && el.parentElement.matches('figure.picture')))
          || (el.closest('svg') && el.tagName !== 'svg'
            && !['title', 'defs', 'pattern', 'g', 'rect', 'line', 'path', 'circle', 'text', 'a'].includes(el.tagName))
          || (el.tagName === 'STYLE' && el.parentElement !== document.head))
        .map((el) => el.tagName),
      handlers: all.flatMap((el) => [...el.attributes]
        .filter((a) => a.name.startsWith('on') || /^\s*javascript:/i.test(a.value))
        .map((a) => `${el.tagName}[${a.name}]`)),
      h1: document.querySelector('h1')?.textContent ?? '',
      text: document.body.innerText,
      bodyVisible: getComputedStyle(document.body).display !== 'none',
    };
  });
  check(!dom.scriptRan && !dom.pwned && seen.dialogs.length === 0,
    `no alert or injected script ran ${seen.dialogs.join(' | ')}`);
  check(dom.scripts === 0, 'no <script> element');
  check(dom.dangerous.length === 0, `no element from user text ${dom.dangerous.join(', ')}`);
  check(dom.handlers.length === 0, `no event handler or javascript: attribute ${dom.handlers.join(', ')}`);
  check(dom.h1.includes('<script>alert(1)</script>'), 'the hostile plan title shows as text');
  check(dom.text.includes('"><img src=x onerror=alert(1)>'), 'the hostile asset title shows as text');
  check(dom.text.includes("<script>alert('guidance')</script>"), 'the hostile guidance shows as text');
  check(dom.bodyVisible, 'a hostile <style> title did not hide the page');
  check(seen.requests.length === 0, `no request besides the page itself ${seen.requests.join(' ')}`);
  await page.close();
}

const args = parseArgs(process.argv.slice(2));
let expectInPdf = { title: '', item: '', rowIds: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  expectInPdf = await checkExample(context, args.example, args.screenshot, args['update-screenshot'],
    args.pictures);
  await context.close();
  // Without the page's Content-Security-Policy, so that only the escaping stands between the
  // hostile text and a running script.
  const bare = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  await checkHostile(bare, args.hostile);
  await bare.close();
} finally {
  // Playwright starts Chromium with a new, empty profile of its own and removes it here.
  await browser.close();
}
checkPdf(args.pdf, expectInPdf);
if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all browser checks passed');
