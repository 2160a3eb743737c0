-- Filetype detection for Ward files: `*.ward` -> filetype `ward`.
--
-- An autocommand rather than `vim.filetype.add`, so that it works on every
-- Neovim from 0.7 on (0.7 reads `vim.filetype.add` only with
-- `g:do_filetype_lua`); on 0.8+ `vim.filetype.add` is registered as well.
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { ward = "ward" } })
end

vim.cmd([[
  augroup ward_ftdetect
    autocmd!
    autocmd BufRead,BufNewFile *.ward setfiletype ward
  augroup END
]])
