//! Diagnostic codes, severities and the diagnostic type every front end renders.

use std::sync::Arc;

use crate::FileId;
use crate::dates::Date;
use ward_syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

pub use ward_language::{Code, DefaultLevel};

/// A place in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRange {
    pub file: FileId,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: FileRange,
    pub message: String,
}

/// One finding, located in byte offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: FileId,
    pub range: TextRange,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// The phase of the gate that decided the severity.
    pub gate: Option<String>,
    pub related: Vec<Related>,
    /// The waiver that waives it: then it is no error or warning, but kept, with the
    /// severity it would have had.
    pub waived: Option<Waived>,
}

/// A waived diagnostic's waiver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waived {
    /// The waiver's ID.
    pub by: Arc<str>,
    pub rationale: Arc<str>,
    pub expires: Option<Date>,
    /// The waiver's ID in its file.
    pub location: FileRange,
}

impl Diagnostic {
    /// Whether the diagnostic counts: it is not waived.
    pub fn is_active(&self) -> bool {
        self.waived.is_none()
    }
}
