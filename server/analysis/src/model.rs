//! The typed item model between syntax and features: an item's values read against the
//! kinds table, as Rust types (keyword values as enums, scores, text), with the table's
//! defaults. Checks, hover and the report read this instead of looking fields up by name.
//! It borrows its text from the item and is cheap to make, so it is made where it is read
//! rather than kept.
//!
//! Values that break their field's type are kept as [`Written::Invalid`]: the checks report
//! them as `invalid-value` from the syntax, and the features built on the model ignore them.

use ward_syntax::{BlockKind, Field, Item, ItemKind, Value};

use crate::schema::{self, FieldSpec, Keyword, SCORE};
use crate::schema::{
    AssetKind, ControlKind, Method, Property, Responsibility, Status, Stride, TestResult, Vector,
    asset, control, residual, risk, threat, verification,
};

/// What a single-valued field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written<'a, T> {
    Absent,
    Valid(T),
    /// Present but not of the field's type, with the text or word written, if any.
    Invalid(Option<&'a str>),
}

impl<T: Clone> Written<'_, T> {
    pub fn valid(&self) -> Option<T> {
        match self {
            Written::Valid(value) => Some(value.clone()),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Written::Absent)
    }
}

impl<T: Keyword> Written<'_, T> {
    /// The value in effect: as written when valid, else the table's default for `spec`.
    pub fn or_default(&self, spec: &FieldSpec) -> T {
        self.valid().unwrap_or_else(|| default_of(spec))
    }

    /// The word in effect, as written even when invalid, else the default: what a message
    /// about the value quotes.
    pub fn word(&self, spec: &FieldSpec) -> String {
        match self {
            Written::Valid(value) => value.as_str().to_owned(),
            Written::Invalid(Some(word)) => (*word).to_owned(),
            _ => default_of::<T>(spec).as_str().to_owned(),
        }
    }
}

impl<'a> Written<'a, &'a str> {
    /// The text, also when written where another type belongs (a text block in a string
    /// field): what a report shows.
    pub fn text(&self) -> Option<&'a str> {
        match *self {
            Written::Valid(text) | Written::Invalid(Some(text)) => Some(text),
            _ => None,
        }
    }
}

/// The default a field's row in the table gives, as its keyword type.
pub fn default_of<T: Keyword>(spec: &FieldSpec) -> T {
    spec.default
        .and_then(T::from_word)
        .expect("the table gives every defaulted keyword field a default of its own set")
}

/// An exploitability or severity value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Score {
    Absent,
    Valid(i64),
    /// Present but not an integer in range: already an `invalid-value`.
    Invalid,
}

impl Score {
    pub fn valid(self) -> Option<i64> {
        match self {
            Score::Valid(value) => Some(value),
            _ => None,
        }
    }
}

/// A scored risk's exploitability and severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RiskScore {
    pub exploitability: i64,
    pub severity: i64,
}

impl RiskScore {
    /// The product the plan's acceptable score is compared with.
    pub fn value(self) -> i64 {
        self.exploitability * self.severity
    }
}

/// What a risk's scores amount to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scoring {
    /// A score is invalid: already reported, so no other finding.
    Invalid,
    /// One or both scores are absent.
    Unscored {
        exploitability: bool,
        severity: bool,
    },
    Scored(RiskScore),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset<'a> {
    pub kind: Written<'a, AssetKind>,
    /// The `properties` field, read by [`Asset::properties`] when asked.
    properties: Option<&'a Field>,
}

impl Asset<'_> {
    pub fn properties(&self) -> impl Iterator<Item = Property> + '_ {
        keywords(self.properties)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threat<'a> {
    /// The `stride` field, read by [`Threat::stride`] when asked.
    stride: Option<&'a Field>,
    pub vector: Written<'a, Vector>,
}

impl Threat<'_> {
    pub fn stride(&self) -> impl Iterator<Item = Stride> + '_ {
        keywords(self.stride)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Risk<'a> {
    pub exploitability: Score,
    pub severity: Score,
    /// The first `residual { }` block's scores.
    pub residual: Option<(Score, Score)>,
    pub accepted: Written<'a, &'a str>,
    pub harm: Written<'a, &'a str>,
    pub hazard: Written<'a, &'a str>,
}

impl Risk<'_> {
    pub fn scoring(&self) -> Scoring {
        match (self.exploitability, self.severity) {
            (Score::Invalid, _) | (_, Score::Invalid) => Scoring::Invalid,
            (Score::Valid(exploitability), Score::Valid(severity)) => Scoring::Scored(RiskScore {
                exploitability,
                severity,
            }),
            (exploitability, severity) => Scoring::Unscored {
                exploitability: exploitability == Score::Absent,
                severity: severity == Score::Absent,
            },
        }
    }

    pub fn score(&self) -> Option<RiskScore> {
        match self.scoring() {
            Scoring::Scored(score) => Some(score),
            _ => None,
        }
    }

    /// The score after the controls: the residual block's values, each defaulting to the
    /// risk's own. `None` when a residual value is invalid.
    pub fn residual_score(&self, score: RiskScore) -> Option<RiskScore> {
        let (exploitability, severity) = self.residual.unwrap_or((Score::Absent, Score::Absent));
        let take = |residual: Score, own: i64| match residual {
            Score::Absent => Some(own),
            Score::Valid(value) => Some(value),
            Score::Invalid => None,
        };
        Some(RiskScore {
            exploitability: take(exploitability, score.exploitability)?,
            severity: take(severity, score.severity)?,
        })
    }

    /// Whether an `accepted` rationale is given (of whatever value).
    pub fn is_accepted(&self) -> bool {
        !self.accepted.is_absent()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control<'a> {
    pub kind: Written<'a, ControlKind>,
    pub responsibility: Written<'a, Responsibility>,
    pub status: Written<'a, Status>,
    pub guidance: Written<'a, &'a str>,
}

impl Control<'_> {
    pub fn responsibility(&self) -> Responsibility {
        self.responsibility.or_default(&control::RESPONSIBILITY)
    }

    pub fn status(&self) -> Status {
        self.status.or_default(&control::STATUS)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification<'a> {
    pub method: Written<'a, Method>,
    pub result: Written<'a, TestResult>,
    pub evidence: Written<'a, &'a str>,
    pub test: Written<'a, &'a str>,
}

impl Verification<'_> {
    /// The result in effect; `None` when the written one is invalid.
    pub fn result(&self) -> Option<TestResult> {
        match &self.result {
            Written::Invalid(_) => None,
            result => Some(result.or_default(&verification::RESULT)),
        }
    }
}

/// One item, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemModel<'a> {
    Asset(Asset<'a>),
    Threat(Threat<'a>),
    Risk(Risk<'a>),
    Control(Control<'a>),
    Verification(Verification<'a>),
    /// The plan is read by [`crate::plan`], which needs the places of its values.
    Plan,
}

impl<'a> ItemModel<'a> {
    pub fn of(item: &'a Item) -> ItemModel<'a> {
        let fields = &item.fields;
        match item.kind {
            ItemKind::Asset => ItemModel::Asset(Asset {
                kind: keyword(fields, &asset::KIND),
                properties: schema::find(fields, &asset::PROPERTIES),
            }),
            ItemKind::Threat => ItemModel::Threat(Threat {
                stride: schema::find(fields, &threat::STRIDE),
                vector: keyword(fields, &threat::VECTOR),
            }),
            ItemKind::Risk => ItemModel::Risk(Risk {
                exploitability: score(fields, &risk::EXPLOITABILITY),
                severity: score(fields, &risk::SEVERITY),
                residual: item
                    .blocks
                    .iter()
                    .find(|block| block.kind == BlockKind::Residual)
                    .map(|block| {
                        (
                            score(&block.fields, &residual::EXPLOITABILITY),
                            score(&block.fields, &residual::SEVERITY),
                        )
                    }),
                accepted: text(fields, &risk::ACCEPTED),
                harm: text(fields, &risk::HARM),
                hazard: text(fields, &risk::HAZARD),
            }),
            ItemKind::Control => ItemModel::Control(Control {
                kind: keyword(fields, &control::KIND),
                responsibility: keyword(fields, &control::RESPONSIBILITY),
                status: keyword(fields, &control::STATUS),
                guidance: text(fields, &control::GUIDANCE),
            }),
            ItemKind::Verification => ItemModel::Verification(Verification {
                method: keyword(fields, &verification::METHOD),
                result: keyword(fields, &verification::RESULT),
                evidence: text(fields, &verification::EVIDENCE),
                test: text(fields, &verification::TEST),
            }),
            ItemKind::Plan => ItemModel::Plan,
        }
    }

    pub fn risk(&self) -> Option<&Risk<'a>> {
        match self {
            ItemModel::Risk(risk) => Some(risk),
            _ => None,
        }
    }

    pub fn control(&self) -> Option<&Control<'a>> {
        match self {
            ItemModel::Control(control) => Some(control),
            _ => None,
        }
    }

    pub fn verification(&self) -> Option<&Verification<'a>> {
        match self {
            ItemModel::Verification(verification) => Some(verification),
            _ => None,
        }
    }
}

/// The description of an item, when it has a valid one.
pub fn description(item: &Item) -> Option<&str> {
    first(&item.fields, &schema::shared::DESCRIPTION).and_then(Value::as_text)
}

fn first<'a>(fields: &'a [Field], spec: &FieldSpec) -> Option<&'a Value> {
    schema::find(fields, spec).and_then(|field| field.values.first())
}

fn keyword<'a, T: Keyword>(fields: &'a [Field], spec: &FieldSpec) -> Written<'a, T> {
    let Some(field) = schema::find(fields, spec) else {
        return Written::Absent;
    };
    match field.values.first() {
        Some(Value::Ident(word)) => match T::from_word(word) {
            Some(value) => Written::Valid(value),
            None => Written::Invalid(Some(word)),
        },
        _ => Written::Invalid(None),
    }
}

/// The valid keywords of a list field, in order.
fn keywords<T: Keyword>(field: Option<&Field>) -> impl Iterator<Item = T> + '_ {
    field
        .into_iter()
        .flat_map(|field| field.values.iter())
        .filter_map(Value::as_ident)
        .filter_map(T::from_word)
}

/// A string or text field. A text block where only a string belongs is kept as invalid,
/// with its text.
fn text<'a>(fields: &'a [Field], spec: &FieldSpec) -> Written<'a, &'a str> {
    let Some(field) = schema::find(fields, spec) else {
        return Written::Absent;
    };
    let accepts_blocks = spec.ty == schema::FieldType::Text;
    match field.values.first() {
        Some(Value::Str(text)) => Written::Valid(text),
        Some(Value::TextBlock(text)) if accepts_blocks => Written::Valid(text),
        Some(Value::TextBlock(text)) => Written::Invalid(Some(text)),
        _ => Written::Invalid(None),
    }
}

fn score(fields: &[Field], spec: &FieldSpec) -> Score {
    let Some(field) = schema::find(fields, spec) else {
        return Score::Absent;
    };
    match field.values.first() {
        Some(&Value::Int(Some(value))) if (SCORE.0..=SCORE.1).contains(&value) => {
            Score::Valid(value)
        }
        _ => Score::Invalid,
    }
}
