//! `ward init [DIR]`: makes a folder a Ward workspace: its `ward.toml`, a plan with the
//! default phases and gates, commented so that a user sees what to change, and a starter
//! file with one chain (asset, threat, risk, control, verification) that checks clean.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use ward_analysis::schema::snippet::starter_gate_lines;
use ward_analysis::schema::{DEFAULT_ACCEPTABLE, DEFAULT_PHASES, ItemKind, plan};

use crate::manifest::MANIFEST;
use crate::workspace::shown;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The folder to make a workspace (default: the current folder; made if missing).
    pub dir: Option<PathBuf>,
}

const MANIFEST_TEXT: &str = "\
# The root of a Ward workspace: the .ward files below this folder are analysed
# together (those under another ward.toml form a workspace of their own).
#
# Paths to leave out: gitignore-style globs relative to this folder.
exclude = []
";

/// The starter chain: one of each kind, linked, complete for every default gate.
const STARTER: &str = r#"// A first chain, from what is to be protected to the proof that it is: replace it
// with your own. `ward check` shows what is missing as you go; hover any ID in an
// editor with the Ward extension to see what links to it.

asset A-DATA "Patient data stored on the device" {
  kind: data
  properties: confidentiality, integrity
}

threat T-READ "An attacker with physical access reads the storage" {
  targets: A-DATA
  stride: information-disclosure
  vector: physical
}

risk R-DISCLOSE "Disclosure of patient data from a lost device" {
  threat: T-READ
  exploitability: 2
  severity: 4
  harm: "Loss of patient privacy"
  residual { exploitability: 1 }
}

control C-ENCRYPT "Storage encrypted with a device-unique key" {
  mitigates: R-DISCLOSE
  status: implemented
  category: cryptography
}

verification V-ENCRYPT "Inspection of the storage of a production device" {
  verifies: C-ENCRYPT
  method: inspection
  result: pass
}
"#;

/// The plan: the default phases and gates, each line explained.
fn plan_text() -> String {
    let mut lines = vec![
        "// The security risk management plan: the project's phases, where it stands, and"
            .to_owned(),
        "// what each phase-gate review requires. Change them to your own process.".to_owned(),
        format!(
            "{} \"Security risk management plan\" {{",
            ItemKind::Plan.spec().keyword
        ),
        "  // The phases, in order.".to_owned(),
        format!("  {}: {}", plan::PHASES.name, DEFAULT_PHASES.join(", ")),
        "  // Where the project stands: the gates of the phases before it have been passed,"
            .to_owned(),
        "  // so their gaps are errors; the next gate's are warnings.".to_owned(),
        format!("  {}: {}", plan::PHASE.name, DEFAULT_PHASES[0]),
        "  // The highest score (exploitability × severity) accepted without a control.".to_owned(),
        format!("  {}: {DEFAULT_ACCEPTABLE}", plan::ACCEPTABLE.name),
        "  // Each gate's review requires these rules to hold (`ward explain` names the".to_owned(),
        "  // findings of each).".to_owned(),
    ];
    lines.extend(starter_gate_lines());
    lines.push("}".to_owned());
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Runs `ward init`; returns the exit code: 0 when the workspace was written, 2 when a
/// file it would write exists (nothing is written then) or the folder cannot be written.
pub fn run(args: &InitArgs) -> i32 {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    match init(&dir) {
        Ok(written) => {
            let mut out = std::io::stdout();
            for path in &written {
                let _ = writeln!(out, "wrote {}", shown(path));
            }
            let check = match args.dir {
                Some(_) => format!("ward check {}", shown(&dir)),
                None => "ward check".to_owned(),
            };
            let _ = writeln!(
                out,
                "\nNext steps:\n  \
                 1. `{check}`: the starter chain checks clean.\n  \
                 2. Edit plan.ward: your phases, where the project stands, what each gate requires.\n  \
                 3. Replace the starter chain in model.ward with your assets, threats and risks; \
                 `ward explain <code>` explains each finding.\n  \
                 4. Open the folder in an editor with the Ward extension (VS Code, Neovim, Helix)."
            );
            0
        }
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            2
        }
    }
}

/// Writes the three files, or none when any of them exists.
fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let files = [
        (dir.join(MANIFEST), MANIFEST_TEXT.to_owned()),
        (dir.join("plan.ward"), plan_text()),
        (dir.join("model.ward"), STARTER.to_owned()),
    ];
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| format!("`{}`", shown(path)))
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "{} already exist{}; `ward init` writes nothing over a file",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|error| format!("cannot make the folder `{}`: {error}", shown(dir)))?;
    let mut written = Vec::new();
    for (path, text) in files {
        // `create_new`: a file made meanwhile by someone else is not overwritten either.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|error| format!("cannot write `{}`: {error}", shown(&path)))?;
        file.write_all(text.as_bytes())
            .map_err(|error| format!("cannot write `{}`: {error}", shown(&path)))?;
        written.push(path);
    }
    Ok(written)
}
