//! The generator of synthetic workspaces behind `ward-gen` and the benchmarks.
//!
//! [`write_workspace`] (and `ward-gen --items N --out DIR [--seed S]`) writes N items (about 200 bytes each) in files
//! of 100 items, one folder per kind: every asset is targeted by a threat, assessed by a
//! risk, mitigated by a control and verified by a verification, and the links cross files.
//! A plan stands in the `implementation` phase with four gates. About one chain in a
//! hundred carries a deliberate finding (an untargeted asset, an unresolved reference, an
//! unscored risk, a failed verification, a deployer control without guidance), so that the
//! checker has something to report (`--clean` plants none). Each planted untargeted asset
//! is waived by a `waiver` (so waived findings are matched on every check), and the passed
//! `design` gate, which requires `gates-approved`, is signed by an `approval`; both are in
//! `governance/`. The same arguments always write the same bytes.
//! With N a multiple of 5 every chain is complete and the planted findings are the only
//! ones; otherwise the first kinds have a few items more, which nothing links to.
//!
//! It returns (and `ward-gen` prints as its last line) a JSON summary: items, files, bytes
//! and the findings planted.

use std::fmt::Write as _;
use std::path::Path;
/// What to write.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many items (assets, threats, risks, controls, verifications) to write.
    pub items: usize,
    /// The seed of the pseudo-random choices.
    pub seed: u64,
    /// Items per file.
    pub per_file: usize,
    /// Plant no findings: a workspace that `ward check` finds nothing in.
    pub clean: bool,
    /// Write `governance/` (the approval of the `design` gate, which then requires
    /// `gates-approved`, and the waivers); without it the workspace is what a version of
    /// Ward before waivers and approvals reads, for benchmarks against one.
    pub governance: bool,
}

impl Options {
    /// `items` items with the defaults of `ward-gen`: seed 42, 100 items per file, findings
    /// planted.
    pub fn new(items: usize) -> Options {
        Options {
            items,
            seed: 42,
            per_file: 100,
            clean: false,
            governance: true,
        }
    }
}

/// Knuth's MMIX linear congruential generator: deterministic on every platform.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const KINDS: [(&str, &str); 5] = [
    ("asset", "assets"),
    ("threat", "threats"),
    ("risk", "risks"),
    ("control", "controls"),
    ("verification", "verifications"),
];

const ASSET_KINDS: [&str; 4] = ["data", "function", "component", "interface"];
const PROPERTIES: [&str; 4] = [
    "confidentiality",
    "integrity",
    "availability",
    "authenticity",
];
const STRIDE: [&str; 6] = [
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
];
const VECTORS: [&str; 4] = ["network", "adjacent", "local", "physical"];
const METHODS: [&str; 5] = ["test", "analysis", "pentest", "fuzz", "review"];
/// What synthetic items are about; the in-memory files of [`crate::synthetic`] use them too.
pub(crate) const NOUNS: [&str; 8] = [
    "dosing",
    "pairing",
    "telemetry",
    "firmware",
    "alarm",
    "logging",
    "update",
    "sensor",
];

/// The findings planted in the workspace, by code.
#[derive(Default)]
struct Planted {
    untargeted_asset: usize,
    unresolved_reference: usize,
    unscored_risk: usize,
    failed_verification: usize,
    undocumented_deployer_control: usize,
}

const PLAN: &str = r#"// The plan of a synthetic benchmark workspace written by ward-gen.
plan "Synthetic security risk management plan" {
  phases: concept, design, implementation, verification, release, maintenance
  phase: implementation
  acceptable: 6
  gate design { requires: assets-covered, threats-assessed, risks-scored, gates-approved }
  gate implementation { requires: risks-controlled }
  gate verification { requires: controls-implemented, controls-verified }
  gate release { requires: verifications-passed, residual-acceptable, guidance-documented, evidence-present }
}
"#;

/// The signature of the passed `design` gate.
const APPROVAL: &str = r#"approval AP-DESIGN-1 "Design review, security" {
  gate: design
  by: "A. Smith"
  role: "Security lead"
  meaning: approved
  date: 2026-10-12
  commit: "3f9a2c1"
}
"#;

/// A waiver of the untargeted asset of `chain`.
fn waiver(out: &mut String, chain: usize) {
    let _ = writeln!(
        out,
        "waiver W-{chain:06} \"Asset {chain} is modelled in the next release\" {{\n  waives: untargeted-asset\n  items: {}\n  rationale: \"Threat modelling of this asset is planned for the next release.\"\n  approved-by: \"A. Smith (Security lead)\"\n  approved: 2026-10-12\n  expires: 2999-12-31\n}}\n",
        id(0, chain)
    );
}

/// The ID of the `chain`th item of a kind.
fn id(kind: usize, chain: usize) -> String {
    const PREFIX: [&str; 5] = ["A", "T", "R", "C", "V"];
    format!("{}-{chain:06}", PREFIX[kind])
}

/// Writes item `chain` of `kind` to `out`.
fn item(
    out: &mut String,
    kind: usize,
    chain: usize,
    counts: &[usize; 5],
    rng: &mut Lcg,
    planted: &mut Planted,
    plant: bool,
) {
    let noun = NOUNS[chain % NOUNS.len()];
    let title_kind = KINDS[kind].0;
    let _ = writeln!(
        out,
        "{} {} \"Synthetic {noun} {title_kind} {chain}\" {{",
        KINDS[kind].0,
        id(kind, chain)
    );
    // Another chain's risk, for links that cross files.
    let other = (chain + counts[2] / 2 + 1) % counts[2].max(1);
    match kind {
        0 => {
            let first = rng.below(4) as usize;
            let _ = writeln!(out, "  kind: {}", ASSET_KINDS[rng.below(4) as usize]);
            let _ = writeln!(
                out,
                "  properties: {}, {}",
                PROPERTIES[first],
                PROPERTIES[(first + 1) % 4]
            );
            let _ = writeln!(
                out,
                "  description: \"The {noun} asset {chain} that a synthetic device must protect.\""
            );
        }
        1 => {
            // One threat in a hundred targets the next chain's asset instead of its own,
            // leaving its own asset untargeted.
            let target = if plants_untargeted(plant, chain, counts) {
                planted.untargeted_asset += 1;
                (chain + 1) % counts[0]
            } else {
                chain
            };
            let _ = writeln!(out, "  targets: {}", id(0, target));
            let _ = writeln!(
                out,
                "  stride: {}, {}",
                STRIDE[rng.below(3) as usize],
                STRIDE[3 + rng.below(3) as usize]
            );
            let _ = writeln!(out, "  vector: {}", VECTORS[rng.below(4) as usize]);
            let _ = writeln!(out, "  tags: synthetic, {noun}");
            let _ = writeln!(out, "  description: \"Abuse of the {noun} path {chain}.\"");
        }
        2 => {
            let _ = writeln!(out, "  threat: {}", id(1, chain));
            let _ = writeln!(out, "  exploitability: {}", 1 + rng.below(5));
            if plant && chain % 100 == 53 {
                planted.unscored_risk += 1;
            } else {
                let _ = writeln!(out, "  severity: {}", 1 + rng.below(5));
            }
            let _ = writeln!(out, "  harm: \"Harm {chain} to the patient\"");
            let _ = writeln!(out, "  hazard: \"HAZ-{:03}\"", chain % 1000);
            let _ = writeln!(out, "  residual {{ exploitability: 1 }}");
        }
        3 => {
            if plant && chain % 200 == 71 {
                // A typo: the link names no item.
                planted.unresolved_reference += 1;
                let _ = writeln!(out, "  mitigates: {}, {}X", id(2, chain), id(2, other));
            } else {
                let _ = writeln!(out, "  mitigates: {}, {}", id(2, chain), id(2, other));
            }
            let _ = writeln!(out, "  kind: technical");
            let _ = writeln!(out, "  description: \"Guards the {noun} path {chain}.\"");
            let status = if rng.below(4) == 0 {
                "proposed"
            } else {
                "implemented"
            };
            let _ = writeln!(out, "  status: {status}");
            if plant && chain % 100 == 89 {
                planted.undocumented_deployer_control += 1;
                let _ = writeln!(out, "  responsibility: deployer");
            } else {
                let _ = writeln!(out, "  refs: \"docs/design/{noun}-{chain}.md\"");
            }
        }
        _ => {
            let _ = writeln!(out, "  verifies: {}", id(3, chain));
            let _ = writeln!(out, "  method: {}", METHODS[rng.below(5) as usize]);
            let result = if plant && chain % 100 == 11 {
                planted.failed_verification += 1;
                "fail"
            } else if rng.below(5) == 0 {
                "pending"
            } else {
                "pass"
            };
            let _ = writeln!(out, "  result: {result}");
            let _ = writeln!(out, "  test: \"bench::{noun}::case_{chain}\"");
            let _ = writeln!(out, "  evidence: \"evidence/{noun}-{chain}.md\"");
        }
    }
    out.push_str("}\n\n");
}

/// Whether the threat of `chain` leaves its own asset untargeted.
fn plants_untargeted(plant: bool, chain: usize, counts: &[usize; 5]) -> bool {
    plant && chain % 100 == 37 && counts[0] > 1 && chain < counts[1]
}

/// Writes a workspace into `out`, which must be absent or empty; returns the summary.
pub fn write_workspace(args: &Options, out: &Path) -> Result<String, String> {
    if args.items == 0 || args.per_file == 0 {
        return Err("--items and --per-file must be at least 1".to_owned());
    }
    if out.exists() {
        let mut entries = std::fs::read_dir(out)
            .map_err(|error| format!("cannot read `{}`: {error}", out.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "`{}` is not empty; ward-gen writes only into an absent or empty folder",
                out.display()
            ));
        }
    }
    let mut rng = Lcg(args.seed);
    let mut planted = Planted::default();
    // Items are dealt to the kinds in turn; a chain is one item of each kind.
    let counts: [usize; 5] =
        std::array::from_fn(|kind| args.items / 5 + usize::from(kind < args.items % 5));
    let mut files = 0;
    let mut bytes = 0;
    let mut write = |path: &Path, text: &str| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create `{}`: {error}", parent.display()))?;
        }
        std::fs::write(path, text)
            .map_err(|error| format!("cannot write `{}`: {error}", path.display()))?;
        files += 1;
        bytes += text.len();
        Ok(())
    };
    if !args.governance {
        write(
            &out.join("plan.ward"),
            &PLAN.replace(", gates-approved", ""),
        )?;
    } else {
        write(&out.join("plan.ward"), PLAN)?;
    }
    let mut governance =
        String::from("// Synthetic waivers and approvals, written by ward-gen.\n\n");
    governance.push_str(APPROVAL);
    let mut waivers = 0;
    for chain in (0..counts[1]).filter(|&chain| plants_untargeted(!args.clean, chain, &counts)) {
        governance.push('\n');
        waiver(&mut governance, chain);
        waivers += 1;
    }
    if args.governance {
        write(&out.join("governance/governance-00000.ward"), &governance)?;
    } else {
        waivers = 0;
    }
    for (kind, (_, folder)) in KINDS.iter().enumerate() {
        let total = counts[kind];
        let mut chain = 0;
        let mut file = 0;
        while chain < total {
            let mut text = String::with_capacity(args.per_file * 220);
            let _ = writeln!(
                text,
                "// Synthetic {folder}, part {file}, written by ward-gen.\n"
            );
            for _ in 0..args.per_file.min(total - chain) {
                item(
                    &mut text,
                    kind,
                    chain,
                    &counts,
                    &mut rng,
                    &mut planted,
                    !args.clean,
                );
                chain += 1;
            }
            write(
                &out.join(folder).join(format!("{folder}-{file:05}.ward")),
                &text,
            )?;
            file += 1;
        }
    }
    Ok(format!(
        "{{\"items\": {}, \"files\": {files}, \"bytes\": {bytes}, \"waivers\": {waivers}, \"planted\": {{\"untargeted-asset\": {}, \"unresolved-reference\": {}, \"unscored-risk\": {}, \"failed-verification\": {}, \"undocumented-deployer-control\": {}}}}}",
        args.items,
        planted.untargeted_asset,
        planted.unresolved_reference,
        planted.unscored_risk,
        planted.failed_verification,
        planted.undocumented_deployer_control,
    ))
}
