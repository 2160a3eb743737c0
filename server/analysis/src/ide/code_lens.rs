//! Code lens above each item of the chain: how far down the chain it is covered (the items
//! that link to it, and to those, by kind: "2 controls · 3 verifications") and whether the
//! gates see gaps in it (its findings of rules, as `ward check` grades them now).

use std::collections::HashSet;

use ward_syntax::{ItemKind, TextRange};

use crate::db::{Db, ItemRef, SourceFile, lookup_referrers, parse};
use crate::diagnostics::Code;
use crate::locate::file_diagnostics;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The item's ID (what the lens stands above).
    pub range: TextRange,
    pub name: String,
    /// The items below it in the chain, by kind in chain order, with how many of each.
    pub below: Vec<(ItemKind, usize)>,
    /// The codes of its findings of rules, in text order, each once.
    pub gaps: Vec<Code>,
}

/// The lenses of the items of a file that overlap `range`.
pub(crate) fn code_lenses(db: &dyn Db, file: SourceFile, range: TextRange) -> Vec<CodeLens> {
    let parsed = parse(db, file);
    let diagnostics = file_diagnostics(db, file);
    let mut lenses = Vec::new();
    for (at, (item, map)) in parsed
        .ast
        .items
        .iter()
        .zip(&parsed.source_map.items)
        .enumerate()
    {
        let overlaps = map.range.start <= range.end && range.start <= map.range.end;
        let (Some(name), Some(id_range)) = (&item.id, map.id) else {
            continue;
        };
        if !overlaps || !in_the_chain(item.kind) {
            continue;
        }
        let mut gaps = Vec::new();
        for diagnostic in diagnostics.iter() {
            let inside =
                map.range.start <= diagnostic.range.start && diagnostic.range.end <= map.range.end;
            if inside
                && diagnostic.is_active()
                && diagnostic.code.rule().is_some()
                && !gaps.contains(&diagnostic.code)
            {
                gaps.push(diagnostic.code);
            }
        }
        let root = ItemRef {
            file,
            item: at as u32,
            kind: item.kind,
        };
        lenses.push(CodeLens {
            range: id_range,
            name: name.clone(),
            below: below(db, root, name),
            gaps,
        });
    }
    lenses
}

/// The kinds a lens stands above: those the chain links (not waivers, approvals, the plan).
fn in_the_chain(kind: ItemKind) -> bool {
    !matches!(kind, ItemKind::Plan | ItemKind::Waiver | ItemKind::Approval)
}

/// Every item that links to `name`, directly or through others, counted by kind.
fn below(db: &dyn Db, root: ItemRef, name: &str) -> Vec<(ItemKind, usize)> {
    let mut seen: HashSet<ItemRef> = HashSet::from([root]);
    let mut queue: Vec<String> = vec![name.to_owned()];
    let mut counts: Vec<(ItemKind, usize)> = Vec::new();
    while let Some(name) = queue.pop() {
        for referrer in lookup_referrers(db, &name) {
            let item = referrer.item;
            if !in_the_chain(item.kind) || !seen.insert(item) {
                continue;
            }
            match counts.iter_mut().find(|(kind, _)| *kind == item.kind) {
                Some((_, count)) => *count += 1,
                None => counts.push((item.kind, 1)),
            }
            if let Some(id) = &parse(db, item.file).ast.items[item.item as usize].id {
                queue.push(id.clone());
            }
        }
    }
    counts.sort_by_key(|(kind, _)| ItemKind::ALL.iter().position(|k| k == kind));
    counts
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};
    use ward_syntax::TextRange;

    use crate::ide::fixture;

    fn check(text: &str, expect: Expect) {
        let fixture = fixture::load(text);
        let analysis = fixture.analysis();
        let file = fixture.file("/main.ward");
        let everything = TextRange {
            start: 0,
            end: u32::MAX,
        };
        let actual: String = analysis
            .code_lenses(file, everything)
            .unwrap()
            .into_iter()
            .map(|lens| {
                let below: Vec<String> = lens
                    .below
                    .iter()
                    .map(|(kind, count)| format!("{count} {kind}"))
                    .collect();
                let gaps: Vec<&str> = lens.gaps.iter().map(|code| code.as_str()).collect();
                format!(
                    "{}: [{}] gaps [{}]\n",
                    lens.name,
                    below.join(", "),
                    gaps.join(", ")
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn the_chain_below_each_item_and_its_gaps() {
        check(
            r#"
            asset A1 { kind: data }
            threat T1 { targets: A1 }
            risk R1 { threat: T1 exploitability: 3 severity: 5 }
            control C1 { mitigates: R1 status: implemented }
            control C2 { mitigates: R1 status: implemented }
            verification V1 { verifies: C1 result: pass }
            "#,
            expect![[r#"
                A1: [1 threat, 1 risk, 2 control, 1 verification] gaps []
                T1: [1 risk, 2 control, 1 verification] gaps []
                R1: [2 control, 1 verification] gaps [unacceptable-residual]
                C1: [1 verification] gaps []
                C2: [] gaps [unverified-control]
                V1: [] gaps []
            "#]],
        );
    }
}
