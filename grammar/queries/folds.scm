; Folds: items, the plan, gates, the matrix, residual blocks and multi-line text
; blocks.
; Neovim folds the lines a captured node spans.

[
  (item)
  (plan)
  (gate)
  (matrix)
  (residual)
  (text_block)
] @fold
