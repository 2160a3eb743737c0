//! Random Ward text for the property tests of the syntax layer: structured files (items,
//! fields, blocks, comments, every kind of extra), clean pieces, and edits that break them.

use proptest::prelude::*;

/// Separators: extras of every kind, comments included.
fn sep() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ",
        " ",
        "\n  ",
        "\n",
        "\t",
        "\r\n",
        "\u{b}",
        "  // note é 🦀\n",
        "\n// comment\n",
    ])
}

fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "A", "A-1", "r.2_x", "T-BLE-01", "assetX", "risks", "Plan", "data", "a-", "Z9", "x.",
    ])
}

/// A value, now and then one the fast path leaves to tree-sitter (a keyword, a bad escape).
fn value() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        10 => word(),
        3 => prop::sample::select(vec![
            "0", "-0", "42", "-7", "007", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808",
        ]),
        // Dates, impossible ones and near misses, which lex as integers.
        3 => prop::sample::select(vec![
            "2027-06-30", "2027-02-30", "0000-00-00", "2027-6-30", "12345-10-12", "2027-06-301",
            "2027-06-30x", "-2027-06-30",
        ]),
        4 => prop::sample::select(vec![
            "\"\"", "\"plain\"", "\"é 🦀 // no comment\"", "\"esc \\\" \\\\ \\n\"", "\"bad \\t\"",
        ]),
        2 => prop::sample::select(vec![
            "\"\"\"one line\"\"\"",
            "\"\"\"\n    a\n      b\n    \"\"\"",
            "\"\"\"\r\n  x \"q\" \"\"y\r\n  \"\"\"",
            "\"\"\"\"\"\"",
        ]),
        1 => prop::sample::select(vec!["risk", "verification", "gate", "residual"]),
        // Stamped links, well-formed or not, a keyword stamped, and an empty stamp.
        2 => prop::sample::select(vec![
            "C-1@3f9a2c1b4d5e", "A@0", "risk@abc", "T.1@", "x@3F9A-2c.1_b", "A@@b",
        ]),
    ]
}

fn field() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "kind",
            "targets",
            "description",
            "x.y-z_1",
            "residual",
            "asset",
        ]),
        prop::sample::select(vec![":", " :", "\t:"]),
        sep(),
        prop::collection::vec(
            (value(), prop::sample::select(vec!["", " ", "\n    "])),
            1..4,
        ),
    )
        .prop_map(|(name, colon, sep, values)| {
            let values: Vec<String> = values
                .into_iter()
                .map(|(value, before_comma)| format!("{value}{before_comma}"))
                .collect();
            format!("{name}{colon}{sep}{}", values.join(", "))
        })
}

fn fields() -> impl Strategy<Value = String> {
    prop::collection::vec((field(), sep()), 0..5)
        .prop_map(|fields| fields.into_iter().map(|(field, sep)| field + sep).collect())
}

/// A `residual` or a `gate` block, the one the item holds more often than the other (which
/// is an error there).
fn block(gate_weight: u32, residual_weight: u32) -> impl Strategy<Value = String> {
    let gate =
        (word(), fields()).prop_map(|(phase, fields)| format!("gate {phase} {{ {fields}}} "));
    let residual = fields().prop_map(|fields| format!("residual {{ {fields}}} "));
    prop_oneof![gate_weight => gate, residual_weight => residual]
}

/// An item or a plan, well formed in the grammar's eyes but for the odd keyword value or
/// misplaced block.
fn item() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec!["asset", "threat", "risk", "control", "verification"]);
    let title = prop::sample::select(vec!["", " \"Title é\"", " \"t \\\"q\\\"\""]);
    let item = (
        kind,
        word(),
        title,
        sep(),
        fields(),
        prop::collection::vec(block(1, 8), 0..2),
        sep(),
    )
        .prop_map(|(kind, id, title, sep, fields, blocks, sep2)| {
            format!(
                "{kind} {id}{title}{sep}{{{sep}{fields}{}{sep2}}}",
                blocks.concat()
            )
        });
    let plan = (
        title_strategy(),
        fields(),
        prop::collection::vec(block(8, 1), 0..3),
    )
        .prop_map(|(title, fields, blocks)| {
            format!("plan{title} {{\n{fields}{}}}", blocks.concat())
        });
    prop_oneof![5 => item, 1 => plan]
}

fn title_strategy() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", " \"Plan\""])
}

pub fn structured_file() -> impl Strategy<Value = String> {
    prop::collection::vec((item(), sep()), 0..5)
        .prop_map(|items| items.into_iter().map(|(item, sep)| item + sep).collect())
}

/// What random edits insert: punctuation, quotes, escapes, extras, non-ASCII, keywords.
pub fn edit_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        ":",
        ",",
        "\"",
        "\"\"\"",
        "\\",
        "/",
        "//",
        "-",
        ".",
        "\n",
        " ",
        "\t",
        "\r",
        "\u{b}",
        "\u{a0}",
        "\u{feff}",
        "é",
        "🦀",
        "\0",
        "0",
        "9",
        "2027-06-30",
        "-06",
        "x",
        "asset",
        "threat",
        "risk",
        "control",
        "verification",
        "plan",
        "residual",
        "gate",
        "a:",
        "a :",
        "@",
        "@3f9a2c1b4d5e",
    ])
}

/// Pieces of Ward text, many of them clean, so that random files often parse and the
/// fast path is exercised as well as its refusals.
pub fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "asset A {\n  kind: data\n}\n",
        "threat T-1 \"Spoof é\" { targets: A, B stride: spoofing }\n",
        "risk R.1 {\n  threat: T-1\n  exploitability: 3 severity: -2\n  residual { severity: 1 }\n}\n",
        "control C_1 { mitigates: R.1 description: \"\"\"\n    x\n    \"\"\" }\n",
        "verification V { verifies: C_1 result: passed }\n",
        "verification W { verifies: C_1@3f9a2c1b4d5e, C-2@x }\n",
        "plan \"P\" { phases: design, implementation current: design gate design { require: all-risks-scored } }\n",
        "// comment\n",
        "{",
        "}",
        ":",
        ",",
        "\"",
        "\\",
        "/",
        "-",
        ".",
        "\n",
        " ",
        "\t",
        "\r\n",
        "é",
        "🦀",
        "asset",
        "risk",
        "residual",
        "gate",
        "plan",
        "x",
        "field:",
        "field :",
        "42",
        "\"s\"",
        "\"\"\"",
        "\"\\n\"",
        "\"\\q\"",
    ])
}

pub fn mutate(base: &str, edits: &[(usize, usize, &str)]) -> String {
    let mut text = base.to_owned();
    for &(at, delete, insert) in edits {
        let mut start = at % (text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.replace_range(start..end, insert);
    }
    text
}
