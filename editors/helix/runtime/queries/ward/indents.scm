; Helix indentation for Ward (captures `@indent` / `@outdent`; see the Helix
; book, "Adding indent queries"): one level inside every `{ ... }`, and a
; line that starts with `}` goes back one level.

[
  (item_body)
  (plan_body)
  (field_block)
] @indent

"}" @outdent
