//! The output formats of `ward check`.

pub mod human;
pub mod json;
pub mod sarif;

/// Where each code is documented, for links in SARIF and LSP.
pub const DIAGNOSTICS_DOCS: &str =
    "https://github.com/ward-lang/ward/blob/main/docs/diagnostics.md";
