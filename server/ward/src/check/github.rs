//! `--format github`: GitHub Actions workflow commands (`::error file=…::message`), which
//! the runner turns into annotations on the pull request's diff, one per diagnostic.

use std::fmt::Write as _;

use ward_analysis::Severity;

use crate::located::Checked;

pub fn render(checked: &Checked) -> String {
    let mut out = String::new();
    for located in &checked.diagnostics {
        let diagnostic = &located.diagnostic;
        // GitHub has three levels; an info is a notice.
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = format!("ward {}", diagnostic.code.as_str());
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&located.path),
            located.start.0,
            located.start.1,
            located.end.0,
            located.end.1,
            property(&title),
            data(&diagnostic.message),
        );
    }
    out
}

/// A command's message: `%`, `\r` and `\n` would end or corrupt it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,` too, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_escaped_where_they_would_split_a_command() {
        assert_eq!(data("50% of a\r\nb: c, d"), "50%25 of a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
