; Text objects, with nvim-treesitter-textobjects capture names:
;   item or plan         @class.outer   its body           @class.inner
;   gate or residual     @block.outer   its block          @block.inner
;   field                @parameter.outer  its values      @parameter.inner
;   comment              @comment.outer
; Helix names the same objects `@class.around`/`@class.inside`, ...; see README.md.

(item
  body: (item_body) @class.inner) @class.outer

(plan
  body: (plan_body) @class.inner) @class.outer

(gate
  body: (field_block) @block.inner) @block.outer

(residual
  body: (field_block) @block.inner) @block.outer

(matrix
  body: (field_block) @block.inner) @block.outer

(field) @parameter.outer

(field
  values: (value_list) @parameter.inner)

(comment) @comment.outer
