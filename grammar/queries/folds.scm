; Folds: items, the plan, gates, residual blocks and multi-line text blocks.
; Neovim folds the lines a captured node spans.

[
  (item)
  (plan)
  (gate)
  (residual)
  (text_block)
] @fold
