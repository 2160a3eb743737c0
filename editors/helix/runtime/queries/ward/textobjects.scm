; Helix text objects for Ward (Helix's capture names: `class`, `test`,
; `entry`, `parameter`, `comment` with `.inside` / `.around`; see the Helix
; book, "Adding textobject queries"). The grammar's own
; grammar/queries/textobjects.scm uses nvim-treesitter-textobjects names
; (`@class.outer`, ...), which Helix does not read, hence this file.

; An item or the plan: `mac` / `mic`, `]c` / `[c`.
(item
  body: (item_body) @class.inside) @class.around

(plan
  body: (plan_body) @class.inside) @class.around

; A verification item is a test: `maT` / `miT`, `]T` / `[T`.
((item
  kind: (item_kind) @_kind
  body: (item_body) @test.inside) @test.around
  (#eq? @_kind "verification"))

; A field (`name: values`), a `residual { ... }` block or a plan's
; `gate <phase> { ... }`: `mae` / `mie`, `]e` / `[e`.
(field
  values: (value_list) @entry.inside) @entry.around

(residual
  body: (field_block) @entry.inside) @entry.around

(gate
  body: (field_block) @entry.inside) @entry.around

(matrix
  body: (field_block) @entry.inside) @entry.around

; One value of a list, with its comma for `.around`: `maa` / `mia`, `]a` / `[a`.
(value_list
  ((_) @parameter.inside . ","? @parameter.around) @parameter.around)

; Comments: `mac` over a run of `//` lines.
(comment) @comment.inside

(comment)+ @comment.around
