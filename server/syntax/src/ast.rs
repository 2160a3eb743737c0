//! The lowered syntax of one file, split in two parallel halves: [`FileAst`] holds what the
//! text means and nothing about where it is (so it compares equal after an edit that only
//! moves text), and [`SourceMap`] holds the byte ranges, index for index.

/// A half-open range of UTF-8 byte offsets into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        TextRange {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start as usize <= offset && offset < self.end as usize
    }

    /// Like [`TextRange::contains`], but also true at the end offset, where a cursor
    /// just after a word still touches it.
    pub fn touches(self, offset: usize) -> bool {
        self.start as usize <= offset && offset <= self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

pub use ward_language::ItemKind;

/// What one file says, without positions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileAst {
    pub items: Vec<Item>,
}

/// An item or the plan. The plan has no ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub id: Option<String>,
    pub title: Option<String>,
    pub fields: Vec<Field>,
    pub blocks: Vec<Block>,
}

impl Item {
    /// The first field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }
}

/// A `residual { }`, `gate <phase> { }` or `matrix { }` block inside an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Residual,
    /// A gate and the phase it names (absent only in broken text).
    Gate(Option<String>),
    /// The plan's acceptability matrix.
    Matrix,
}

impl Block {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub values: Vec<Value>,
}

/// One value of a field, already decoded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// An ID or a keyword: the grammar cannot tell them apart, the field's type does.
    Ident(String),
    /// A link with a stamp, `C-PAIR@3f9a2c1b4d5e`. Its range in the source map is the
    /// name's. Boxed: a value of every other kind fits in 32 bytes, and most are not stamped.
    Stamped(Box<StampedLink>),
    /// An integer; `None` when it does not fit in an `i64`.
    Int(Option<i64>),
    /// A string with its escapes resolved.
    Str(String),
    /// A `"""` text block, dedented.
    TextBlock(String),
    /// A `YYYY-MM-DD` date as written: the shape is syntax, whether the day exists is the
    /// checks' business (an impossible date is an invalid value, not a syntax error).
    Date(DateValue),
}

// Every value of every file is kept: a stamped link, rare, must not make them all larger.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Value>() <= 32);

/// A stamped link's name and the word after its `@` (not necessarily a valid fingerprint).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StampedLink {
    pub name: String,
    pub stamp: String,
}

impl Value {
    /// A stamped link's value.
    pub fn stamped(name: &str, stamp: &str) -> Value {
        Value::Stamped(Box::new(StampedLink {
            name: name.to_owned(),
            stamp: stamp.to_owned(),
        }))
    }
}

/// The numbers of a `YYYY-MM-DD` date, as written; not necessarily a day of the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateValue {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl DateValue {
    /// Reads exactly `YYYY-MM-DD` (ASCII digits), the grammar's `date` token.
    pub fn parse(text: &str) -> Option<DateValue> {
        let bytes = text.as_bytes();
        if !is_date_shape(bytes) {
            return None;
        }
        let number = |range: std::ops::Range<usize>| {
            bytes[range]
                .iter()
                .fold(0u16, |n, digit| n * 10 + u16::from(digit - b'0'))
        };
        Some(DateValue {
            year: number(0..4),
            month: number(5..7) as u8,
            day: number(8..10) as u8,
        })
    }
}

/// Whether `bytes` is exactly the grammar's date token, `[0-9]{4}-[0-9]{2}-[0-9]{2}`.
pub(crate) fn is_date_shape(bytes: &[u8]) -> bool {
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(at, byte)| match at {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

impl std::fmt::Display for DateValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Value {
    pub fn as_ident(&self) -> Option<&str> {
        match self {
            Value::Ident(ident) => Some(ident),
            _ => None,
        }
    }

    /// The name a link value names: an identifier's, or a stamped link's.
    pub fn as_link(&self) -> Option<&str> {
        match self {
            Value::Ident(name) => Some(name),
            Value::Stamped(link) => Some(&link.name),
            _ => None,
        }
    }

    /// The stamp of a stamped link.
    pub fn stamp(&self) -> Option<&str> {
        match self {
            Value::Stamped(link) => Some(&link.stamp),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Str(text) | Value::TextBlock(text) => Some(text),
            _ => None,
        }
    }

    /// A short word for the kind of value, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Ident(_) => "a name",
            Value::Stamped(..) => "a stamped link",
            Value::Int(_) => "an integer",
            Value::Str(_) => "a string",
            Value::TextBlock(_) => "a text block",
            Value::Date(_) => "a date",
        }
    }
}

/// Where the stamp of a stamped link stands, from its value's range (its name's) and the
/// stamp: just after the `@` that follows the name.
pub fn stamp_range(value: TextRange, stamp: &str) -> TextRange {
    let start = value.end as usize + 1;
    TextRange::new(start, start + stamp.len())
}

/// Where each part of a [`FileAst`] is, index for index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    pub items: Vec<ItemMap>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemMap {
    /// The whole item, keyword to closing brace.
    pub range: TextRange,
    /// The item keyword (`asset`, `plan`, ...).
    pub keyword: TextRange,
    pub id: Option<TextRange>,
    pub title: Option<TextRange>,
    pub fields: Vec<FieldMap>,
    pub blocks: Vec<BlockMap>,
}

impl ItemMap {
    /// The range a diagnostic about the whole item points at: its ID, or its keyword.
    pub fn focus(&self) -> TextRange {
        self.id.unwrap_or(self.keyword)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockMap {
    pub range: TextRange,
    pub keyword: TextRange,
    /// The phase name of a gate.
    pub name: Option<TextRange>,
    pub fields: Vec<FieldMap>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldMap {
    pub range: TextRange,
    /// The field name without its colon.
    pub name: TextRange,
    pub values: Vec<TextRange>,
}

/// A place the parser could not read, or a piece of text that is not well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Text the grammar does not accept, or a token it had to assume.
    Parse,
    /// A string escape other than `\"`, `\\` and `\n` (reported as an invalid value).
    InvalidEscape,
    /// A word where an item's kind should stand (`rsik R1 { … }`): the range is the word, so
    /// that the analysis can suggest the kind it was meant to be.
    UnknownKind,
}
