/**
 * @file Tree-sitter grammar for Ward, a language for security risk management files.
 * @license MIT
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Field names are one token with their colon (`targets:`), so that a word
// followed by `:` is always a field and a word without one never is. This is
// what lets a half-typed field or a missing `}` damage only its own item: an
// item keyword such as `risk` can never be mistaken for a field name.
const NAME = /[A-Za-z][A-Za-z0-9_.\-]*/;

// Words that are keywords somewhere. Where a value may follow, a keyword may
// also be a value (`phase: verification`, `tags: risk`): it is parsed as an
// identifier. After a field without values both readings are possible
// (`phase:` then a plan without `}` then `verification V1 {`), so the parser
// keeps both (see `conflicts`) and the one that fails to continue is dropped.
// @generated begin: from the kinds table (server/language); do not edit
const ITEM_KINDS = ['asset', 'threat', 'risk', 'control', 'verification', 'component', 'vulnerability', 'waiver', 'approval'];
const KEYWORDS = [...ITEM_KINDS, 'plan', 'residual', 'gate', 'matrix'];
// @generated end

module.exports = grammar({
  name: 'ward',

  extras: $ => [/\s/, $.comment],

  word: $ => $.identifier,

  conflicts: $ => [[$.field], [$.value_list]],

  rules: {
    source_file: $ => repeat(choice($.item, $.plan)),

    // The ID is optional in the grammar so that an item typed without one still reads as
    // an item and the item after it keeps its own ID; the syntax layer reports it.
    item: $ => seq(
      field('kind', $.item_kind),
      optional(field('id', $.identifier)),
      optional(field('title', $.string)),
      field('body', $.item_body),
    ),

    item_kind: _ => choice(...ITEM_KINDS),

    // The closing brace of an item is optional in the grammar: an item keyword can never
    // start a field, so a missing `}` ends the item right there and the next item parses
    // intact. The syntax layer reports the missing brace.
    item_body: $ => seq('{', repeat(choice($.field, $.residual)), optional('}')),

    residual: $ => seq('residual', field('body', $.field_block)),

    plan: $ => seq(
      'plan',
      optional(field('title', $.string)),
      field('body', $.plan_body),
    ),

    plan_body: $ => seq('{', repeat(choice($.field, $.gate, $.matrix)), optional('}')),

    gate: $ => seq('gate', field('phase', $.identifier), field('body', $.field_block)),

    matrix: $ => seq('matrix', field('body', $.field_block)),

    field_block: $ => seq('{', repeat($.field), '}'),

    // A field may be left without values or end in a comma while it is being
    // typed; the syntax layer reports both, the parser keeps going.
    field: $ => seq(
      field('name', $.field_name),
      optional(field('values', $.value_list)),
    ),

    field_name: _ => token(seq(NAME, /[ \t]*/, ':')),

    value_list: $ => seq(
      $._value,
      repeat(seq(',', $._value)),
      optional(','),
    ),

    _value: $ => choice(
      $.identifier, $._keyword_value, $.stamped_link, $.date, $.integer, $.string, $.text_block,
    ),

    // A link with the fingerprint of its target as it was reviewed: `C-PAIR@3f9a2c1b4d5e`.
    // One token, so that the name and its stamp cannot be split by a space or a comment;
    // any word after `@` is taken, and the checks say when it is not 12 hex digits.
    stamped_link: _ => token(seq(NAME, '@', /[A-Za-z0-9_.\-]*/)),

    _keyword_value: $ => alias(choice(...KEYWORDS), $.identifier),

    identifier: _ => token(NAME),

    integer: _ => token(/-?[0-9]+/),

    // An ISO 8601 calendar date. Its shape is the token; whether the day exists (no
    // 2027-02-30) is the checks' `invalid-value`, so a wrong day never damages the parse.
    // It is longer than the integer it starts with, so the lexer prefers it.
    date: _ => token(/[0-9]{4}-[0-9]{2}-[0-9]{2}/),

    // The closing quote is optional so that a string left open ends at its line break
    // instead of swallowing the items after it; the syntax layer reports it. Any line
    // break: `\r` alone too, and the `\r` of a `\r\n` is not part of the string.
    string: _ => token(seq('"', repeat(choice(/[^"\\\r\n]/, /\\[^\r\n]/)), optional('"'))),

    text_block: _ => token(seq('"""', repeat(choice(/[^"]/, /"[^"]/, /""[^"]/)), '"""')),

    // A comment ends at any line break, `\r` alone included (old Mac files; LSP and the
    // line index count it as one), so that the items after it are not swallowed.
    comment: _ => token(seq('//', /[^\r\n]*/)),
  },
});
