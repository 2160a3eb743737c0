//! Semantic tokens in LSP's encoding: the legend, the relative five-number form (tokens
//! that span lines split at each line, for clients without multi-line tokens), and deltas
//! against the last result sent for a document.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tower_lsp_server::ls_types::{
    self as lsp, SemanticTokenModifier, SemanticTokenType, SemanticTokensEdit,
    SemanticTokensLegend, Uri,
};
use ward_analysis::ide::{SemanticToken, TokenKind};

use super::convert::LineMap;

/// The token types, in legend order.
const TYPES: [SemanticTokenType; 8] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
];

const DECLARATION: u32 = 1;
/// Not a standard modifier: themes may style it (VS Code: `"*.unresolved"`).
const UNRESOLVED: u32 = 2;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::new("unresolved"),
        ],
    }
}

/// The legend index of a token's type and its modifier bits.
fn encode_kind(kind: TokenKind) -> (u32, u32) {
    match kind {
        TokenKind::Keyword => (0, 0),
        TokenKind::Declaration => (1, DECLARATION),
        TokenKind::Reference => (1, 0),
        TokenKind::Unresolved => (1, UNRESOLVED),
        TokenKind::Field => (2, 0),
        TokenKind::Value => (3, 0),
        TokenKind::Phase => (4, 0),
        TokenKind::Rule => (5, 0),
        TokenKind::String => (6, 0),
        TokenKind::Number => (7, 0),
    }
}

/// The tokens as LSP's numbers, relative to each other, in the client's encoding.
pub fn encode(tokens: &[SemanticToken], map: &LineMap) -> Vec<u32> {
    let mut data = Vec::with_capacity(tokens.len() * 5);
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for token in tokens {
        let (ty, modifiers) = encode_kind(token.kind);
        let start = map.position(token.range.start as usize);
        let end = map.position(token.range.end as usize);
        // One piece per line the token covers.
        for line in start.line..=end.line {
            let from = if line == start.line {
                start.character
            } else {
                0
            };
            let to = if line == end.line {
                end.character
            } else {
                map.line_length(line)
            };
            if to <= from {
                continue;
            }
            let delta_line = line - last_line;
            let delta_start = if delta_line == 0 {
                from - last_start
            } else {
                from
            };
            data.extend([delta_line, delta_start, to - from, ty, modifiers]);
            last_line = line;
            last_start = from;
        }
    }
    data
}

/// The last tokens sent for each document, by result ID, for deltas.
#[derive(Default)]
pub struct Sent {
    documents: Mutex<HashMap<Uri, (String, Vec<u32>)>>,
    next: std::sync::atomic::AtomicU64,
}

impl Sent {
    /// Keeps `data` as the latest result for `uri`; returns its ID.
    pub fn keep(&self, uri: &Uri, data: &[u32]) -> String {
        let id = self
            .next
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string();
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(uri.clone(), (id.clone(), data.to_vec()));
        id
    }

    /// The tokens last sent for `uri` under the result ID `previous`.
    pub fn previous(&self, uri: &Uri, previous: &str) -> Option<Vec<u32>> {
        let documents = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (id, data) = documents.get(uri)?;
        (id == previous).then(|| data.clone())
    }

    pub fn forget(&self, uri: &Uri) {
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(uri);
    }
}

/// The one edit that turns `old` into `new`: what lies between their common start and end.
/// Both ends are whole tokens (five numbers), since the edit's data are tokens.
pub fn delta(old: &[u32], new: &[u32]) -> Vec<SemanticTokensEdit> {
    if old == new {
        return Vec::new();
    }
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count() / 5 * 5;
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        / 5
        * 5;
    vec![SemanticTokensEdit {
        start: prefix as u32,
        delete_count: (old.len() - prefix - suffix) as u32,
        data: Some(
            new[prefix..new.len() - suffix]
                .chunks(5)
                .map(|chunk| lsp::SemanticToken {
                    delta_line: chunk[0],
                    delta_start: chunk[1],
                    length: chunk[2],
                    token_type: chunk[3],
                    token_modifiers_bitset: chunk[4],
                })
                .collect(),
        ),
    }]
}

/// LSP's token structs from the five-number form.
pub fn tokens(data: &[u32]) -> Vec<lsp::SemanticToken> {
    data.chunks(5)
        .map(|chunk| lsp::SemanticToken {
            delta_line: chunk[0],
            delta_start: chunk[1],
            length: chunk[2],
            token_type: chunk[3],
            token_modifiers_bitset: chunk[4],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::delta;

    #[test]
    fn a_delta_replaces_what_changed_between_common_ends() {
        let old = [0, 0, 4, 0, 0, 0, 5, 2, 1, 1, 1, 0, 3, 2, 0];
        let new = [0, 0, 4, 0, 0, 0, 5, 3, 1, 1, 1, 0, 3, 2, 0];
        let edits = delta(&old, &new);
        assert_eq!(edits.len(), 1);
        // The second token changed: it is replaced whole.
        assert_eq!(edits[0].start, 5);
        assert_eq!(edits[0].delete_count, 5);
        let data = edits[0].data.as_ref().unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].length, 3);
        assert!(delta(&old, &old).is_empty());
    }
}
