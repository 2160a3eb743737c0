//! The typed item model between syntax and features: an item's values read against the
//! kinds table, as Rust types (keyword values as enums, scores, text), with the table's
//! defaults. Checks, hover and the report read this instead of looking fields up by name.
//! Each kind's model is a view over the item that reads a value when asked, borrowing its
//! text: it costs nothing to make and is made where it is read rather than kept.
//!
//! Values that break their field's type are kept as [`Written::Invalid`]: the checks report
//! them as `invalid-value` from the syntax, and the features built on the model ignore them.

use ward_syntax::{BlockKind, Field, Item, ItemKind, Value};

use crate::dates::{self, Date};
use crate::schema::{self, Code, FieldSpec, Keyword, SCORE};
use crate::schema::{
    Category, ControlKind, ItemClass, Justification, Meaning, Method, Response, Responsibility,
    Status, Support, TestResult, VexStatus, approval, component, control, residual, risk,
    verification, vulnerability, waiver,
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

/// A risk, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Risk<'a>(&'a Item);

impl<'a> Risk<'a> {
    pub fn exploitability(self) -> Score {
        score(&self.0.fields, &risk::EXPLOITABILITY)
    }

    pub fn severity(self) -> Score {
        score(&self.0.fields, &risk::SEVERITY)
    }

    /// The first `residual { }` block's exploitability and severity.
    pub fn residual(self) -> Option<(Score, Score)> {
        self.0
            .blocks
            .iter()
            .find(|block| block.kind == BlockKind::Residual)
            .map(|block| {
                (
                    score(&block.fields, &residual::EXPLOITABILITY),
                    score(&block.fields, &residual::SEVERITY),
                )
            })
    }

    pub fn accepted(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &risk::ACCEPTED)
    }

    pub fn harm(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &risk::HARM)
    }

    pub fn hazard(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &risk::HAZARD)
    }

    pub fn scoring(self) -> Scoring {
        match (self.exploitability(), self.severity()) {
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

    pub fn score(self) -> Option<RiskScore> {
        match self.scoring() {
            Scoring::Scored(score) => Some(score),
            _ => None,
        }
    }

    /// The score after the controls: the residual block's values, each defaulting to the
    /// risk's own. `None` when a residual value is invalid.
    pub fn residual_score(self, score: RiskScore) -> Option<RiskScore> {
        let (exploitability, severity) = self.residual().unwrap_or((Score::Absent, Score::Absent));
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

    pub fn accepted_by(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &risk::ACCEPTED_BY)
    }

    pub fn accepted_on(self) -> Written<'a, Date> {
        date(&self.0.fields, &risk::ACCEPTED_ON)
    }

    /// Where `accepted-on` is, by field and value index.
    pub fn accepted_on_at(self) -> Option<(u32, u32)> {
        values_at(self.0, &risk::ACCEPTED_ON)
            .next()
            .map(|(at, _)| at)
    }

    /// Whether the risk names a threat or a vulnerability (a field of either, of whatever
    /// value): a risk needs one or both.
    pub fn assesses_anything(self) -> bool {
        schema::find(&self.0.fields, &risk::THREAT).is_some()
            || schema::find(&self.0.fields, &risk::VULNERABILITY).is_some()
    }

    /// Whether an `accepted` rationale is given (of whatever value).
    pub fn is_accepted(self) -> bool {
        schema::find(&self.0.fields, &risk::ACCEPTED).is_some()
    }
}

/// A control, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Control<'a>(&'a Item);

impl<'a> Control<'a> {
    pub fn kind(self) -> Written<'a, ControlKind> {
        keyword(&self.0.fields, &control::KIND)
    }

    pub fn written_responsibility(self) -> Written<'a, Responsibility> {
        keyword(&self.0.fields, &control::RESPONSIBILITY)
    }

    /// The responsibility in effect: as written, else the default.
    pub fn responsibility(self) -> Responsibility {
        self.written_responsibility()
            .or_default(&control::RESPONSIBILITY)
    }

    pub fn written_status(self) -> Written<'a, Status> {
        keyword(&self.0.fields, &control::STATUS)
    }

    /// The status in effect: as written, else the default.
    pub fn status(self) -> Status {
        self.written_status().or_default(&control::STATUS)
    }

    pub fn guidance(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &control::GUIDANCE)
    }

    /// The valid words of `category`.
    pub fn categories(self) -> impl Iterator<Item = Category> + 'a {
        keywords(&self.0.fields, &control::CATEGORY)
    }
}

/// A verification, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verification<'a>(&'a Item);

impl<'a> Verification<'a> {
    pub fn method(self) -> Written<'a, Method> {
        keyword(&self.0.fields, &verification::METHOD)
    }

    pub fn written_result(self) -> Written<'a, TestResult> {
        keyword(&self.0.fields, &verification::RESULT)
    }

    /// The result in effect; `None` when the written one is invalid.
    pub fn result(self) -> Option<TestResult> {
        match self.written_result() {
            Written::Invalid(_) => None,
            result => Some(result.or_default(&verification::RESULT)),
        }
    }

    /// The evidence path; an empty one is invalid (it names no file, only the folder).
    pub fn evidence(self) -> Written<'a, &'a str> {
        match text(&self.0.fields, &verification::EVIDENCE) {
            Written::Valid("") => Written::Invalid(Some("")),
            written => written,
        }
    }

    /// The test names (strings; other values are `invalid-value` already), each with its
    /// field and value index.
    pub fn tests(self) -> impl Iterator<Item = ((u32, u32), &'a str)> + 'a {
        values_at(self.0, &verification::TEST).filter_map(|(at, value)| match value {
            Value::Str(name) => Some((at, name.as_str())),
            _ => None,
        })
    }

    /// The field and value index of the written `result`.
    pub fn result_at(self) -> Option<(u32, u32)> {
        values_at(self.0, &verification::RESULT)
            .next()
            .map(|(at, _)| at)
    }
}

/// A waiver, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiver<'a>(&'a Item);

impl<'a> Waiver<'a> {
    /// The codes of `waives` that can be waived, each with its field and value index (for
    /// findings about the value). Other words are already `invalid-value`.
    pub fn waives(self) -> Vec<(Code, (u32, u32))> {
        values_at(self.0, &waiver::WAIVES)
            .filter_map(|(at, value)| {
                let code = value.as_ident().and_then(Code::from_name)?;
                code.is_waivable().then_some((code, at))
            })
            .collect()
    }

    /// The names of `items`, each with its field and value index.
    pub fn items(self) -> Vec<(&'a str, (u32, u32))> {
        values_at(self.0, &waiver::ITEMS)
            .filter_map(|(at, value)| Some((value.as_ident()?, at)))
            .collect()
    }

    pub fn rationale(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &waiver::RATIONALE)
    }

    pub fn approved_by(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &waiver::APPROVED_BY)
    }

    pub fn approved(self) -> Written<'a, Date> {
        date(&self.0.fields, &waiver::APPROVED)
    }

    pub fn expires(self) -> Written<'a, Date> {
        date(&self.0.fields, &waiver::EXPIRES)
    }

    /// Whether the waiver has expired: its `expires` is before `today`. It holds on the day
    /// it expires.
    pub fn is_expired(self, today: Date) -> bool {
        self.expires()
            .valid()
            .is_some_and(|expires| expires < today)
    }
}

/// An approval (a signed gate review), typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Approval<'a>(&'a Item);

impl<'a> Approval<'a> {
    /// The phase named in `gate`, with its field and value index.
    pub fn gate(self) -> Option<(&'a str, (u32, u32))> {
        values_at(self.0, &approval::GATE)
            .next()
            .and_then(|(at, value)| Some((value.as_ident()?, at)))
    }

    pub fn by(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &approval::BY)
    }

    pub fn role(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &approval::ROLE)
    }

    pub fn meaning(self) -> Written<'a, Meaning> {
        keyword(&self.0.fields, &approval::MEANING)
    }

    /// The date, with its field and value index.
    pub fn date(self) -> Option<(Date, (u32, u32))> {
        let (at, _) = values_at(self.0, &approval::DATE).next()?;
        Some((date(&self.0.fields, &approval::DATE).valid()?, at))
    }

    pub fn commit(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &approval::COMMIT)
    }
}

/// A component (an SBOM entry), typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Component<'a>(&'a Item);

impl<'a> Component<'a> {
    pub fn version(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &component::VERSION)
    }

    pub fn purl(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &component::PURL)
    }

    pub fn bom_ref(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &component::BOM_REF)
    }

    pub fn supplier(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &component::SUPPLIER)
    }

    pub fn license(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &component::LICENSE)
    }

    /// Whether `part-of` is written (with whatever values).
    pub fn has_part_of(self) -> bool {
        schema::find(&self.0.fields, &component::PART_OF).is_some()
    }

    pub fn item_class(self) -> Written<'a, ItemClass> {
        keyword(&self.0.fields, &component::ITEM_CLASS)
    }

    pub fn support(self) -> Written<'a, Support> {
        keyword(&self.0.fields, &component::SUPPORT)
    }

    pub fn support_ends(self) -> Written<'a, Date> {
        date(&self.0.fields, &component::SUPPORT_ENDS)
    }
}

/// A vulnerability (a VEX statement), typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vulnerability<'a>(&'a Item);

impl<'a> Vulnerability<'a> {
    pub fn written_status(self) -> Written<'a, VexStatus> {
        keyword(&self.0.fields, &vulnerability::STATUS)
    }

    /// The status in effect; `None` when the written one is invalid.
    pub fn status(self) -> Option<VexStatus> {
        match self.written_status() {
            Written::Invalid(_) => None,
            status => Some(status.or_default(&vulnerability::STATUS)),
        }
    }

    pub fn justification(self) -> Written<'a, Justification> {
        keyword(&self.0.fields, &vulnerability::JUSTIFICATION)
    }

    pub fn impact(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &vulnerability::IMPACT)
    }

    /// The valid words of `response`.
    pub fn responses(self) -> impl Iterator<Item = Response> + 'a {
        keywords(&self.0.fields, &vulnerability::RESPONSE)
    }

    pub fn action(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &vulnerability::ACTION)
    }

    pub fn fixed_in(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &vulnerability::FIXED_IN)
    }

    pub fn cvss(self) -> Written<'a, &'a str> {
        text(&self.0.fields, &vulnerability::CVSS)
    }

    /// The strings of `aliases`.
    pub fn aliases(self) -> impl Iterator<Item = &'a str> + 'a {
        schema::find(&self.0.fields, &vulnerability::ALIASES)
            .into_iter()
            .flat_map(|field| field.values.iter())
            .filter_map(|value| match value {
                Value::Str(text) => Some(text.as_str()),
                _ => None,
            })
    }

    /// The names of `affects`.
    pub fn affects(self) -> impl Iterator<Item = &'a str> + 'a {
        values_at(self.0, &vulnerability::AFFECTS).filter_map(|(_, value)| value.as_ident())
    }

    pub fn learned(self) -> Written<'a, Date> {
        date(&self.0.fields, &vulnerability::LEARNED)
    }
}

/// One item, typed: a view that reads each value from the item when asked, so that a
/// check pays for the fields it reads and no other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemModel<'a> {
    /// Assets and threats have no value a check or a report reads beyond the generic
    /// field listing; v2's rules give them typed views here.
    Asset,
    Threat,
    Risk(Risk<'a>),
    Control(Control<'a>),
    Verification(Verification<'a>),
    Component(Component<'a>),
    Vulnerability(Vulnerability<'a>),
    Waiver(Waiver<'a>),
    Approval(Approval<'a>),
    /// The plan is read by [`crate::plan`], which needs the places of its values.
    Plan,
}

impl<'a> ItemModel<'a> {
    pub fn of(item: &'a Item) -> ItemModel<'a> {
        match item.kind {
            ItemKind::Asset => ItemModel::Asset,
            ItemKind::Threat => ItemModel::Threat,
            ItemKind::Risk => ItemModel::Risk(Risk(item)),
            ItemKind::Control => ItemModel::Control(Control(item)),
            ItemKind::Verification => ItemModel::Verification(Verification(item)),
            ItemKind::Component => ItemModel::Component(Component(item)),
            ItemKind::Vulnerability => ItemModel::Vulnerability(Vulnerability(item)),
            ItemKind::Waiver => ItemModel::Waiver(Waiver(item)),
            ItemKind::Approval => ItemModel::Approval(Approval(item)),
            ItemKind::Plan => ItemModel::Plan,
        }
    }

    pub fn risk(self) -> Option<Risk<'a>> {
        match self {
            ItemModel::Risk(risk) => Some(risk),
            _ => None,
        }
    }

    pub fn verification(self) -> Option<Verification<'a>> {
        match self {
            ItemModel::Verification(verification) => Some(verification),
            _ => None,
        }
    }

    pub fn component(self) -> Option<Component<'a>> {
        match self {
            ItemModel::Component(component) => Some(component),
            _ => None,
        }
    }

    pub fn control(self) -> Option<Control<'a>> {
        match self {
            ItemModel::Control(control) => Some(control),
            _ => None,
        }
    }

    pub fn vulnerability(self) -> Option<Vulnerability<'a>> {
        match self {
            ItemModel::Vulnerability(vulnerability) => Some(vulnerability),
            _ => None,
        }
    }

    pub fn approval(self) -> Option<Approval<'a>> {
        match self {
            ItemModel::Approval(approval) => Some(approval),
            _ => None,
        }
    }

    pub fn waiver(self) -> Option<Waiver<'a>> {
        match self {
            ItemModel::Waiver(waiver) => Some(waiver),
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

/// The valid words of a list of keywords; others are `invalid-value` already.
pub(crate) fn keywords<'a, T: Keyword>(
    fields: &'a [Field],
    spec: &FieldSpec,
) -> impl Iterator<Item = T> + 'a {
    schema::find(fields, spec)
        .into_iter()
        .flat_map(|field| field.values.iter())
        .filter_map(|value| value.as_ident().and_then(T::from_word))
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

/// A date field; an impossible day (`2027-02-30`) is invalid.
fn date<'a>(fields: &'a [Field], spec: &FieldSpec) -> Written<'a, Date> {
    let Some(field) = schema::find(fields, spec) else {
        return Written::Absent;
    };
    match field.values.first() {
        Some(Value::Date(value)) => match dates::calendar(*value) {
            Some(day) => Written::Valid(day),
            None => Written::Invalid(None),
        },
        _ => Written::Invalid(None),
    }
}

/// Every value of the first field `spec` describes, with its field and value index.
fn values_at<'a>(
    item: &'a Item,
    spec: &FieldSpec,
) -> impl Iterator<Item = ((u32, u32), &'a Value)> + 'a {
    let field = item.fields.iter().position(|field| field.name == spec.name);
    field.into_iter().flat_map(move |field_at| {
        item.fields[field_at]
            .values
            .iter()
            .enumerate()
            .map(move |(value_at, value)| ((field_at as u32, value_at as u32), value))
    })
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
