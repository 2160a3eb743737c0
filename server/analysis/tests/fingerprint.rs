//! Fingerprints under random edits: layout, comments, tags, field order, the item's ID and
//! the stamps of its own links change nothing; an edit of any other value changes it.

use proptest::prelude::*;
use ward_analysis::fingerprint::Fingerprint;

#[derive(Clone, Debug)]
enum V {
    Name(u8),
    Str(String),
    Int(i64),
}

/// An item's meaning: its title and fields (name, values), no two fields of one name.
#[derive(Clone, Debug)]
struct Meaning {
    title: String,
    fields: Vec<(&'static str, Vec<V>)>,
}

/// How it is written: everything that must not count.
#[derive(Clone, Debug)]
struct Layout {
    id: u8,
    order: Vec<usize>,
    spaces: Vec<u8>,
    comments: Vec<bool>,
    tags: Option<(usize, Vec<u8>)>,
    stamps: Vec<Option<u64>>,
}

const FIELDS: &[&str] = &[
    "mitigates",
    "status",
    "description",
    "refs",
    "guidance",
    "kind",
];

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        (0u8..20).prop_map(V::Name),
        "[a-z ]{0,8}".prop_map(V::Str),
        (-50i64..50).prop_map(V::Int),
    ]
}

fn meaning() -> impl Strategy<Value = Meaning> {
    (
        "[A-Za-z ]{0,12}",
        proptest::sample::subsequence(FIELDS.to_vec(), 1..FIELDS.len()),
        proptest::collection::vec(proptest::collection::vec(value(), 1..4), FIELDS.len()),
    )
        .prop_map(|(title, names, values)| Meaning {
            title,
            fields: names.into_iter().zip(values).collect(),
        })
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        0u8..50,
        Just(()).prop_perturb(|_, mut rng| {
            let mut order: Vec<usize> = (0..FIELDS.len()).collect();
            for at in (1..order.len()).rev() {
                order.swap(at, rng.random_range(0..=at));
            }
            order
        }),
        proptest::collection::vec(0u8..4, 64),
        proptest::collection::vec(any::<bool>(), 8),
        proptest::option::of((0usize..8, proptest::collection::vec(0u8..5, 1..3))),
        proptest::collection::vec(proptest::option::of(any::<u64>()), 32),
    )
        .prop_map(|(id, order, spaces, comments, tags, stamps)| Layout {
            id,
            order,
            spaces,
            comments,
            tags,
            stamps,
        })
}

fn space(layout: &Layout, at: &mut usize) -> &'static str {
    *at += 1;
    match layout.spaces[*at % layout.spaces.len()] {
        0 => " ",
        1 => "  ",
        2 => "\n    ",
        _ => "\t",
    }
}

fn write(meaning: &Meaning, layout: &Layout) -> String {
    let mut at = 0;
    let mut out = format!("control C-{} \"{}\" {{\n", layout.id, meaning.title);
    let mut fields: Vec<&(&str, Vec<V>)> = meaning.fields.iter().collect();
    fields.sort_by_key(|(name, _)| layout.order[FIELDS.iter().position(|f| f == name).unwrap()]);
    let mut stamp = 0;
    for (index, (name, values)) in fields.iter().enumerate() {
        if let Some((tags_at, tags)) = &layout.tags
            && *tags_at == index
        {
            let tags: Vec<String> = tags.iter().map(|tag| format!("t{tag}")).collect();
            out.push_str(&format!("  tags: {}\n", tags.join(", ")));
        }
        out.push_str(&format!("  {name}:"));
        for (value_at, value) in values.iter().enumerate() {
            if value_at > 0 {
                out.push(',');
            }
            out.push_str(space(layout, &mut at));
            match value {
                V::Name(n) => {
                    out.push_str(&format!("N-{n}"));
                    stamp += 1;
                    if let Some(bits) = layout.stamps[stamp % layout.stamps.len()] {
                        out.push_str(&format!("@{:012x}", bits & 0xffff_ffff_ffff));
                    }
                }
                V::Str(text) => out.push_str(&format!("\"{text}\"")),
                V::Int(n) => out.push_str(&n.to_string()),
            }
        }
        if layout.comments[index % layout.comments.len()] {
            out.push_str(" // a comment, with a \"quote\" and a , comma");
        }
        out.push('\n');
    }
    if let Some((tags_at, tags)) = &layout.tags
        && *tags_at >= fields.len()
    {
        out.push_str(&format!("  tags: t{}\n", tags[0]));
    }
    out.push_str("}\n");
    out
}

fn fingerprint(text: &str) -> Fingerprint {
    let parse = ward_syntax::parse(text);
    assert!(parse.errors.is_empty(), "{text}\n{:?}", parse.errors);
    Fingerprint::of(&parse.ast.items[0])
}

/// The meaning with one value changed.
fn edited(meaning: &Meaning, field: usize, value: usize) -> Meaning {
    let mut edited = meaning.clone();
    let values = &mut edited.fields[field % meaning.fields.len()].1;
    let at = value % values.len();
    values[at] = match &values[at] {
        V::Name(n) => V::Name(n + 20),
        V::Str(text) => V::Str(format!("{text}x")),
        V::Int(n) => V::Int(n + 1),
    };
    edited
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn layout_comments_tags_order_id_and_own_stamps_change_nothing(
        meaning in meaning(), one in layout(), other in layout(),
    ) {
        prop_assert_eq!(fingerprint(&write(&meaning, &one)), fingerprint(&write(&meaning, &other)));
    }

    #[test]
    fn an_edited_value_changes_the_fingerprint(
        meaning in meaning(), layout in layout(), field in 0usize..8, value in 0usize..4,
    ) {
        let changed = edited(&meaning, field, value);
        prop_assert_ne!(fingerprint(&write(&meaning, &layout)), fingerprint(&write(&changed, &layout)));
    }

    #[test]
    fn an_edited_title_changes_the_fingerprint(meaning in meaning(), layout in layout()) {
        let mut changed = meaning.clone();
        changed.title.push('x');
        prop_assert_ne!(fingerprint(&write(&meaning, &layout)), fingerprint(&write(&changed, &layout)));
    }
}
