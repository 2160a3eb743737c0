; Helix rainbow brackets for Ward (captures `@rainbow.scope` /
; `@rainbow.bracket`; see the Helix book, "Adding rainbow bracket queries").

[
  (item_body)
  (plan_body)
  (field_block)
] @rainbow.scope

[
  "{"
  "}"
] @rainbow.bracket
