//! JUnit XML test reports: reading one (`test_report`, a query of one input file), the index
//! of every case by the names a verification's `test` may give it, and each name's cases
//! (`test_cases`, a query per name, so that a changed report re-checks only the files whose
//! tests it changed).
//!
//! A case answers to its `name`, and to its `classname` joined to its `name` by `.`, `::` or
//! `/` (the dialects: cargo-nextest names a case by its path in the crate and its suite by
//! the binary; pytest gives a dotted `classname`; Go's subtests are `TestX/sub`; Surefire
//! writes a file per class). `testsuite`s may nest, under a `testsuites` root or not.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use ward_syntax::TextRange;

use crate::db::{Db, Name, SourceFile};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::inputs::{InputKind, inputs_of};
use crate::schema::TestResult;

/// What a test case's report says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Passed,
    /// A `failure` or an `error`.
    Failed,
    Skipped,
}

impl Outcome {
    /// The verification result this outcome amounts to: skipped is never a pass.
    pub fn result(self) -> TestResult {
        match self {
            Outcome::Passed => TestResult::Pass,
            Outcome::Failed => TestResult::Fail,
            Outcome::Skipped => TestResult::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One `testcase`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    pub name: String,
    pub classname: Option<String>,
    pub outcome: Outcome,
    /// Its `name` attribute's value in the report (or the element when it has none).
    pub range: TextRange,
}

impl TestCase {
    /// The case as messages name it: "`name` (class `classname`)", or "`name`".
    pub fn describe(&self) -> String {
        match &self.classname {
            Some(class) if !class.is_empty() => format!("`{}` (class `{class}`)", self.name),
            _ => format!("`{}`", self.name),
        }
    }

    /// Every name a verification's `test` may give this case.
    fn names(&self) -> Vec<String> {
        let mut names = vec![self.name.clone()];
        if let Some(class) = self.classname.as_deref().filter(|class| !class.is_empty()) {
            for joint in [".", "::", "/"] {
                names.push(format!("{class}{joint}{}", self.name));
            }
        }
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// What one report holds: its cases, and what makes it not well-formed JUnit XML.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestReport {
    pub cases: Vec<TestCase>,
    pub problems: Vec<(TextRange, String)>,
}

/// Reads a report. Malformed XML is one problem and no case; a `testcase` without a `name`
/// is a problem and left out, the other cases kept.
pub fn read_report(text: &str) -> TestReport {
    let mut report = TestReport::default();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = match roxmltree::Document::parse_with_options(text, options) {
        Ok(document) => document,
        Err(error) => {
            let pos = error.pos();
            let at = offset_of(text, pos.row, pos.col);
            let end = text[at..]
                .chars()
                .next()
                .map_or(at, |ch| at + ch.len_utf8());
            report.problems.push((
                TextRange::new(at, end),
                format!("not well-formed XML: {}", error_text(&error)),
            ));
            return report;
        }
    };
    let root = document.root_element();
    let root_name = root.tag_name().name();
    if root_name != "testsuites" && root_name != "testsuite" {
        report.problems.push((
            tag_range(&root),
            format!("the root element is `<{root_name}>`; a JUnit report's is `<testsuites>` or `<testsuite>`"),
        ));
        return report;
    }
    for node in root
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
    {
        // A case inside another case (or inside a `properties`) is no case of a suite.
        let parent = node.parent_element();
        if !parent.is_some_and(|parent| parent.has_tag_name("testsuite")) {
            report.problems.push((
                tag_range(&node),
                "a `<testcase>` outside a `<testsuite>`".to_owned(),
            ));
            continue;
        }
        let Some(name) = node.attribute_node("name") else {
            report.problems.push((
                tag_range(&node),
                "a `<testcase>` without a `name` attribute".to_owned(),
            ));
            continue;
        };
        let mut outcome = Outcome::Passed;
        for child in node.children().filter(roxmltree::Node::is_element) {
            match child.tag_name().name() {
                "failure" | "error" => outcome = Outcome::Failed,
                "skipped" if outcome == Outcome::Passed => outcome = Outcome::Skipped,
                // `flakyFailure`, `rerunFailure` (a case that passed on a retry), `system-out`.
                _ => {}
            }
        }
        let value = name.range_value();
        report.cases.push(TestCase {
            name: name.value().to_owned(),
            classname: node.attribute("classname").map(str::to_owned),
            outcome,
            range: TextRange::new(value.start, value.end),
        });
    }
    report
}

/// The parser's message without the position it ends with (the diagnostic has it).
fn error_text(error: &roxmltree::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at ") {
        Some(at)
            if text[at + 4..]
                .chars()
                .all(|ch| ch.is_ascii_digit() || ch == ':') =>
        {
            text[..at].to_owned()
        }
        _ => text,
    }
}

/// The range of an element's name in its start tag.
fn tag_range(node: &roxmltree::Node) -> TextRange {
    let start = node.range().start + 1;
    let len = node.tag_name().name().len();
    TextRange::new(start, start + len)
}

/// The byte offset of a 1-based row and column (in characters), as roxmltree reports them.
fn offset_of(text: &str, row: u32, col: u32) -> usize {
    let mut line_start = 0;
    for _ in 1..row {
        match text[line_start..].find('\n') {
            Some(at) => line_start += at + 1,
            None => return text.len(),
        }
    }
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let col = col.saturating_sub(1) as usize;
    line_start
        + line
            .char_indices()
            .nth(col)
            .map_or(line.len(), |(at, _)| at)
}

/// One report, read.
#[salsa::tracked(returns(ref))]
pub fn test_report(db: &dyn Db, file: SourceFile) -> TestReport {
    read_report(file.text(db))
}

/// The diagnostics of a report: `invalid-test-report` for each problem.
pub fn report_diagnostics(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let diagnostics = test_report(db, file)
        .problems
        .iter()
        .map(|(range, message)| Diagnostic {
            file,
            range: *range,
            severity: Severity::Error,
            code: Code::InvalidTestReport,
            message: format!("this is not a valid JUnit test report: {message}"),
            gate: None,
            related: Vec::new(),
            waived: None,
        })
        .collect();
    Arc::new(diagnostics)
}

/// A case of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseRef {
    pub file: SourceFile,
    pub case: u32,
}

impl CaseRef {
    pub fn get(self, db: &dyn Db) -> &TestCase {
        &test_report(db, self.file).cases[self.case as usize]
    }
}

/// Every case of every report by each name it answers to.
#[salsa::tracked(returns(ref))]
fn test_index(db: &dyn Db) -> FxHashMap<String, Vec<CaseRef>> {
    let mut index: FxHashMap<String, Vec<CaseRef>> = FxHashMap::default();
    for file in inputs_of(db, InputKind::TestReport) {
        for (at, case) in test_report(db, file).cases.iter().enumerate() {
            let this = CaseRef {
                file,
                case: at as u32,
            };
            for name in case.names() {
                index.entry(name).or_default().push(this);
            }
        }
    }
    index
}

/// The cases a test name matches, in report order.
#[salsa::tracked(returns(ref))]
pub fn test_cases<'db>(db: &'db dyn Db, name: Name<'db>) -> Vec<CaseRef> {
    test_index(db)
        .get(name.text(db))
        .cloned()
        .unwrap_or_default()
}

/// The cases one test name matches.
pub fn lookup_test(db: &dyn Db, name: &str) -> Vec<CaseRef> {
    test_cases(db, Name::new(db, name.to_owned())).clone()
}

/// What the reports say of one of a verification's tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestFound {
    /// No report has it.
    Missing,
    /// Several cases match it.
    Ambiguous(Vec<CaseRef>),
    One(CaseRef),
}

/// What the reports say of a verification: the result of the tests they have (any failed:
/// `fail`; any skipped: `pending`; all passed: `pass`), `None` when they have none of them,
/// and whether every test was found once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    pub result: Option<TestResult>,
    pub complete: bool,
    /// The cases that failed.
    pub failed: Vec<CaseRef>,
}

impl Reported {
    pub fn of(found: &[TestFound], db: &dyn Db) -> Reported {
        let mut result = None;
        let mut complete = true;
        let mut failed = Vec::new();
        for test in found {
            let TestFound::One(case) = test else {
                complete = false;
                continue;
            };
            let this = case.get(db).outcome.result();
            if this == TestResult::Fail {
                failed.push(*case);
            }
            result = Some(match (result, this) {
                (Some(TestResult::Fail), _) | (_, TestResult::Fail) => TestResult::Fail,
                (Some(TestResult::Pending), _) | (_, TestResult::Pending) => TestResult::Pending,
                _ => TestResult::Pass,
            });
        }
        Reported {
            result,
            complete,
            failed,
        }
    }

    /// The verification's result when it writes none: a pass only when every test passed.
    pub fn effective(&self) -> Option<TestResult> {
        match self.result {
            Some(TestResult::Pass) if !self.complete => Some(TestResult::Pending),
            result => result,
        }
    }
}

/// Where a verification's result comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResultSource {
    /// Its `result` field.
    Written,
    /// Neither written nor reported: the table's default, `pending`.
    Default,
    /// The test reports, with the cases of its tests.
    Reports(Vec<CaseRef>),
}

/// A verification's result and where it comes from, as the checks decide it; `None` when
/// the written result is invalid.
pub fn result_with_source(
    db: &dyn Db,
    verification: crate::model::Verification<'_>,
) -> Option<(TestResult, ResultSource)> {
    use crate::model::Written;
    match verification.written_result() {
        Written::Valid(result) => return Some((result, ResultSource::Written)),
        Written::Invalid(_) => return None,
        Written::Absent => {}
    }
    if crate::inputs::has_inputs(db, InputKind::TestReport) {
        let found = find_tests(db, verification.tests().map(|(_, test)| test));
        let reported = Reported::of(&found, db);
        if let Some(result) = reported.effective() {
            let cases = found
                .iter()
                .filter_map(|test| match test {
                    TestFound::One(case) => Some(*case),
                    _ => None,
                })
                .collect();
            return Some((result, ResultSource::Reports(cases)));
        }
    }
    verification
        .result()
        .map(|result| (result, ResultSource::Default))
}

/// What the reports say of each test name.
pub fn find_tests<'a>(db: &dyn Db, names: impl Iterator<Item = &'a str>) -> Vec<TestFound> {
    names
        .map(|name| {
            let cases = lookup_test(db, name);
            match cases.as_slice() {
                [] => TestFound::Missing,
                [one] => TestFound::One(*one),
                _ => TestFound::Ambiguous(cases),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Outcome, read_report};

    #[test]
    fn a_malformed_report_is_one_problem_at_its_place() {
        let text = "<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\">\n  </testsuite>\n</testsuites>\n";
        let report = read_report(text);
        assert!(report.cases.is_empty());
        assert_eq!(report.problems.len(), 1);
        let (range, message) = &report.problems[0];
        let line = text[..range.start as usize].matches('\n').count() + 1;
        assert_eq!(line, 4, "{message}");
    }

    #[test]
    fn outcomes_follow_the_children() {
        let text = r#"<testsuite name="s">
  <testcase name="ok"/>
  <testcase name="bad"><failure message="no"/></testcase>
  <testcase name="broken"><error/></testcase>
  <testcase name="later"><skipped/></testcase>
  <testcase name="flaky"><flakyFailure/></testcase>
</testsuite>"#;
        let outcomes: Vec<(String, Outcome)> = read_report(text)
            .cases
            .into_iter()
            .map(|case| (case.name, case.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("ok".to_owned(), Outcome::Passed),
                ("bad".to_owned(), Outcome::Failed),
                ("broken".to_owned(), Outcome::Failed),
                ("later".to_owned(), Outcome::Skipped),
                ("flaky".to_owned(), Outcome::Passed),
            ]
        );
    }
}
