; Locals: item IDs are defined once in the whole workspace and named by the
; link fields of the items below them. A file is the only scope tree-sitter can
; see; the language server resolves references across files.

(source_file) @local.scope

(item
  id: (identifier) @local.definition)

; Link fields: `targets` (threat -> asset), `threat` (risk -> threat),
; `mitigates` (control -> risk), `verifies` (verification -> control).
((field
  name: (field_name) @_name
  values: (value_list
    (identifier) @local.reference))
  (#match? @_name "^(targets|threat|vulnerability|mitigates|verifies|part-of|affects|items)[ \t]*:$")) ; @generated: link fields
