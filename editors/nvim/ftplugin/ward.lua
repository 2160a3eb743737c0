-- Buffer settings for Ward files.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

local opt = vim.opt_local

-- Comments are `//` to the end of the line.
opt.commentstring = "// %s"
opt.comments = "://"
-- Continue `//` comments on <Enter> and `o`, wrap them with `gq`.
opt.formatoptions:remove("t")
opt.formatoptions:append("croql")

-- Two-space indentation, as the examples and the docs write Ward.
opt.expandtab = true
opt.shiftwidth = 2
opt.softtabstop = 2
opt.tabstop = 2
opt.autoindent = true
opt.smartindent = true -- indent after `{`, dedent a line starting with `}`
opt.cinwords = ""

-- IDs such as `R-BLE-01` or `ble.auth` are one word (`w`, `*`, `<C-]>`, completion).
opt.iskeyword:append("-")
opt.iskeyword:append(".")

-- Restore everything when the filetype changes.
vim.b.undo_ftplugin = table.concat({
  "setlocal commentstring< comments< formatoptions<",
  "expandtab< shiftwidth< softtabstop< tabstop< autoindent< smartindent< cinwords<",
  "iskeyword<",
}, " ")
