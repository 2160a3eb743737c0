// Activates the extension outside VS Code, with `vscode` and `vscode-languageclient/node`
// replaced by fakes, and checks how it starts the language client: in particular that it
// watches no files itself, since the server registers the watchers it needs.
// Run: npm run test:unit

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What the extension did through the fakes. */
const seen = { clients: [], watchers: [] };

const disposable = { dispose() {} };
const channel = { appendLine() {}, show() {}, dispose() {} };

const fakeVscode = {
  window: {
    createOutputChannel: () => channel,
    showErrorMessage: () => Promise.resolve(undefined),
  },
  languages: { registerFoldingRangeProvider: () => disposable },
  commands: {
    registerCommand: () => disposable,
    executeCommand: () => Promise.resolve(undefined),
  },
  workspace: {
    workspaceFolders: undefined,
    // `ward.server.path` must name an executable file: node itself will do.
    getConfiguration: () => ({
      get: (key, fallback) => (key === 'server.path' ? process.execPath : fallback),
      // As VS Code reports a setting the user set.
      inspect: (key) => (key === 'server.path' ? { globalValue: process.execPath } : undefined),
    }),
    onDidChangeConfiguration: () => disposable,
    createFileSystemWatcher: (glob) => {
      seen.watchers.push(glob);
      return { ...disposable, onDidCreate() {}, onDidChange() {}, onDidDelete() {} };
    },
  },
};

class FakeLanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    seen.clients.push({ id, name, serverOptions, clientOptions });
  }
  start() {
    return Promise.resolve();
  }
  stop() {
    return Promise.resolve();
  }
  dispose() {
    return Promise.resolve();
  }
}

const fakes = {
  vscode: fakeVscode,
  'vscode-languageclient/node': {
    LanguageClient: FakeLanguageClient,
    RevealOutputChannelOn: { Info: 1, Warn: 2, Error: 3, Never: 4 },
    TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 },
  },
};

/** The extension, bundled from src/ as for the .vsix, with the fakes in place. */
async function loadExtension() {
  const result = await esbuild.build({
    entryPoints: [path.join(here, '..', 'src', 'extension.ts')],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'fakes',
        setup(build) {
          build.onResolve({ filter: /^(vscode|vscode-languageclient\/node)$/ }, (args) => ({
            path: args.path,
            namespace: 'fake',
          }));
          build.onLoad({ filter: /.*/, namespace: 'fake' }, (args) => ({
            contents: `module.exports = globalThis.wardFakes[${JSON.stringify(args.path)}];`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  globalThis.wardFakes = fakes;
  const module = { exports: {} };
  const run = new Function('module', 'exports', 'require', result.outputFiles[0].text);
  run(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

test('the client starts `ward lsp` for .ward files and watches no files itself', async () => {
  const extension = await loadExtension();
  await extension.activate({ subscriptions: [] });
  assert.equal(seen.clients.length, 1, 'one language client');
  const { id, serverOptions, clientOptions } = seen.clients[0];
  assert.equal(id, 'ward');
  assert.equal(serverOptions.command, process.execPath);
  assert.deepEqual(serverOptions.args, ['lsp']);
  assert.deepEqual(clientOptions.documentSelector, [{ scheme: 'file', language: 'ward' }]);
  // The server registers its own watchers: a client-side one would send each event twice.
  assert.equal(clientOptions.synchronize?.fileEvents, undefined);
  assert.deepEqual(seen.watchers, []);
  await extension.deactivate();
});
