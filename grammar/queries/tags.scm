; Tags (code navigation, `tree-sitter tags`): each item is a class-like
; definition named by its ID.

(item
  id: (identifier) @name) @definition.class
