; Indentation, with the captures of both Neovim (nvim-treesitter: `@indent.*`)
; and Helix (`@indent`, `@outdent`). Each editor ignores the other's names.

[
  (item_body)
  (plan_body)
  (field_block)
] @indent.begin @indent

"}" @indent.branch @indent.end @outdent

; Keep the author's indentation inside a text block.
(text_block) @indent.ignore
