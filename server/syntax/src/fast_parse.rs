//! A direct parser for well-formed files, many times faster than tree-sitter plus lowering.
//!
//! It reads the grammar's tokens straight from the bytes and builds the same [`Parse`] as
//! [`crate::lower`] over a tree-sitter tree, but only for text it is sure about: anything
//! that is, or might be, an error, and anything whose reading depends on the grammar's
//! conflicts (a keyword used as a name, or as a value where an item or block could
//! start), makes it give up and return `None`,
//! and the caller parses with tree-sitter. So tree-sitter stays the definition of the
//! language and the source of every syntax error; this is only a shortcut for clean text,
//! held to it by differential tests.

use crate::ast::is_date_shape;
use crate::ast::{
    Block, BlockKind, BlockMap, DateValue, Field, FieldMap, Item, ItemKind, ItemMap, TextRange,
    Value,
};
use crate::lower::Parse;
use crate::text::dedent_text_block;
use ward_language::{gate, matrix, residual};

/// Parses `text` when it is well formed and plain enough; `None` means "ask tree-sitter".
pub fn parse_fast(text: &str) -> Option<Parse> {
    // tree-sitter's lexer treats a NUL as the end of some tokens; not worth the doubt.
    // Offsets are kept in 32 bits, as tree-sitter and `TextRange` keep them.
    if text.len() > u32::MAX as usize || text.as_bytes().contains(&0) {
        return None;
    }
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        peeked: None,
        parse: Parse::default(),
        scratch: Scratch::default(),
    };
    parser.file()?;
    parser.parse.ast.items.shrink_to_fit();
    parser.parse.source_map.items.shrink_to_fit();
    Some(parser.parse)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    OpenBrace,
    CloseBrace,
    Comma,
    /// An identifier or a keyword: the grammar's word token.
    Word,
    /// `NAME@word`: a stamped link; `name_end` is where the name ends (the `@`).
    Stamped {
        name_end: u32,
    },
    /// A field name with its colon; `name_end` is where the name itself ends.
    FieldName {
        name_end: u32,
    },
    Integer,
    /// A `YYYY-MM-DD` date (of any numbers).
    Date,
    /// A string literal whose only escapes are `\"`, `\\` and `\n`.
    Str {
        escaped: bool,
    },
    TextBlock,
    End,
}

/// 16 bytes, offsets in 32 bits: small enough to travel in registers.
#[derive(Clone, Copy, Debug)]
struct Lexeme {
    token: Token,
    start: u32,
    end: u32,
}

impl Lexeme {
    fn range(self) -> TextRange {
        span(self.start, self.end)
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    peeked: Option<Lexeme>,
    parse: Parse,
    scratch: Scratch,
}

/// Where the parts of an item gather before they move into vectors of their exact size:
/// most fields hold one value and most items a handful of fields, and vectors grown push
/// by push would hold up to twice that, over a whole workspace.
#[derive(Default)]
struct Scratch {
    fields: Vec<Field>,
    field_maps: Vec<FieldMap>,
    blocks: Vec<Block>,
    block_maps: Vec<BlockMap>,
    values: Vec<Value>,
    value_ranges: Vec<TextRange>,
}

/// The elements from `base` on, moved into a vector of their exact size.
fn take_from<T>(scratch: &mut Vec<T>, base: usize) -> Vec<T> {
    scratch.drain(base..).collect()
}

/// A value's range in the source map: a stamped link's is its name's, as lowering has it.
fn value_range(lexeme: Lexeme) -> TextRange {
    match lexeme.token {
        Token::Stamped { name_end } => span(lexeme.start, name_end),
        _ => lexeme.range(),
    }
}

fn span(start: u32, end: u32) -> TextRange {
    TextRange { start, end }
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic()
}

fn is_name_continue(byte: u8) -> bool {
    NAME_CONTINUE[usize::from(byte)]
}

/// `[A-Za-z0-9_.\-]` as a table: names are most of the bytes of a file.
static NAME_CONTINUE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
        byte += 1;
    }
    table
};

/// The grammar's extras: `\s` as tree-sitter compiles it, which is ASCII only.
fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ')
}

impl<'a> Parser<'a> {
    fn slice(&self, lexeme: Lexeme) -> &'a str {
        &self.text[lexeme.start as usize..lexeme.end as usize]
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn next(&mut self) -> Option<Lexeme> {
        if let Some(lexeme) = self.peeked.take() {
            return Some(lexeme);
        }
        self.lex()
    }

    fn peek(&mut self) -> Option<Lexeme> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex()?);
        }
        self.peeked
    }

    /// The next token, or `None` for anything the fast path does not take.
    fn lex(&mut self) -> Option<Lexeme> {
        self.skip_extras()?;
        let start = self.at;
        let Some(first) = self.byte(start) else {
            return Some(Lexeme {
                token: Token::End,
                start: start as u32,
                end: start as u32,
            });
        };
        let token = match first {
            b'{' => {
                self.at += 1;
                Token::OpenBrace
            }
            b'}' => {
                self.at += 1;
                Token::CloseBrace
            }
            b',' => {
                self.at += 1;
                Token::Comma
            }
            b'"' if self.bytes[start..].starts_with(b"\"\"\"") => self.text_block()?,
            b'"' => self.string()?,
            // The date token is longer than the integer it starts with: tree-sitter's lexer
            // takes the longest.
            b'0'..=b'9' if self.bytes.get(start..start + 10).is_some_and(is_date_shape) => {
                self.at += 10;
                Token::Date
            }
            b'-' | b'0'..=b'9' => {
                self.at += 1;
                while self.byte(self.at).is_some_and(|b| b.is_ascii_digit()) {
                    self.at += 1;
                }
                if self.at == start + 1 && first == b'-' {
                    return None;
                }
                Token::Integer
            }
            byte if is_name_start(byte) => {
                let rest = &self.bytes[start + 1..];
                let len = rest
                    .iter()
                    .position(|&b| !is_name_continue(b))
                    .unwrap_or(rest.len());
                self.at = start + 1 + len;
                let name_end = self.at;
                if self.byte(name_end) == Some(b'@') {
                    // The grammar's `stamped_link` token, longer than the word it starts with.
                    let rest = &self.bytes[name_end + 1..];
                    let len = rest
                        .iter()
                        .position(|&b| !is_name_continue(b))
                        .unwrap_or(rest.len());
                    self.at = name_end + 1 + len;
                    return Some(Lexeme {
                        token: Token::Stamped {
                            name_end: name_end as u32,
                        },
                        start: start as u32,
                        end: self.at as u32,
                    });
                }
                let mut after = name_end;
                while matches!(self.byte(after), Some(b' ' | b'\t')) {
                    after += 1;
                }
                if self.byte(after) == Some(b':') {
                    self.at = after + 1;
                    Token::FieldName {
                        name_end: name_end as u32,
                    }
                } else {
                    Token::Word
                }
            }
            _ => return None,
        };
        Some(Lexeme {
            token,
            start: start as u32,
            end: self.at as u32,
        })
    }

    fn skip_extras(&mut self) -> Option<()> {
        loop {
            match self.byte(self.at) {
                Some(byte) if is_space(byte) => self.at += 1,
                Some(b'/') => {
                    if self.byte(self.at + 1) != Some(b'/') {
                        return None;
                    }
                    // A comment runs to the line break (`\n`, or `\r` alone as in the
                    // grammar); its text is never read.
                    self.at += self.bytes[self.at..]
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(self.bytes.len() - self.at);
                }
                _ => return Some(()),
            }
        }
    }

    /// A string literal. Unknown escapes, line breaks and NULs inside are errors or
    /// doubtful, so they end the fast path.
    fn string(&mut self) -> Option<Token> {
        let mut at = self.at + 1;
        let mut escaped = false;
        loop {
            match self.byte(at)? {
                b'"' => break,
                b'\\' => {
                    if !matches!(self.byte(at + 1)?, b'"' | b'\\' | b'n') {
                        return None;
                    }
                    escaped = true;
                    at += 2;
                }
                b'\n' | b'\r' | 0 => return None,
                _ => at += 1,
            }
        }
        self.at = at + 1;
        Some(Token::Str { escaped })
    }

    /// A `"""` text block. The grammar's token ends at the first `"""` after the opening
    /// one, quotes or not before it (its lexer has no way back), so that is where it ends
    /// here. One followed right away by another quote is left to tree-sitter.
    fn text_block(&mut self) -> Option<Token> {
        let body = self.at + 3;
        let mut at = body;
        loop {
            let quote = at + self.bytes[at..].iter().position(|&b| b == b'"')?;
            if self.bytes[quote..].starts_with(b"\"\"\"") {
                if self.byte(quote + 3) == Some(b'"') {
                    return None;
                }
                self.at = quote + 3;
                return Some(Token::TextBlock);
            }
            at = quote + 1;
        }
    }

    /// A word that is no keyword, or `None`.
    fn name(&self, lexeme: Lexeme) -> Option<&'a str> {
        let word = self.slice(lexeme);
        (lexeme.token == Token::Word && !ward_language::is_reserved(word)).then_some(word)
    }

    /// A word as a value. A keyword is a value too (`kind: component`): the grammar's
    /// conflict also reads it as the start of an item or block after a field without
    /// values, but that reading fails when a comma, a `}` or a field name follows, since
    /// no item or block header continues so. Anything else after it is left to tree-sitter.
    fn value_word(&mut self, lexeme: Lexeme) -> Option<&'a str> {
        if let Some(word) = self.name(lexeme) {
            return Some(word);
        }
        let next = self.peek()?.token;
        matches!(
            next,
            Token::Comma | Token::CloseBrace | Token::FieldName { .. }
        )
        .then(|| self.slice(lexeme))
    }

    fn file(&mut self) -> Option<()> {
        loop {
            let lexeme = self.next()?;
            match lexeme.token {
                Token::End => return Some(()),
                Token::Word => {
                    let kind = ItemKind::from_keyword(self.slice(lexeme))?;
                    self.item(kind, lexeme)?;
                }
                _ => return None,
            }
        }
    }

    /// An item, or the plan, which has no ID and holds gates instead of residual blocks.
    fn item(&mut self, kind: ItemKind, keyword: Lexeme) -> Option<()> {
        let mut item = Item {
            kind,
            id: None,
            title: None,
            fields: Vec::new(),
            blocks: Vec::new(),
        };
        let mut map = ItemMap {
            keyword: keyword.range(),
            ..ItemMap::default()
        };
        let body_of = if kind == ItemKind::Plan {
            BodyOf::Plan
        } else {
            let id = self.next()?;
            item.id = Some(self.name(id)?.to_owned());
            map.id = Some(id.range());
            BodyOf::Item
        };
        self.title(&mut item, &mut map)?;
        let end = self.body(&mut item, &mut map, body_of)?;
        map.range = span(keyword.start, end);
        self.parse.ast.items.push(item);
        self.parse.source_map.items.push(map);
        Some(())
    }

    /// An optional title, then the opening brace.
    fn title(&mut self, item: &mut Item, map: &mut ItemMap) -> Option<()> {
        let mut lexeme = self.next()?;
        if let Token::Str { escaped } = lexeme.token {
            item.title = Some(self.string_value(lexeme, escaped));
            map.title = Some(lexeme.range());
            lexeme = self.next()?;
        }
        (lexeme.token == Token::OpenBrace).then_some(())
    }

    /// Fields and blocks up to the closing brace; returns the brace's end.
    fn body(&mut self, item: &mut Item, map: &mut ItemMap, of: BodyOf) -> Option<u32> {
        let fields = self.scratch.fields.len();
        let blocks = self.scratch.blocks.len();
        loop {
            let lexeme = self.next()?;
            match lexeme.token {
                Token::CloseBrace => {
                    item.fields = take_from(&mut self.scratch.fields, fields);
                    map.fields = take_from(&mut self.scratch.field_maps, fields);
                    item.blocks = take_from(&mut self.scratch.blocks, blocks);
                    map.blocks = take_from(&mut self.scratch.block_maps, blocks);
                    return Some(lexeme.end);
                }
                Token::FieldName { name_end } => {
                    let (field, field_map) = self.field(lexeme, name_end)?;
                    self.scratch.fields.push(field);
                    self.scratch.field_maps.push(field_map);
                }
                Token::Word => {
                    let (kind, name) = match (of, self.slice(lexeme)) {
                        (BodyOf::Item, word) if word == residual::BLOCK.keyword => {
                            (BlockKind::Residual, None)
                        }
                        (BodyOf::Plan, word) if word == matrix::BLOCK.keyword => {
                            (BlockKind::Matrix, None)
                        }
                        (BodyOf::Plan, word) if word == gate::BLOCK.keyword => {
                            let phase = self.next()?;
                            let phase_text = self.name(phase)?;
                            (BlockKind::Gate(Some(phase_text.to_owned())), Some(phase))
                        }
                        _ => return None,
                    };
                    let (block, block_map) = self.block(lexeme, kind, name)?;
                    self.scratch.blocks.push(block);
                    self.scratch.block_maps.push(block_map);
                }
                _ => return None,
            }
        }
    }

    fn block(
        &mut self,
        keyword: Lexeme,
        kind: BlockKind,
        name: Option<Lexeme>,
    ) -> Option<(Block, BlockMap)> {
        if self.next()?.token != Token::OpenBrace {
            return None;
        }
        let mut block = Block {
            kind,
            fields: Vec::new(),
        };
        let mut map = BlockMap {
            keyword: keyword.range(),
            name: name.map(Lexeme::range),
            ..BlockMap::default()
        };
        let fields = self.scratch.fields.len();
        loop {
            let lexeme = self.next()?;
            match lexeme.token {
                Token::CloseBrace => {
                    map.range = span(keyword.start, lexeme.end);
                    block.fields = take_from(&mut self.scratch.fields, fields);
                    map.fields = take_from(&mut self.scratch.field_maps, fields);
                    return Some((block, map));
                }
                Token::FieldName { name_end } => {
                    let (field, field_map) = self.field(lexeme, name_end)?;
                    self.scratch.fields.push(field);
                    self.scratch.field_maps.push(field_map);
                }
                _ => return None,
            }
        }
    }

    /// A field: its name, then values separated by commas. No value, or a comma with no
    /// value after it, is an error the lowering reports, so it ends the fast path.
    fn field(&mut self, name: Lexeme, name_end: u32) -> Option<(Field, FieldMap)> {
        let first = self.next()?;
        let value = self.value(first)?;
        let mut last_end = first.end;
        // Most fields hold one value: straight into vectors of one, no scratch.
        let (values, ranges) = if self.peek()?.token != Token::Comma {
            (vec![value], vec![value_range(first)])
        } else {
            self.scratch.values.clear();
            self.scratch.value_ranges.clear();
            self.scratch.values.push(value);
            self.scratch.value_ranges.push(value_range(first));
            while self.peek()?.token == Token::Comma {
                self.next()?;
                let lexeme = self.next()?;
                let value = self.value(lexeme)?;
                last_end = lexeme.end;
                self.scratch.values.push(value);
                self.scratch.value_ranges.push(value_range(lexeme));
            }
            (
                take_from(&mut self.scratch.values, 0),
                take_from(&mut self.scratch.value_ranges, 0),
            )
        };
        // The field ends where its last value's text does (past a stamp).
        let end = last_end;
        let field = Field {
            name: self.text[name.start as usize..name_end as usize].to_owned(),
            values,
        };
        let map = FieldMap {
            range: span(name.start, end),
            name: span(name.start, name_end),
            values: ranges,
        };
        Some((field, map))
    }

    fn value(&mut self, lexeme: Lexeme) -> Option<Value> {
        Some(match lexeme.token {
            Token::Word => Value::Ident(self.value_word(lexeme)?.to_owned()),
            Token::Stamped { name_end } => {
                let whole = self.slice(lexeme);
                let name = name_end - lexeme.start;
                Value::stamped(&whole[..name as usize], &whole[name as usize + 1..])
            }
            Token::Integer => Value::Int(self.slice(lexeme).parse().ok()),
            Token::Date => Value::Date(DateValue::parse(self.slice(lexeme))?),
            Token::Str { escaped } => Value::Str(self.string_value(lexeme, escaped)),
            Token::TextBlock => Value::TextBlock(dedent_text_block(self.slice(lexeme))),
            _ => return None,
        })
    }

    fn string_value(&self, lexeme: Lexeme, escaped: bool) -> String {
        let literal = self.slice(lexeme);
        if escaped {
            // Only known escapes get here, so no error is lost.
            crate::text::unescape_string(literal).0
        } else {
            literal[1..literal.len() - 1].to_owned()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyOf {
    Item,
    Plan,
}
