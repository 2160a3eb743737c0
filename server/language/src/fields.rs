//! Fields: their value types, whether they are required, their defaults and documentation,
//! and for link fields the kinds they point at and the labels of both directions.

use crate::codes::{Code, Rule};
use crate::kinds::ItemKind;

/// The type of a field's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// IDs of items; a list.
    Link(&'static LinkSpec),
    /// Free keywords (tags); a list.
    Tags,
    /// One or more keywords from this set.
    Keywords(&'static [&'static str]),
    /// Exactly one keyword from this set.
    Keyword(&'static [&'static str]),
    /// Exactly one integer in this inclusive range.
    Int(i64, i64),
    /// Exactly one string (not a text block).
    Str,
    /// Exactly one string naming a file, relative to the file that holds it; not empty.
    Path,
    /// Exactly one string or text block.
    Text,
    /// One or more strings.
    Strs,
    /// One or more names (phases), free-form.
    Names,
    /// Exactly one name (a phase).
    Name,
    /// One or more rule names.
    Rules,
    /// Exactly one `YYYY-MM-DD` calendar date.
    Date,
    /// One or more codes of findings that can be waived (the findings of rules).
    Codes,
    /// Exactly one string holding a package URL (`pkg:type/namespace/name@version`).
    Purl,
    /// Exactly one string holding an SPDX license expression.
    License,
    /// Exactly one string holding a CVSS 3.0, 3.1 or 4.0 vector.
    Cvss,
}

/// What a link field points at, and how each end of the link is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkSpec {
    /// The kinds of item the field may name.
    pub targets: &'static [ItemKind],
    /// The heading of the links as the linking item shows them ("Targets").
    pub up: &'static str,
    /// The heading of the links as the linked item shows them ("Targeted by").
    pub down: &'static str,
}

impl LinkSpec {
    pub fn accepts(&self, kind: ItemKind) -> bool {
        self.targets.contains(&kind)
    }

    /// "asset", "asset or component": the kinds the field names, for messages.
    pub fn describe_targets(&self) -> String {
        let words: Vec<&str> = self.targets.iter().map(|kind| kind.as_str()).collect();
        words.join(" or ")
    }
}

impl FieldType {
    /// Whether the field holds at most one value.
    pub fn is_single(self) -> bool {
        matches!(
            self,
            FieldType::Keyword(_)
                | FieldType::Int(..)
                | FieldType::Str
                | FieldType::Path
                | FieldType::Text
                | FieldType::Name
                | FieldType::Date
                | FieldType::Purl
                | FieldType::License
                | FieldType::Cvss
        )
    }

    /// The link this field makes, if it is a link field.
    pub fn link(self) -> Option<&'static LinkSpec> {
        match self {
            FieldType::Link(link) => Some(link),
            _ => None,
        }
    }

    /// A description of the expected values, for messages and hover.
    pub fn describe(self) -> String {
        match self {
            FieldType::Link(link) if link.targets == ItemKind::WITH_ID => {
                "IDs of items of any kind".to_owned()
            }
            FieldType::Link(link) => format!("IDs of {} items", link.describe_targets()),
            FieldType::Tags => "one or more tags (free keywords)".to_owned(),
            FieldType::Keywords(values) => format!("one or more of {}", quote_list(values)),
            FieldType::Keyword(values) => format!("one of {}", quote_list(values)),
            FieldType::Int(low, high) => format!("an integer from {low} to {high}"),
            FieldType::Str => "a string".to_owned(),
            FieldType::Path => "a path to a file (a string)".to_owned(),
            FieldType::Text => "a string or a text block".to_owned(),
            FieldType::Strs => "one or more strings".to_owned(),
            FieldType::Names => "one or more phase names".to_owned(),
            FieldType::Name => "a phase name".to_owned(),
            FieldType::Rules => format!("one or more of {}", quote_list(Rule::NAMES)),
            FieldType::Date => "a date (`YYYY-MM-DD`)".to_owned(),
            FieldType::Codes => "one or more codes of findings of rules".to_owned(),
            FieldType::Purl => "a package URL (a string, `pkg:type/name@version`)".to_owned(),
            FieldType::License => "an SPDX license expression (a string)".to_owned(),
            FieldType::Cvss => "a CVSS 3.0, 3.1 or 4.0 vector (a string)".to_owned(),
        }
    }

    /// The keywords a value may take, for completion.
    pub fn keywords(self) -> &'static [&'static str] {
        match self {
            FieldType::Keywords(values) | FieldType::Keyword(values) => values,
            FieldType::Rules => Rule::NAMES,
            FieldType::Codes => Code::waivable_names(),
            _ => &[],
        }
    }
}

fn quote_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A field a kind of item (or a block) may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// The value an absent field stands for, as written in a file.
    pub default: Option<&'static str>,
    pub doc: &'static str,
}

impl FieldSpec {
    pub const fn new(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
        FieldSpec {
            name,
            ty,
            required: false,
            default: None,
            doc,
        }
    }

    pub const fn required(self) -> FieldSpec {
        FieldSpec {
            required: true,
            ..self
        }
    }

    pub const fn default(self, value: &'static str) -> FieldSpec {
        FieldSpec {
            default: Some(value),
            ..self
        }
    }
}
