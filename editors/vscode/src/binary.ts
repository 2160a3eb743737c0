// Finding the `ward` binary: the `ward.server.path` setting when the user set it, else the
// binary a platform-specific .vsix carries in `server/`, else `ward` on PATH.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const INSTALL_HINT =
  'Install ward with `cargo install --locked --path server/ward` (from a clone of the Ward repository) ' +
  'or set `ward.server.path` to a ward binary that has the `lsp` command.';

export type Resolved =
  | { ok: true; path: string; configured: string }
  | { ok: false; reason: string; configured: string };

let extensionFolder: string | undefined;

/** Where the extension is installed: a platform-specific package has its server there. */
export function setExtensionFolder(folder: string): void {
  extensionFolder = folder;
}

/** The binary inside this extension (`server/ward`), when the package carries one. */
export function bundledServer(folder: string | undefined = extensionFolder): string | undefined {
  if (folder === undefined) {
    return undefined;
  }
  const candidate = path.join(folder, 'server', process.platform === 'win32' ? 'ward.exe' : 'ward');
  return isExecutableFile(candidate) ? candidate : undefined;
}

/** Whether the user (or a workspace) set `ward.server.path`, rather than left the default. */
function userSetServerPath(): boolean {
  const inspected = vscode.workspace.getConfiguration('ward').inspect<string>('server.path');
  const values = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue];
  return values.some((value) => value !== undefined && value.trim() !== '');
}

/** The `ward.server.path` setting, with `~` and `${workspaceFolder}` expanded. */
export function configuredServerPath(): string {
  const raw = vscode.workspace.getConfiguration('ward').get<string>('server.path', 'ward').trim();
  return raw === '' ? 'ward' : raw;
}

export function logLevel(): string {
  return vscode.workspace.getConfiguration('ward').get<string>('server.logLevel', 'warn');
}

function firstFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function expand(p: string): string {
  let out = p;
  const folder = firstFolder();
  if (folder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function searchPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  const exts =
    process.platform === 'win32'
      ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase())]
      : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Resolves the configured binary to an executable file, or says why it cannot. */
export function resolveServerBinary(): Resolved {
  const bundled = bundledServer();
  if (!userSetServerPath() && bundled !== undefined) {
    return { ok: true, configured: bundled, path: bundled };
  }
  const configured = configuredServerPath();
  const expanded = expand(configured);
  const hasSeparator = expanded.includes('/') || (process.platform === 'win32' && expanded.includes('\\'));
  if (!hasSeparator) {
    const found = searchPath(expanded);
    if (found === undefined) {
      return { ok: false, configured, reason: `\`${expanded}\` was not found on PATH` };
    }
    return { ok: true, configured, path: found };
  }
  let absolute = expanded;
  if (!path.isAbsolute(absolute)) {
    const folder = firstFolder();
    absolute = path.resolve(folder ?? process.cwd(), absolute);
  }
  if (!fs.existsSync(absolute)) {
    return { ok: false, configured, reason: `\`${absolute}\` does not exist` };
  }
  if (!isExecutableFile(absolute)) {
    return { ok: false, configured, reason: `\`${absolute}\` is not an executable file` };
  }
  return { ok: true, configured, path: absolute };
}

/** Shows an error that says what went wrong and how to fix it. */
export async function showServerError(reason: string, output: vscode.OutputChannel): Promise<void> {
  const message = `Ward: cannot start the language server: ${reason}. ${INSTALL_HINT}`;
  output.appendLine(`[error] ${message}`);
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  const choice = await vscode.window.showErrorMessage(message, openSettings, showOutput);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'ward.server.path');
  } else if (choice === showOutput) {
    output.show(true);
  }
}
