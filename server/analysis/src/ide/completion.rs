//! Completion: item templates where an item can start, IDs of the right kind at a link,
//! field names where a field goes, keywords at an enum field, phase names in the plan, rule
//! names in a gate.
//!
//! Text being typed rarely parses, and tree-sitter's error recovery may attach a half-typed
//! word to the wrong field. So the context comes from the text itself: a small lexer runs
//! from the start of the item around the cursor (a place the parse does know) and a state
//! machine follows items, bodies, blocks and fields up to the partial word under the cursor,
//! then on to the end of the body to learn which fields are already there.

use ward_syntax::{ItemKind, TextRange};

use crate::db::{Db, ItemRef, SourceFile, all_definitions, file_ast, parse};
use crate::ide::cursor::is_name_char;
use crate::ide::fuzzy::{MatchClass, Query};
use crate::ide::{CompletionItem, CompletionKind, FilePosition};
use crate::plan::plan;
use crate::schema::{self, Code, FieldSpec, FieldType, Rule};

pub(crate) fn completions(
    db: &dyn Db,
    position: FilePosition,
    limit: usize,
) -> Vec<CompletionItem> {
    let file = position.file;
    let text: &str = file.text(db);
    let mut offset = position.offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let word_start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, ch)| is_name_char(ch))
        .last()
        .map_or(offset, |(at, _)| at);
    let word_end = text[offset..]
        .char_indices()
        .find(|&(_, ch)| !is_name_char(ch))
        .map_or(text.len(), |(at, _)| offset + at);
    let from = restart_point(db, file, word_start);
    let context = analyze(text, from, word_start);
    let mut out = Completions {
        query: Query::new(&text[word_start..offset]),
        replace_range: TextRange::new(word_start, word_end),
        colon_follows: text[word_end..]
            .trim_start_matches([' ', '\t'])
            .starts_with(':'),
        items: Vec::new(),
    };
    match context.place {
        CursorPlace::Nothing => {}
        CursorPlace::Value { scope, field } => out.values(db, scope, &field),
        CursorPlace::FieldName { scope, open_field } => {
            if let Some(field) = open_field {
                out.values(db, scope, &field);
            }
            out.fields(scope, &context.present);
        }
        CursorPlace::GateName => out.phases(db, &[]),
        CursorPlace::ItemStart => out.item_templates(),
    }
    let mut items = out.items;
    // Best match first; the order of the language (or of IDs) among equals.
    items.sort_by_key(|(class, _, _)| std::cmp::Reverse(*class));
    items.truncate(limit);
    items
        .into_iter()
        .map(|(_, mut item, documented)| {
            if let Some(def) = documented {
                item.documentation = Some(item_documentation(db, &item.label, def));
            }
            item
        })
        .collect()
}

/// An ID's documentation: its declaration line and its description.
fn item_documentation(db: &dyn Db, name: &str, def: ItemRef) -> String {
    let ast = file_ast(db, def.file);
    let item = &ast.items[def.item as usize];
    let mut documentation = format!("```ward\n{} {name}", def.kind);
    if let Some(title) = &item.title {
        documentation.push_str(&format!(" \"{title}\""));
    }
    documentation.push_str("\n```");
    if let Some(description) = crate::model::description(item) {
        documentation.push_str(&format!("\n{description}"));
    }
    documentation
}

/// Where lexing can start: the start of the last item that starts before the cursor, which
/// is at top level even when the text after it is broken.
fn restart_point(db: &dyn Db, file: SourceFile, offset: usize) -> usize {
    let items = &parse(db, file).source_map.items;
    let after = items.partition_point(|item| item.range.start as usize <= offset);
    after
        .checked_sub(1)
        .map_or(0, |last| items[last].range.start as usize)
}

struct Completions {
    query: Query,
    replace_range: TextRange,
    /// Whether a `:` already follows the word (completing a field name then adds none).
    colon_follows: bool,
    /// Each item with its match class and, for an ID, the item to document it from once
    /// the best ones are chosen.
    items: Vec<(MatchClass, CompletionItem, Option<ItemRef>)>,
}

impl Completions {
    fn add(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
        insert_text: String,
    ) {
        let Some(class) = self.query.matches(label) else {
            return;
        };
        self.items.push((
            class,
            CompletionItem {
                label: label.to_owned(),
                kind,
                detail,
                documentation,
                insert_text,
                replace_range: self.replace_range,
            },
            None,
        ));
    }

    fn item_templates(&mut self) {
        for kind in ItemKind::ALL {
            let spec = kind.spec();
            self.add(
                spec.keyword,
                CompletionKind::ItemTemplate(kind),
                Some(format!("a new {}", spec.keyword)),
                Some(spec.doc.to_owned()),
                schema::snippet::item_snippet(kind),
            );
        }
    }

    fn fields(&mut self, scope: Scope, present: &[String]) {
        for spec in scope.specs() {
            if present.iter().any(|name| name == spec.name) {
                continue;
            }
            let insert = if self.colon_follows {
                spec.name.to_owned()
            } else {
                format!("{}: ", spec.name)
            };
            let required = if spec.required { ", required" } else { "" };
            self.add(
                spec.name,
                CompletionKind::Field,
                Some(format!("{}{required}", spec.ty.describe())),
                Some(spec.doc.to_owned()),
                insert,
            );
        }
    }

    fn values(&mut self, db: &dyn Db, scope: Scope, field: &OpenField) {
        let Some(spec) = scope.specs().iter().find(|spec| spec.name == field.name) else {
            return;
        };
        let listed = |word: &str| field.values.iter().any(|value| value == word);
        match spec.ty {
            FieldType::Link(link) => self.ids(db, link.targets, &field.values),
            FieldType::Keyword(words) | FieldType::Keywords(words) => {
                for word in words.iter().filter(|word| !listed(word)) {
                    self.add(
                        word,
                        CompletionKind::Keyword,
                        Some(format!("`{}` value", spec.name)),
                        Some(spec.doc.to_owned()),
                        (*word).to_owned(),
                    );
                }
            }
            FieldType::Rules => {
                for rule in Rule::ALL.iter().filter(|rule| !listed(rule.name())) {
                    self.add(
                        rule.name(),
                        CompletionKind::Rule,
                        Some(rule.describe().to_owned()),
                        None,
                        rule.name().to_owned(),
                    );
                }
            }
            FieldType::Codes => {
                for code in Code::ALL.iter().filter(|code| code.is_waivable()) {
                    if listed(code.as_str()) {
                        continue;
                    }
                    self.add(
                        code.as_str(),
                        CompletionKind::Keyword,
                        code.rule().map(|rule| format!("finding of `{rule}`")),
                        Some(code.summary().to_owned()),
                        code.as_str().to_owned(),
                    );
                }
            }
            FieldType::Date if field.values.is_empty() => {
                // The date most often written: today's.
                let today = db.workspace().today(db).to_string();
                self.add(
                    &today,
                    CompletionKind::Keyword,
                    Some("today".to_owned()),
                    Some(spec.doc.to_owned()),
                    today.clone(),
                );
            }
            FieldType::Name if scope == Scope::Body(ItemKind::Plan) => self.phases(db, &[]),
            FieldType::Name if scope == Scope::Body(ItemKind::Approval) => {
                // An approval signs a gate: the phases that have one.
                let plan = plan(db);
                for gate in plan.gates.iter().filter(|gate| gate.phase_index.is_some()) {
                    let status = gate
                        .phase_index
                        .map(|index| plan.status(index).as_str())
                        .unwrap_or_default();
                    self.add(
                        &gate.phase,
                        CompletionKind::Phase,
                        Some(format!("gate, {status}")),
                        None,
                        gate.phase.clone(),
                    );
                }
            }
            FieldType::Names if scope == Scope::Body(ItemKind::Plan) => {
                // The phases are being defined: offer the usual ones.
                for phase in schema::DEFAULT_PHASES.iter().filter(|p| !listed(p)) {
                    self.add(
                        phase,
                        CompletionKind::Phase,
                        Some("a usual phase".to_owned()),
                        None,
                        (*phase).to_owned(),
                    );
                }
            }
            _ => {}
        }
    }

    fn phases(&mut self, db: &dyn Db, skip: &[String]) {
        let phases = &plan(db).phases;
        for (at, phase) in phases.iter().enumerate() {
            if skip.contains(phase) {
                continue;
            }
            self.add(
                phase,
                CompletionKind::Phase,
                Some(format!("phase {} of {}", at + 1, phases.len())),
                None,
                phase.clone(),
            );
        }
    }

    /// The IDs of every item of the `targets` kinds, by ID, apart from those already listed.
    fn ids(&mut self, db: &dyn Db, targets: &[ItemKind], listed: &[String]) {
        // Sorted by ID already.
        let found = all_definitions(db)
            .iter()
            .filter(|(name, def)| targets.contains(&def.kind) && !listed.contains(name))
            .filter(|(name, _)| self.query.matches(name).is_some())
            .collect::<Vec<_>>();
        for (name, def) in found {
            let ast = file_ast(db, def.file);
            let title = ast.items[def.item as usize].title.clone();
            let before = self.items.len();
            self.add(
                name,
                CompletionKind::Item(def.kind),
                title,
                None,
                name.clone(),
            );
            if self.items.len() > before
                && let Some(last) = self.items.last_mut()
            {
                last.2 = Some(*def);
            }
        }
    }
}

/// Where fields go: an item's body, or a block in one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Body(ItemKind),
    Residual,
    Gate,
}

impl Scope {
    fn specs(self) -> &'static [FieldSpec] {
        match self {
            Scope::Body(kind) => kind.fields(),
            Scope::Residual => schema::residual::FIELDS,
            Scope::Gate => schema::gate::FIELDS,
        }
    }
}

/// A field whose values are being read.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OpenField {
    name: String,
    /// Its values so far: the words, and an empty string for other values.
    values: Vec<String>,
    /// Whether a value comes next: after the name or a comma.
    expecting: bool,
    /// The end of its last token (name, value or comma).
    last: usize,
}

/// What the cursor stands where: what completion offers there.
#[derive(Debug, PartialEq, Eq)]
enum CursorPlace {
    Nothing,
    /// Where a field name goes. `open_field` is a field just above that has no value yet:
    /// the word may be its value as well.
    FieldName {
        scope: Scope,
        open_field: Option<OpenField>,
    },
    Value {
        scope: Scope,
        field: OpenField,
    },
    /// After `gate`.
    GateName,
    /// Between items, where a new one can start.
    ItemStart,
}

#[derive(Debug)]
struct Context {
    place: CursorPlace,
    /// The fields already in the body or block, except one being typed at the cursor.
    present: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    Word,
    /// A field name with its colon.
    FieldName,
    Number,
    Str,
    Comma,
    Open,
    Close,
    Comment,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: TokenKind,
    start: usize,
    end: usize,
    /// Whether a cursor at `end` is still inside (comments, unterminated strings).
    open_end: bool,
}

/// Ward's tokens, roughly: enough to follow structure, never failing.
struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let start = self.at;
        let rest = &self.text[start..];
        let first = rest.chars().next()?;
        let mut open_end = false;
        let (kind, len) = if rest.starts_with("//") {
            open_end = true;
            (TokenKind::Comment, rest.find('\n').unwrap_or(rest.len()))
        } else if let Some(inner) = rest.strip_prefix("\"\"\"") {
            match inner.find("\"\"\"") {
                Some(end) => (TokenKind::Str, end + 6),
                None => {
                    open_end = true;
                    (TokenKind::Str, rest.len())
                }
            }
        } else if first == '"' {
            let mut escaped = false;
            let mut end = None;
            for (at, ch) in rest.char_indices().skip(1) {
                match ch {
                    '\n' => break,
                    '"' if !escaped => {
                        end = Some(at + 1);
                        break;
                    }
                    '\\' => escaped = !escaped,
                    _ => escaped = false,
                }
            }
            match end {
                Some(end) => (TokenKind::Str, end),
                None => {
                    open_end = true;
                    (TokenKind::Str, rest.find('\n').unwrap_or(rest.len()))
                }
            }
        } else if first.is_ascii_alphabetic() {
            let word = rest.find(|ch| !is_name_char(ch)).unwrap_or(rest.len());
            let after = &rest[word..];
            let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
            if after[spaces..].starts_with(':') {
                (TokenKind::FieldName, word + spaces + 1)
            } else {
                (TokenKind::Word, word)
            }
        } else if first.is_ascii_digit()
            || (first == '-' && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            let digits = rest[1..]
                .find(|ch: char| !ch.is_ascii_digit())
                .map_or(rest.len(), |at| at + 1);
            (TokenKind::Number, digits)
        } else {
            let kind = match first {
                ',' => TokenKind::Comma,
                '{' => TokenKind::Open,
                '}' => TokenKind::Close,
                _ => TokenKind::Other,
            };
            (kind, first.len_utf8())
        };
        self.at = start + len;
        Some(Token {
            kind,
            start,
            end: start + len,
            open_end,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Top,
    /// After an item keyword; `has_id` once its ID was read.
    Header {
        kind: ItemKind,
        has_id: bool,
    },
    Body(ItemKind),
    /// After `residual`.
    ResidualHeader,
    /// After `gate`, and after its name.
    GateHeader {
        named: bool,
    },
    Residual,
    Gate,
}

/// Follows the structure of a stretch of text, token by token.
struct Machine<'a> {
    text: &'a str,
    state: State,
    /// The kind of the item whose body we are in or last were in.
    body_kind: ItemKind,
    /// The fields of the current (or last) body and block, with their offsets.
    body_fields: Vec<(String, usize)>,
    block_fields: Vec<(String, usize)>,
    field: Option<OpenField>,
}

impl<'a> Machine<'a> {
    fn new(text: &'a str) -> Machine<'a> {
        Machine {
            text,
            state: State::Top,
            body_kind: ItemKind::Asset,
            body_fields: Vec::new(),
            block_fields: Vec::new(),
            field: None,
        }
    }

    fn scope(&self) -> Option<Scope> {
        match self.state {
            State::Body(kind) => Some(Scope::Body(kind)),
            State::Residual => Some(Scope::Residual),
            State::Gate => Some(Scope::Gate),
            _ => None,
        }
    }

    fn enter(&mut self, state: State) {
        self.field = None;
        match state {
            State::Body(kind) => {
                self.body_kind = kind;
                self.body_fields.clear();
            }
            _ => self.block_fields.clear(),
        }
        self.state = state;
    }

    fn feed(&mut self, token: Token) {
        let text = &self.text[token.start..token.end];
        if token.kind == TokenKind::Comment {
            return;
        }
        match self.state {
            State::Top => {
                if token.kind == TokenKind::Word
                    && let Some(kind) = item_keyword(text)
                {
                    self.state = State::Header {
                        kind,
                        has_id: kind == ItemKind::Plan,
                    };
                }
            }
            State::Header { kind, has_id } => match token.kind {
                TokenKind::Open => self.enter(State::Body(kind)),
                TokenKind::Close => self.state = State::Top,
                TokenKind::Word if !has_id => {
                    self.state = State::Header { kind, has_id: true };
                }
                TokenKind::Word => {
                    if let Some(kind) = item_keyword(text) {
                        self.state = State::Header {
                            kind,
                            has_id: kind == ItemKind::Plan,
                        };
                    }
                }
                TokenKind::FieldName => {
                    // A body without its `{`.
                    self.enter(State::Body(kind));
                    self.feed(token);
                }
                _ => {}
            },
            State::ResidualHeader => match token.kind {
                TokenKind::Open => self.enter(State::Residual),
                _ => {
                    self.state = State::Body(self.body_kind);
                    self.feed(token);
                }
            },
            State::GateHeader { named } => match token.kind {
                TokenKind::Open => self.enter(State::Gate),
                TokenKind::Word if !named => self.state = State::GateHeader { named: true },
                _ => {
                    self.state = State::Body(self.body_kind);
                    self.feed(token);
                }
            },
            State::Body(_) | State::Residual | State::Gate => self.in_fields(token, text),
        }
    }

    fn in_fields(&mut self, token: Token, text: &str) {
        let expecting = self.field.as_ref().is_some_and(|field| field.expecting);
        match token.kind {
            TokenKind::FieldName => {
                let name = text
                    .trim_end_matches(':')
                    .trim_end_matches([' ', '\t'])
                    .to_owned();
                match self.state {
                    State::Body(_) => self.body_fields.push((name.clone(), token.start)),
                    _ => self.block_fields.push((name.clone(), token.start)),
                }
                self.field = Some(OpenField {
                    name,
                    values: Vec::new(),
                    expecting: true,
                    last: token.end,
                });
            }
            TokenKind::Comma => {
                if let Some(field) = &mut self.field {
                    field.expecting = true;
                    field.last = token.end;
                }
            }
            TokenKind::Word | TokenKind::Number | TokenKind::Str if expecting => {
                let field = self.field.as_mut().expect("expecting a value");
                let value = if token.kind == TokenKind::Word {
                    text.to_owned()
                } else {
                    String::new()
                };
                field.values.push(value);
                field.expecting = false;
                field.last = token.end;
            }
            TokenKind::Word => {
                self.field = None;
                if let Some(kind) = item_keyword(text) {
                    // An item keyword where a field goes: the item lacks its `}`.
                    self.state = State::Header {
                        kind,
                        has_id: kind == ItemKind::Plan,
                    };
                } else if matches!(self.state, State::Body(_)) {
                    if text == schema::residual::BLOCK.keyword {
                        self.state = State::ResidualHeader;
                    } else if text == schema::gate::BLOCK.keyword {
                        self.state = State::GateHeader { named: false };
                    }
                }
            }
            TokenKind::Close => {
                self.field = None;
                self.state = match self.state {
                    State::Body(_) => State::Top,
                    _ => State::Body(self.body_kind),
                };
            }
            _ => self.field = None,
        }
    }

    /// Where the cursor at `word_start` is, given everything before it.
    fn place(&self, word_start: usize) -> CursorPlace {
        match self.state {
            State::GateHeader { named: false } => CursorPlace::GateName,
            State::Top => CursorPlace::ItemStart,
            State::Body(_) | State::Residual | State::Gate => {
                let scope = self.scope().expect("in a body or block");
                match &self.field {
                    Some(field) if field.expecting => {
                        let same_line = !self.text[field.last..word_start].contains('\n');
                        if same_line || !field.values.is_empty() {
                            CursorPlace::Value {
                                scope,
                                field: field.clone(),
                            }
                        } else {
                            CursorPlace::FieldName {
                                scope,
                                open_field: Some(field.clone()),
                            }
                        }
                    }
                    _ => CursorPlace::FieldName {
                        scope,
                        open_field: None,
                    },
                }
            }
            _ => CursorPlace::Nothing,
        }
    }
}

fn item_keyword(word: &str) -> Option<ItemKind> {
    ItemKind::from_keyword(word)
}

/// The completion context of a cursor whose partial word starts at `word_start`, reading
/// the text from `from`, a place at top level.
fn analyze(text: &str, from: usize, word_start: usize) -> Context {
    let mut machine = Machine::new(text);
    let mut tokens = Lexer { text, at: from };
    // Up to the cursor.
    let mut next = None;
    for token in tokens.by_ref() {
        if token.start >= word_start {
            next = Some(token);
            break;
        }
        if token.end > word_start || (token.open_end && token.end == word_start) {
            // In a string or a comment.
            return Context {
                place: CursorPlace::Nothing,
                present: Vec::new(),
            };
        }
        machine.feed(token);
    }
    let place = machine.place(word_start);
    let state = machine.state;
    let in_block = matches!(state, State::Residual | State::Gate);
    // On to the end of the body or block, for the fields after the cursor.
    if matches!(place, CursorPlace::FieldName { .. }) {
        for token in next.into_iter().chain(tokens) {
            machine.feed(token);
            let inside = if in_block {
                machine.state == state
            } else {
                !matches!(machine.state, State::Top | State::Header { .. })
            };
            if !inside {
                break;
            }
        }
    }
    let fields = if in_block {
        &machine.block_fields
    } else {
        &machine.body_fields
    };
    Context {
        place,
        present: fields
            .iter()
            .filter(|(_, start)| *start != word_start)
            .map(|(name, _)| name.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};
    use ward_syntax::ItemKind;

    use crate::ide::{CompletionKind, fixture};
    use crate::schema;

    /// One line per completion: kind, label, insert text, the text it replaces, detail.
    fn check(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let text = analysis.text(position.file);
        let actual: String = analysis
            .completions(position)
            .unwrap()
            .into_iter()
            .map(|item| {
                let replaced =
                    &text[item.replace_range.start as usize..item.replace_range.end as usize];
                format!(
                    "{:?} {} {:?} [{replaced}] {}\n",
                    item.kind,
                    item.label,
                    item.insert_text,
                    item.detail.unwrap_or_default()
                )
            })
            .collect();
        expect.assert_eq(&actual);
    }

    const ITEMS: &str = r#"
        //- /assets.ward
        asset PUMP-CMD "Insulin dosing commands" {}
        asset PUMP.LOG "Pump logs" {}
        asset BLE "Radio" {}
        //- /threats.ward
        threat T-SPOOF "Spoofing" { targets: BLE }
        "#;

    fn with(extra: &str) -> String {
        format!(
            "{}//- /main.ward\n{}",
            fixture::trim_indent(ITEMS),
            fixture::trim_indent(extra)
        )
    }

    #[test]
    fn link_ids_of_the_right_kind_across_files() {
        check(
            &with(
                r#"
                threat T1 {
                  targets: $0
                }
                "#,
            ),
            expect![[r#"
                Item(Asset) BLE "BLE" [] Radio
                Item(Asset) PUMP-CMD "PUMP-CMD" [] Insulin dosing commands
                Item(Asset) PUMP.LOG "PUMP.LOG" [] Pump logs
            "#]],
        );
    }

    #[test]
    fn a_waiver_names_items_of_any_kind_and_codes_of_rules() {
        check(
            &with(
                r#"
                waiver W1 {
                  items: $0
                }
                "#,
            ),
            expect![[r#"
                Item(Asset) BLE "BLE" [] Radio
                Item(Asset) PUMP-CMD "PUMP-CMD" [] Insulin dosing commands
                Item(Asset) PUMP.LOG "PUMP.LOG" [] Pump logs
                Item(Threat) T-SPOOF "T-SPOOF" [] Spoofing
                Item(Waiver) W1 "W1" [] 
            "#]],
        );
        check(
            &with(
                r#"
                waiver W1 {
                  waives: untargeted-asset, un$0
                }
                "#,
            ),
            expect![[r#"
                Keyword unassessed-threat "unassessed-threat" [un] finding of `threats-assessed`
                Keyword unscored-risk "unscored-risk" [un] finding of `risks-scored`
                Keyword unmitigated-risk "unmitigated-risk" [un] finding of `risks-controlled`
                Keyword unimplemented-control "unimplemented-control" [un] finding of `controls-implemented`
                Keyword unverified-control "unverified-control" [un] finding of `controls-verified`
                Keyword unacceptable-residual "unacceptable-residual" [un] finding of `residual-acceptable`
                Keyword undocumented-deployer-control "undocumented-deployer-control" [un] finding of `guidance-documented`
                Keyword uncovered-category "uncovered-category" [un] finding of `categories-covered`
                Keyword unsigned-acceptance "unsigned-acceptance" [un] finding of `acceptance-signed`
                Keyword unapproved-gate "unapproved-gate" [un] finding of `gates-approved`
                Keyword undeclared-component "undeclared-component" [un] finding of `components-declared`
                Keyword untraced-component "untraced-component" [un] finding of `components-traced`
                Keyword undocumented-support "undocumented-support" [un] finding of `components-supported`
                Keyword unsupported-component "unsupported-component" [un] finding of `components-supported`
                Keyword untriaged-vulnerability "untriaged-vulnerability" [un] finding of `vulnerabilities-triaged`
                Keyword unassessed-vulnerability "unassessed-vulnerability" [un] finding of `vulnerabilities-assessed`
                Keyword unjustified-vulnerability "unjustified-vulnerability" [un] finding of `vulnerabilities-assessed`
                Keyword overdue-vulnerability "overdue-vulnerability" [un] finding of `vulnerabilities-timely`
                Keyword suspect-link "suspect-link" [un] finding of `links-current`
            "#]],
        );
    }

    #[test]
    fn a_date_field_offers_today() {
        let mut loaded = fixture::load(
            r#"
            //- /main.ward
            approval AP1 { date: $0 }
            "#,
        );
        loaded
            .host
            .set_today(crate::dates::parse("2026-10-12").unwrap());
        let items = loaded.analysis().completions(loaded.position()).unwrap();
        let labels: Vec<&str> = items.iter().map(|item| item.label.as_str()).collect();
        assert_eq!(labels, ["2026-10-12"]);
    }

    #[test]
    fn an_approval_signs_the_phases_that_have_a_gate() {
        check(
            r#"
            //- /plan.ward
            plan {
              phases: design, implementation, release
              phase: implementation
              gate design { requires: gates-approved }
              gate release { requires: gates-approved }
            }
            //- /approvals.ward
            approval AP1 { gate: $0 }
            "#,
            expect![[r#"
                Phase design "design" [] gate, passed
                Phase release "release" [] gate, later
            "#]],
        );
    }

    #[test]
    fn link_filtered_by_the_partial_word_over_dashes_and_dots() {
        check(
            &with(
                r#"
                threat T1 {
                  targets: pump.$0
                }
                "#,
            ),
            expect![[r#"
                Item(Asset) PUMP.LOG "PUMP.LOG" [pump.] Pump logs
            "#]],
        );
        check(
            &with(
                r#"
                threat T1 { targets: pc$0 }
                "#,
            ),
            expect![[r#"
                Item(Asset) PUMP-CMD "PUMP-CMD" [pc] Insulin dosing commands
            "#]],
        );
    }

    #[test]
    fn link_after_a_comma_skips_listed_ids() {
        check(
            &with(
                r#"
                threat T1 {
                  targets: BLE, PUMP-CMD,
                    $0
                }
                "#,
            ),
            expect![[r#"
                Item(Asset) PUMP.LOG "PUMP.LOG" [] Pump logs
            "#]],
        );
    }

    #[test]
    fn link_with_text_after_the_cursor_and_a_broken_file() {
        // The threat has no `}`, and the half-typed line runs into the next field.
        check(
            &with(
                r#"
                threat T1 "Title" {
                  targets: PU$0
                  stride: spoofing
                risk R1 { threat: T1 }
                "#,
            ),
            expect![[r#"
                Item(Asset) PUMP-CMD "PUMP-CMD" [PU] Insulin dosing commands
                Item(Asset) PUMP.LOG "PUMP.LOG" [PU] Pump logs
            "#]],
        );
        check(
            &with(
                r#"
                risk R1 { threat: T-$0SPOOF, }
                "#,
            ),
            expect![[r#"
                Item(Threat) T-SPOOF "T-SPOOF" [T-SPOOF] Spoofing
            "#]],
        );
    }

    #[test]
    fn half_typed_value_before_more_text_on_the_line() {
        check(
            &with("threat T1 { targets: BLE, PU$0 stride: spoofing }\r\nrisk R1 {\r\n"),
            expect![[r#"
                Item(Asset) PUMP-CMD "PUMP-CMD" [PU] Insulin dosing commands
                Item(Asset) PUMP.LOG "PUMP.LOG" [PU] Pump logs
            "#]],
        );
    }

    #[test]
    fn field_names_at_the_start_of_a_line() {
        check(
            r#"
            threat T1 {
              description: "x"
              $0
              stride: spoofing
            }
            "#,
            expect![[r#"
                Field tags "tags: " [] one or more tags (free keywords)
                Field targets "targets: " [] IDs of asset or component items, required
                Field vector "vector: " [] one of `network`, `adjacent`, `local`, `physical`
            "#]],
        );
        check(
            r#"
            control C1 {
              mitigates: R1
              st$0
            "#,
            expect![[r#"
                Field status "status: " [st] one of `proposed`, `implemented`
                Field description "description: " [st] a string or a text block
                Field responsibility "responsibility: " [st] one of `manufacturer`, `deployer`
            "#]],
        );
    }

    #[test]
    fn field_name_before_a_colon() {
        check(
            r#"
            verification V1 { re$0sult: pass }
            "#,
            expect![[r#"
                Field result "result" [result] one of `pending`, `pass`, `fail`
                Field verifies "verifies" [result] IDs of control items, required
            "#]],
        );
    }

    #[test]
    fn field_without_value_above_offers_values_and_fields() {
        check(
            r#"
            asset A1 {
              kind:
              $0
            }
            "#,
            expect![[r#"
                Keyword data "data" [] `kind` value
                Keyword function "function" [] `kind` value
                Keyword component "component" [] `kind` value
                Keyword interface "interface" [] `kind` value
                Field description "description: " [] a string or a text block
                Field tags "tags: " [] one or more tags (free keywords)
                Field properties "properties: " [] one or more of `confidentiality`, `integrity`, `availability`, `authenticity`
            "#]],
        );
    }

    #[test]
    fn keywords_of_an_enum_field() {
        check(
            r#"
            threat T1 { stride: spoofing, $0 }
            "#,
            expect![[r#"
                Keyword tampering "tampering" [] `stride` value
                Keyword repudiation "repudiation" [] `stride` value
                Keyword information-disclosure "information-disclosure" [] `stride` value
                Keyword denial-of-service "denial-of-service" [] `stride` value
                Keyword elevation-of-privilege "elevation-of-privilege" [] `stride` value
            "#]],
        );
        check(
            r#"
            control C1 {
              responsibility: dep$0
            }
            "#,
            expect![[r#"
                Keyword deployer "deployer" [dep] `responsibility` value
            "#]],
        );
    }

    #[test]
    fn residual_block_fields() {
        check(
            r#"
            risk R1 {
              exploitability: 3
              residual { severity: 2 $0 }
            }
            "#,
            expect![[r#"
                Field exploitability "exploitability: " [] an integer from 1 to 5
            "#]],
        );
        check(
            r#"
            risk R1 {
              residual {
                $0
            "#,
            expect![[r#"
                Field exploitability "exploitability: " [] an integer from 1 to 5
                Field severity "severity: " [] an integer from 1 to 5
            "#]],
        );
    }

    #[test]
    fn plan_phases_and_rules() {
        let plan = |cursor_line: &str| {
            format!(
                "plan {{\n  phases: concept, design, release\n  {cursor_line}\n  gate release {{ requires: residual-acceptable }}\n}}\n"
            )
        };
        check(
            &plan("phase: $0"),
            expect![[r#"
                Phase concept "concept" [] phase 1 of 3
                Phase design "design" [] phase 2 of 3
                Phase release "release" [] phase 3 of 3
            "#]],
        );
        check(
            &plan("gate de$0"),
            expect![[r#"
                Phase design "design" [de] phase 2 of 3
            "#]],
        );
        check(
            &plan("gate design { requires: risks-scored, con$0 }"),
            expect![[r#"
                Rule controls-implemented "controls-implemented" [con] every control is implemented
                Rule controls-verified "controls-verified" [con] every control is verified by a verification
                Rule risks-controlled "risks-controlled" [con] every risk above the acceptable score is mitigated by a control
                Rule verifications-passed "verifications-passed" [con] every verification has passed
                Rule guidance-documented "guidance-documented" [con] every deployer control has guidance
                Rule components-declared "components-declared" [con] every component of the SBOMs is declared, and every declared component is listed with its version
                Rule components-traced "components-traced" [con] every component is part of an asset
                Rule components-supported "components-supported" [con] every component documents its support and end of support, and is still supported
            "#]],
        );
        check(
            &plan("gate design { $0 }"),
            expect![[r#"
                Field requires "requires: " [] one or more of `assets-covered`, `threats-assessed`, `risks-scored`, `risks-controlled`, `controls-implemented`, `controls-verified`, `verifications-passed`, `residual-acceptable`, `guidance-documented`, `evidence-present`, `categories-covered`, `acceptance-signed`, `gates-approved`, `components-declared`, `components-traced`, `components-supported`, `vulnerabilities-triaged`, `vulnerabilities-assessed`, `vulnerabilities-timely`, `tests-reported`, `links-current`
            "#]],
        );
        check(
            &plan("acc$0"),
            expect![[r#"
                Field acceptable "acceptable: " [acc] an integer from 1 to 25
            "#]],
        );
    }

    #[test]
    fn nothing_in_strings_comments_or_headers() {
        check(
            r#"
            threat T1 { description: "tar$0" }
            "#,
            expect![[r#""#]],
        );
        check(
            r#"
            threat T1 {
              // tar$0
            }
            "#,
            expect![[r#""#]],
        );
        check(
            r#"
            threat T$0 {}
            "#,
            expect![[r#""#]],
        );
    }

    /// Where an item can start, and only there: templates of the kinds the word matches.
    #[test]
    fn item_templates_between_items() {
        check(
            r#"
            threat T1 {}
            th$0
            "#,
            expect![[r#"
                ItemTemplate(Threat) threat "threat ${1:ID} \"${2:Title}\" {\n  targets: ${3:ASSET}\n  stride: ${4|spoofing,tampering,repudiation,information-disclosure,denial-of-service,elevation-of-privilege|}\n  vector: ${5|network,adjacent,local,physical|}\n}\n$0" [th] a new threat
            "#]],
        );
        check(
            r#"
            plan "P" {}
            $0
            "#,
            expect![[r#"
                ItemTemplate(Asset) asset "asset ${1:ID} \"${2:Title}\" {\n  kind: ${3|data,function,component,interface|}\n  properties: ${4|confidentiality,integrity,availability,authenticity|}\n}\n$0" [] a new asset
                ItemTemplate(Threat) threat "threat ${1:ID} \"${2:Title}\" {\n  targets: ${3:ASSET}\n  stride: ${4|spoofing,tampering,repudiation,information-disclosure,denial-of-service,elevation-of-privilege|}\n  vector: ${5|network,adjacent,local,physical|}\n}\n$0" [] a new threat
                ItemTemplate(Risk) risk "risk ${1:ID} \"${2:Title}\" {\n  threat: ${3:THREAT}\n  exploitability: ${4|1,2,3,4,5|}\n  severity: ${5|1,2,3,4,5|}\n}\n$0" [] a new risk
                ItemTemplate(Control) control "control ${1:ID} \"${2:Title}\" {\n  mitigates: ${3:RISK}\n  kind: ${4|technical,procedural,information|}\n  responsibility: ${5|manufacturer,deployer|}\n  status: ${6|proposed,implemented|}\n  category: ${7|authentication,authorization,cryptography,integrity,confidentiality,logging,resiliency,updatability|}\n}\n$0" [] a new control
                ItemTemplate(Verification) verification "verification ${1:ID} \"${2:Title}\" {\n  verifies: ${3:CONTROL}\n  method: ${4|test,analysis,inspection,review,pentest,fuzz,sast,dast,sca|}\n  result: ${5|pending,pass,fail|}\n}\n$0" [] a new verification
                ItemTemplate(Component) component "component ${1:ID} \"${2:Title}\" {\n  part-of: ${3:ASSET}\n  item-class: ${4|maintained,supported,required|}\n  support: ${5|active,security-only,unmaintained,abandoned|}\n}\n$0" [] a new component
                ItemTemplate(Vulnerability) vulnerability "vulnerability ${1:ID} \"${2:Title}\" {\n  affects: ${3:COMPONENT}\n  status: ${4|under-investigation,affected,not-affected,fixed|}\n  justification: ${5|component-not-present,vulnerable-code-not-present,vulnerable-code-not-in-execute-path,vulnerable-code-cannot-be-controlled-by-adversary,inline-mitigations-already-exist|}\n  response: ${6|update,workaround,rollback,will-not-fix,can-not-fix|}\n}\n$0" [] a new vulnerability
                ItemTemplate(Waiver) waiver "waiver ${1:ID} \"${2:Title}\" {\n  waives: ${3|untargeted-asset,unassessed-threat,unscored-risk,unmitigated-risk,unimplemented-control,unverified-control,failed-verification,pending-verification,unacceptable-residual,undocumented-deployer-control,missing-evidence,uncovered-category,unsigned-acceptance,unapproved-gate,undeclared-component,stale-component,untraced-component,undocumented-support,unsupported-component,untriaged-vulnerability,unassessed-vulnerability,unjustified-vulnerability,overdue-vulnerability,missing-test-result,suspect-link|}\n  items: ${4:ASSET}\n  rationale: \"${5:rationale}\"\n  approved-by: \"${6:approved-by}\"\n  approved: ${7:YYYY-MM-DD}\n}\n$0" [] a new waiver
                ItemTemplate(Approval) approval "approval ${1:ID} \"${2:Title}\" {\n  by: \"${3:by}\"\n  meaning: ${4|reviewed,approved,responsible,authored|}\n  date: ${5:YYYY-MM-DD}\n}\n$0" [] a new approval
                ItemTemplate(Plan) plan "plan \"${1:Security risk management plan}\" {\n  phases: concept, design, implementation, verification, release, maintenance\n  phase: ${2|concept,design,implementation,verification,release,maintenance|}\n  acceptable: ${3:6}\n  gate design { requires: assets-covered, threats-assessed, risks-scored, gates-approved, components-traced }\n  gate implementation { requires: risks-controlled, categories-covered, components-declared, vulnerabilities-assessed }\n  gate verification { requires: controls-implemented, controls-verified, components-supported, vulnerabilities-triaged, links-current }\n  gate release { requires: verifications-passed, tests-reported, residual-acceptable, acceptance-signed, guidance-documented, vulnerabilities-timely, evidence-present }\n}\n$0" [] a new plan
            "#]],
        );
        // Not inside a body, where fields go, nor at a value.
        for inside in ["threat T1 {\n  ta$0\n}", "asset A { kind: $0 }"] {
            let (analysis, position) = fixture::position(inside);
            let found = analysis.completions(position).unwrap();
            assert!(
                found
                    .iter()
                    .all(|item| !matches!(item.kind, CompletionKind::ItemTemplate(_))),
                "{inside}: {found:?}"
            );
            assert!(!found.is_empty(), "{inside}");
        }
    }

    /// A template with its tab stops filled by their defaults is an item that parses, for
    /// every kind, and the links it needs are the only findings of that kind.
    #[test]
    fn every_template_filled_in_is_an_item_without_syntax_errors() {
        for kind in ItemKind::ALL {
            let snippet = schema::snippet::item_snippet(kind);
            let filled = fill_tab_stops(&snippet);
            let parse = ward_syntax::parse(&filled);
            assert!(parse.errors.is_empty(), "{filled}: {:?}", parse.errors);
            assert_eq!(parse.ast.items.len(), 1, "{filled}");
            assert_eq!(parse.ast.items[0].kind, kind);
        }
    }

    /// `${1:ID}` → `ID`, `${2|a,b|}` → `a`, `$0` → nothing.
    fn fill_tab_stops(snippet: &str) -> String {
        let mut out = String::new();
        let mut rest = snippet;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            rest = &rest[at + 1..];
            if let Some(inner) = rest.strip_prefix('{') {
                let end = inner.find('}').unwrap();
                let stop = &inner[..end];
                let (_, default) = stop.split_at(stop.find([':', '|']).unwrap());
                let default = match default.strip_prefix('|') {
                    Some(choices) => choices.split([',', '|']).next().unwrap(),
                    None => &default[1..],
                };
                out.push_str(default);
                rest = &inner[end + 1..];
            } else {
                rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn unicode_before_the_cursor() {
        check(
            &with(
                r#"
                threat T1 "Zählerstände ☃ 😀" { description: "ü" targets: BLE, PUMP$0 }
                "#,
            ),
            expect![[r#"
                Item(Asset) PUMP-CMD "PUMP-CMD" [PUMP] Insulin dosing commands
                Item(Asset) PUMP.LOG "PUMP.LOG" [PUMP] Pump logs
            "#]],
        );
    }

    #[test]
    fn documentation_of_an_id() {
        let (analysis, position) = fixture::position(
            r#"
            asset A1 "Pump" { description: "The pump." }
            threat T1 { targets: A$0 }
            "#,
        );
        let completions = analysis.completions(position).unwrap();
        expect![[r#"
            ```ward
            asset A1 "Pump"
            ```
            The pump."#]]
        .assert_eq(completions[0].documentation.as_deref().unwrap());
    }

    #[test]
    fn only_the_best_completions_are_built_and_documented() {
        let (analysis, position) = fixture::position(
            r#"
            asset A1 "Pump" { description: "The pump." }
            asset A2 "Logs" { description: "The logs." }
            asset B1 "Other" { description: "Not a match." }
            threat T1 { targets: A$0 }
            "#,
        );
        let all = analysis.completions(position).unwrap();
        let best = analysis.completions_up_to(position, 1).unwrap();
        assert!(all.len() >= 2, "{all:?}");
        assert_eq!(best.len(), 1);
        assert_eq!(best[0], all[0]);
        assert!(
            best[0]
                .documentation
                .as_deref()
                .is_some_and(|doc| doc.contains("The pump.")),
            "{best:?}"
        );
    }
}
