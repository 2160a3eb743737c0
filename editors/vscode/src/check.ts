// `Ward: Check Workspace` runs `ward check --format json` on a workspace
// folder and lists its findings in the "Ward Check" output channel.

import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { logLevel, resolveServerBinary, showServerError } from './binary';

interface Position {
  line: number;
  column: number;
}

interface JsonDiagnostic {
  file: string;
  range: { start: Position; end: Position };
  severity: string;
  code: string;
  message: string;
  gate: string | null;
}

interface JsonReport {
  diagnostics: JsonDiagnostic[];
  summary: { files: number; items: number; errors: number; warnings: number };
}

function isReport(value: unknown): value is JsonReport {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Partial<JsonReport>;
  return Array.isArray(v.diagnostics) && typeof v.summary === 'object';
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('Ward: open a folder to check it.');
    return undefined;
  }
  if (folders.length === 1) {
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to check with `ward check`' });
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, WARD_LOG: logLevel(), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      resolve({ code: null, stdout, stderr, error });
    });
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function checkWorkspace(
  checkOutput: vscode.OutputChannel,
  serverOutput: vscode.OutputChannel,
): Promise<void> {
  const folder = await pickFolder();
  if (folder === undefined) {
    return;
  }
  const binary = resolveServerBinary();
  if (!binary.ok) {
    await showServerError(binary.reason, serverOutput);
    return;
  }
  const root = folder.uri.fsPath;
  const args = ['check', '--format', 'json', root];
  checkOutput.clear();
  checkOutput.show(true);
  checkOutput.appendLine(`$ ${binary.path} ${args.join(' ')}`);

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'ward check' },
    () => run(binary.path, args, root),
  );

  if (result.error !== undefined) {
    checkOutput.appendLine(`failed to run: ${result.error.message}`);
    await showServerError(`running \`${binary.path}\` failed (${result.error.message})`, serverOutput);
    return;
  }
  let report: JsonReport | undefined;
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    report = isReport(parsed) ? parsed : undefined;
  } catch {
    report = undefined;
  }
  if (report === undefined) {
    if (result.stdout.trim() !== '') {
      checkOutput.appendLine(result.stdout.trimEnd());
    }
    if (result.stderr.trim() !== '') {
      checkOutput.appendLine(result.stderr.trimEnd());
    }
    checkOutput.appendLine(`ward check could not run (exit code ${String(result.code)}).`);
    void vscode.window.showErrorMessage(
      `Ward: \`ward check\` could not run (exit code ${String(result.code)}); see the "Ward Check" output.`,
    );
    return;
  }
  for (const d of report.diagnostics) {
    const file = path.join(root, ...d.file.split('/'));
    const gate = d.gate === null ? '' : ` (gate ${d.gate})`;
    checkOutput.appendLine(
      `${file}:${d.range.start.line}:${d.range.start.column}: ${d.severity}[${d.code}]${gate}: ${d.message}`,
    );
  }
  if (result.stderr.trim() !== '') {
    checkOutput.appendLine(result.stderr.trimEnd());
  }
  const s = report.summary;
  const summary = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')} in ${plural(s.items, 'item')} across ${plural(s.files, 'file')}`;
  checkOutput.appendLine('');
  checkOutput.appendLine(`ward check: ${summary} (exit code ${String(result.code)})`);
  const message = `Ward check: ${summary}.`;
  if (s.errors > 0) {
    void vscode.window.showErrorMessage(message);
  } else if (s.warnings > 0) {
    void vscode.window.showWarningMessage(message);
  } else {
    void vscode.window.showInformationMessage(message);
  }
}
