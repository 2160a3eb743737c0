//! The gate rules and the finding codes, with their stable kebab-case names.

use std::fmt;

macro_rules! rules {
    ($($variant:ident = $name:literal, $describe:literal;)*) => {
        /// A rule a phase gate can require. Each rule has one or two finding codes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant,)* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];
            pub const NAMES: &'static [&'static str] = &[$($name,)*];

            pub const fn name(self) -> &'static str {
                Rule::NAMES[self as usize]
            }

            /// What the rule asks, for hover and reports.
            pub fn describe(self) -> &'static str {
                match self { $(Rule::$variant => $describe,)* }
            }
        }
    };
}

rules! {
    AssetsCovered = "assets-covered", "every asset is targeted by a threat";
    ThreatsAssessed = "threats-assessed", "every threat is assessed by a risk";
    RisksScored = "risks-scored", "every risk has an exploitability and a severity";
    RisksControlled = "risks-controlled", "every risk above the acceptable score is mitigated by a control";
    ControlsImplemented = "controls-implemented", "every control is implemented";
    ControlsVerified = "controls-verified", "every control is verified by a verification";
    VerificationsPassed = "verifications-passed", "every verification has passed";
    ResidualAcceptable = "residual-acceptable", "every mitigated risk has an acceptable residual score or an accepted rationale";
    GuidanceDocumented = "guidance-documented", "every deployer control has guidance";
    EvidencePresent = "evidence-present", "every passed verification has existing evidence";
    CategoriesCovered = "categories-covered", "every one of FDA's eight security control categories is named by a control or declared not applicable";
    AcceptanceSigned = "acceptance-signed", "every accepted residual risk says who accepted it and when";
    GatesApproved = "gates-approved", "every passed gate that requires this rule is signed by an approval";
    ComponentsDeclared = "components-declared", "every component of the SBOMs is declared, and every declared component is listed with its version";
    ComponentsTraced = "components-traced", "every component is part of an asset";
    ComponentsSupported = "components-supported", "every component documents its support and end of support, and is still supported";
    VulnerabilitiesTriaged = "vulnerabilities-triaged", "every vulnerability an SBOM reports for a declared component is recorded by a vulnerability item";
    VulnerabilitiesAssessed = "vulnerabilities-assessed", "every affecting or uninvestigated vulnerability is assessed by a risk, and every unaffecting one says why";
    VulnerabilitiesTimely = "vulnerabilities-timely", "every vulnerability is triaged within the plan's `triage-days` and an affecting one controlled within its `patch-days`";
    TestsReported = "tests-reported", "every test a verification names has a result in the test reports";
    LinksCurrent = "links-current", "every stamped link's target is unchanged since the link was stamped";
}

impl Rule {
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.name() == name)
    }

    /// The finding codes of this rule.
    pub fn codes(self) -> impl Iterator<Item = Code> {
        Code::ALL
            .iter()
            .copied()
            .filter(move |code| code.rule() == Some(self))
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The default severity of a finding that no gate covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultLevel {
    Error,
    Warning,
    Off,
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $rule:expr, $summary:literal;)*) => {
        /// Every diagnostic code Ward emits. The kebab-case names are stable.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Its severity where no gate decides it.
            pub fn default_level(self) -> DefaultLevel {
                match self { $(Code::$variant => DefaultLevel::$level,)* }
            }

            /// The gate rule this finding belongs to; `None` for the findings no gate grades (the
            /// errors of the language, the waivers' own warnings).
            pub fn rule(self) -> Option<Rule> {
                match self { $(Code::$variant => $rule,)* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    SyntaxError = "syntax-error", Error, None, "The parser could not read the text.";
    DuplicateId = "duplicate-id", Error, None, "An ID is defined more than once.";
    UnresolvedReference = "unresolved-reference", Error, None, "A link names no item.";
    WrongKindReference = "wrong-kind-reference", Error, None, "A link names an item of the wrong kind.";
    MissingField = "missing-field", Error, None, "A required field is absent.";
    InvalidValue = "invalid-value", Error, None, "A value is outside its field's type or range.";
    UnknownField = "unknown-field", Error, None, "A field the kind does not have.";
    DuplicateField = "duplicate-field", Error, None, "A field, residual block or gate is given twice.";
    DuplicatePlan = "duplicate-plan", Error, None, "A second plan.";
    UnknownPhase = "unknown-phase", Error, None, "A phase name that the plan does not list.";
    UntargetedAsset = "untargeted-asset", Warning, Some(Rule::AssetsCovered), "An asset that no threat targets.";
    UnassessedThreat = "unassessed-threat", Warning, Some(Rule::ThreatsAssessed), "A threat that no risk assesses.";
    UnscoredRisk = "unscored-risk", Warning, Some(Rule::RisksScored), "A risk without exploitability or severity.";
    UnmitigatedRisk = "unmitigated-risk", Warning, Some(Rule::RisksControlled), "A risk above the acceptable score that no control mitigates.";
    UnimplementedControl = "unimplemented-control", Off, Some(Rule::ControlsImplemented), "A control whose status is not `implemented`.";
    UnverifiedControl = "unverified-control", Warning, Some(Rule::ControlsVerified), "A control that no verification verifies.";
    FailedVerification = "failed-verification", Warning, Some(Rule::VerificationsPassed), "A verification whose result is `fail`.";
    PendingVerification = "pending-verification", Off, Some(Rule::VerificationsPassed), "A verification whose result is `pending`.";
    UnacceptableResidual = "unacceptable-residual", Warning, Some(Rule::ResidualAcceptable), "A mitigated risk whose residual score is above the acceptable score, without an `accepted` rationale.";
    UndocumentedDeployerControl = "undocumented-deployer-control", Warning, Some(Rule::GuidanceDocumented), "A deployer control without `guidance`.";
    MissingEvidence = "missing-evidence", Off, Some(Rule::EvidencePresent), "A passed verification without evidence, or whose evidence file does not exist.";
    UncoveredCategory = "uncovered-category", Off, Some(Rule::CategoriesCovered), "A security control category that no control names and the plan does not declare `not-applicable`.";
    UnsignedAcceptance = "unsigned-acceptance", Off, Some(Rule::AcceptanceSigned), "A risk with `accepted` but without `accepted-by` or `accepted-on`.";
    UnapprovedGate = "unapproved-gate", Off, Some(Rule::GatesApproved), "A passed gate that requires `gates-approved` and that no approval signs.";
    UndeclaredComponent = "undeclared-component", Warning, Some(Rule::ComponentsDeclared), "A component of an SBOM that no `component` declares (only when an SBOM is given).";
    StaleComponent = "stale-component", Warning, Some(Rule::ComponentsDeclared), "A declared component that no SBOM lists, or that they list with another version (only when an SBOM is given).";
    UntracedComponent = "untraced-component", Warning, Some(Rule::ComponentsTraced), "A component with no `part-of`.";
    UndocumentedSupport = "undocumented-support", Off, Some(Rule::ComponentsSupported), "A component without `support` or without `support-ends`.";
    UnsupportedComponent = "unsupported-component", Warning, Some(Rule::ComponentsSupported), "A component whose `support-ends` is before today, or whose `support` is `unmaintained` or `abandoned`.";
    UntriagedVulnerability = "untriaged-vulnerability", Warning, Some(Rule::VulnerabilitiesTriaged), "A vulnerability an SBOM reports for a declared component that no `vulnerability` item records (by ID or alias).";
    UnassessedVulnerability = "unassessed-vulnerability", Warning, Some(Rule::VulnerabilitiesAssessed), "A vulnerability `affected` or `under-investigation` that no risk assesses.";
    UnjustifiedVulnerability = "unjustified-vulnerability", Warning, Some(Rule::VulnerabilitiesAssessed), "A vulnerability `not-affected` without a `justification`.";
    OverdueVulnerability = "overdue-vulnerability", Warning, Some(Rule::VulnerabilitiesTimely), "A vulnerability under investigation for longer than the plan's `triage-days`, or affecting the product with an unacceptable residual for longer than its `patch-days`, since `learned`.";
    MissingTestResult = "missing-test-result", Warning, Some(Rule::TestsReported), "A test a verification names that no test report contains (only when a report is given).";
    SuspectLink = "suspect-link", Warning, Some(Rule::LinksCurrent), "A stamped link whose target has changed since the link was stamped.";
    ContradictedResult = "contradicted-result", Error, None, "A verification's written `result` that its test reports contradict.";
    AmbiguousTest = "ambiguous-test", Error, None, "A test name that several test cases of the reports match.";
    InvalidTestReport = "invalid-test-report", Error, None, "A test report that is not well-formed JUnit XML.";
    InvalidSbom = "invalid-sbom", Error, None, "An SBOM that cannot be read as CycloneDX JSON 1.4 to 1.6 or SPDX 2.3 JSON.";
    ExpiredWaiver = "expired-waiver", Warning, None, "A waiver whose `expires` is before today: it waives nothing.";
    UnusedWaiver = "unused-waiver", Warning, None, "A code or item of a waiver that matches no finding.";
}

impl Code {
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str() == name)
    }

    /// Whether a waiver may waive findings of this code: those of rules, which gates grade.
    /// Errors of the language and the waivers' own findings are never waived.
    pub fn is_waivable(self) -> bool {
        self.rule().is_some()
    }

    /// The names of the codes a waiver may waive, in table order.
    pub fn waivable_names() -> &'static [&'static str] {
        static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            Code::ALL
                .iter()
                .filter(|code| code.is_waivable())
                .map(|code| code.as_str())
                .collect()
        })
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
