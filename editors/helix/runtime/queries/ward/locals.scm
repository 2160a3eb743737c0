; Helix locals for Ward (captures `@local.scope`, `@local.definition.<scope>`,
; `@local.reference`; see the Helix book, "Adding locals queries").
;
; The grammar's grammar/queries/locals.scm captures IDs as a plain
; `@local.definition`, which Helix does not treat as a definition (it needs a
; highlight scope after `local.definition.`). Here an ID is a definition with
; the `type` scope, the same as highlights.scm gives item IDs, so a link that
; names an item of the same file keeps that colour. The language server
; resolves references across files.

(source_file) @local.scope

(item
  id: (identifier) @local.definition.type)

; Link fields: `targets` (threat -> asset), `threat` (risk -> threat),
; `mitigates` (control -> risk), `verifies` (verification -> control).
((field
  name: (field_name) @_name
  values: (value_list
    (identifier) @local.reference))
  (#match? @_name "^(targets|threat|vulnerability|mitigates|verifies|part-of|affects|items)[ \t]*:$")) ; @generated: link fields
