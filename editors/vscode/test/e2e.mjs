// End-to-end test of the Ward extension in a real VS Code: code-server (VS
// Code 1.100 in the browser) with the packaged ward.vsix installed, driven
// headless through Debian's Chromium by playwright-core, talking to the real
// `ward lsp`. Everything is read back from the page, as a user would see it:
//
//   (a) the Problems panel lists Ward's diagnostics for the fixture,
//   (b) F12 on a reference lands on the definition in the other file
//       (active tab title and the status bar's `Ln, Col`),
//   (c) hover on a reference shows the item's kind and title,
//   (d) the quick fix on the misspelt reference (Ctrl+., the nearest ID;
//       unsaved) clears its error from the Problems panel while the other
//       finding stays,
//   (e) Ward: Check Workspace shows `ward check --format json`'s findings
//       in its output channel,
//   (f) Format Document lays out a hand-written item as `ward
//       fmt` does, keeping the comments; saved, the file has both edits,
//   (g) pointing `ward.server.path` at a missing file shows an error that
//       says how to fix it.
//
// Environment:
//   WARD_BIN      the ward binary to test (required; scripts/test.sh passes it)
//   WARD_VSIX     the packaged extension (default: ../ward.vsix)
//   WARD_E2E_BUNDLED=1  WARD_VSIX is a platform-specific package carrying the server:
//                 `ward.server.path` is left unset and every folder holding a `ward`
//                 is taken off PATH, so only the bundled server can answer
//   CODE_SERVER   code-server (default: ../.test-deps/node_modules/.bin/code-server,
//                 installed by scripts/install-test-deps.sh)
//   CHROMIUM      default /usr/bin/chromium
//   WARD_E2E_KEEP=1  keep the temporary folder even when the test passes
//
// The test works on a copy of test/fixture/ in a temporary folder (the
// repository is never written) and exits non-zero, printing screenshot and
// log paths, when a step fails.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const extDir = path.resolve(here, '..');
const fixtureDir = path.join(here, 'fixture');

const wardBin = process.env.WARD_BIN ? path.resolve(process.env.WARD_BIN) : '';
const vsix = path.resolve(process.env.WARD_VSIX || path.join(extDir, 'ward.vsix'));
const bundled = process.env.WARD_E2E_BUNDLED === '1';
const codeServer = path.resolve(
  process.env.CODE_SERVER || path.join(extDir, '.test-deps', 'node_modules', '.bin', 'code-server'),
);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const keep = process.env.WARD_E2E_KEEP === '1';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[e2e ${elapsed()}] ${msg}`);

function preflight() {
  const problems = [];
  if (!wardBin) {
    problems.push('WARD_BIN is not set: point it at the ward binary (e.g. target/debug/ward)');
  } else if (!fs.existsSync(wardBin)) {
    problems.push(`WARD_BIN=${wardBin} does not exist (cargo build -p ward)`);
  }
  if (!fs.existsSync(vsix)) {
    problems.push(`${vsix} does not exist (npm run package)`);
  }
  if (!fs.existsSync(codeServer)) {
    problems.push(`${codeServer} does not exist (scripts/install-test-deps.sh)`);
  }
  if (!fs.existsSync(chromiumPath)) {
    problems.push(`${chromiumPath} does not exist (apt-get install chromium)`);
  }
  if (problems.length > 0) {
    for (const p of problems) {
      console.error(`e2e: ${p}`);
    }
    process.exit(2);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function runToEnd(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws `what` with the last seen state on timeout. */
async function until(what, fn, timeoutMs, describeLast) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        return last;
      }
    } catch (e) {
      if (e?.fatal) {
        throw e;
      }
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = describeLast ? await describeLast(last) : String(last);
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${seen}`);
    }
    await sleep(250);
  }
}

function findFiles(dir, pred, out = []) {
  if (!fs.existsSync(dir)) {
    return out;
  }
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      findFiles(p, pred, out);
    } else if (pred(p)) {
      out.push(p);
    }
  }
  return out;
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(unreadable)';
  }
}

// ---------------------------------------------------------------------------

preflight();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ward-vscode-e2e-'));
const workspace = path.join(tmp, 'workspace');
const userData = path.join(tmp, 'user-data');
const extensions = path.join(tmp, 'extensions');
const shots = path.join(tmp, 'screenshots');
const codeServerLog = path.join(tmp, 'code-server.log');
fs.cpSync(fixtureDir, workspace, { recursive: true });
// An item laid out by hand, for step (f) to format (the fixture itself is formatted, as
// `ward fmt --check` in the CLI tests requires).
fs.appendFileSync(
  path.join(workspace, 'risks.ward'),
  '\n// Laid out by hand: the test formats it (Format Document).\nrisk   R-BLE-LOG "Log flood"{threat:T-BLE-SPOOF\nexploitability : 1\n    severity: 1 }\n',
);
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.mkdirSync(extensions, { recursive: true });
fs.mkdirSync(shots, { recursive: true });
fs.writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify(
    {
      ...(bundled ? {} : { 'ward.server.path': wardBin }),
      'ward.server.logLevel': 'debug',
      'ward.trace.server': 'messages',
      'files.autoSave': 'off',
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.commandCenter.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'editor.hover.delay': 300,
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
      'editor.wordBasedSuggestions': 'off',
      'editor.acceptSuggestionOnEnter': 'off',
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'editor.autoIndent': 'none',
      'editor.formatOnType': false,
      'problems.defaultViewMode': 'tree',
      'git.enabled': false,
    },
    null,
    2,
  ),
);
const configYaml = path.join(tmp, 'code-server-config.yaml');
fs.writeFileSync(configYaml, 'auth: none\ncert: false\n');

log(`temporary folder: ${tmp}`);
log(`ward binary: ${wardBin}`);

let server;
let browser;
let page;
let failed = false;
let currentStep = 'setup';
const results = [];

async function step(name, fn) {
  currentStep = name;
  const t0 = Date.now();
  log(`step: ${name}`);
  const detail = await fn();
  const ms = Date.now() - t0;
  results.push(`ok   ${name} (${(ms / 1000).toFixed(1)}s)${detail ? ` — ${detail}` : ''}`);
  log(`ok: ${name}${detail ? ` — ${detail}` : ''}`);
}

async function screenshot(label) {
  if (!page) {
    return undefined;
  }
  const file = path.join(shots, `${label.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } catch {
    return undefined;
  }
}

// --- page helpers ----------------------------------------------------------

/** PATH without the folders that hold a `ward`: with a bundled server, no other may answer. */
function pathWithoutWard() {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !fs.existsSync(path.join(dir, 'ward')))
    .join(path.delimiter);
}

const csEnv = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
  XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
  ...(bundled ? { PATH: pathWithoutWard() } : {}),
};

// Text is read with allInnerTexts(): one evaluation of whatever matches now,
// where count() then innerText() could wait out the default timeout for an
// element the workbench re-rendered in between.

/** The text of every element `selector` matches now. */
async function textsOf(selector) {
  return (await page.locator(selector).allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' ').trim());
}

async function activeTabTitle() {
  return (await textsOf('.editor-group-container.active .tab.active .label-name'))[0] ?? '';
}

async function cursorStatus() {
  return (await textsOf('[id="status.editor.selection"]'))[0] ?? '';
}

async function notificationsText() {
  return (await textsOf('.notifications-toasts')).join('\n');
}

async function failOnServerError() {
  const text = await notificationsText();
  if (/cannot start the language server|Connection to server got closed|Server initialization failed|couldn't create connection/i.test(text)) {
    const error = new Error(`the extension reported a server failure: ${text.replace(/\s+/g, ' ')}`);
    error.fatal = true;
    throw error;
  }
}

async function quickInput() {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  return input;
}

async function runCommand(label) {
  await page.keyboard.press('F1');
  const input = await quickInput();
  await input.fill(`>${label}`);
  await acceptQuickPick(label, 10_000);
}

/**
 * Presses Enter once the quick pick's focused row is `text`. (Right after
 * typing, the list still shows the previous entries, such as recently opened
 * files: Enter then would pick the wrong one.)
 */
async function acceptQuickPick(text, timeout) {
  await until(
    `the quick pick to focus ${JSON.stringify(text)}`,
    async () => ((await textsOf('.quick-input-list .monaco-list-row.focused'))[0] ?? '').includes(text),
    timeout,
    async () => JSON.stringify(await textsOf('.quick-input-widget')),
  );
  await page.keyboard.press('Enter');
}

async function openFile(name) {
  if ((await activeTabTitle().catch(() => '')) === name) {
    await page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
    return;
  }
  const explorerRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  if ((await explorerRow.count()) > 0 && (await explorerRow.isVisible())) {
    // A double click opens the file in a pinned tab, as a user would.
    await explorerRow.dblclick();
  } else {
    // Quick Open (its file search is ripgrep, seeded by install-test-deps.sh).
    await page.keyboard.press('Control+P');
    const input = await quickInput();
    await input.fill(name);
    await acceptQuickPick(name, 30_000);
  }
  await until(`the tab of ${name} to be active`, async () => (await activeTabTitle()) === name, 15_000, async () => activeTabTitle().catch(() => '(no tab)'));
  // Let the editor take focus and the language client send didOpen.
  await page.locator('.editor-group-container.active .monaco-editor textarea').first().waitFor({ timeout: 10_000 });
}

/** Moves the cursor with Go to Line (Ctrl+G) and checks the status bar agrees. */
async function goTo(line, column) {
  await page.keyboard.press('Control+G');
  const input = await quickInput();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await until(`the cursor at Ln ${line}, Col ${column}`, async () => (await cursorStatus()) === `Ln ${line}, Col ${column}`, 10_000, async () => cursorStatus());
}

async function problemsVisible() {
  const panel = page.locator('.markers-panel');
  return (await panel.count()) > 0 && (await panel.first().isVisible());
}

async function showProblems() {
  if (await problemsVisible()) {
    return;
  }
  await page.keyboard.press('Control+Shift+M');
  try {
    await until('the Problems panel', problemsVisible, 5_000);
  } catch {
    await runCommand('View: Focus Problems');
    await until('the Problems panel', problemsVisible, 10_000);
  }
}

/** The rows of the Problems panel, one string each. */
async function problemRows() {
  await showProblems();
  return (await textsOf('.markers-panel .monaco-list-row')).map((r) => r.replace(/\s+/g, ' '));
}

// --- the test --------------------------------------------------------------

try {
  await step('install ward.vsix into code-server', async () => {
    const out = await runToEnd(
      codeServer,
      ['--config', configYaml, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
      { env: csEnv },
    );
    const installed = fs.readdirSync(extensions).filter((d) => d.startsWith('ward-lang.ward'));
    if (installed.length === 0) {
      throw new Error(`extension not installed; code-server said:\n${out}`);
    }
    if (bundled) {
      const server = path.join(extensions, installed[0], 'server', 'ward');
      fs.accessSync(server, fs.constants.X_OK);
      const onPath = csEnv.PATH.split(path.delimiter).filter((dir) => fs.existsSync(path.join(dir, 'ward')));
      if (onPath.length > 0) {
        throw new Error(`a ward is still on PATH: ${onPath.join(', ')}`);
      }
      return `${installed.join(', ')}, carrying ${server}; no ward on PATH, ward.server.path unset`;
    }
    return installed.join(', ');
  });

  const port = await freePort();
  await step('start code-server', async () => {
    const logFd = fs.openSync(codeServerLog, 'w');
    server = spawn(
      codeServer,
      [
        '--config', configYaml,
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--user-data-dir', userData,
        '--extensions-dir', extensions,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        workspace,
      ],
      { env: csEnv, stdio: ['ignore', logFd, logFd], detached: true },
    );
    server.on('exit', (code, signal) => {
      if (!failed) {
        log(`code-server exited (${code ?? signal})`);
      }
    });
    await until(
      `code-server on port ${port}`,
      async () => {
        if (server.exitCode !== null) {
          throw new Error(`code-server exited ${server.exitCode}: ${tail(codeServerLog)}`);
        }
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        return res?.ok;
      },
      60_000,
    );
    return `http://127.0.0.1:${port}`;
  });

  await step('open the workspace in Chromium', async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('[id="workbench.parts.statusbar"]').waitFor({ timeout: 60_000 });
    // The Explorer lists the fixture once the remote file system answers.
    await until('the Explorer to list risks.ward', async () => (await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'risks.ward' }).count()) > 0, 60_000);
  });

  await step('open risks.ward', async () => {
    await openFile('risks.ward');
    return `active tab: ${await activeTabTitle()}`;
  });

  await step('(a) the Problems panel lists Ward diagnostics', async () => {
    let rows = [];
    await until(
      'the Problems panel to list unresolved-reference and unmitigated-risk from the server',
      async () => {
        await failOnServerError();
        rows = await problemRows();
        const unresolved = rows.find((r) => r.includes('unresolved-reference'));
        const unmitigated = rows.find((r) => r.includes('unmitigated-risk'));
        return unresolved && unmitigated;
      },
      60_000,
      async () => `${JSON.stringify(rows)}; notifications: ${JSON.stringify(await notificationsText().catch(() => ''))}`,
    );
    const unresolved = rows.find((r) => r.includes('unresolved-reference'));
    const unmitigated = rows.find((r) => r.includes('unmitigated-risk'));
    // The error sits on the misspelt ID and names it; the warning on the risk.
    if (!unresolved.includes('T-BLE-SPOFF') || !/Ln 14, Col 11\b/.test(unresolved)) {
      throw new Error(`unresolved-reference row is not about T-BLE-SPOFF at Ln 14, Col 11: ${unresolved}`);
    }
    if (!unmitigated.includes('R-BLE-BOLUS') || !/Ln 5, Col 6\b/.test(unmitigated)) {
      throw new Error(`unmitigated-risk row is not about R-BLE-BOLUS at Ln 5, Col 6: ${unmitigated}`);
    }
    return `${unresolved} | ${unmitigated}`;
  });

  await step('(b) F12 on a reference goes to the definition in threats.ward', async () => {
    await openFile('risks.ward');
    // risks.ward line 6: `  threat: T-BLE-SPOOF`; column 13 is inside the ID.
    await goTo(6, 13);
    await page.keyboard.press('F12');
    await until(
      'the definition in threats.ward at Ln 3 (threat T-BLE-SPOOF)',
      async () => {
        if ((await activeTabTitle()) !== 'threats.ward') {
          return false;
        }
        // Col 8 is the ID (`threat T-BLE-SPOOF`); Col 1 the start of the item.
        return ['Ln 3, Col 8', 'Ln 3, Col 1'].includes(await cursorStatus());
      },
      20_000,
      async () => `tab ${JSON.stringify(await activeTabTitle().catch(() => ''))} at ${JSON.stringify(await cursorStatus().catch(() => ''))}`,
    );
    return `threats.ward ${await cursorStatus()}`;
  });

  await step('(c) hover on a reference shows the item', async () => {
    await openFile('risks.ward');
    await goTo(6, 13);
    const title = 'Spoofed phone sends a bolus over BLE';
    let hovers = [];
    let triggered = 0;
    const text = await until(
      'a hover with the threat T-BLE-SPOOF and its title',
      async () => {
        hovers = (await textsOf('.monaco-hover:not(.hidden)')).map((h) => h.replace(/\s+/g, ' '));
        const hit = hovers.find((h) => h.includes(title) && h.includes('T-BLE-SPOOF') && /threat/i.test(h));
        if (hit) {
          return hit;
        }
        if (Date.now() - triggered > 5_000) {
          // Show Hover (Ctrl+K Ctrl+I) at the cursor; again if it did not come.
          triggered = Date.now();
          await page.keyboard.press('Escape');
          await page.keyboard.press('Control+K');
          await page.keyboard.press('Control+I');
        }
        return undefined;
      },
      30_000,
      async () => JSON.stringify(hovers),
    );
    await page.keyboard.press('Escape');
    return text;
  });

  await step('(d) the quick fix on the reference clears its error from the Problems panel', async () => {
    await openFile('risks.ward');
    // risks.ward line 14: `  threat: T-BLE-SPOFF`; the ID starts at column 11.
    await goTo(14, 11);
    // Quick Fix (Ctrl+.) lists the server's fixes, the nearest ID first; Enter takes it.
    const title = 'Change to `T-BLE-SPOOF`';
    let menus = [];
    let triggered = 0;
    await until(
      `the quick fix menu with ${title}`,
      async () => {
        menus = await textsOf('.action-widget');
        if (menus.some((m) => m.includes(title))) {
          return true;
        }
        if (Date.now() - triggered > 5_000) {
          triggered = Date.now();
          await page.keyboard.press('Escape');
          await page.keyboard.press('Control+.');
        }
        return false;
      },
      30_000,
      async () => JSON.stringify(menus),
    );
    // The rows under the menu's "Quick Fix" heading, in the server's order.
    const actions = (await textsOf('.action-widget .monaco-list-row')).map((r) => r.trim()).filter((r) => r && r !== 'Quick Fix');
    const first = actions[0] ?? '';
    if (!first.includes(title)) {
      throw new Error(`the first quick fix is not ${title}: ${JSON.stringify(menus)}`);
    }
    await page.keyboard.press('Enter');
    let rows = [];
    await until(
      'unresolved-reference to disappear while unmitigated-risk stays',
      async () => {
        rows = await problemRows();
        return !rows.some((r) => r.includes('unresolved-reference')) && rows.some((r) => r.includes('unmitigated-risk'));
      },
      45_000,
      async () => JSON.stringify(rows),
    );
    // The fix is in the editor only (autosave is off): the server analysed
    // the unsaved text it was sent.
    const onDisk = fs.readFileSync(path.join(workspace, 'risks.ward'), 'utf8');
    if (!onDisk.includes('T-BLE-SPOFF')) {
      throw new Error('risks.ward was saved; the test expects autosave off');
    }
    return JSON.stringify(rows);
  });

  await step('(e) Ward: Check Workspace lists `ward check` findings', async () => {
    // ward check reads the files on disk, where the misspelt ID is still
    // there (the fix above is unsaved).
    await runCommand('Ward: Check Workspace');
    let text = '';
    const expected = [
      `${path.join(workspace, 'risks.ward')}:14:11: error[unresolved-reference]`,
      `${path.join(workspace, 'risks.ward')}:5:6: warning[unmitigated-risk]`,
      'ward check: 1 error, 1 warning',
    ];
    await until(
      'the Ward Check output channel to list the findings',
      async () => {
        text = (await textsOf('.output-view .monaco-editor .view-lines')).join('\n');
        return expected.every((e) => text.includes(e));
      },
      30_000,
      async () => JSON.stringify(text),
    );
    return text.split('\n').filter((l) => l.includes('ward check:'))[0];
  });

  await step('(f) Format Document gives the hand-laid item its canonical layout', async () => {
    await openFile('risks.ward');
    // The command, not its key: Shift+Alt+F on Windows and macOS, Ctrl+Shift+I on Linux.
    await runCommand('Format Document');
    const canonical = 'risk R-BLE-LOG "Log flood" {\n  threat: T-BLE-SPOOF\n  exploitability: 1\n  severity: 1\n}\n';
    let onDisk = '';
    let saved = 0;
    await until(
      'risks.ward saved with the formatted item and the quick fix',
      async () => {
        if (Date.now() - saved > 3_000) {
          saved = Date.now();
          await page.keyboard.press('Control+S');
        }
        onDisk = fs.readFileSync(path.join(workspace, 'risks.ward'), 'utf8');
        return onDisk.endsWith(canonical) && onDisk.includes('threat: T-BLE-SPOOF\n  exploitability: 1\n  severity: 2');
      },
      30_000,
      async () => JSON.stringify(onDisk),
    );
    // Only the layout changed: the comments and the other items are as they were.
    if (!onDisk.includes('// Laid out by hand: the test formats it (Format Document).\n')) {
      throw new Error(`the formatter lost a comment: ${JSON.stringify(onDisk)}`);
    }
    return 'the item is laid out as `ward fmt` lays it out';
  });

  await step('(g) a missing server binary gets a clear error message', async () => {
    // Point ward.server.path at nothing in the workspace settings (the
    // setting is machine-overridable: code-server ignores a machine setting
    // changed in the user settings editor): the extension restarts the
    // server on the change and must say how to fix it.
    const missing = path.join(tmp, 'no-such-dir', 'ward');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'ward.server.path': missing }, null, 2));
    let text = '';
    await until(
      'an error that names the missing binary and how to install ward',
      async () => {
        text = (await notificationsText()).replace(/\s+/g, ' ');
        return text.includes(`\`${missing}\` does not exist`) && text.includes('cargo install --locked --path server/ward') && text.includes('ward.server.path');
      },
      30_000,
      async () => JSON.stringify(text),
    );
    const message = text.match(/Ward: cannot start the language server:.*?binary that has the `lsp` command\./);
    return message ? message[0] : text;
  });
} catch (error) {
  failed = true;
  console.error(`\nFAILED at step "${currentStep}": ${error instanceof Error ? error.message : error}`);
  const shot = await screenshot(`failure-${currentStep}`);
  if (shot) {
    console.error(`screenshot: ${shot}`);
  }
  if (page) {
    // The Ward output channel shows the server's log and the LSP trace.
    try {
      await runCommand('Ward: Show Language Server Output');
      await sleep(1000);
      const outShot = await screenshot('failure-ward-output');
      if (outShot) {
        console.error(`screenshot of the Ward output channel: ${outShot}`);
      }
    } catch {
      // best effort
    }
  }
  const outputLogs = findFiles(path.join(userData, 'logs'), (p) => /Ward/.test(path.basename(p)) || /exthost\.log$/.test(p));
  for (const f of outputLogs) {
    console.error(`\n--- ${f} (tail) ---\n${tail(f, 60)}`);
  }
  console.error(`\n--- ${codeServerLog} (tail) ---\n${tail(codeServerLog, 30)}`);
  console.error(`\nkept for inspection: ${tmp}`);
} finally {
  if (browser) {
    await browser.close().catch(() => {});
  }
  if (server && server.exitCode === null) {
    // code-server, its extension host and `ward lsp` share a process group.
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await sleep(500);
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

console.log('');
for (const r of results) {
  console.log(r);
}
if (failed) {
  console.log(`\ne2e: FAILED after ${elapsed()}`);
  process.exit(1);
}
if (!keep) {
  fs.rmSync(tmp, { recursive: true, force: true });
} else {
  console.log(`kept: ${tmp}`);
}
console.log(`\ne2e: all steps passed in ${elapsed()}`);
