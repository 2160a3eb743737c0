//! What each kind of item may contain: its fields, their types and allowed values, which are
//! required, and the links that point up the chain. Every check and IDE feature reads the
//! language from here, so the language is described once.

use ward_syntax::ItemKind;

/// The type of a field's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// IDs of items of this kind; a list.
    Link(ItemKind),
    /// One or more keywords from this set.
    Keywords(&'static [&'static str]),
    /// Exactly one keyword from this set.
    Keyword(&'static [&'static str]),
    /// Exactly one integer in this inclusive range.
    Int(i64, i64),
    /// Exactly one string (not a text block).
    Str,
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
}

impl FieldType {
    /// Whether the field holds at most one value.
    pub fn is_single(self) -> bool {
        matches!(
            self,
            FieldType::Keyword(_)
                | FieldType::Int(..)
                | FieldType::Str
                | FieldType::Text
                | FieldType::Name
        )
    }

    /// A description of the expected values, for messages and hover.
    pub fn describe(self) -> String {
        match self {
            FieldType::Link(kind) => format!("IDs of {kind} items"),
            FieldType::Keywords(values) => format!("one or more of {}", quote_list(values)),
            FieldType::Keyword(values) => format!("one of {}", quote_list(values)),
            FieldType::Int(low, high) => format!("an integer from {low} to {high}"),
            FieldType::Str => "a string".to_owned(),
            FieldType::Text => "a string or a text block".to_owned(),
            FieldType::Strs => "one or more strings".to_owned(),
            FieldType::Names => "one or more phase names".to_owned(),
            FieldType::Name => "a phase name".to_owned(),
            FieldType::Rules => format!("one or more of {}", quote_list(&Rule::NAMES)),
        }
    }

    /// The keywords a value may take, for completion.
    pub fn keywords(self) -> &'static [&'static str] {
        match self {
            FieldType::Keywords(values) | FieldType::Keyword(values) => values,
            FieldType::Rules => &Rule::NAMES,
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

/// A field a kind of item may have.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub doc: &'static str,
}

const fn field(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
        doc,
    }
}

const fn required(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
        doc,
    }
}

pub const STRIDE: &[&str] = &[
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
];
pub const VECTORS: &[&str] = &["network", "adjacent", "local", "physical"];
pub const ASSET_KINDS: &[&str] = &["data", "function", "component", "interface"];
pub const PROPERTIES: &[&str] = &[
    "confidentiality",
    "integrity",
    "availability",
    "authenticity",
];
pub const CONTROL_KINDS: &[&str] = &["technical", "procedural", "information"];
pub const RESPONSIBILITIES: &[&str] = &["manufacturer", "deployer"];
pub const STATUSES: &[&str] = &["proposed", "implemented"];
pub const METHODS: &[&str] = &[
    "test",
    "analysis",
    "inspection",
    "review",
    "pentest",
    "fuzz",
    "sast",
    "dast",
    "sca",
];
pub const RESULTS: &[&str] = &["pending", "pass", "fail"];

const DESCRIPTION: FieldSpec = field(
    "description",
    FieldType::Text,
    "What the item is, in prose.",
);
const TAGS: FieldSpec = field(
    "tags",
    FieldType::Keywords(&[]),
    "Free keywords for grouping and filtering.",
);
const SCORE: (i64, i64) = (1, 5);

const ASSET_FIELDS: &[FieldSpec] = &[
    DESCRIPTION,
    TAGS,
    field(
        "kind",
        FieldType::Keyword(ASSET_KINDS),
        "What sort of asset this is.",
    ),
    field(
        "properties",
        FieldType::Keywords(PROPERTIES),
        "The security properties the asset needs.",
    ),
];

const THREAT_FIELDS: &[FieldSpec] = &[
    DESCRIPTION,
    TAGS,
    required(
        "targets",
        FieldType::Link(ItemKind::Asset),
        "The assets this threat is against.",
    ),
    field(
        "stride",
        FieldType::Keywords(STRIDE),
        "The STRIDE categories of the threat.",
    ),
    field(
        "vector",
        FieldType::Keyword(VECTORS),
        "From where an attacker reaches the asset.",
    ),
];

const RISK_FIELDS: &[FieldSpec] = &[
    DESCRIPTION,
    TAGS,
    required(
        "threat",
        FieldType::Link(ItemKind::Threat),
        "The threats this risk assesses.",
    ),
    field(
        "exploitability",
        FieldType::Int(SCORE.0, SCORE.1),
        "How easily the threat is exploited, 1 (hard) to 5 (easy).",
    ),
    field(
        "severity",
        FieldType::Int(SCORE.0, SCORE.1),
        "How severe the harm is, 1 (negligible) to 5 (catastrophic).",
    ),
    field("harm", FieldType::Str, "The harm to the patient or user."),
    field(
        "hazard",
        FieldType::Str,
        "The hazard of the safety risk file this risk leads to.",
    ),
    field(
        "accepted",
        FieldType::Text,
        "Why a residual risk above the acceptable score is accepted.",
    ),
];

/// The fields of a `residual { }` block.
pub const RESIDUAL_FIELDS: &[FieldSpec] = &[
    field(
        "exploitability",
        FieldType::Int(SCORE.0, SCORE.1),
        "Exploitability after the controls; the risk's own when absent.",
    ),
    field(
        "severity",
        FieldType::Int(SCORE.0, SCORE.1),
        "Severity after the controls; the risk's own when absent.",
    ),
];

const CONTROL_FIELDS: &[FieldSpec] = &[
    DESCRIPTION,
    TAGS,
    required(
        "mitigates",
        FieldType::Link(ItemKind::Risk),
        "The risks this control mitigates.",
    ),
    field(
        "kind",
        FieldType::Keyword(CONTROL_KINDS),
        "What sort of control this is.",
    ),
    field(
        "responsibility",
        FieldType::Keyword(RESPONSIBILITIES),
        "Who puts the control in place: `manufacturer` (default) or `deployer`.",
    ),
    field(
        "status",
        FieldType::Keyword(STATUSES),
        "`proposed` (default) or `implemented`.",
    ),
    field("guidance", FieldType::Text, "What the deployer must do."),
    field("refs", FieldType::Strs, "Design documents or code paths."),
];

const VERIFICATION_FIELDS: &[FieldSpec] = &[
    DESCRIPTION,
    TAGS,
    required(
        "verifies",
        FieldType::Link(ItemKind::Control),
        "The controls this verification proves.",
    ),
    field(
        "method",
        FieldType::Keyword(METHODS),
        "How the control is verified.",
    ),
    field(
        "result",
        FieldType::Keyword(RESULTS),
        "`pending` (default), `pass` or `fail`.",
    ),
    field(
        "evidence",
        FieldType::Str,
        "A path, relative to this file, to the evidence.",
    ),
    field(
        "test",
        FieldType::Str,
        "The name of the test case behind the verification (Ward reads no test results).",
    ),
];

const PLAN_FIELDS: &[FieldSpec] = &[
    DESCRIPTION,
    TAGS,
    field(
        "phases",
        FieldType::Names,
        "The phases of the project, in order.",
    ),
    field("phase", FieldType::Name, "The phase the project is in now."),
    field(
        "acceptable",
        FieldType::Int(1, 25),
        "The highest risk score accepted without mitigation.",
    ),
];

/// The fields of a `gate <phase> { }` block.
pub const GATE_FIELDS: &[FieldSpec] = &[field(
    "requires",
    FieldType::Rules,
    "The rules this gate's review requires.",
)];

/// The fields a kind of item may have.
pub fn fields(kind: ItemKind) -> &'static [FieldSpec] {
    match kind {
        ItemKind::Asset => ASSET_FIELDS,
        ItemKind::Threat => THREAT_FIELDS,
        ItemKind::Risk => RISK_FIELDS,
        ItemKind::Control => CONTROL_FIELDS,
        ItemKind::Verification => VERIFICATION_FIELDS,
        ItemKind::Plan => PLAN_FIELDS,
    }
}

pub fn field_spec(kind: ItemKind, name: &str) -> Option<&'static FieldSpec> {
    fields(kind).iter().find(|spec| spec.name == name)
}

/// The link field of a kind (the one that names the item above it in the chain).
pub fn link_field(kind: ItemKind) -> Option<(&'static str, ItemKind)> {
    match kind {
        ItemKind::Threat => Some(("targets", ItemKind::Asset)),
        ItemKind::Risk => Some(("threat", ItemKind::Threat)),
        ItemKind::Control => Some(("mitigates", ItemKind::Risk)),
        ItemKind::Verification => Some(("verifies", ItemKind::Control)),
        ItemKind::Asset | ItemKind::Plan => None,
    }
}

/// The kind whose items link to `kind` (one step down the chain).
pub fn linked_from(kind: ItemKind) -> Option<ItemKind> {
    match kind {
        ItemKind::Asset => Some(ItemKind::Threat),
        ItemKind::Threat => Some(ItemKind::Risk),
        ItemKind::Risk => Some(ItemKind::Control),
        ItemKind::Control => Some(ItemKind::Verification),
        ItemKind::Verification | ItemKind::Plan => None,
    }
}

/// The phases of a workspace without a plan.
pub const DEFAULT_PHASES: &[&str] = &[
    "concept",
    "design",
    "implementation",
    "verification",
    "release",
    "maintenance",
];
/// The acceptable score of a workspace without a plan.
pub const DEFAULT_ACCEPTABLE: i64 = 6;

/// A rule a phase gate can require. Each rule has one or two finding codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    AssetsCovered,
    ThreatsAssessed,
    RisksScored,
    RisksControlled,
    ControlsImplemented,
    ControlsVerified,
    VerificationsPassed,
    ResidualAcceptable,
    GuidanceDocumented,
    EvidencePresent,
}

impl Rule {
    pub const ALL: [Rule; 10] = [
        Rule::AssetsCovered,
        Rule::ThreatsAssessed,
        Rule::RisksScored,
        Rule::RisksControlled,
        Rule::ControlsImplemented,
        Rule::ControlsVerified,
        Rule::VerificationsPassed,
        Rule::ResidualAcceptable,
        Rule::GuidanceDocumented,
        Rule::EvidencePresent,
    ];

    pub const NAMES: [&'static str; 10] = [
        "assets-covered",
        "threats-assessed",
        "risks-scored",
        "risks-controlled",
        "controls-implemented",
        "controls-verified",
        "verifications-passed",
        "residual-acceptable",
        "guidance-documented",
        "evidence-present",
    ];

    pub fn name(self) -> &'static str {
        Rule::NAMES[self as usize]
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.name() == name)
    }

    /// What the rule asks, for hover and reports.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::AssetsCovered => "every asset is targeted by a threat",
            Rule::ThreatsAssessed => "every threat is assessed by a risk",
            Rule::RisksScored => "every risk has an exploitability and a severity",
            Rule::RisksControlled => {
                "every risk above the acceptable score is mitigated by a control"
            }
            Rule::ControlsImplemented => "every control is implemented",
            Rule::ControlsVerified => "every control is verified by a verification",
            Rule::VerificationsPassed => "every verification has passed",
            Rule::ResidualAcceptable => {
                "every mitigated risk has an acceptable residual score or an accepted rationale"
            }
            Rule::GuidanceDocumented => "every deployer control has guidance",
            Rule::EvidencePresent => "every passed verification has existing evidence",
        }
    }
}
