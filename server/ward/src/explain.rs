//! `ward explain CODE` (rustc's `--explain`): the code's section of `docs/diagnostics.md`,
//! carried in the binary so that it answers offline and matches the version that reported
//! the code. Where the documentation lives online is the crate's `repository` metadata,
//! when it is set; there is no link otherwise.

use std::fmt::Write as _;
use std::io::Write as _;

use clap::Args;
use ward_analysis::Code;

/// The diagnostics reference, one `## <code>` section per code. `docs/diagnostics.md` of
/// the crate is a symbolic link to the repository's page, so that `cargo package` carries
/// the page inside the crate.
const DIAGNOSTICS_MD: &str = include_str!("../docs/diagnostics.md");

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A diagnostic code, such as `unresolved-reference`; without one, every code is listed.
    #[arg(value_parser = code_names())]
    pub code: Option<String>,
}

fn code_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Code::ALL.iter().map(|code| code.as_str()))
}

/// Runs `ward explain`; returns the process exit code.
pub fn run(args: &ExplainArgs) -> i32 {
    let text = match &args.code {
        Some(code) => match section(code) {
            Some(section) => format!("{section}\n"),
            None => {
                // The value parser admits only codes, and a test holds every code to its
                // section: this is a build whose documentation lost one.
                let _ = writeln!(
                    anstream::stderr(),
                    "error: the documentation of this build has no section for `{code}`"
                );
                return 2;
            }
        },
        None => list(),
    };
    if write!(std::io::stdout(), "{text}").is_err() {
        return 2;
    }
    0
}

/// The section of one code: its heading and everything up to the next heading of its level.
pub fn section(code: &str) -> Option<&'static str> {
    let heading = format!("## {code}\n");
    let start = DIAGNOSTICS_MD
        .match_indices(&heading)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || DIAGNOSTICS_MD.as_bytes()[at - 1] == b'\n')?;
    let body = &DIAGNOSTICS_MD[start + heading.len()..];
    let end = body.find("\n## ").map_or(body.len(), |at| at + 1);
    Some(DIAGNOSTICS_MD[start..start + heading.len() + end].trim_end())
}

/// Every code with its one-line summary.
fn list() -> String {
    let width = Code::ALL
        .iter()
        .map(|code| code.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("Diagnostic codes (`ward explain <code>` for one):\n\n");
    for code in Code::ALL {
        let _ = writeln!(out, "  {:width$}  {}", code.as_str(), code.summary());
    }
    out
}

/// Where the documentation of a code is online: only when the crate says where it lives.
pub fn docs_url(code: Code) -> Option<String> {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repository.is_empty()).then(|| {
        format!(
            "{repository}/blob/main/docs/diagnostics.md#{}",
            code.as_str()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_section_that_ends_before_the_next() {
        for code in Code::ALL {
            let section = section(code.as_str()).unwrap_or_else(|| panic!("{code:?}"));
            assert!(section.starts_with(&format!("## {}\n", code.as_str())));
            assert_eq!(section.matches("\n## ").count(), 0, "{section}");
            assert!(section.contains("**Fix:**"), "{section}");
        }
    }
}
