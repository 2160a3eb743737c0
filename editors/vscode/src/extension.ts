// The Ward extension: starts `ward lsp` through vscode-languageclient and
// adds the commands a Ward user needs around it.

import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { logLevel, resolveServerBinary, setExtensionFolder, showServerError } from './binary';
import { checkWorkspace } from './check';
import { foldingProvider } from './folding';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
// Serialises start/stop/restart so that quick successive restarts (a command
// and a settings change, say) never run two servers.
let pending: Promise<void> = Promise.resolve();

function enqueue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

async function startClient(): Promise<void> {
  const binary = resolveServerBinary();
  if (!binary.ok) {
    // Not awaited: activation must not wait for the user to answer.
    void showServerError(binary.reason, output);
    return;
  }
  output.appendLine(`[info] starting ${binary.path} lsp (WARD_LOG=${logLevel()})`);

  // TransportKind.stdio makes the client append `--stdio`: `ward lsp --stdio`.
  const serverOptions: ServerOptions = {
    command: binary.path,
    args: ['lsp'],
    transport: TransportKind.stdio,
    options: {
      env: { ...process.env, WARD_LOG: logLevel() },
      ...(vscode.workspace.workspaceFolders?.[0] !== undefined
        ? { cwd: vscode.workspace.workspaceFolders[0].uri.fsPath }
        : {}),
    },
  };
  // No `synchronize.fileEvents`: the server registers the file watchers it needs (`.ward`
  // files, and files created or deleted for evidence); one here would send events twice.
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'ward' }],
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // The user's settings the server reads at start-up (it restarts when they change).
    initializationOptions: {
      inlayHints: vscode.workspace.getConfiguration('ward').get<boolean>('inlayHints.enable', true),
      codeLens: vscode.workspace.getConfiguration('ward').get<boolean>('codeLens.enable', true),
    },
    initializationFailedHandler: (error) => {
      output.appendLine(`[error] initialize failed: ${String(error)}`);
      return false;
    },
  };

  // The id `ward` makes the client read the `ward.trace.server` setting.
  const c = new LanguageClient('ward', 'Ward Language Server', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    output.appendLine('[info] language server started');
  } catch (error) {
    client = undefined;
    const detail = error instanceof Error ? error.message : String(error);
    try {
      await c.dispose();
    } catch {
      // The process never came up; nothing to stop.
    }
    const probe = probeLsp(binary.path);
    void showServerError(
      probe === undefined
        ? `\`${binary.path} lsp --stdio\` did not start (${detail}; see the Ward Language Server output)`
        : `\`${binary.path} lsp\` does not work: ${probe}`,
      output,
    );
  }
}

/**
 * After a failed start: asks `ward lsp --help` why (an old ward without the
 * `lsp` command says so on stderr). Returns undefined when it looks fine.
 */
function probeLsp(binary: string): string | undefined {
  const r = spawnSync(binary, ['lsp', '--help'], { encoding: 'utf8', timeout: 5000 });
  if (r.error !== undefined) {
    return r.error.message;
  }
  if (r.status === 0) {
    return undefined;
  }
  const firstLine = `${r.stderr}\n${r.stdout}`.split('\n').find((l) => l.trim() !== '');
  output.appendLine(`[error] \`${binary} lsp --help\` exited ${String(r.status)}:\n${r.stderr}${r.stdout}`);
  return firstLine?.trim() ?? `\`${binary} lsp --help\` exited ${String(r.status)}`;
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) {
    return;
  }
  try {
    await c.stop(5000);
  } catch (error) {
    output.appendLine(`[warn] stopping the language server: ${String(error)}`);
  }
}

function restart(): Promise<void> {
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  setExtensionFolder(context.extensionPath);
  output = vscode.window.createOutputChannel('Ward Language Server');
  const checkOutput = vscode.window.createOutputChannel('Ward Check');
  context.subscriptions.push(
    output,
    checkOutput,
    vscode.languages.registerFoldingRangeProvider({ language: 'ward' }, foldingProvider),
    vscode.commands.registerCommand('ward.restartServer', () => restart()),
    vscode.commands.registerCommand('ward.showOutput', () => {
      output.show(true);
    }),
    vscode.commands.registerCommand('ward.checkWorkspace', () => checkWorkspace(checkOutput, output)),
    // The code lens above an item lists the items that link to it, as references.
    vscode.commands.registerCommand(
      'ward.showReferences',
      (uri: string, position: { line: number; character: number }) =>
        vscode.commands.executeCommand(
          'editor.action.findReferences',
          vscode.Uri.parse(uri),
          new vscode.Position(position.line, position.character),
        ),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const restarting = ['ward.server', 'ward.inlayHints', 'ward.codeLens'].some((section) =>
        e.affectsConfiguration(section),
      );
      if (restarting) {
        output.appendLine('[info] ward settings changed; restarting the language server');
        void restart();
      }
    }),
  );
  await enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}
