//! Document symbols (the outline of one file: its items, and their blocks as children) and
//! workspace symbols (items of every file whose ID or title fuzzily matches a query).
//!
//! Fields are not in the outline: they are an item's attributes, not things declared, and
//! listing them buried the items (a file of 15 risks had 115 symbols). The named parts of
//! an item, its `residual` block and a plan's gates, are its children.

use std::cmp::Reverse;
use std::sync::Arc;

use ward_syntax::{BlockKind, FileAst, Item, ItemKind};

use crate::db::{Db, SourceFile, file_ast, parse};
use crate::diagnostics::FileRange;
use crate::ide::fuzzy::Query;
use crate::ide::{DocumentSymbol, SymbolKind, WorkspaceSymbol};
use crate::schema;

pub(crate) fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<DocumentSymbol> {
    let parsed = parse(db, file);
    parsed
        .ast
        .items
        .iter()
        .zip(&parsed.source_map.items)
        .map(|(item, map)| {
            let children = item
                .blocks
                .iter()
                .zip(&map.blocks)
                .map(|(block, block_map)| DocumentSymbol {
                    name: match &block.kind {
                        BlockKind::Residual => schema::residual::BLOCK.keyword.to_owned(),
                        BlockKind::Gate(Some(phase)) => {
                            format!("{} {phase}", schema::gate::BLOCK.keyword)
                        }
                        BlockKind::Gate(None) => schema::gate::BLOCK.keyword.to_owned(),
                        BlockKind::Matrix => schema::matrix::BLOCK.keyword.to_owned(),
                    },
                    detail: None,
                    kind: SymbolKind::Block,
                    full_range: block_map.range,
                    focus_range: block_map.name.unwrap_or(block_map.keyword),
                    children: Vec::new(),
                })
                .collect();
            DocumentSymbol {
                name: item_name(item).to_owned(),
                detail: item.title.clone(),
                kind: SymbolKind::Item(item.kind),
                full_range: map.range,
                focus_range: map.focus(),
                children,
            }
        })
        .collect()
}

/// An item's ID, or its keyword (`plan`, or an item whose ID is missing).
fn item_name(item: &Item) -> &str {
    item.id.as_deref().unwrap_or(item.kind.as_str())
}

/// A match found by [`workspace_symbols`], pointing into the file's syntax.
struct Candidate<'a> {
    /// Twice the match class, plus one when the ID matched: an ID match beats a title match
    /// of the same class.
    rank: u8,
    name: &'a str,
    title: Option<&'a str>,
    kind: ItemKind,
    file: SourceFile,
    item: u32,
}

/// Every item whose ID or title matches `query`: exact > prefix > substring > subsequence,
/// an ID match before a title match, then shorter IDs, then by ID. Reads each file's syntax
/// once; only the results are located.
pub(crate) fn workspace_symbols(db: &dyn Db, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    if limit == 0 {
        return Vec::new();
    }
    let query = Query::new(query.trim());
    let asts: Vec<(SourceFile, Arc<FileAst>)> = db
        .workspace()
        .files(db)
        .iter()
        .map(|&file| (file, file_ast(db, file)))
        .collect();
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for (file, ast) in &asts {
        for (at, item) in ast.items.iter().enumerate() {
            let name = item_name(item);
            let on_id = query.matches(name).map(|class| class as u8 * 2 + 1);
            let on_title = item
                .title
                .as_deref()
                .and_then(|title| query.matches(title))
                .map(|class| class as u8 * 2);
            let Some(rank) = on_id.max(on_title) else {
                continue;
            };
            candidates.push(Candidate {
                rank,
                name,
                title: item.title.as_deref(),
                kind: item.kind,
                file: *file,
                item: at as u32,
            });
        }
    }
    let order = |a: &Candidate<'_>, b: &Candidate<'_>| {
        (Reverse(a.rank), a.name.len(), a.name).cmp(&(Reverse(b.rank), b.name.len(), b.name))
    };
    if candidates.len() > limit {
        candidates.select_nth_unstable_by(limit - 1, order);
        candidates.truncate(limit);
    }
    candidates.sort_by(order);
    candidates
        .into_iter()
        .map(|candidate| {
            let map = &parse(db, candidate.file).source_map.items[candidate.item as usize];
            WorkspaceSymbol {
                name: candidate.name.to_owned(),
                title: candidate.title.map(str::to_owned),
                kind: candidate.kind,
                location: FileRange {
                    file: candidate.file,
                    range: map.focus(),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::sync::Arc;

    use expect_test::{Expect, expect};

    use crate::ide::{DocumentSymbol, fixture};
    use crate::{Analysis, FileId};

    fn check_outline(fixture: &str, expect: Expect) {
        let fixture = fixture::load(fixture);
        let analysis = fixture.analysis();
        let file = fixture.file("/main.ward");
        let symbols = analysis.document_symbols(file).unwrap();
        let mut actual = String::new();
        fn walk(
            analysis: &Analysis,
            file: FileId,
            symbols: &[DocumentSymbol],
            depth: usize,
            out: &mut String,
        ) {
            for symbol in symbols {
                let _ = writeln!(
                    out,
                    "{:indent$}{} {:?} {:?} {} (full {})",
                    "",
                    symbol.name,
                    symbol.kind,
                    symbol.detail.as_deref().unwrap_or(""),
                    fixture::range_with_text(analysis, file, symbol.focus_range),
                    fixture::location(analysis, file, symbol.full_range),
                    indent = depth * 2
                );
                walk(analysis, file, &symbol.children, depth + 1, out);
            }
        }
        walk(&analysis, file, &symbols, 0, &mut actual);
        expect.assert_eq(&actual);
    }

    #[test]
    fn outline_of_items_and_their_blocks() {
        check_outline(
            r#"
            risk R-1 "Unauthorised bolus" {
              threat: T1, T2
              description: """
                Two lines
                of text.
                """
              residual { exploitability: 1 }
              severity: 5
            }
            plan "Plan" {
              phases: design, release
              gate design { requires: risks-scored, assets-covered }
            }
            asset {}
            "#,
            expect![[r#"
                R-1 Item(Risk) "Unauthorised bolus" main.ward:1:6-1:9 R-1 (full main.ward:1:1-9:2)
                  residual Block "" main.ward:7:3-7:11 residual (full main.ward:7:3-7:33)
                plan Item(Plan) "Plan" main.ward:10:1-10:5 plan (full main.ward:10:1-13:2)
                  gate design Block "" main.ward:12:8-12:14 design (full main.ward:12:3-12:57)
                asset Item(Asset) "" main.ward:14:1-14:6 asset (full main.ward:14:1-14:9)
            "#]],
        );
    }

    fn check_search(fixture: &str, query: &str, limit: usize, expect: Expect) {
        let fixture = fixture::load(fixture);
        let analysis = fixture.analysis();
        let actual: String = analysis
            .workspace_symbols(query, limit)
            .unwrap()
            .into_iter()
            .map(|symbol| {
                format!(
                    "{} {} {:?} {}\n",
                    symbol.kind,
                    symbol.name,
                    symbol.title.unwrap_or_default(),
                    fixture::file_range(&analysis, symbol.location),
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    const SEARCH: &str = r#"
        //- /a.ward
        asset BLE "Bluetooth radio" {}
        threat T-BLE-SPOOF "Spoofed phone" {}
        risk R-LEAK "Leak over BLE" {}
        //- /b.ward
        control C-BLE-PAIR "Pairing" {}
        asset BLEED "Bleeding" {}
        verification V-BOLUS-LOG-EVENT "Bolus log event" {}
        plan "Security plan" {}
        "#;

    #[test]
    fn search_ranks_exact_prefix_substring_subsequence() {
        check_search(
            SEARCH,
            "ble",
            10,
            expect![[r#"
                asset BLE "Bluetooth radio" a.ward:1:7-1:10 BLE
                asset BLEED "Bleeding" b.ward:2:7-2:12 BLEED
                control C-BLE-PAIR "Pairing" b.ward:1:9-1:19 C-BLE-PAIR
                threat T-BLE-SPOOF "Spoofed phone" a.ward:2:8-2:19 T-BLE-SPOOF
                risk R-LEAK "Leak over BLE" a.ward:3:6-3:12 R-LEAK
                verification V-BOLUS-LOG-EVENT "Bolus log event" b.ward:3:14-3:31 V-BOLUS-LOG-EVENT
            "#]],
        );
    }

    #[test]
    fn search_is_limited_and_matches_titles() {
        check_search(
            SEARCH,
            "PLAN",
            2,
            expect![[r#"
                plan plan "Security plan" b.ward:4:1-4:5 plan
            "#]],
        );
        check_search(
            SEARCH,
            "ble",
            2,
            expect![[r#"
                asset BLE "Bluetooth radio" a.ward:1:7-1:10 BLE
                asset BLEED "Bleeding" b.ward:2:7-2:12 BLEED
            "#]],
        );
    }

    #[test]
    fn empty_query_lists_everything_up_to_the_limit() {
        check_search(
            SEARCH,
            "",
            3,
            expect![[r#"
                asset BLE "Bluetooth radio" a.ward:1:7-1:10 BLE
                plan plan "Security plan" b.ward:4:1-4:5 plan
                asset BLEED "Bleeding" b.ward:2:7-2:12 BLEED
            "#]],
        );
    }

    /// 100,000 items: the search reads each file's syntax once and locates only the results.
    #[test]
    fn search_in_a_large_workspace() {
        let mut host = crate::AnalysisHost::new();
        let mut files = Vec::new();
        for file in 0..100 {
            let mut text = String::new();
            for item in 0..1000 {
                let _ = writeln!(
                    text,
                    "asset A-{file}-{item} \"Asset {item} of file {file}\" {{}}"
                );
            }
            files.push((
                std::path::PathBuf::from(format!("/ws/f{file:03}.ward")),
                Arc::from(text),
            ));
        }
        host.add_files(files);
        let analysis = host.analysis();
        analysis.prime().unwrap();
        let started = std::time::Instant::now();
        let found = analysis.workspace_symbols("a-42-99", 5).unwrap();
        let elapsed = started.elapsed();
        let names: Vec<&str> = found.iter().map(|symbol| symbol.name.as_str()).collect();
        assert_eq!(
            names,
            ["A-42-99", "A-42-990", "A-42-991", "A-42-992", "A-42-993"]
        );
        eprintln!("workspace symbols over 100,000 items: {elapsed:?}");
        // Generous for a debug build on a busy machine; a release build takes a few ms.
        assert!(elapsed.as_secs() < 5, "{elapsed:?}");
    }
}
