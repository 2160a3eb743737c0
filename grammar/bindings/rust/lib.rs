//! The tree-sitter grammar of Ward, exported as a [`LANGUAGE`] for the `tree-sitter` crate.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_ward::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("asset A { kind: data }", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_ward() -> *const ();
}

/// The tree-sitter [`LanguageFn`] of the Ward grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_ward) };

/// The content of the [`node-types.json`] file of this grammar.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The syntax highlighting query.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");
/// The folds query.
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");
/// The indents query.
pub const INDENTS_QUERY: &str = include_str!("../../queries/indents.scm");
/// The locals query (definitions and references of IDs).
pub const LOCALS_QUERY: &str = include_str!("../../queries/locals.scm");
/// The text objects query (items and fields).
pub const TEXTOBJECTS_QUERY: &str = include_str!("../../queries/textobjects.scm");
/// The tags query.
pub const TAGS_QUERY: &str = include_str!("../../queries/tags.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn test_can_load_grammar() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&super::LANGUAGE.into())
            .expect("Error loading Ward parser");
    }
}
