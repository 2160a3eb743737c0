//! The kinds table: one row per kind of item, each with its fields, and the blocks and
//! coverage rules of the chain.

use std::fmt;

use crate::codes::Code;
use crate::fields::{FieldSpec, FieldType, LinkSpec};
use crate::values::{
    AssetKind, Category, ControlKind, ItemClass, Justification, Keyword, Meaning, Method, Property,
    Response, Responsibility, Status, Stride, Support, TestResult, Vector, VexStatus,
};

/// How an editor draws a kind in its outline and symbol lists. The names are LSP's symbol
/// kinds; the language server maps them one to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolClass {
    Object,
    Event,
    Key,
    Interface,
    Method,
    Property,
    Constant,
    Module,
    Package,
    Struct,
}

/// One row of the kinds table.
#[derive(Debug)]
pub struct KindSpec {
    /// The keyword that starts an item of this kind.
    pub keyword: &'static str,
    pub plural: &'static str,
    /// "a" or "an".
    pub article: &'static str,
    /// Whether the item has an ID after its keyword (the plan has none).
    pub has_id: bool,
    /// Whether a report lists items of this kind (the plan is the report's header).
    pub reported: bool,
    pub symbol: SymbolClass,
    pub doc: &'static str,
    pub fields: &'static [FieldSpec],
    /// The blocks its body may hold.
    pub blocks: &'static [&'static BlockSpec],
}

impl KindSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|spec| spec.name == name)
    }
}

macro_rules! kinds {
    ($($variant:ident => $spec:expr,)*) => {
        /// The kinds of item, including the plan, in the order of the table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ItemKind { $($variant,)* }

        impl ItemKind {
            pub const ALL: [ItemKind; [$(stringify!($variant)),*].len()] =
                [$(ItemKind::$variant,)*];
        }

        static KINDS: [KindSpec; ItemKind::ALL.len()] = [$($spec,)*];
    };
}

kinds! {
    Asset => KindSpec {
        keyword: "asset",
        plural: "assets",
        article: "an",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Object,
        doc: "Something of value that threats are against: data, a function, a component, an interface.",
        fields: asset::FIELDS,
        blocks: &[],
    },
    Threat => KindSpec {
        keyword: "threat",
        plural: "threats",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Event,
        doc: "What an attacker could do to assets.",
        fields: threat::FIELDS,
        blocks: &[],
    },
    Risk => KindSpec {
        keyword: "risk",
        plural: "risks",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Key,
        doc: "The assessment of threats: how exploitable, how severe, and what remains after the controls.",
        fields: risk::FIELDS,
        blocks: &[&residual::BLOCK],
    },
    Control => KindSpec {
        keyword: "control",
        plural: "controls",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Interface,
        doc: "A measure that mitigates risks.",
        fields: control::FIELDS,
        blocks: &[],
    },
    Verification => KindSpec {
        keyword: "verification",
        plural: "verifications",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Method,
        doc: "A test, analysis or review that proves controls work.",
        fields: verification::FIELDS,
        blocks: &[],
    },
    Component => KindSpec {
        keyword: "component",
        plural: "components",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Package,
        doc: "A software item of the product (an SBOM entry, SOUP): its version, package URL, supplier, the assets it is part of, and its support.",
        fields: component::FIELDS,
        blocks: &[],
    },
    Vulnerability => KindSpec {
        keyword: "vulnerability",
        plural: "vulnerabilities",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Struct,
        doc: "A known vulnerability of components and its triage (a VEX statement): its status, justification or response, and when it was learned of.",
        fields: vulnerability::FIELDS,
        blocks: &[],
    },
    Waiver => KindSpec {
        keyword: "waiver",
        plural: "waivers",
        article: "a",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Property,
        doc: "An accepted finding: the codes and items it waives, why, who approved it and until when.",
        fields: waiver::FIELDS,
        blocks: &[],
    },
    Approval => KindSpec {
        keyword: "approval",
        plural: "approvals",
        article: "an",
        has_id: true,
        reported: true,
        symbol: SymbolClass::Constant,
        doc: "A signed gate review: who signed which phase's gate, in which role, meaning what, and when (21 CFR 11.50).",
        fields: approval::FIELDS,
        blocks: &[],
    },
    Plan => KindSpec {
        keyword: "plan",
        plural: "plans",
        article: "a",
        has_id: false,
        reported: false,
        symbol: SymbolClass::Module,
        doc: "The project's phases, its acceptable score and its phase gates.",
        fields: plan::FIELDS,
        blocks: &[&gate::BLOCK, &matrix::BLOCK],
    },
}

impl ItemKind {
    /// This kind's row of the table.
    pub fn spec(self) -> &'static KindSpec {
        &KINDS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.spec().keyword
    }

    pub fn from_keyword(keyword: &str) -> Option<ItemKind> {
        ItemKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == keyword)
    }

    /// The kinds whose items have an ID, which a link may name: every kind but the plan.
    /// (A const list for the table's `LinkSpec`s; a test holds it to `has_id`.)
    pub const WITH_ID: &'static [ItemKind] = &[
        ItemKind::Asset,
        ItemKind::Threat,
        ItemKind::Risk,
        ItemKind::Control,
        ItemKind::Verification,
        ItemKind::Component,
        ItemKind::Vulnerability,
        ItemKind::Waiver,
        ItemKind::Approval,
    ];

    pub fn fields(self) -> &'static [FieldSpec] {
        self.spec().fields
    }

    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.spec().field(name)
    }

    /// The kind with its indefinite article: "an asset", "a threat".
    pub fn with_article(self) -> String {
        format!("{} {}", self.spec().article, self.spec().keyword)
    }

    /// The plural as a heading: "Assets".
    pub fn heading(self) -> String {
        let plural = self.spec().plural;
        let mut chars = plural.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    /// The kinds a report lists, in table order.
    pub fn reported() -> impl Iterator<Item = ItemKind> {
        ItemKind::ALL
            .into_iter()
            .filter(|kind| kind.spec().reported)
    }

    /// This kind's link fields.
    pub fn link_fields(self) -> impl Iterator<Item = LinkField> {
        self.fields()
            .iter()
            .enumerate()
            .filter(|(_, spec)| spec.ty.link().is_some())
            .map(move |(at, _)| LinkField {
                kind: self,
                field: at as u8,
            })
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One link field of one kind, as a small key the index can store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkField {
    /// The kind that has the field (the linking side).
    pub kind: ItemKind,
    /// Its index in the kind's fields.
    pub field: u8,
}

impl LinkField {
    pub fn spec(self) -> &'static FieldSpec {
        &self.kind.fields()[self.field as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn link(self) -> &'static LinkSpec {
        self.spec()
            .ty
            .link()
            .expect("a LinkField is made for link fields only")
    }

    /// The link field `name` of `kind`, whose fields are `fields`: for constants, found
    /// when compiling (and a compile error when there is none).
    pub const fn named(kind: ItemKind, fields: &[FieldSpec], name: &str) -> LinkField {
        let mut at = 0;
        while at < fields.len() {
            if str_eq(fields[at].name, name) && matches!(fields[at].ty, FieldType::Link(_)) {
                return LinkField {
                    kind,
                    field: at as u8,
                };
            }
            at += 1;
        }
        panic!("no link field of that name");
    }

    /// Every link field of every kind, in table order.
    pub fn all() -> impl Iterator<Item = LinkField> {
        ItemKind::ALL.into_iter().flat_map(ItemKind::link_fields)
    }

    /// The link fields that may name an item of `target`.
    pub fn into_kind(target: ItemKind) -> impl Iterator<Item = LinkField> {
        LinkField::all().filter(move |link| link.link().accepts(target))
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}

/// A block an item's body may hold: `residual { }` in a risk, `gate <phase> { }` in the plan.
#[derive(Debug)]
pub struct BlockSpec {
    pub keyword: &'static str,
    /// Whether a name follows the keyword (a gate's phase).
    pub named: bool,
    /// What a hover on the keyword says (the first line is the block's shape).
    pub doc: &'static str,
    pub fields: &'static [FieldSpec],
}

impl BlockSpec {
    pub const ALL: [&'static BlockSpec; 3] = [&residual::BLOCK, &gate::BLOCK, &matrix::BLOCK];

    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|spec| spec.name == name)
    }
}

/// "Every item of `target` is linked from an item through `via`": a finding `code` at each
/// item that is not, saying it `is not {phrase}`.
#[derive(Debug)]
pub struct Coverage {
    pub target: ItemKind,
    pub via: LinkField,
    pub code: Code,
    /// "targeted by any threat".
    pub phrase: &'static str,
}

impl Coverage {
    /// The coverage rules about items of `kind`.
    pub fn of(kind: ItemKind) -> impl Iterator<Item = &'static Coverage> {
        COVERAGE.iter().filter(move |rule| rule.target == kind)
    }
}

/// The chain's coverage rules. Risks are not here: whether a risk needs a control depends
/// on its score (`risks-controlled`), which the checks decide.
pub static COVERAGE: &[Coverage] = &[
    Coverage {
        target: ItemKind::Asset,
        via: threat::TARGETS_LINK,
        code: Code::UntargetedAsset,
        phrase: "targeted by any threat",
    },
    Coverage {
        target: ItemKind::Threat,
        via: risk::THREAT_LINK,
        code: Code::UnassessedThreat,
        phrase: "assessed by any risk",
    },
    Coverage {
        target: ItemKind::Control,
        via: verification::VERIFIES_LINK,
        code: Code::UnverifiedControl,
        phrase: "verified by any verification",
    },
];

/// The range of exploitability and severity.
pub const SCORE: (i64, i64) = (1, 5);

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

/// Fields every kind has.
pub mod shared {
    use super::*;

    pub const DESCRIPTION: FieldSpec = FieldSpec::new(
        "description",
        FieldType::Text,
        "What the item is, in prose.",
    );
    pub const TAGS: FieldSpec = FieldSpec::new(
        "tags",
        FieldType::Tags,
        "Free keywords for grouping and filtering.",
    );
}

pub mod asset {
    use super::*;

    pub const KIND: FieldSpec = FieldSpec::new(
        "kind",
        FieldType::Keyword(AssetKind::WORDS),
        "What sort of asset this is.",
    );
    pub const PROPERTIES: FieldSpec = FieldSpec::new(
        "properties",
        FieldType::Keywords(Property::WORDS),
        "The security properties the asset needs.",
    );
    pub const FIELDS: &[FieldSpec] = &[shared::DESCRIPTION, shared::TAGS, KIND, PROPERTIES];
}

pub mod threat {
    use super::*;

    pub const TARGETS: FieldSpec = FieldSpec::new(
        "targets",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Asset, ItemKind::Component],
            up: "Targets",
            down: "Targeted by",
        }),
        "The assets and components this threat is against.",
    )
    .required();
    pub const STRIDE: FieldSpec = FieldSpec::new(
        "stride",
        FieldType::Keywords(Stride::WORDS),
        "The STRIDE categories of the threat.",
    );
    pub const VECTOR: FieldSpec = FieldSpec::new(
        "vector",
        FieldType::Keyword(Vector::WORDS),
        "From where an attacker reaches the asset.",
    );
    pub const FIELDS: &[FieldSpec] = &[shared::DESCRIPTION, shared::TAGS, TARGETS, STRIDE, VECTOR];
    pub const TARGETS_LINK: LinkField = LinkField::named(ItemKind::Threat, FIELDS, TARGETS.name);
}

pub mod risk {
    use super::*;

    pub const THREAT: FieldSpec = FieldSpec::new(
        "threat",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Threat],
            up: "Threat",
            down: "Assessed by",
        }),
        "The threats this risk assesses (a risk needs `threat` or `vulnerability`).",
    );
    pub const VULNERABILITY: FieldSpec = FieldSpec::new(
        "vulnerability",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Vulnerability],
            up: "Vulnerability",
            down: "Assessed by",
        }),
        "The vulnerabilities this risk assesses (a risk needs `threat` or `vulnerability`).",
    );
    pub const EXPLOITABILITY: FieldSpec = FieldSpec::new(
        "exploitability",
        FieldType::Int(SCORE.0, SCORE.1),
        "How easily the threat is exploited, 1 (hard) to 5 (easy).",
    );
    pub const SEVERITY: FieldSpec = FieldSpec::new(
        "severity",
        FieldType::Int(SCORE.0, SCORE.1),
        "How severe the harm is, 1 (negligible) to 5 (catastrophic).",
    );
    pub const HARM: FieldSpec =
        FieldSpec::new("harm", FieldType::Str, "The harm to the patient or user.");
    pub const HAZARD: FieldSpec = FieldSpec::new(
        "hazard",
        FieldType::Str,
        "The hazard of the safety risk file this risk leads to.",
    );
    pub const ACCEPTED: FieldSpec = FieldSpec::new(
        "accepted",
        FieldType::Text,
        "Why a residual risk above the acceptable score is accepted.",
    );
    pub const ACCEPTED_BY: FieldSpec = FieldSpec::new(
        "accepted-by",
        FieldType::Str,
        "Who accepted the residual risk: name and role.",
    );
    pub const ACCEPTED_ON: FieldSpec = FieldSpec::new(
        "accepted-on",
        FieldType::Date,
        "When the residual risk was accepted; not after today.",
    );
    /// Only in the tests that show every link field of a kind is followed.
    #[cfg(feature = "test-extra-link")]
    pub const ASSETS: FieldSpec = FieldSpec::new(
        "assets",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Asset],
            up: "Assets",
            down: "At risk in",
        }),
        "The assets at risk (a test-only field).",
    );
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        THREAT,
        VULNERABILITY,
        EXPLOITABILITY,
        SEVERITY,
        HARM,
        HAZARD,
        ACCEPTED,
        ACCEPTED_BY,
        ACCEPTED_ON,
        #[cfg(feature = "test-extra-link")]
        ASSETS,
    ];
    pub const THREAT_LINK: LinkField = LinkField::named(ItemKind::Risk, FIELDS, THREAT.name);
    pub const VULNERABILITY_LINK: LinkField =
        LinkField::named(ItemKind::Risk, FIELDS, VULNERABILITY.name);
}

/// The `residual { }` block of a risk.
pub mod residual {
    use super::*;

    pub const EXPLOITABILITY: FieldSpec = FieldSpec::new(
        "exploitability",
        FieldType::Int(SCORE.0, SCORE.1),
        "Exploitability after the controls; the risk's own when absent.",
    );
    pub const SEVERITY: FieldSpec = FieldSpec::new(
        "severity",
        FieldType::Int(SCORE.0, SCORE.1),
        "Severity after the controls; the risk's own when absent.",
    );
    pub const FIELDS: &[FieldSpec] = &[EXPLOITABILITY, SEVERITY];
    pub const BLOCK: BlockSpec = BlockSpec {
        keyword: "residual",
        named: false,
        doc: "**`residual { exploitability, severity }`**\n\nThe risk's score after its \
              controls; a missing field takes the risk's own value.",
        fields: FIELDS,
    };
}

pub mod control {
    use super::*;

    pub const MITIGATES: FieldSpec = FieldSpec::new(
        "mitigates",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Risk],
            up: "Mitigates",
            down: "Mitigated by",
        }),
        "The risks this control mitigates.",
    )
    .required();
    pub const KIND: FieldSpec = FieldSpec::new(
        "kind",
        FieldType::Keyword(ControlKind::WORDS),
        "What sort of control this is.",
    );
    pub const RESPONSIBILITY: FieldSpec = FieldSpec::new(
        "responsibility",
        FieldType::Keyword(Responsibility::WORDS),
        "Who puts the control in place: `manufacturer` (default) or `deployer`.",
    )
    .default(Responsibility::Manufacturer.as_str());
    pub const STATUS: FieldSpec = FieldSpec::new(
        "status",
        FieldType::Keyword(Status::WORDS),
        "`proposed` (default) or `implemented`.",
    )
    .default(Status::Proposed.as_str());
    pub const GUIDANCE: FieldSpec =
        FieldSpec::new("guidance", FieldType::Text, "What the deployer must do.");
    pub const REFS: FieldSpec =
        FieldSpec::new("refs", FieldType::Strs, "Design documents or code paths.");
    pub const CATEGORY: FieldSpec = FieldSpec::new(
        "category",
        FieldType::Keywords(Category::WORDS),
        "FDA's security control categories the control belongs to.",
    );
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        MITIGATES,
        KIND,
        RESPONSIBILITY,
        STATUS,
        GUIDANCE,
        REFS,
        CATEGORY,
    ];
    pub const MITIGATES_LINK: LinkField =
        LinkField::named(ItemKind::Control, FIELDS, MITIGATES.name);
}

pub mod verification {
    use super::*;

    pub const VERIFIES: FieldSpec = FieldSpec::new(
        "verifies",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Control],
            up: "Verifies",
            down: "Verified by",
        }),
        "The controls this verification proves.",
    )
    .required();
    pub const METHOD: FieldSpec = FieldSpec::new(
        "method",
        FieldType::Keyword(Method::WORDS),
        "How the control is verified.",
    );
    pub const RESULT: FieldSpec = FieldSpec::new(
        "result",
        FieldType::Keyword(TestResult::WORDS),
        "`pending` (default), `pass` or `fail`.",
    )
    .default(TestResult::Pending.as_str());
    pub const EVIDENCE: FieldSpec = FieldSpec::new(
        "evidence",
        FieldType::Path,
        "A path, relative to this file, to the evidence: a file inside the workspace.",
    );
    pub const TEST: FieldSpec = FieldSpec::new(
        "test",
        FieldType::Strs,
        "The test cases behind the verification, by name as the JUnit reports give them: a case's `name`, or its `classname` and `name` joined by `.`, `::` or `/`.",
    );
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        VERIFIES,
        METHOD,
        RESULT,
        EVIDENCE,
        TEST,
    ];
    pub const VERIFIES_LINK: LinkField =
        LinkField::named(ItemKind::Verification, FIELDS, VERIFIES.name);
}

pub mod plan {
    use super::*;

    pub const PHASES: FieldSpec = FieldSpec::new(
        "phases",
        FieldType::Names,
        "The phases of the project, in order.",
    );
    pub const PHASE: FieldSpec =
        FieldSpec::new("phase", FieldType::Name, "The phase the project is in now.");
    pub const ACCEPTABLE: FieldSpec = FieldSpec::new(
        "acceptable",
        FieldType::Int(1, SCORE.1 * SCORE.1),
        "The highest risk score accepted without mitigation.",
    );
    pub const NOT_APPLICABLE: FieldSpec = FieldSpec::new(
        "not-applicable",
        FieldType::Keywords(Category::WORDS),
        "The security control categories that do not apply to the product.",
    );
    pub const TEST_RESULTS: FieldSpec = FieldSpec::new(
        "test-results",
        FieldType::Strs,
        "JUnit XML reports whose results the verifications' tests take: globs, relative to the plan's folder.",
    );
    pub const SBOM: FieldSpec = FieldSpec::new(
        "sbom",
        FieldType::Strs,
        "SBOMs (CycloneDX JSON 1.4 to 1.6, SPDX 2.3 JSON) the components are checked against: globs, relative to the plan's folder.",
    );
    pub const TRIAGE_DAYS: FieldSpec = FieldSpec::new(
        "triage-days",
        FieldType::Int(0, MAX_DAYS),
        "How many days after `learned` a vulnerability may stay `under-investigation`.",
    )
    .default("30");
    pub const PATCH_DAYS: FieldSpec = FieldSpec::new(
        "patch-days",
        FieldType::Int(0, MAX_DAYS),
        "How many days after `learned` an `affected` vulnerability may keep an unacceptable residual risk.",
    )
    .default("60");
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        PHASES,
        PHASE,
        ACCEPTABLE,
        NOT_APPLICABLE,
        TEST_RESULTS,
        SBOM,
        TRIAGE_DAYS,
        PATCH_DAYS,
    ];
    /// The longest period the plan may give, in days (ten years). The defaults of
    /// `triage-days` and `patch-days` are FDA's postmarket 30 and 60 days for uncontrolled
    /// risks.
    pub const MAX_DAYS: i64 = 3650;
}

pub mod component {
    use super::*;

    pub const VERSION: FieldSpec = FieldSpec::new(
        "version",
        FieldType::Str,
        "The version of the component in the product.",
    );
    pub const PURL: FieldSpec = FieldSpec::new(
        "purl",
        FieldType::Purl,
        "The component's package URL, as the SBOM lists it.",
    );
    pub const BOM_REF: FieldSpec = FieldSpec::new(
        "bom-ref",
        FieldType::Str,
        "The component's `bom-ref` (CycloneDX) or `SPDXID` (SPDX), for matching when there is no purl.",
    );
    pub const SUPPLIER: FieldSpec =
        FieldSpec::new("supplier", FieldType::Str, "Who supplies the component.");
    pub const LICENSE: FieldSpec = FieldSpec::new(
        "license",
        FieldType::License,
        "The component's license, as an SPDX license expression.",
    );
    pub const PART_OF: FieldSpec = FieldSpec::new(
        "part-of",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Asset],
            up: "Part of",
            down: "Contains",
        }),
        "The assets that contain this component.",
    );
    pub const ITEM_CLASS: FieldSpec = FieldSpec::new(
        "item-class",
        FieldType::Keyword(ItemClass::WORDS),
        "The software item's class (IEC 81001-5-1, 4.3): `maintained`, `supported` or `required`.",
    );
    pub const SUPPORT: FieldSpec = FieldSpec::new(
        "support",
        FieldType::Keyword(Support::WORDS),
        "The component's level of support.",
    );
    pub const SUPPORT_ENDS: FieldSpec = FieldSpec::new(
        "support-ends",
        FieldType::Date,
        "The component's end-of-support date.",
    );
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        VERSION,
        PURL,
        BOM_REF,
        SUPPLIER,
        LICENSE,
        PART_OF,
        ITEM_CLASS,
        SUPPORT,
        SUPPORT_ENDS,
    ];
    pub const PART_OF_LINK: LinkField = LinkField::named(ItemKind::Component, FIELDS, PART_OF.name);
}

pub mod vulnerability {
    use super::*;

    pub const AFFECTS: FieldSpec = FieldSpec::new(
        "affects",
        FieldType::Link(&LinkSpec {
            targets: &[ItemKind::Component],
            up: "Affects",
            down: "Affected by",
        }),
        "The components this vulnerability is known in.",
    )
    .required();
    pub const STATUS: FieldSpec = FieldSpec::new(
        "status",
        FieldType::Keyword(VexStatus::WORDS),
        "The VEX status: `under-investigation` (default), `affected`, `not-affected` or `fixed`.",
    )
    .default(VexStatus::UnderInvestigation.as_str());
    pub const JUSTIFICATION: FieldSpec = FieldSpec::new(
        "justification",
        FieldType::Keyword(Justification::WORDS),
        "Why the product is `not-affected`.",
    );
    pub const IMPACT: FieldSpec =
        FieldSpec::new("impact", FieldType::Text, "The impact statement.");
    pub const RESPONSE: FieldSpec = FieldSpec::new(
        "response",
        FieldType::Keywords(Response::WORDS),
        "What is done about a vulnerability that is `affected`.",
    );
    pub const ACTION: FieldSpec =
        FieldSpec::new("action", FieldType::Text, "The action statement.");
    pub const FIXED_IN: FieldSpec = FieldSpec::new(
        "fixed-in",
        FieldType::Str,
        "The product version that fixes the vulnerability.",
    );
    pub const CVSS: FieldSpec = FieldSpec::new(
        "cvss",
        FieldType::Cvss,
        "The CVSS 3.0, 3.1 or 4.0 vector of the vulnerability.",
    );
    pub const ALIASES: FieldSpec = FieldSpec::new(
        "aliases",
        FieldType::Strs,
        "Other identifiers of the vulnerability (GHSA-…, vendor IDs).",
    );
    pub const LEARNED: FieldSpec = FieldSpec::new(
        "learned",
        FieldType::Date,
        "When the manufacturer learned of the vulnerability.",
    );
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        AFFECTS,
        STATUS,
        JUSTIFICATION,
        IMPACT,
        RESPONSE,
        ACTION,
        FIXED_IN,
        CVSS,
        ALIASES,
        LEARNED,
    ];
    pub const AFFECTS_LINK: LinkField =
        LinkField::named(ItemKind::Vulnerability, FIELDS, AFFECTS.name);
}

pub mod waiver {
    use super::*;

    pub const WAIVES: FieldSpec = FieldSpec::new(
        "waives",
        FieldType::Codes,
        "The codes of the findings this waiver waives (findings of rules only).",
    )
    .required();
    pub const ITEMS: FieldSpec = FieldSpec::new(
        "items",
        FieldType::Link(&LinkSpec {
            targets: ItemKind::WITH_ID,
            up: "Waives findings of",
            down: "Waived by",
        }),
        "The items whose findings this waiver waives.",
    )
    .required();
    pub const RATIONALE: FieldSpec = FieldSpec::new(
        "rationale",
        FieldType::Text,
        "Why the findings are accepted.",
    )
    .required();
    pub const APPROVED_BY: FieldSpec = FieldSpec::new(
        "approved-by",
        FieldType::Str,
        "Who approved the waiver: name and role.",
    )
    .required();
    pub const APPROVED: FieldSpec =
        FieldSpec::new("approved", FieldType::Date, "When the waiver was approved.").required();
    pub const EXPIRES: FieldSpec = FieldSpec::new(
        "expires",
        FieldType::Date,
        "The last day the waiver holds; after it, it waives nothing.",
    );
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        WAIVES,
        ITEMS,
        RATIONALE,
        APPROVED_BY,
        APPROVED,
        EXPIRES,
    ];
    pub const ITEMS_LINK: LinkField = LinkField::named(ItemKind::Waiver, FIELDS, ITEMS.name);
}

pub mod approval {
    use super::*;

    pub const GATE: FieldSpec = FieldSpec::new(
        "gate",
        FieldType::Name,
        "The phase whose gate review this approval signs.",
    )
    .required();
    pub const BY: FieldSpec =
        FieldSpec::new("by", FieldType::Str, "The printed name of the signer.").required();
    pub const ROLE: FieldSpec = FieldSpec::new("role", FieldType::Str, "The signer's role.");
    pub const MEANING: FieldSpec = FieldSpec::new(
        "meaning",
        FieldType::Keyword(Meaning::WORDS),
        "What the signature means: `reviewed`, `approved`, `responsible` or `authored`.",
    );
    pub const DATE: FieldSpec = FieldSpec::new(
        "date",
        FieldType::Date,
        "When it was signed; not after today.",
    )
    .required();
    pub const COMMIT: FieldSpec =
        FieldSpec::new("commit", FieldType::Str, "The revision that was reviewed.");
    pub const FIELDS: &[FieldSpec] = &[
        shared::DESCRIPTION,
        shared::TAGS,
        GATE,
        BY,
        ROLE,
        MEANING,
        DATE,
        COMMIT,
    ];
}

/// The `gate <phase> { }` blocks of the plan.
pub mod gate {
    use super::*;

    pub const REQUIRES: FieldSpec = FieldSpec::new(
        "requires",
        FieldType::Rules,
        "The rules this gate's review requires.",
    );
    pub const FIELDS: &[FieldSpec] = &[REQUIRES];
    pub const BLOCK: BlockSpec = BlockSpec {
        keyword: "gate",
        named: true,
        doc: "**`gate <phase> { requires: <rules> }`**\n\nThe review that ends a phase: \
              the rules that must hold once it is passed.",
        fields: FIELDS,
    };
}

/// The `matrix { }` block of the plan: for each severity level, the highest exploitability
/// still acceptable (FDA's postmarket guidance: a region of exploitability × severity).
pub mod matrix {
    use super::*;

    /// Exploitability 0 (nothing is acceptable) to 5.
    const LIMIT: FieldType = FieldType::Int(0, SCORE.1);

    pub const NEGLIGIBLE: FieldSpec = FieldSpec::new(
        "negligible",
        LIMIT,
        "The highest exploitability acceptable at severity 1 (negligible).",
    );
    pub const MINOR: FieldSpec = FieldSpec::new(
        "minor",
        LIMIT,
        "The highest exploitability acceptable at severity 2 (minor).",
    );
    pub const SERIOUS: FieldSpec = FieldSpec::new(
        "serious",
        LIMIT,
        "The highest exploitability acceptable at severity 3 (serious).",
    );
    pub const CRITICAL: FieldSpec = FieldSpec::new(
        "critical",
        LIMIT,
        "The highest exploitability acceptable at severity 4 (critical).",
    );
    pub const CATASTROPHIC: FieldSpec = FieldSpec::new(
        "catastrophic",
        LIMIT,
        "The highest exploitability acceptable at severity 5 (catastrophic).",
    );
    /// The levels, severity 1 to 5 in order.
    pub const FIELDS: &[FieldSpec] = &[NEGLIGIBLE, MINOR, SERIOUS, CRITICAL, CATASTROPHIC];
    pub const BLOCK: BlockSpec = BlockSpec {
        keyword: "matrix",
        named: false,
        doc: "**`matrix { negligible, minor, serious, critical, catastrophic }`**\n\nThe \
              acceptable region, in place of `acceptable`: for each severity level, the \
              highest exploitability still acceptable (0: none). Every level is given, and \
              a higher severity never accepts a higher exploitability.",
        fields: FIELDS,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checks take a value's link field from its item's own fields: a block may hold
    /// none, and every coverage rule names a link field into its target kind.
    #[test]
    fn links_are_item_fields_and_coverage_follows_them() {
        for block in BlockSpec::ALL {
            assert!(
                block.fields.iter().all(|spec| spec.ty.link().is_none()),
                "`{}` holds a link field",
                block.keyword
            );
        }
        assert_eq!(matrix::FIELDS.len() as i64, SCORE.1 - SCORE.0 + 1);
        for rule in COVERAGE {
            assert!(rule.via.link().accepts(rule.target), "{rule:?}");
        }
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::from_keyword(kind.as_str()), Some(kind));
            assert_eq!(
                ItemKind::WITH_ID.contains(&kind),
                kind.spec().has_id,
                "{kind}"
            );
        }
    }
}
