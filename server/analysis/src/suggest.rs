//! "Did you mean" search: the nearest name to a misspelt one by edit distance, with cheap
//! lower bounds that rule out most candidates before a distance is computed.

/// A name prepared for comparison: lowercased, with its length and a set of its characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    lowered: String,
    chars: usize,
    letters: u64,
}

impl Candidate {
    pub fn new(name: &str) -> Candidate {
        let lowered = name.to_lowercase();
        Candidate {
            chars: lowered.chars().count(),
            letters: letter_set(&lowered),
            lowered,
            name: name.to_owned(),
        }
    }
}

/// The characters of a word hashed onto 64 bits. A character whose bit is missing from
/// another word's set is certainly missing from that word, so the number of such bits is
/// a lower bound on the edit distance; collisions only make the bound weaker.
fn letter_set(lowered: &str) -> u64 {
    lowered
        .chars()
        .fold(0, |set, c| set | 1 << (u32::from(c) % 64))
}

/// The candidate nearest to `name` by edit distance, if near enough to be a typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let prepared: Vec<(Candidate, &'a str)> = candidates
        .map(|candidate| (Candidate::new(candidate), candidate))
        .collect();
    nearest_with(
        name,
        prepared
            .iter()
            .map(|(candidate, original)| (candidate, *original)),
    )
}

/// [`closest`] over prepared candidates, which a caller with many names to look up keeps.
pub fn nearest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a Candidate>,
) -> Option<&'a Candidate> {
    nearest_with(name, candidates.map(|candidate| (candidate, candidate)))
}

/// The `T` beside the nearest candidate; ties go to the first name in sorted order.
fn nearest_with<'a, T>(
    name: &str,
    candidates: impl Iterator<Item = (&'a Candidate, T)>,
) -> Option<T> {
    let target = Candidate::new(name);
    let target_chars: Vec<char> = target.lowered.chars().collect();
    let mut rows = Rows::default();
    // The best so far bounds the rest: a candidate is only worth a distance when it could
    // beat it, so once a close name is found most of the others stop at the bounds.
    let mut best: Option<(usize, &'a str, T)> = None;
    for (candidate, value) in candidates {
        if candidate.name == name {
            continue;
        }
        let limit = match &best {
            Some((distance, _, _)) => *distance,
            None => (target.chars / 3).max(1),
        };
        // The distance is at least the difference in length, and at least the number of
        // characters one word has and the other lacks: most candidates stop at these two.
        if candidate.chars.abs_diff(target.chars) > limit {
            continue;
        }
        let only_in_target = (target.letters & !candidate.letters).count_ones();
        let only_in_candidate = (candidate.letters & !target.letters).count_ones();
        if only_in_target.max(only_in_candidate) as usize > limit
            || letters_differ_beyond(&target.lowered, &candidate.lowered, limit)
        {
            continue;
        }
        let Some(distance) = osa_within(&target_chars, &candidate.lowered, limit, &mut rows) else {
            continue;
        };
        let better = match &best {
            Some((best_distance, best_name, _)) => {
                (distance, candidate.name.as_str()) < (*best_distance, *best_name)
            }
            None => true,
        };
        if better {
            best = Some((distance, &candidate.name, value));
        }
    }
    best.map(|(_, _, value)| value)
}

/// Scratch rows for [`osa_within`], kept across candidates.
#[derive(Default)]
struct Rows {
    before_last: Vec<usize>,
    last: Vec<usize>,
    current: Vec<usize>,
    chars: Vec<char>,
}

/// The optimal-string-alignment distance (edits, and swaps of neighbours, counted as one
/// each) of two words, or `None` as soon as it is certain to exceed `limit`: once every
/// cell of a row is above the limit, no later row can come back under it.
fn osa_within(a: &[char], b: &str, limit: usize, rows: &mut Rows) -> Option<usize> {
    rows.chars.clear();
    rows.chars.extend(b.chars());
    let b = &rows.chars;
    let width = b.len() + 1;
    for row in [&mut rows.before_last, &mut rows.last, &mut rows.current] {
        row.clear();
        row.resize(width, 0);
    }
    rows.last
        .iter_mut()
        .enumerate()
        .for_each(|(j, cell)| *cell = j);
    for i in 1..=a.len() {
        rows.current[0] = i;
        let mut row_min = i;
        for j in 1..width {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (rows.last[j] + 1)
                .min(rows.current[j - 1] + 1)
                .min(rows.last[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(rows.before_last[j - 2] + 1);
            }
            rows.current[j] = cell;
            row_min = row_min.min(cell);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut rows.before_last, &mut rows.last);
        std::mem::swap(&mut rows.last, &mut rows.current);
    }
    let distance = rows.last[width - 1];
    (distance <= limit).then_some(distance)
}

/// A lower bound on the edit distance of two lowercase ASCII words that counts repeated
/// letters too: an edit changes at most one letter on each side, so when more than
/// `limit` letters of one word are missing from the other, the distance is above `limit`.
/// Non-ASCII words are never ruled out here.
fn letters_differ_beyond(lowered: &str, candidate: &str, limit: usize) -> bool {
    if !lowered.is_ascii() || !candidate.is_ascii() {
        return false;
    }
    let mut counts = [0i32; 128];
    for byte in lowered.bytes() {
        counts[byte as usize] += 1;
    }
    for byte in candidate.bytes() {
        counts[byte as usize] -= 1;
    }
    let only_in_name: i32 = counts.iter().filter(|&&count| count > 0).sum();
    let only_in_candidate: i32 = -counts.iter().filter(|&&count| count < 0).sum::<i32>();
    only_in_name.max(only_in_candidate) as usize > limit
}

#[cfg(test)]
mod tests {
    use super::{Candidate, closest, nearest};

    #[test]
    fn closest_finds_typos_swaps_and_case_slips() {
        let ids = [
            "T-BLE-SPOOF",
            "R-BLE-01",
            "R-BLE-10",
            "C-Cloud-MFA",
            "Pompe-é",
        ];
        let best = |name| closest(name, ids.iter().copied());
        assert_eq!(best("T-BLE-SPOF"), Some("T-BLE-SPOOF"));
        assert_eq!(best("R-BEL-01"), Some("R-BLE-01"));
        assert_eq!(best("c-cloud-mfa"), Some("C-Cloud-MFA"));
        assert_eq!(best("Pompe-e"), Some("Pompe-é"));
        assert_eq!(best("X-UNRELATED"), None);
    }

    #[test]
    fn bounded_distance_agrees_with_the_plain_one() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "kitten", "sitting", "ca", "abc🦀", "é",
        ];
        let mut rows = super::Rows::default();
        for a in words {
            for b in words {
                let chars: Vec<char> = a.chars().collect();
                let exact = strsim::osa_distance(a, b);
                for limit in 0..8 {
                    let within = super::osa_within(&chars, b, limit, &mut rows);
                    assert_eq!(
                        within,
                        (exact <= limit).then_some(exact),
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn ties_go_to_the_first_name_in_sorted_order() {
        let ids = ["R-02", "R-01", "R-03"];
        assert_eq!(closest("R-00", ids.iter().copied()), Some("R-01"));
    }

    /// The bounds must never rule out a candidate the distance itself would accept: on
    /// every pair of a set of near and far words, the search with bounds finds what an
    /// exhaustive search by distance alone finds.
    #[test]
    fn bounds_never_hide_a_candidate_within_the_limit() {
        let words = [
            "R-001",
            "R-010",
            "R-100",
            "r-001",
            "R-0001",
            "R-01",
            "RR-001",
            "T-BLE-SPOOF",
            "T-BLE-SPOFO",
            "T-BEL-SPOOF",
            "asset",
            "asste",
            "Pompe-é",
            "Pompe-e",
            "Pömpe-é",
            "C-1.2",
            "C-12",
            "🦀-1",
            "🦀-2",
            "a",
            "b",
            "ab",
            "ba",
            "abc",
            "",
        ];
        for name in words {
            let candidates: Vec<Candidate> = words
                .iter()
                .filter(|word| **word != name)
                .map(|word| Candidate::new(word))
                .collect();
            let limit = (name.to_lowercase().chars().count() / 3).max(1);
            let exhaustive = candidates
                .iter()
                .map(|c| {
                    (
                        strsim::osa_distance(&name.to_lowercase(), &c.lowered),
                        &c.name,
                    )
                })
                .filter(|(distance, _)| *distance <= limit)
                .min()
                .map(|(_, name)| name.clone());
            let found = nearest(name, candidates.iter()).map(|c| c.name.clone());
            assert_eq!(found, exhaustive, "for {name:?}");
        }
    }
}
