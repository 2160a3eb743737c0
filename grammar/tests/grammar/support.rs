//! Paths, a parser and file discovery shared by the grammar tests.

use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Language, Parser, Tree};

/// The grammar directory (the crate root).
pub fn grammar_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace's `examples/` directory.
pub fn examples_dir() -> PathBuf {
    grammar_dir().join("../examples")
}

pub fn language() -> Language {
    tree_sitter_ward::LANGUAGE.into()
}

pub fn parse(source: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("load the Ward grammar");
    parser.parse(source, None).expect("parse without a timeout")
}

/// Every file under `dir` (recursively) whose name ends in `.{extension}`, sorted.
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect(dir, extension, &mut found);
    found.sort();
    found
}

fn collect(dir: &Path, extension: &str, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("read a directory entry").path();
        if path.is_dir() {
            collect(&path, extension, found);
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// `path` relative to the grammar directory's parent (the workspace), for messages.
pub fn display(path: &Path) -> String {
    let root = grammar_dir().join("..");
    let root = root.canonicalize().unwrap_or(root);
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    path.strip_prefix(&root)
        .unwrap_or(&path)
        .display()
        .to_string()
}
