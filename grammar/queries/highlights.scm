; Highlights for Ward.
;
; Precedence: when several patterns capture the same node, the LAST one wins
; (tree-sitter-highlight since 0.23, Neovim, Helix since tree-house, Zed), so
; general patterns come first and specific ones after them. Capture names are
; Helix theme scopes that fall back well in Neovim; see README.md.
;
; No pattern has a helper capture (`@_name`): tree-sitter-highlight drops a
; match whose node is also captured by a later match, so every capture here is
; a real highlight, and the patterns that test a field's name capture it with
; the same name as the general field-name pattern.

; Punctuation

[
  "{"
  "}"
] @punctuation.bracket

"," @punctuation.delimiter

; Keywords

(item_kind) @keyword

[
  "plan"
  "residual"
  "gate"
  "matrix"
] @keyword

; Fields (the token includes its colon)

(field_name) @variable.other.member

; Values

(integer) @constant.numeric.integer

(date) @constant.numeric

[
  (string)
  (text_block)
] @string

; An identifier value is a keyword (`spoofing`, `pass`), a tag or a rule name,
; unless the field is a link or names phases (below).
(value_list
  (identifier) @constant)

; Item IDs: at their definition and in the link fields that name them.

(item
  id: (identifier) @type)

; A stamped link (`C-BLE-PAIR@3f9a2c1b4d5e`) is one token, and only a link field takes
; one: the whole of it names an item.
(value_list
  (stamped_link) @type)

; One match per field, capturing every identifier of the list, so that no two
; matches share the field name.
((field
  name: (field_name) @variable.other.member
  values: (value_list
    (identifier) @type
    (","
      (identifier) @type)*))
  (#match? @variable.other.member "^(targets|threat|vulnerability|mitigates|verifies|part-of|affects|items)[ \t]*:$")) ; @generated: link fields

; Phases: declared by `phases:`, named by `phase:` and by each gate.

(gate
  phase: (identifier) @label)

((field
  name: (field_name) @variable.other.member
  values: (value_list
    (identifier) @label
    (","
      (identifier) @label)*))
  (#match? @variable.other.member "^(gate|phases|phase)[ \t]*:$")) ; @generated: phase fields

(comment) @comment
