//! SBOMs in the analysis: each SBOM input read (`sbom_of`, a query of its file), its entries
//! matched to the declared components (`matching`), and what follows from them:
//! `invalid-sbom` and `undeclared-component` located in the SBOM (`sbom_diagnostics`), and,
//! for the checks of each `.ward` file, what the SBOMs say of its components
//! (`file_listings`: a query per file that backdates, so that a changed SBOM re-checks only
//! the files whose components it changed) and whether a vulnerability is recorded
//! (`vulnerability_recorded`, a query per name).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use ward_syntax::TextRange;

use crate::checks::{SyntaxPlace, graded};
use crate::db::{Db, ItemRef, Name, SourceFile, file_ast};
use crate::diagnostics::{Code, Diagnostic, FileRange, Related, Severity};
use crate::inputs::{InputKind, inputs_of};
use crate::model::ItemModel;
use crate::plan::plan;
use crate::sbom::{self, Declared, Matcher, Sbom};
use crate::schema::ItemKind;

/// One SBOM, read.
#[salsa::tracked(returns(ref))]
pub fn sbom_of(db: &dyn Db, file: SourceFile) -> Sbom {
    sbom::read(file.text(db))
}

/// A declared component as matching reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DeclaredEntry {
    item: u32,
    id: String,
    title: Option<String>,
    purl: Option<String>,
    bom_ref: Option<String>,
}

/// The components one file declares: a query that backdates, so that an edit elsewhere
/// in the file does not match the SBOMs again.
#[salsa::tracked(returns(ref))]
fn file_components(db: &dyn Db, file: SourceFile) -> Vec<DeclaredEntry> {
    let ast = file_ast(db, file);
    ast.items
        .iter()
        .enumerate()
        .filter_map(|(at, item)| {
            let component = ItemModel::of(item).component()?;
            Some(DeclaredEntry {
                item: at as u32,
                id: item.id.clone()?,
                title: item.title.clone(),
                purl: component.purl().valid().map(str::to_owned),
                bom_ref: component.bom_ref().valid().map(str::to_owned),
            })
        })
        .collect()
}

/// Every declared component in workspace order, and the matcher over them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Declarations {
    items: Vec<ItemRef>,
    matcher: Matcher,
}

#[salsa::tracked(returns(ref))]
fn declarations(db: &dyn Db) -> Declarations {
    let mut items = Vec::new();
    let mut matcher = Matcher::default();
    for &file in db.workspace().files(db) {
        for entry in file_components(db, file) {
            matcher.add(
                items.len(),
                Declared {
                    id: &entry.id,
                    title: entry.title.as_deref(),
                    purl: entry.purl.as_deref(),
                    bom_ref: entry.bom_ref.as_deref(),
                },
            );
            items.push(ItemRef {
                file,
                item: entry.item,
                kind: ItemKind::Component,
            });
        }
    }
    Declarations { items, matcher }
}

/// One SBOM entry that is a declared component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub sbom: SourceFile,
    /// The entry's `name`.
    pub range: TextRange,
    pub version: Option<String>,
}

/// A vulnerability an SBOM reports for a declared component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedVulnerability {
    pub id: String,
    pub aliases: Vec<String>,
    pub sbom: SourceFile,
    pub range: TextRange,
}

/// What the SBOMs say of one declared component.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listings {
    pub listed: Vec<Listing>,
    pub vulnerabilities: Vec<ReportedVulnerability>,
}

/// The SBOMs matched: for each SBOM read, which declared component each entry is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Matching {
    /// Whether any SBOM could be read: without one, nothing is stale.
    read: bool,
    by_item: FxHashMap<ItemRef, Listings>,
    /// The entries of each SBOM that no component declares, by index.
    undeclared: FxHashMap<SourceFile, Vec<usize>>,
}

fn range(span: &sbom::Span) -> TextRange {
    TextRange::new(span.start, span.end)
}

#[salsa::tracked(returns(ref))]
fn matching(db: &dyn Db) -> Matching {
    let declarations = declarations(db);
    let mut matching = Matching::default();
    // A vulnerability may name a component of another SBOM by bom-ref (a scanner's VEX
    // beside the SBOM, through a BOM-Link): every SBOM's bom-refs first.
    let mut by_ref: FxHashMap<&str, ItemRef> = FxHashMap::default();
    let sboms: Vec<(SourceFile, &Sbom)> = inputs_of(db, InputKind::Sbom)
        .map(|file| (file, sbom_of(db, file)))
        .collect();
    let mut entry_items: Vec<Vec<Option<ItemRef>>> = Vec::with_capacity(sboms.len());
    for &(file, sbom) in &sboms {
        if sbom.format.is_none() {
            entry_items.push(Vec::new());
            continue;
        }
        matching.read = true;
        let mut items = Vec::with_capacity(sbom.components.len());
        for (at, entry) in sbom.components.iter().enumerate() {
            let found = declarations.matcher.find(entry);
            items.push(found.map(|found| declarations.items[found]));
            let Some(found) = found else {
                matching.undeclared.entry(file).or_default().push(at);
                continue;
            };
            let item = declarations.items[found];
            if let Some(bom_ref) = &entry.bom_ref {
                by_ref.entry(bom_ref).or_insert(item);
            }
            matching
                .by_item
                .entry(item)
                .or_default()
                .listed
                .push(Listing {
                    sbom: file,
                    range: range(&entry.name_span),
                    version: entry.version.clone(),
                });
        }
        entry_items.push(items);
    }
    for (&(file, sbom), items) in sboms.iter().zip(&entry_items) {
        for vulnerability in &sbom.vulnerabilities {
            let mut seen: FxHashSet<ItemRef> = FxHashSet::default();
            for affected in &vulnerability.affects {
                let item = match affected.component {
                    Some(at) => items.get(at).copied().flatten(),
                    None => by_ref.get(affected.bom_ref.as_str()).copied(),
                };
                let Some(item) = item.filter(|item| seen.insert(*item)) else {
                    continue;
                };
                let reported = ReportedVulnerability {
                    id: vulnerability.id.clone(),
                    aliases: vulnerability.aliases.clone(),
                    sbom: file,
                    range: range(&vulnerability.id_span),
                };
                let listings = matching.by_item.entry(item).or_default();
                if !listings.vulnerabilities.contains(&reported) {
                    listings.vulnerabilities.push(reported);
                }
            }
        }
    }
    matching
}

/// What the SBOMs say of one file's components, by item index; `None` when no SBOM was
/// read (then no component is stale).
#[salsa::tracked(returns(ref))]
pub fn file_listings(db: &dyn Db, file: SourceFile) -> Option<Vec<(u32, Listings)>> {
    let matching = matching(db);
    if !matching.read {
        return None;
    }
    let mut found: Vec<(u32, Listings)> = file_components(db, file)
        .iter()
        .map(|entry| {
            let item = ItemRef {
                file,
                item: entry.item,
                kind: ItemKind::Component,
            };
            let listings = matching.by_item.get(&item).cloned().unwrap_or_default();
            (entry.item, listings)
        })
        .collect();
    found.sort_by_key(|(at, _)| *at);
    Some(found)
}

/// The IDs and aliases of one file's vulnerability items.
#[salsa::tracked(returns(ref))]
fn file_vulnerability_names(db: &dyn Db, file: SourceFile) -> Vec<String> {
    let ast = file_ast(db, file);
    let mut names = Vec::new();
    for item in &ast.items {
        let Some(vulnerability) = ItemModel::of(item).vulnerability() else {
            continue;
        };
        names.extend(item.id.clone());
        names.extend(vulnerability.aliases().map(str::to_owned));
    }
    names
}

#[salsa::tracked(returns(ref))]
fn recorded_index(db: &dyn Db) -> FxHashSet<String> {
    db.workspace()
        .files(db)
        .iter()
        .flat_map(|&file| file_vulnerability_names(db, file).iter().cloned())
        .collect()
}

/// Whether a vulnerability item records this ID (as its ID or an alias): a query per name,
/// so that a new vulnerability item re-checks only the components it concerns.
#[salsa::tracked(returns(copy))]
fn recorded<'db>(db: &'db dyn Db, name: Name<'db>) -> bool {
    recorded_index(db).contains(name.text(db))
}

/// Whether a reported vulnerability, by its ID or an alias, is recorded.
pub fn vulnerability_recorded(db: &dyn Db, reported: &ReportedVulnerability) -> bool {
    std::iter::once(&reported.id)
        .chain(&reported.aliases)
        .any(|name| recorded(db, Name::new(db, name.clone())))
}

/// The diagnostics located in one SBOM: `invalid-sbom` for each problem, and
/// `undeclared-component` at each entry no component declares.
pub fn sbom_diagnostics(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let sbom = sbom_of(db, file);
    let mut diagnostics: Vec<Diagnostic> = sbom
        .problems
        .iter()
        .map(|problem| Diagnostic {
            file,
            range: range(&problem.span),
            severity: Severity::Error,
            code: Code::InvalidSbom,
            message: format!("this SBOM cannot be read: {}", problem.message),
            gate: None,
            related: Vec::new(),
            waived: None,
        })
        .collect();
    let undeclared = matching(db).undeclared.get(&file);
    if let Some(undeclared) = undeclared.filter(|_| sbom.format.is_some()) {
        let plan = plan(db);
        for entry in undeclared.iter().map(|&at| &sbom.components[at]) {
            let mut what = format!("`{}`", entry.name);
            if let Some(version) = &entry.version {
                what.push_str(&format!(" {version}"));
            }
            if let Some(purl) = &entry.purl {
                what.push_str(&format!(" ({purl})"));
            }
            let message = format!(
                "the SBOM lists {what}, which no `{}` declares",
                ItemKind::Component
            );
            let at = SyntaxPlace::Input(range(&entry.name_span));
            let Some(finding) = graded(plan, Code::UndeclaredComponent, at, message) else {
                break;
            };
            diagnostics.push(Diagnostic {
                file,
                range: range(&entry.name_span),
                severity: finding.severity,
                code: finding.code,
                message: finding.message,
                gate: finding.gate,
                related: finding
                    .related
                    .into_iter()
                    .map(|(other, loc, message)| Related {
                        location: FileRange {
                            file: other,
                            range: crate::locate::place(db, other, loc),
                        },
                        message,
                    })
                    .collect(),
                waived: None,
            });
        }
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.code));
    Arc::new(diagnostics)
}
