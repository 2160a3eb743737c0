//! `ward import sbom FILE [PATH...]`: the SBOM's components that the workspace (PATH, by
//! default the current folder) does not declare, printed as `component` items ready to
//! paste or redirect into a file. Each gets an ID made from its name (unique in the
//! workspace and in the output), its name as title, version, purl (else bom-ref),
//! supplier and license; `part-of` is left to the user, as a comment. The output is
//! formatted as `ward fmt` would, and checks clean but for `untraced-component`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use ward_analysis::format::{apply, format};
use ward_analysis::sbom::{self, Component, Matcher};
use ward_analysis::schema::{self, ItemKind, component};
use ward_analysis::supply;

use crate::workspace::{self, LoadError};

#[derive(Args, Debug)]
pub struct SbomArgs {
    /// The SBOM: CycloneDX JSON 1.4 to 1.6, or SPDX 2.3 JSON.
    pub file: PathBuf,
    /// The workspace whose components are already declared (default: the current folder).
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &SbomArgs) -> i32 {
    match import(args) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            0
        }
        Err(error) => {
            let _ = writeln!(anstream::stderr(), "error: {error}");
            2
        }
    }
}

fn import(args: &SbomArgs) -> Result<String, LoadError> {
    let text = workspace::read_text(&args.file)?;
    let shown = workspace::shown(&args.file);
    let read = sbom::read(&text);
    if let Some(problem) = read.problems.first() {
        let (line, column) = line_column(&text, problem.span.start);
        return Err(LoadError(format!(
            "{shown}:{line}:{column}: not an SBOM Ward can read: {}",
            problem.message
        )));
    }
    // A product that adopts Ward may have no `.ward` file yet: then nothing is declared.
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (declared, mut taken) = if workspace::find_files(&paths)?.files.is_empty() {
        (Vec::new(), HashSet::new())
    } else {
        let loaded = workspace::load_one(&paths, "ward import sbom")?;
        let analysis = loaded.host.analysis();
        (super::components(&analysis)?, super::ids(&analysis)?)
    };
    let matcher = Matcher::new(declared.iter().map(|c| c.as_declared()));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// The components of `{shown}` that the workspace does not declare (`ward import sbom`)."
    );
    let _ = writeln!(
        out,
        "// Give each the assets that contain it in `{}`, and its `{}` and `{}`.",
        component::PART_OF.name,
        component::SUPPORT.name,
        component::SUPPORT_ENDS.name
    );
    // One item per package: an SBOM may list a package twice (two paths, two versions).
    let mut printed = Matcher::default();
    let mut none = true;
    for (at, entry) in read.components.iter().enumerate() {
        if matcher.find(entry).is_some() || printed.find(entry).is_some() {
            continue;
        }
        none = false;
        let id = fresh_id(&entry.name, &mut taken);
        out.push('\n');
        out.push_str(&item(&id, entry));
        printed.add(
            at,
            sbom::Declared {
                id: &entry.name,
                title: None,
                purl: entry.purl.as_deref(),
                bom_ref: entry.bom_ref.as_deref(),
            },
        );
    }
    if none {
        out.push_str("// None: the workspace declares every component of the SBOM.\n");
    }
    // The canonical layout; the text is Ward's own, so it always formats.
    let edits = format(&out).map_err(|_| LoadError("the items do not format".to_owned()))?;
    Ok(apply(&out, &edits))
}

/// One `component` item for an SBOM entry.
fn item(id: &str, entry: &Component) -> String {
    let mut text = format!("{} {id} {} {{\n", ItemKind::Component, quote(&entry.name));
    let mut field = |spec: &schema::FieldSpec, value: &str| {
        let _ = writeln!(text, "  {}: {}", spec.name, quote(value));
    };
    if let Some(version) = &entry.version {
        field(&component::VERSION, version);
    }
    let purl = entry
        .purl
        .as_deref()
        .filter(|purl| supply::purl_problem(purl).is_none());
    match (purl, &entry.bom_ref) {
        (Some(purl), _) => field(&component::PURL, purl),
        // Without a purl, the bom-ref is what matches it to the SBOM again.
        (None, Some(bom_ref)) => field(&component::BOM_REF, bom_ref),
        (None, None) => {}
    }
    if let Some(supplier) = &entry.supplier {
        field(&component::SUPPLIER, supplier);
    }
    if let Some(license) = entry
        .license
        .as_deref()
        .filter(|license| supply::license_problem(license).is_none())
    {
        field(&component::LICENSE, license);
    }
    let _ = writeln!(
        text,
        "  // {}: ASSET-ID   (the assets that contain it)",
        component::PART_OF.name
    );
    text.push_str("}\n");
    text
}

/// An ID made from a component's name: letters, digits, `_`, `-` and `.` kept, anything
/// else a `-`, leading punctuation dropped; starting with a letter (else `C-` in front), no
/// keyword, and unique in the workspace and the output.
fn fresh_id(name: &str, taken: &mut HashSet<String>) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    // `@angular/core` is `angular-core`; `7zip` is `C-7zip`.
    let mut base = base
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) || schema::is_reserved(&base) {
        base = format!("C-{base}");
    }
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// A Ward string literal: `"`, `\` and line breaks escaped; other control characters,
/// which no escape writes, become spaces.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 1-based line and column (Unicode scalar values), as `ward check` shows positions.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let index = ward_analysis::LineIndex::new(text);
    let at = index.line_col(text, offset, ward_analysis::PositionEncoding::Utf32);
    (at.line + 1, at.col + 1)
}
