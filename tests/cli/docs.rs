//! `docs/diagnostics.md` documents exactly the codes that the analysis defines.
//!
//! The codes come from the analysis itself (`ward_analysis::Code::ALL`) and from the
//! `## code` headings of the page, and must agree both ways, in the same order. Each
//! section must also show a `.ward` example and say how to fix the finding.

use std::collections::BTreeSet;

use crate::repo_root;

/// The codes the analysis defines, in order.
pub fn defined_codes() -> Vec<String> {
    ward_analysis::Code::ALL
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect()
}

fn page() -> String {
    std::fs::read_to_string(repo_root().join("docs/diagnostics.md"))
        .expect("docs/diagnostics.md exists")
}

/// Whether a heading names a code (the page's other headings are prose).
fn is_code(heading: &str) -> bool {
    !heading.is_empty() && heading.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

/// The sections of the page headed `## code`: the code and the section's text.
fn sections(page: &str) -> Vec<(String, &str)> {
    page.split("\n## ")
        .skip(1)
        .filter_map(|section| {
            let (heading, body) = section.split_once('\n').unwrap_or((section, ""));
            let heading = heading.trim();
            is_code(heading).then(|| (heading.to_owned(), body))
        })
        .collect()
}

/// The `## code` headings of `docs/diagnostics.md`, in order.
fn headings() -> Vec<String> {
    sections(&page())
        .into_iter()
        .map(|(code, _)| code)
        .collect()
}

/// The codes `docs/diagnostics.md` documents.
pub fn documented_codes() -> BTreeSet<String> {
    headings().into_iter().collect()
}

#[test]
fn the_page_documents_exactly_the_defined_codes_in_order() {
    let defined = defined_codes();
    // Two empty lists would agree: the comparison must have codes to compare.
    assert!(defined.len() >= 20, "Code::ALL has only {defined:?}");
    let documented = headings();
    let missing: Vec<_> = defined.iter().filter(|c| !documented.contains(c)).collect();
    let stale: Vec<_> = documented.iter().filter(|c| !defined.contains(c)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/diagnostics.md is out of date: undocumented codes {missing:?}, documented codes that do not exist {stale:?}"
    );
    assert_eq!(
        documented, defined,
        "docs/diagnostics.md lists the codes in the order of `Code::ALL`"
    );
}

#[test]
fn every_section_has_an_example_and_a_fix() {
    let page = page();
    for (code, section) in sections(&page) {
        assert!(
            section.contains("```ward"),
            "the section `{code}` has no ```ward example"
        );
        assert!(
            section.contains("**Severity:**"),
            "the section `{code}` gives no **Severity:**"
        );
        assert!(
            section.contains("**Fix:**"),
            "the section `{code}` says nothing under **Fix:**"
        );
    }
}

/// Every ```ward example of the page, checked: it produces the code of its section.
#[test]
fn every_example_triggers_its_code() {
    let page = page();
    for (code, section) in sections(&page) {
        let mut examples = Vec::new();
        let mut rest = section;
        while let Some(start) = rest.find("```ward\n") {
            let body = &rest[start + "```ward\n".len()..];
            let end = body.find("```").expect("the example is closed");
            examples.push(&body[..end]);
            rest = &body[end + 3..];
        }
        let mut codes = BTreeSet::new();
        for example in &examples {
            let dir = crate::workspace(&[("example.ward", example)]);
            // Some rules are off unless a gate requires them: the examples say which gate.
            let (json, _) = crate::check_json(dir.path(), &[]);
            for diagnostic in json["diagnostics"].as_array().expect("an array") {
                codes.insert(diagnostic["code"].as_str().expect("a code").to_owned());
            }
        }
        assert!(
            codes.contains(&code),
            "the examples of `{code}` do not trigger it; they give {codes:?}"
        );
    }
}
