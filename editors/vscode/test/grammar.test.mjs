// Tokenizes Ward snippets with the TextMate grammar (through vscode-textmate,
// the engine VS Code uses) and checks the scopes of the interesting tokens.
// Run: npm run test:grammar

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const grammarPath = path.join(here, '..', 'syntaxes', 'ward.tmLanguage.json');

const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === 'source.ward'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
      : null,
});
const grammar = await registry.loadGrammar('source.ward');

/** Returns [text, innermost scope] for every token of `source`. */
function tokenize(source) {
  const out = [];
  let state = vsctm.INITIAL;
  for (const line of source.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (text.trim() !== '') {
        out.push([text, t.scopes[t.scopes.length - 1], t.scopes]);
      }
    }
    state = r.ruleStack;
  }
  return out;
}

/** The innermost scope of the first token whose text is `text`. */
function scopeOf(tokens, text, nth = 0) {
  const hits = tokens.filter(([t]) => t === text);
  assert.ok(hits.length > nth, `no token ${JSON.stringify(text)} in ${JSON.stringify(tokens.map(([t]) => t))}`);
  return hits[nth][1];
}

test('item kinds, IDs and field names', () => {
  const toks = tokenize(
    [
      'asset PUMP-CMD "Insulin dosing commands" {',
      '  kind: function',
      '  properties: integrity, availability',
      '}',
      'threat ble.auth { targets: PUMP-CMD }',
      'risk R-BLE-01 { threat: ble.auth }',
      'control C1 { mitigates: R-BLE-01 }',
      'verification V1 { verifies: C1 }',
    ].join('\n'),
  );
  assert.equal(scopeOf(toks, 'asset'), 'storage.type.asset.ward');
  assert.equal(scopeOf(toks, 'PUMP-CMD'), 'entity.name.type.item.ward');
  assert.equal(scopeOf(toks, 'PUMP-CMD', 1), 'variable.other.reference.ward');
  assert.equal(scopeOf(toks, 'kind'), 'support.type.property-name.ward');
  assert.equal(scopeOf(toks, ':'), 'punctuation.separator.key-value.ward');
  assert.equal(scopeOf(toks, 'function'), 'constant.language.asset-kind.ward');
  assert.equal(scopeOf(toks, 'integrity'), 'constant.language.property.ward');
  assert.equal(scopeOf(toks, 'threat'), 'storage.type.threat.ward');
  assert.equal(scopeOf(toks, 'ble.auth'), 'entity.name.type.item.ward');
  assert.equal(scopeOf(toks, 'targets'), 'support.type.property-name.ward');
  assert.equal(scopeOf(toks, 'risk'), 'storage.type.risk.ward');
  assert.equal(scopeOf(toks, 'R-BLE-01'), 'entity.name.type.item.ward');
  // `threat:` inside a risk is a field, not an item keyword.
  assert.equal(scopeOf(toks, 'threat', 1), 'support.type.property-name.ward');
  assert.equal(scopeOf(toks, 'ble.auth', 1), 'variable.other.reference.ward');
  assert.equal(scopeOf(toks, 'R-BLE-01', 1), 'variable.other.reference.ward');
  assert.equal(scopeOf(toks, 'control'), 'storage.type.control.ward');
  assert.equal(scopeOf(toks, 'verification'), 'storage.type.verification.ward');
  assert.equal(scopeOf(toks, '{'), 'punctuation.section.block.begin.ward');
  assert.equal(scopeOf(toks, '}'), 'punctuation.section.block.end.ward');
});

test('integers, residual, and digits inside IDs', () => {
  const toks = tokenize(
    ['risk R-BLE-01 "x" {', '  exploitability: 3', '  severity: -1', '  residual { exploitability: 1 }', '}'].join('\n'),
  );
  assert.equal(scopeOf(toks, '3'), 'constant.numeric.integer.ward');
  assert.equal(scopeOf(toks, '-1'), 'constant.numeric.integer.ward');
  assert.equal(scopeOf(toks, 'residual'), 'keyword.other.residual.ward');
  assert.equal(scopeOf(toks, 'exploitability', 1), 'support.type.property-name.ward');
  // `01` in `R-BLE-01` is part of the ID, not a number.
  assert.ok(!toks.some(([t]) => t === '01'));
});

test('a stamped link: the ID, the @ and the stamp, whatever word the ID is', () => {
  const toks = tokenize(['verification V1 {', '  verifies: C-BLE-PAIR@3f9a2c1b4d5e, test@0b7e11aa9c20, C2', '}'].join('\n'));
  assert.equal(scopeOf(toks, 'C-BLE-PAIR'), 'variable.other.reference.ward');
  assert.equal(scopeOf(toks, '@'), 'punctuation.separator.stamp.ward');
  assert.equal(scopeOf(toks, '3f9a2c1b4d5e'), 'constant.other.stamp.ward');
  // An ID that is also a keyword value is still the link's ID before its stamp.
  assert.equal(scopeOf(toks, 'test'), 'variable.other.reference.ward');
  assert.equal(scopeOf(toks, '0b7e11aa9c20'), 'constant.other.stamp.ward');
  assert.equal(scopeOf(toks, 'C2'), 'variable.other.reference.ward');
});

test('dates and the matrix', () => {
  const toks = tokenize(['waiver W-1 {', '  expires: 2027-06-30', '}', 'plan { matrix { minor: 4 } }'].join('\n'));
  assert.equal(scopeOf(toks, '2027-06-30'), 'constant.numeric.date.ward');
  assert.equal(scopeOf(toks, 'matrix'), 'keyword.other.matrix.ward');
});

test('strings with escapes, text blocks, comments', () => {
  const toks = tokenize(
    [
      '// a comment with "quotes" and risk R1 {',
      'asset A "say \\"hi\\" \\\\ \\n \\q" { // trailing',
      '  description: """',
      '    multi-line text "with quotes" and risk R2 {',
      '    // not a comment',
      '    """',
      '}',
    ].join('\n'),
  );
  assert.equal(toks[0][1], 'punctuation.definition.comment.ward');
  assert.ok(toks[1][2].includes('comment.line.double-slash.ward'));
  assert.equal(scopeOf(toks, '\\"'), 'constant.character.escape.ward');
  assert.equal(scopeOf(toks, '\\\\'), 'constant.character.escape.ward');
  assert.equal(scopeOf(toks, '\\n'), 'constant.character.escape.ward');
  assert.equal(scopeOf(toks, '\\q'), 'invalid.illegal.unknown-escape.ward');
  assert.ok(toks.some(([t, s]) => t.includes('trailing') && s === 'comment.line.double-slash.ward'));
  const block = toks.filter(([, , scopes]) => scopes.includes('string.quoted.triple.ward'));
  assert.ok(block.some(([t]) => t.includes('multi-line text "with quotes" and risk R2 {')));
  assert.ok(block.some(([t]) => t.includes('// not a comment')));
  assert.equal(scopeOf(toks, '}'), 'punctuation.section.block.end.ward');
});

test('plan, gates, phases and rule names', () => {
  const toks = tokenize(
    [
      'plan "Security risk management plan" {',
      '  phases: concept, design, implementation, verification, release, maintenance',
      '  phase: verification',
      '  acceptable: 6',
      '  gate design { requires: assets-covered, threats-assessed }',
      '  gate release { requires: evidence-present }',
      '}',
    ].join('\n'),
  );
  assert.equal(scopeOf(toks, 'plan'), 'storage.type.plan.ward');
  assert.equal(scopeOf(toks, 'phases'), 'support.type.property-name.ward');
  assert.equal(scopeOf(toks, 'verification'), 'constant.language.phase.ward');
  assert.equal(scopeOf(toks, 'verification', 1), 'constant.language.phase.ward');
  assert.equal(scopeOf(toks, '6'), 'constant.numeric.integer.ward');
  assert.equal(scopeOf(toks, 'gate'), 'keyword.other.gate.ward');
  assert.equal(scopeOf(toks, 'design', 1), 'entity.name.section.gate.ward');
  assert.equal(scopeOf(toks, 'requires'), 'support.type.property-name.ward');
  assert.equal(scopeOf(toks, 'assets-covered'), 'constant.language.rule.ward');
  assert.equal(scopeOf(toks, 'evidence-present'), 'constant.language.rule.ward');
  assert.equal(scopeOf(toks, ','), 'punctuation.separator.comma.ward');
});

test('language configuration word pattern keeps - and . inside IDs', () => {
  const config = JSON.parse(fs.readFileSync(path.join(here, '..', 'language-configuration.json'), 'utf8'));
  const word = new RegExp(config.wordPattern, 'g');
  const words = (s) => [...s.matchAll(word)].map((m) => m[0]);
  assert.deepEqual(words('  mitigates: R-BLE-01, ble.auth'), ['mitigates', 'R-BLE-01', 'ble.auth']);
  assert.deepEqual(words('  severity: -1, 25'), ['severity', '-1', '25']);
});
