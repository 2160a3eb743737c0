//! The traceability chain as a call hierarchy: an item "calls" the items its links name.
//! Incoming calls of an item are the items below it in the chain (the risks that assess a
//! threat, the controls that mitigate a risk, the verifications that verify a control, a
//! waiver that names it), outgoing calls the items above it (what it targets, assesses,
//! mitigates, verifies). Every editor with a call hierarchy view then shows the whole chain
//! of any item, in both directions.

use ward_syntax::TextRange;

use crate::db::{Db, ItemRef, SourceFile, lookup_definitions, lookup_referrers, parse};
use crate::ide::cursor::{Symbol, symbol_at};
use crate::ide::goto::item_target;
use crate::ide::references::links_in;
use crate::ide::{FilePosition, NavigationTarget};

/// One edge of the chain: the item at its other end, and the ranges of the links that make
/// it, in the file of the item that writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub target: NavigationTarget,
    pub file: SourceFile,
    pub ranges: Vec<TextRange>,
}

/// The item under the cursor (its ID, or a link naming it), as the root of the hierarchy.
pub(crate) fn prepare(db: &dyn Db, position: FilePosition) -> Option<NavigationTarget> {
    match symbol_at(db, position)? {
        Symbol::Item { name, def, .. } => Some(item_target(db, def?, name)),
        Symbol::Phase { .. } | Symbol::Rule { .. } => None,
    }
}

/// The item an ID names: the first definition, as links resolve.
fn definition(db: &dyn Db, name: &str) -> Option<ItemRef> {
    lookup_definitions(db, name).first().copied()
}

/// The items whose links name `name`, each with the ranges of those links, in workspace
/// order.
pub(crate) fn incoming(db: &dyn Db, name: &str) -> Vec<Call> {
    let mut calls: Vec<Call> = Vec::new();
    for referrer in lookup_referrers(db, name) {
        let ranges: Vec<TextRange> = links_in(db, *referrer, name).collect();
        let item = referrer.item;
        // One item may name the target through several fields: one call.
        if let Some(call) = calls.iter_mut().find(|call| {
            call.file == item.file && call.target.full_range == item_full_range(db, item)
        }) {
            call.ranges.extend(ranges);
            continue;
        }
        let Some(id) = item_id(db, item) else {
            continue;
        };
        calls.push(Call {
            target: item_target(db, item, id),
            file: item.file,
            ranges,
        });
    }
    calls
}

/// The items that the links of the item `name` names, each with the ranges of those links
/// in the item, in the order the links are written. Links that resolve to nothing are
/// left out: there is nothing to show at their end.
pub(crate) fn outgoing(db: &dyn Db, name: &str) -> Vec<Call> {
    let Some(item) = definition(db, name) else {
        return Vec::new();
    };
    let parsed = parse(db, item.file);
    let ast = &parsed.ast.items[item.item as usize];
    let map = &parsed.source_map.items[item.item as usize];
    let mut calls: Vec<(String, Call)> = Vec::new();
    for (field, field_map) in ast.fields.iter().zip(&map.fields) {
        let is_link = item
            .kind
            .fields()
            .iter()
            .any(|spec| spec.name == field.name && spec.ty.link().is_some());
        if !is_link {
            continue;
        }
        for (value, &range) in field.values.iter().zip(&field_map.values) {
            let Some(target) = value.as_ident() else {
                continue;
            };
            if let Some((_, call)) = calls.iter_mut().find(|(named, _)| named == target) {
                call.ranges.push(range);
                continue;
            }
            let Some(def) = definition(db, target) else {
                continue;
            };
            calls.push((
                target.to_owned(),
                Call {
                    target: item_target(db, def, target.to_owned()),
                    file: item.file,
                    ranges: vec![range],
                },
            ));
        }
    }
    calls.into_iter().map(|(_, call)| call).collect()
}

fn item_full_range(db: &dyn Db, item: ItemRef) -> TextRange {
    parse(db, item.file).source_map.items[item.item as usize].range
}

fn item_id(db: &dyn Db, item: ItemRef) -> Option<String> {
    parse(db, item.file).ast.items[item.item as usize]
        .id
        .clone()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let mut actual = String::new();
        let Some(root) = analysis.call_hierarchy(position).unwrap() else {
            expect.assert_eq("none");
            return;
        };
        actual.push_str(&format!(
            "root {}\n",
            fixture::range_with_text(&analysis, root.file, root.focus_range)
        ));
        for (label, calls) in [
            ("in", analysis.incoming_calls(&root.name).unwrap()),
            ("out", analysis.outgoing_calls(&root.name).unwrap()),
        ] {
            for call in calls {
                let ranges: Vec<String> = call
                    .ranges
                    .iter()
                    .map(|&range| fixture::range_with_text(&analysis, call.file, range))
                    .collect();
                actual.push_str(&format!(
                    "{label} {} {} via {}\n",
                    call.target.kind,
                    call.target.name,
                    ranges.join(", ")
                ));
            }
        }
        expect.assert_eq(&actual);
    }

    #[test]
    fn a_risk_sees_its_controls_below_and_its_threat_above() {
        check(
            r#"
            //- /model.ward
            asset A1 {}
            threat T1 { targets: A1 }
            risk R$01 { threat: T1 }
            //- /controls.ward
            control C1 { mitigates: R1 }
            control C2 { mitigates: R0, R1 }
            verification V1 { verifies: C1 }
            "#,
            expect![[r#"
                root model.ward:3:6-3:8 R1
                in control C1 via controls.ward:1:25-1:27 R1
                in control C2 via controls.ward:2:29-2:31 R1
                out threat T1 via model.ward:3:19-3:21 T1
            "#]],
        );
    }

    #[test]
    fn from_a_link_the_item_it_names_and_links_to_nothing_are_left_out() {
        check(
            r#"
            asset A1 {}
            threat T1 { targets: A1, A2, A1 }
            risk R1 { threat: T$01 }
            "#,
            expect![[r#"
                root main.ward:2:8-2:10 T1
                in risk R1 via main.ward:3:19-3:21 T1
                out asset A1 via main.ward:2:22-2:24 A1, main.ward:2:30-2:32 A1
            "#]],
        );
    }

    #[test]
    fn nothing_on_a_field_name() {
        check(
            r#"
            threat T1 { tar$0gets: A1 }
            "#,
            expect!["none"],
        );
    }
}
