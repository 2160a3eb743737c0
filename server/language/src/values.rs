//! The keyword values of the language, each set a Rust enum: the checks and the typed model
//! match on variants, and the words are written here once.

/// A set of keyword values a field may take.
pub trait Keyword: Copy + Eq + 'static {
    /// What the set is called in the editors' grammars (`constant.language.<NAME>.ward`).
    const NAME: &'static str;
    /// Every word of the set, in the order the documentation lists them.
    const WORDS: &'static [&'static str];
    /// The variant a word names.
    fn from_word(word: &str) -> Option<Self>;
    fn as_str(self) -> &'static str;
}

macro_rules! keywords {
    ($($(#[$doc:meta])* $name:ident ($scope:literal) { $($variant:ident = $word:literal,)* })*) => {
        $(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                <Self as Keyword>::WORDS[self as usize]
            }
        }

        impl Keyword for $name {
            const NAME: &'static str = $scope;
            const WORDS: &'static [&'static str] = &[$($word,)*];

            fn from_word(word: &str) -> Option<Self> {
                Self::WORDS
                    .iter()
                    .position(|known| *known == word)
                    .map(|at| Self::ALL[at])
            }

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        )*

        /// Every set of keyword values, with its name, for the generated editor grammars.
        pub const KEYWORD_SETS: &[(&str, &[&str])] = &[$(($scope, <$name as Keyword>::WORDS),)*];
    };
}

keywords! {
    /// What sort of asset an asset is.
    AssetKind ("asset-kind") {
        Data = "data",
        Function = "function",
        Component = "component",
        Interface = "interface",
    }
    /// The security properties an asset needs.
    Property ("property") {
        Confidentiality = "confidentiality",
        Integrity = "integrity",
        Availability = "availability",
        Authenticity = "authenticity",
    }
    /// The STRIDE categories of a threat.
    Stride ("stride") {
        Spoofing = "spoofing",
        Tampering = "tampering",
        Repudiation = "repudiation",
        InformationDisclosure = "information-disclosure",
        DenialOfService = "denial-of-service",
        ElevationOfPrivilege = "elevation-of-privilege",
    }
    /// From where an attacker reaches an asset.
    Vector ("vector") {
        Network = "network",
        Adjacent = "adjacent",
        Local = "local",
        Physical = "physical",
    }
    /// What sort of control a control is.
    ControlKind ("control-kind") {
        Technical = "technical",
        Procedural = "procedural",
        Information = "information",
    }
    /// Who puts a control in place.
    Responsibility ("responsibility") {
        Manufacturer = "manufacturer",
        Deployer = "deployer",
    }
    /// Whether a control is in place.
    Status ("status") {
        Proposed = "proposed",
        Implemented = "implemented",
    }
    /// How a control is verified.
    Method ("method") {
        Test = "test",
        Analysis = "analysis",
        Inspection = "inspection",
        Review = "review",
        Pentest = "pentest",
        Fuzz = "fuzz",
        Sast = "sast",
        Dast = "dast",
        Sca = "sca",
    }
    /// FDA's eight security control categories (premarket cybersecurity guidance, 2025,
    /// V.B.1 and Appendix 1).
    Category ("category") {
        Authentication = "authentication",
        Authorization = "authorization",
        Cryptography = "cryptography",
        Integrity = "integrity",
        Confidentiality = "confidentiality",
        Logging = "logging",
        Resiliency = "resiliency",
        Updatability = "updatability",
    }
    /// What a signature on a gate review means (21 CFR 11.50(a)(3)).
    Meaning ("meaning") {
        Reviewed = "reviewed",
        Approved = "approved",
        Responsible = "responsible",
        Authored = "authored",
    }
    /// A software item's class (IEC 81001-5-1, 4.3).
    ItemClass ("item-class") {
        Maintained = "maintained",
        Supported = "supported",
        Required = "required",
    }
    /// A component's level of support (FDA premarket guidance, 2025, V.A.4).
    Support ("support") {
        Active = "active",
        SecurityOnly = "security-only",
        Unmaintained = "unmaintained",
        Abandoned = "abandoned",
    }
    /// A vulnerability's VEX status (OpenVEX and CSAF words).
    VexStatus ("vex-status") {
        UnderInvestigation = "under-investigation",
        Affected = "affected",
        NotAffected = "not-affected",
        Fixed = "fixed",
    }
    /// Why a product is not affected by a vulnerability (VEX justifications).
    Justification ("justification") {
        ComponentNotPresent = "component-not-present",
        VulnerableCodeNotPresent = "vulnerable-code-not-present",
        VulnerableCodeNotInExecutePath = "vulnerable-code-not-in-execute-path",
        VulnerableCodeCannotBeControlledByAdversary = "vulnerable-code-cannot-be-controlled-by-adversary",
        InlineMitigationsAlreadyExist = "inline-mitigations-already-exist",
    }
    /// What the manufacturer does about a vulnerability that affects the product (the
    /// CycloneDX analysis responses).
    Response ("response") {
        Update = "update",
        Workaround = "workaround",
        Rollback = "rollback",
        WillNotFix = "will-not-fix",
        CanNotFix = "can-not-fix",
    }
    /// The result of a verification.
    TestResult ("result") {
        Pending = "pending",
        Pass = "pass",
        Fail = "fail",
    }
}
