-- The Ward language server for Neovim 0.11+'s `vim.lsp.config` (file form).
--
-- With this plugin on the runtimepath, `vim.lsp.enable("ward")` is all it
-- takes; `require("ward").setup(opts)` does that and applies `opts` on top.
-- Override any field with `vim.lsp.config("ward", { cmd = { ... } })`.
--
-- cmd:       { "ward", "lsp" }
-- filetypes: { "ward" }
-- root_dir:  the nearest folder holding `.git`, else the folder of the file
return require("ward").lsp_config()
