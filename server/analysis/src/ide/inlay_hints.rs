//! Inlay hints: a risk's score after the last of its exploitability and severity (`= 15`),
//! its residual score after the last value of its `residual { }` block, each marked when
//! the plan does not accept it (`above 6`, or above the matrix's limit for its severity).

use ward_syntax::{BlockKind, TextRange};

use crate::db::{Db, SourceFile, parse};
use crate::model::ItemModel;
use crate::plan::plan as plan_of;
use crate::schema::{residual, risk};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint stands: just after the value it follows.
    pub offset: u32,
    pub label: String,
}

/// The hints of the items that overlap `range` (the part of the file on screen).
pub(crate) fn inlay_hints(db: &dyn Db, file: SourceFile, range: TextRange) -> Vec<InlayHint> {
    let parsed = parse(db, file);
    let mut hints = Vec::new();
    let overlaps = |item: TextRange| item.start <= range.end && range.start <= item.end;
    let mut plan = None;
    for (item, map) in parsed.ast.items.iter().zip(&parsed.source_map.items) {
        if !overlaps(map.range) {
            continue;
        }
        let Some(model) = ItemModel::of(item).risk() else {
            continue;
        };
        let Some(score) = model.score() else {
            continue;
        };
        let plan = plan.get_or_insert_with(|| plan_of(db));
        let judged = |score: crate::model::RiskScore| {
            if plan.is_acceptable(score) {
                format!("= {}", score.value())
            } else {
                format!("= {}, above {}", score.value(), short_measure(plan, score))
            }
        };
        // After whichever of the two scores is written last.
        let last_of = |fields: &[ward_syntax::Field],
                       field_maps: &[ward_syntax::FieldMap],
                       names: [&str; 2]| {
            fields
                .iter()
                .zip(field_maps)
                .filter(|(field, _)| names.contains(&field.name.as_str()))
                .filter_map(|(_, map)| map.values.last().map(|value| value.end))
                .max()
        };
        let scores = [risk::EXPLOITABILITY.name, risk::SEVERITY.name];
        if let Some(offset) = last_of(&item.fields, &map.fields, scores) {
            hints.push(InlayHint {
                offset,
                label: judged(score),
            });
        }
        let residual_scores = [residual::EXPLOITABILITY.name, residual::SEVERITY.name];
        let block = item
            .blocks
            .iter()
            .zip(&map.blocks)
            .find(|(block, _)| block.kind == BlockKind::Residual);
        if let (Some((block, block_map)), Some(after)) = (block, model.residual_score(score))
            && let Some(offset) = last_of(&block.fields, &block_map.fields, residual_scores)
        {
            hints.push(InlayHint {
                offset,
                label: judged(after),
            });
        }
    }
    hints
}

/// What a score is above, in a few words: the acceptable score, or the matrix's limit.
fn short_measure(plan: &crate::plan::Plan, score: crate::model::RiskScore) -> String {
    match plan.matrix {
        None => plan.acceptable.to_string(),
        Some(_) => plan.measure(score),
    }
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
            .inlay_hints(file, everything)
            .unwrap()
            .into_iter()
            .map(|hint| {
                let at = TextRange {
                    start: hint.offset,
                    end: hint.offset,
                };
                format!(
                    "{} {}\n",
                    fixture::location(&analysis, file, at),
                    hint.label
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    #[test]
    fn score_and_residual_judged_by_the_plan() {
        check(
            r#"
            plan { acceptable: 6 }
            risk R1 {
              severity: 5
              exploitability: 3
              residual { exploitability: 1 }
            }
            risk R2 { exploitability: 2 severity: 3 }
            risk R3 { exploitability: 2 }
            "#,
            expect![[r#"
                main.ward:4:20-4:20 = 15, above 6
                main.ward:5:31-5:31 = 5
                main.ward:7:40-7:40 = 6
            "#]],
        );
    }

    #[test]
    fn with_a_matrix_the_limit_of_the_severity() {
        check(
            r#"
            plan { matrix { negligible: 5 minor: 4 serious: 3 critical: 2 catastrophic: 1 } }
            risk R1 { exploitability: 2 severity: 5 }
            "#,
            expect![[r#"
                main.ward:2:40-2:40 = 10, above the matrix's `catastrophic` limit, exploitability 1
            "#]],
        );
    }
}
