//! The Ward language described once: every kind of item with its keyword, plural and
//! article, its fields (type, whether required, default, documentation), its link fields
//! and their labels, the coverage rules of the chain, the keyword values, the gate rules and
//! the finding codes.
//!
//! **Invariant:** this crate is the only description of the language. The syntax layer,
//! the checks, the IDE features, the reports and every generated artefact (the grammar's
//! keyword list, the editors' keyword lists, the item templates of completion, the tables of
//! `docs/language.md`)
//! read it or are generated from it; `tests/generated.rs` fails when an artefact is stale
//! and `tests/tidy.rs` when a field name or keyword value is spelled elsewhere.

mod codes;
mod fields;
pub mod generate;
mod kinds;
pub mod snippet;
mod values;

pub use codes::{Code, DefaultLevel, Rule};
pub use fields::{FieldSpec, FieldType, LinkSpec};
pub use kinds::{
    BlockSpec, COVERAGE, Coverage, DEFAULT_ACCEPTABLE, DEFAULT_PHASES, ItemKind, KindSpec,
    LinkField, SCORE, SymbolClass, approval, asset, component, control, gate, matrix, plan,
    residual, risk, shared, threat, verification, vulnerability, waiver,
};
pub use values::{
    AssetKind, Category, ControlKind, ItemClass, Justification, KEYWORD_SETS, Keyword, Meaning,
    Method, Property, Response, Responsibility, Status, Stride, Support, TestResult, Vector,
    VexStatus,
};

/// Every word the grammar reserves: the item keywords, then the block keywords.
pub fn reserved_words() -> impl Iterator<Item = &'static str> {
    ItemKind::ALL
        .iter()
        .map(|kind| kind.spec().keyword)
        .chain(BlockSpec::ALL.iter().map(|block| block.keyword))
}

/// Whether `word` is reserved by the grammar somewhere (an item or block keyword).
pub fn is_reserved(word: &str) -> bool {
    // Every reserved word is lowercase; most words a parser asks about (IDs) are not, and
    // stop at their first byte.
    word.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && reserved_words().any(|reserved| reserved == word)
}
