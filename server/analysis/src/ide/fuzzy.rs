//! Case-insensitive fuzzy matching for completion and workspace symbols, without allocating
//! per candidate.

/// How well a candidate matches a query; better matches compare greater.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MatchClass {
    /// The query's characters appear in order, with gaps.
    Subsequence,
    /// The query appears as a whole inside the candidate.
    Substring,
    Prefix,
    Exact,
}

/// A lowercased query, ready to match many candidates.
pub(crate) struct Query {
    chars: Vec<char>,
    /// The query's bytes, when it is ASCII: the fast path for ASCII candidates.
    ascii: Option<Vec<u8>>,
}

impl Query {
    pub fn new(query: &str) -> Query {
        let chars: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
        let ascii = chars
            .iter()
            .all(char::is_ascii)
            .then(|| chars.iter().map(|&ch| ch as u8).collect());
        Query { chars, ascii }
    }

    /// How `candidate` matches, or `None`. An empty query matches everything as a prefix.
    pub fn matches(&self, candidate: &str) -> Option<MatchClass> {
        if self.chars.is_empty() {
            return Some(MatchClass::Prefix);
        }
        match &self.ascii {
            Some(query) if candidate.is_ascii() => match_ascii(query, candidate.as_bytes()),
            _ => self.match_chars(candidate),
        }
    }

    fn match_chars(&self, candidate: &str) -> Option<MatchClass> {
        let lower = || candidate.chars().flat_map(char::to_lowercase);
        // Every other class is also a subsequence: most candidates stop here.
        let mut wanted = self.chars.iter().peekable();
        for ch in lower() {
            if wanted.peek() == Some(&&ch) {
                wanted.next();
            }
        }
        if wanted.peek().is_some() {
            return None;
        }
        let mut rest = lower();
        if self.chars.iter().all(|&want| rest.next() == Some(want)) {
            return Some(if rest.next().is_none() {
                MatchClass::Exact
            } else {
                MatchClass::Prefix
            });
        }
        let substring = candidate.char_indices().any(|(at, _)| {
            let mut rest = candidate[at..].chars().flat_map(char::to_lowercase);
            self.chars.iter().all(|&want| rest.next() == Some(want))
        });
        Some(if substring {
            MatchClass::Substring
        } else {
            MatchClass::Subsequence
        })
    }
}

fn match_ascii(query: &[u8], candidate: &[u8]) -> Option<MatchClass> {
    let mut wanted = query.iter().peekable();
    for byte in candidate {
        if wanted.peek() == Some(&&byte.to_ascii_lowercase()) {
            wanted.next();
        }
    }
    if wanted.peek().is_some() {
        return None;
    }
    let equal = |window: &[u8]| {
        window
            .iter()
            .zip(query)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    };
    Some(if candidate.len() == query.len() && equal(candidate) {
        MatchClass::Exact
    } else if equal(&candidate[..query.len()]) {
        MatchClass::Prefix
    } else if candidate.windows(query.len()).any(equal) {
        MatchClass::Substring
    } else {
        MatchClass::Subsequence
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let query = Query::new("ble");
        assert_eq!(query.matches("BLE"), Some(MatchClass::Exact));
        assert_eq!(query.matches("ble-auth"), Some(MatchClass::Prefix));
        assert_eq!(query.matches("T-BLE-1"), Some(MatchClass::Substring));
        assert_eq!(
            query.matches("Bolus Leak Event"),
            Some(MatchClass::Subsequence)
        );
        assert_eq!(query.matches("bel"), None);
        assert_eq!(Query::new("").matches("x"), Some(MatchClass::Prefix));
        assert_eq!(Query::new("zä").matches("ZÄHLER"), Some(MatchClass::Prefix));
    }
}
