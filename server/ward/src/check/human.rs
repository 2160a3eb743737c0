//! `--format human`: rustc-style diagnostics with source snippets.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use ward_analysis::{FileId, Severity, TextRange};

use crate::located::Checked;
use crate::workspace::sanitise;

/// The lines of `text` that `range` touches, with the range made relative to them. `line`
/// is the 1-based line of the range's start, as placed by the located model: counting it
/// here again would read the file from its start for every diagnostic.
fn excerpt(text: &str, range: TextRange, line: u32) -> (usize, &str, std::ops::Range<usize>) {
    let start = (range.start as usize).min(text.len());
    let end = (range.end as usize).clamp(start, text.len());
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |at| end + at);
    (
        line as usize,
        &text[line_start..line_end],
        start - line_start..end - line_start,
    )
}

/// The diagnostics with their snippets, then the summary. Waived findings are counted in
/// the summary and shown only with `show_waived`, with a note naming their waiver.
pub fn render(checked: &Checked, show_waived: bool) -> String {
    let renderer = Renderer::styled();
    let mut out = String::new();
    for located in &checked.diagnostics {
        let diagnostic = &located.diagnostic;
        if diagnostic.waived.is_some() && !show_waived {
            continue;
        }
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let text = checked.text(located);
        let (line, source, span) = excerpt(&text, diagnostic.range, located.start.0);
        // A file name may hold escape sequences; the terminal must not obey them.
        let path = sanitise(&located.path);
        let mut snippet = Snippet::source(source)
            .line_start(line)
            .path(path.as_str())
            .annotation(AnnotationKind::Primary.span(span));
        // Related places in the same file and on the same lines join the main snippet.
        let mut elsewhere = Vec::new();
        for (related, shown) in diagnostic.related.iter().zip(&located.related) {
            let same_lines =
                related.location.file == diagnostic.file && shown.start.0 == located.start.0;
            if same_lines {
                let (_, _, related_span) = excerpt(&text, related.location.range, shown.start.0);
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(related_span)
                        .label(related.message.as_str()),
                );
            } else {
                elsewhere.push((related.location.file, related.location.range, shown));
            }
        }
        let related_texts: Vec<(FileId, std::sync::Arc<str>)> = elsewhere
            .iter()
            .map(|(file, ..)| {
                (
                    *file,
                    checked.workspaces[located.workspace].analysis.text(*file),
                )
            })
            .collect();
        let related_paths: Vec<String> = elsewhere
            .iter()
            .map(|(.., shown)| sanitise(&shown.path))
            .collect();
        let mut group = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_str())
            .element(snippet);
        for (((_, range, shown), (_, related_text)), related_path) in
            elsewhere.iter().zip(&related_texts).zip(&related_paths)
        {
            let (related_line, related_source, related_span) =
                excerpt(related_text, *range, shown.start.0);
            group = group.element(
                Snippet::source(related_source)
                    .line_start(related_line)
                    .path(related_path.as_str())
                    .annotation(
                        AnnotationKind::Context
                            .span(related_span)
                            .label(shown.message.as_str()),
                    ),
            );
        }
        let waived_note = diagnostic.waived.as_ref().map(|waived| {
            let until = waived
                .expires
                .map(|expires| format!(" until {expires}"))
                .unwrap_or_default();
            format!(
                "waived by `{}`{until}: {}",
                waived.by,
                waived.rationale.trim()
            )
        });
        if let Some(note) = &waived_note {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        let report: Vec<Group<'_>> = vec![group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    if let Some(first) = checked.diagnostics.first() {
        let code = first.diagnostic.code.as_str();
        out.push_str(&format!(
            "For more about a code, try `ward explain <code>`, such as `ward explain {code}`.\n"
        ));
    }
    out.push_str(&summary(checked));
    out
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

fn summary(checked: &Checked) -> String {
    let errors = checked.count(Severity::Error);
    let warnings = checked.count(Severity::Warning);
    let waived = match checked.waived() {
        0 => String::new(),
        count => format!(", {count} waived"),
    };
    let checked_what = format!(
        "{} in {}",
        plural(checked.items, "item"),
        plural(checked.files, "file")
    );
    if errors == 0 && warnings == 0 {
        format!("ward: no findings{waived} ({checked_what} checked)\n")
    } else {
        format!(
            "ward: {} and {}{waived} ({checked_what} checked)\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_takes_the_whole_line_of_each_line_break() {
        for text in ["a\r\nbb cc\r\nd", "a\rbb cc\rd", "a\nbb cc\nd"] {
            let cc = text.find("cc").unwrap();
            let (line, source, span) = excerpt(text, TextRange::new(cc, cc + 2), 2);
            assert_eq!((line, source, span), (2, "bb cc", 3..5), "{text:?}");
        }
    }
}
