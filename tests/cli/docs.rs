//! The docs agree with the code.
//!
//! - `docs/diagnostics.md` documents exactly the codes that the analysis defines: the codes
//!   come from the analysis itself (`ward_analysis::Code::ALL`) and from the `## code`
//!   headings of the page, and must agree both ways, in the same order. Each section must
//!   also show a `.ward` example and say how to fix the finding.
//! - Every `ward <command>`, flag and listed flag value that `README.md`, `docs/` and the
//!   editors' READMEs show exists, as `ward --help` and `ward <command> --help` list them.

use std::collections::{BTreeMap, BTreeSet};

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

/// Every ```ward example of the page, checked: it produces the code of its section (with
/// the section's test reports beside it).
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
        // The files an example reads, in blocks such as ```xml reports/a.xml or
        // ```json sbom.cdx.json: written beside each example of the section.
        let mut beside = Vec::new();
        for fence in ["```xml ", "```json "] {
            let mut rest = section;
            while let Some(start) = rest.find(fence) {
                let body = &rest[start + fence.len()..];
                let (path, body) = body.split_once('\n').expect("a path, then the file");
                let end = body.find("```").expect("the file is closed");
                beside.push((path.trim(), &body[..end]));
                rest = &body[end + 3..];
            }
        }
        let mut codes = BTreeSet::new();
        for example in &examples {
            let mut files = vec![("example.ward", *example)];
            files.extend(beside.iter().copied());
            let dir = crate::workspace(&files);
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

// ---------------------------------------------------------------------------------------
// Commands and flags: every `ward <command>` and `--flag` the docs mention exists.

/// One option of a command, as its `--help` lists it.
#[derive(Debug)]
struct Flag {
    short: Option<String>,
    long: String,
    /// The values it accepts, when `--help` lists them (`[possible values: ...]`).
    values: Option<Vec<String>>,
}

/// The command line as `ward --help` and `ward <command> --help` describe it: the flags of
/// each command, the top level's under "".
struct Cli {
    commands: BTreeMap<String, Vec<Flag>>,
}

fn help(args: &[&str]) -> String {
    let output = crate::ward()
        .args(args)
        .arg("--help")
        .output()
        .expect("ward runs");
    assert!(output.status.success(), "ward {args:?} --help fails");
    crate::stdout(&output)
}

/// The lines of one section of a `--help` text (`Commands:`, `Options:`), an entry's
/// continuation lines joined to it.
fn help_section(text: &str, heading: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    let mut lines = text.lines().skip_while(|line| *line != heading).skip(1);
    for line in lines.by_ref().take_while(|line| !line.trim().is_empty()) {
        let entry = line.trim();
        let continues = line.starts_with("          ") && !entry.starts_with('-');
        match entries.last_mut() {
            Some(last) if continues => {
                last.push(' ');
                last.push_str(entry);
            }
            _ => entries.push(entry.to_owned()),
        }
    }
    entries
}

fn flags(help: &str) -> Vec<Flag> {
    help_section(help, "Options:")
        .iter()
        .map(|entry| {
            let names = entry.split("  ").next().unwrap_or_default();
            let mut short = None;
            let mut long = String::new();
            for name in names.split([',', ' ']).filter(|n| n.starts_with('-')) {
                if name.starts_with("--") {
                    long = name.to_owned();
                } else {
                    short = Some(name.to_owned());
                }
            }
            let values = entry.split_once("[possible values: ").map(|(_, rest)| {
                let list = rest.split(']').next().unwrap_or_default();
                list.split(", ").map(str::to_owned).collect()
            });
            Flag {
                short,
                long,
                values,
            }
        })
        .collect()
}

impl Cli {
    fn read() -> Cli {
        let top = help(&[]);
        let mut commands = BTreeMap::from([(String::new(), flags(&top))]);
        for entry in help_section(&top, "Commands:") {
            let name = entry.split_whitespace().next().unwrap().to_owned();
            let flags = if name == "help" {
                Vec::new()
            } else {
                let text = help(&[&name]);
                // A command of commands (`ward import sbom`): each as `import sbom`.
                for entry in help_section(&text, "Commands:") {
                    let sub = entry.split_whitespace().next().unwrap().to_owned();
                    if sub != "help" {
                        let sub_flags = flags(&help(&[&name, &sub]));
                        commands.insert(format!("{name} {sub}"), sub_flags);
                    }
                }
                flags(&text)
            };
            commands.insert(name, flags);
        }
        assert!(
            ["check", "report", "lsp"]
                .iter()
                .all(|name| commands.contains_key(*name)),
            "could not read the commands from `ward --help`: {:?}",
            commands.keys()
        );
        Cli { commands }
    }

    fn flag(&self, command: &str, name: &str) -> Option<&Flag> {
        self.commands
            .get(command)?
            .iter()
            .find(|flag| flag.long == name || flag.short.as_deref() == Some(name))
    }
}

/// What the docs show as commands: each line of a code block (not the examples of `.ward`
/// or of editor configuration) and each inline code span, which may run across lines.
fn command_texts(page: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut prose = String::new();
    let mut block: Option<bool> = None; // Some(whether its lines are commands)
    for line in page.lines() {
        let trimmed = line.trim_start();
        if let Some(language) = trimmed.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => {
                    Some(["", "sh", "bash", "console", "text", "yaml"].contains(&language.trim()))
                }
            };
            prose.push('\n');
            continue;
        }
        match block {
            Some(true) => texts.push(line.to_owned()),
            Some(false) => {}
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    for paragraph in prose.split("\n\n") {
        texts.extend(
            paragraph
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|span| span.replace('\n', " ")),
        );
    }
    texts
}

/// The words of a shell command, cut into the simple commands of a pipeline or list, with
/// comments, redirections and the brackets of usage lines (`[--gate <PHASE>]`) removed.
fn simple_commands(text: &str) -> Vec<Vec<String>> {
    let mut commands = vec![Vec::new()];
    let mut redirected = false;
    for word in text.split_whitespace() {
        if word.starts_with('#') {
            break;
        }
        if ["|", "||", "&&", ";"].contains(&word) {
            commands.push(Vec::new());
            redirected = false;
            continue;
        }
        if word.starts_with('>') || word.starts_with("2>") || word == "<" {
            redirected = true;
            continue;
        }
        if redirected {
            continue;
        }
        let word = word.trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | '"' | '\'' | ','));
        if !word.is_empty() {
            commands.last_mut().unwrap().push(word.to_owned());
        }
    }
    commands.retain(|words| !words.is_empty());
    commands
}

/// Where in a simple command Ward's own arguments start: after the `ward` binary, or after
/// the `--` of `cargo run` (which runs `ward`, the default binary).
fn ward_arguments(words: &[String]) -> Option<usize> {
    let is_ward = |word: &str| {
        word == "ward"
            || word.ends_with("target/release/ward")
            || word.ends_with("target/debug/ward")
    };
    if words.len() >= 2 && words[0] == "cargo" && words[1] == "run" {
        let runs_another = words.windows(2).any(|pair| {
            ["--bin", "-p", "--package"].contains(&pair[0].as_str()) && !is_ward(&pair[1])
        });
        let end = words.iter().position(|word| word == "--")?;
        return (!runs_another).then_some(end + 1);
    }
    // `-p ward` names the package, not the binary; `--format=%ct ward` is still the binary.
    let names_a_value = |word: &str| word.starts_with('-') && !word.contains('=');
    (0..words.len())
        .find(|&at| is_ward(&words[at]) && (at == 0 || !names_a_value(&words[at - 1])))
        .map(|at| at + 1)
}

/// Whether a word is a flag (`--gate`, `--format=json`, `-o`), not a value (`-`, `-1`).
fn flag_name(word: &str) -> Option<&str> {
    let name = word.split('=').next().unwrap_or(word);
    let letters = name.trim_start_matches('-');
    let dashes = name.len() - letters.len();
    let is_flag = matches!(dashes, 1 | 2)
        && letters.starts_with(|c: char| c.is_ascii_alphabetic())
        && (dashes == 2 || letters.len() == 1);
    is_flag.then_some(name)
}

/// The values a word after a flag gives it (`json`, `html|markdown`), unless it is a
/// placeholder (`<PHASE>`, `PHASE`, `FILE|DIR`) or a path.
fn literal_values(word: &str) -> Option<Vec<&str>> {
    let literal = word
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '|');
    (literal && !word.is_empty() && !word.starts_with('-')).then(|| word.split('|').collect())
}

/// The problems of one Ward command line (`words` after the binary).
fn check_invocation(cli: &Cli, words: &[String], problems: &mut Vec<String>) {
    let mut command = String::new();
    let mut at = 0;
    while at < words.len() {
        let word = &words[at];
        at += 1;
        if word == "--" {
            break;
        }
        let Some(name) = flag_name(word) else {
            if command.is_empty() && !word.starts_with('<') {
                if !cli.commands.contains_key(word) {
                    problems.push(format!("`ward {word}` is not a command"));
                    return;
                }
                command = word.clone();
            } else if !command.contains(' ')
                && cli.commands.contains_key(&format!("{command} {word}"))
            {
                command = format!("{command} {word}");
            }
            continue;
        };
        let shown = if command.is_empty() {
            "ward".to_owned()
        } else {
            format!("ward {command}")
        };
        let Some(flag) = cli.flag(&command, name) else {
            problems.push(format!("`{shown}` has no flag `{name}`"));
            continue;
        };
        let value = match word.split_once('=') {
            Some((_, value)) => Some(value),
            None => words.get(at).map(String::as_str),
        };
        if let (Some(accepted), Some(given)) = (&flag.values, value.and_then(literal_values)) {
            for value in given {
                if !accepted.iter().any(|v| v == value) {
                    problems.push(format!(
                        "`{shown} {name}` does not accept `{value}` (only {accepted:?})"
                    ));
                }
            }
        }
    }
}

/// The problems of a page: commands and flags of Ward that do not exist. A flag mentioned
/// on its own (`--gate PHASE`) must be a flag of some Ward command, or of another program
/// whose command line the page shows (`ward-gen ... [--clean]`).
fn check_page(cli: &Cli, page: &str) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut invocations = 0;
    let mut others = BTreeSet::new();
    let mut lone = Vec::new();
    for text in command_texts(page) {
        for words in simple_commands(&text) {
            match ward_arguments(&words) {
                Some(start) => {
                    invocations += 1;
                    others.extend(
                        words[..start]
                            .iter()
                            .filter_map(|w| flag_name(w))
                            .map(str::to_owned),
                    );
                    check_invocation(cli, &words[start..], &mut problems);
                }
                None if flag_name(&words[0]).is_some() => lone.push(words),
                None => others.extend(words.iter().filter_map(|w| flag_name(w)).map(str::to_owned)),
            }
        }
    }
    for words in lone {
        let name = flag_name(&words[0]).unwrap();
        let value = words.get(1).map(String::as_str).and_then(literal_values);
        let fits = cli.commands.keys().any(|command| {
            cli.flag(command, name)
                .is_some_and(|flag| match (&flag.values, &value) {
                    (Some(accepted), Some(given)) => {
                        given.iter().all(|v| accepted.iter().any(|a| a == v))
                    }
                    _ => true,
                })
        });
        if !fits && !others.contains(name) {
            problems.push(format!(
                "`{}` is a flag of no Ward command",
                words.join(" ")
            ));
        }
    }
    (problems, invocations)
}

/// The pages that tell users how to run Ward.
fn user_docs() -> Vec<(String, String)> {
    let root = repo_root();
    let mut paths = vec![root.join("README.md")];
    for folder in ["docs", "editors"] {
        for entry in std::fs::read_dir(root.join(folder)).expect("a docs folder") {
            let path = entry.expect("an entry").path();
            let readme = path.join("README.md");
            if path.extension().is_some_and(|ext| ext == "md") {
                paths.push(path);
            } else if readme.is_file() {
                paths.push(readme);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read a page");
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            (name, text)
        })
        .collect()
}

#[test]
fn every_command_and_flag_the_docs_mention_exists() {
    let cli = Cli::read();
    let mut problems = Vec::new();
    let mut invocations = 0;
    for (name, page) in user_docs() {
        let (found, count) = check_page(&cli, &page);
        invocations += count;
        problems.extend(
            found
                .into_iter()
                .map(|problem| format!("{name}: {problem}")),
        );
    }
    assert!(
        invocations >= 30,
        "found only {invocations} Ward command lines in the docs: the scan is broken"
    );
    assert!(
        problems.is_empty(),
        "the docs mention what the command line does not have:\n{}",
        problems.join("\n")
    );
}

/// The scan of the test above finds what is wrong and leaves other programs alone.
#[test]
fn the_command_scan_tells_ward_from_other_programs() {
    let cli = Cli::read();
    let page = "\
Run `ward lint`, or `ward check --xunit`, `--xunit` or `--frobnicate`, and
`ward report --format pdf`.

```sh
cargo run --release -- check --format junit .   # a comment --nothing
ward check --deny errors | less
```
";
    let (problems, invocations) = check_page(&cli, page);
    assert_eq!(invocations, 5);
    assert_eq!(
        problems,
        [
            // The code block first, then the inline spans.
            "`ward check --format` does not accept `junit` (only [\"human\", \"json\", \"sarif\", \"github\", \"gitlab\"])",
            "`ward check --deny` does not accept `errors` (only [\"warnings\"])",
            "`ward lint` is not a command",
            "`ward check` has no flag `--xunit`",
            "`ward report --format` does not accept `pdf` (only [\"html\", \"markdown\", \"csv\", \"json\"])",
            "`--xunit` is a flag of no Ward command",
            "`--frobnicate` is a flag of no Ward command",
        ]
    );
    let fine = "\
`ward check examples/insulin-pump --gate release`, `--gate <PHASE>`, `-o -`, `--clean`,
`ward check <dir>
--format json`, `ward --version`.

```sh
cargo bench -p ward --bench check
cargo install --path server/ward
target/release/ward-gen --items 100000 --out /tmp/w100k [--seed 42] [--clean]
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) ward report -o build/ward-report.html
ward report [PATH...] [--format html|markdown|csv|json] [-o FILE|DIR] [--gate PHASE]
- run: ward check --format sarif > ward.sarif
```
";
    let (problems, invocations) = check_page(&cli, fine);
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(invocations, 6);
}

/// Every `cargo install` the docs show installs the tested lockfile (`--locked`); without it
/// cargo re-resolves every dependency to its newest version.
#[test]
fn every_cargo_install_in_the_docs_is_locked() {
    let mut pages = vec![repo_root().join("README.md")];
    for folder in ["docs", "editors/helix", "editors/nvim", "editors/vscode"] {
        for entry in std::fs::read_dir(repo_root().join(folder)).expect("read a docs folder") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|ext| ext == "md") {
                pages.push(path);
            }
        }
    }
    let mut unlocked = Vec::new();
    let mut seen = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).expect("read a page");
        for line in text.lines().filter(|line| line.contains("cargo install")) {
            seen += 1;
            if !line.contains("--locked") {
                unlocked.push(format!("{}: {line}", page.display()));
            }
        }
    }
    assert!(seen > 0, "the docs say how to install ward");
    assert!(unlocked.is_empty(), "{}", unlocked.join("\n"));
}
