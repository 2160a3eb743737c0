//! Golden snapshots of every format on the example workspace and on the fixtures.

use std::path::Path;

use crate::{example, fixture, redact_version, report};

const FORMATS: [(&str, &str); 4] = [
    ("html", "html"),
    ("markdown", "md"),
    ("csv", "csv"),
    ("json", "json"),
];

/// The style sheet, embedded in every HTML report, is kept out of the snapshots (it has a
/// file of its own, `server/ward/src/report/report.css`); `the_html_embeds_the_style_sheet`
/// checks it is embedded whole.
fn without_style(text: &str) -> String {
    match (text.find("<style>"), text.find("</style>")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}<style>[report.css]{}", &text[..start], &text[end..])
        }
        _ => text.to_owned(),
    }
}

fn snapshot_all(name: &str, dir: &Path) {
    for (format, extension) in FORMATS {
        let (text, _) = report(dir, format);
        // Only the HTML has a style sheet; other formats keep a title's `<style>` as text.
        let text = if format == "html" {
            without_style(&text)
        } else {
            text
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix(extension);
        settings.set_description(format!("ward report {name} --format {format}"));
        settings.bind(|| insta::assert_snapshot!(name, redact_version(&text)));
    }
}

#[test]
fn the_html_embeds_the_style_sheet() {
    let (text, _) = report(&example(), "html");
    let css = std::fs::read_to_string(crate::repo_root().join("server/ward/src/report/report.css"))
        .expect("the style sheet");
    assert!(
        text.contains(&format!("<style>{css}</style>")),
        "the report embeds report.css whole"
    );
}

#[test]
fn example_insulin_pump() {
    let dir = example();
    assert!(
        dir.is_dir(),
        "the example workspace {} is missing",
        dir.display()
    );
    snapshot_all("insulin-pump", &dir);
}

#[test]
fn fixture_supply_chain() {
    snapshot_all("supply-chain", &fixture("supply-chain"));
}

#[test]
fn fixture_gaps() {
    snapshot_all("gaps", &fixture("gaps"));
}

#[test]
fn fixture_failed_verifications() {
    snapshot_all("failed-verifications", &fixture("failed-verifications"));
}

#[test]
fn fixture_accepted_residual() {
    snapshot_all("accepted-residual", &fixture("accepted-residual"));
}

#[test]
fn fixture_no_plan() {
    snapshot_all("no-plan", &fixture("no-plan"));
}

#[test]
fn fixture_hostile() {
    snapshot_all("hostile", &fixture("hostile"));
}
