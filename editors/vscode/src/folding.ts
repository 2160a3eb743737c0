// Folding on braces and on `"""` text blocks, skipping strings and comments.
// (VS Code folds on indentation unless a language provides ranges.)

import * as vscode from 'vscode';

export function foldingRanges(text: string): vscode.FoldingRange[] {
  const ranges: vscode.FoldingRange[] = [];
  const open: number[] = [];
  let line = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') {
        i++;
      }
    } else if (c === '"' && text.startsWith('"""', i)) {
      const start = line;
      i += 3;
      while (i < n && !text.startsWith('"""', i)) {
        if (text[i] === '\n') {
          line++;
        }
        i++;
      }
      i += 3;
      if (line > start) {
        ranges.push(new vscode.FoldingRange(start, line));
      }
    } else if (c === '"') {
      i++;
      while (i < n && text[i] !== '"' && text[i] !== '\n') {
        i += text[i] === '\\' && text[i + 1] !== '\n' ? 2 : 1;
      }
      if (text[i] === '"') {
        i++;
      }
    } else if (c === '{') {
      open.push(line);
      i++;
    } else if (c === '}') {
      const start = open.pop();
      // Keep the closing line visible, as VS Code does for brace languages.
      if (start !== undefined && line - 1 > start) {
        ranges.push(new vscode.FoldingRange(start, line - 1));
      }
      i++;
    } else {
      i++;
    }
  }
  return ranges;
}

export const foldingProvider: vscode.FoldingRangeProvider = {
  provideFoldingRanges(document) {
    return foldingRanges(document.getText());
  },
};
