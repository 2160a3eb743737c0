--- Registers the Ward tree-sitter parser with nvim-treesitter.
---
--- ```lua
--- require("ward.treesitter").register()   -- then :TSInstall ward
--- ```
---
--- The grammar lives in the `grammar/` folder of the Ward repository (its
--- generated `src/parser.c` is committed, so no tree-sitter CLI or node is
--- needed to build it). When this plugin is loaded from a checkout of that
--- repository (`editors/nvim` inside it), the parser is built from the
--- checkout; otherwise from the `url` given to `register` (Ward has no public
--- address to default to).
---
--- The queries (`queries/ward/*.scm` of this plugin) are links to the
--- grammar's own `grammar/queries/*.scm`, found on the runtimepath.
---
--- The parser is generated for tree-sitter ABI 15: Neovim 0.11 or newer loads
--- it. For older Neovim, regenerate it with `tree-sitter generate --abi 14`.
local M = {}

-- A git address of the Ward repository, for a plugin not loaded from a checkout: none by
-- default, rather than a guess.
M.url = nil
-- The folder of the repository that holds grammar.js and src/parser.c.
M.location = "grammar"

--- The Ward repository this plugin was loaded from, if any: the folder four
--- levels above this file (`<repo>/editors/nvim/lua/ward/treesitter.lua`)
--- when it holds `grammar/src/parser.c`.
---@return string|nil
function M.local_checkout()
  local source = debug.getinfo(1, "S").source
  if source:sub(1, 1) ~= "@" then
    return nil
  end
  local file = vim.fn.resolve(vim.fn.fnamemodify(source:sub(2), ":p"))
  local root = vim.fn.fnamemodify(file, ":h:h:h:h:h")
  if vim.fn.filereadable(root .. "/" .. M.location .. "/src/parser.c") == 1 then
    return root
  end
  return nil
end

--- The `install_info` for nvim-treesitter.
---@param opts table|nil `path` (a local checkout of the repository), `url`,
---  `revision`, `branch`; `branch_style` "master" or "main" (nvim-treesitter's
---  two incompatible branches).
---@return table
function M.install_info(opts)
  opts = opts or {}
  local path = opts.path
  if path == nil and not opts.url then
    path = M.local_checkout()
  end
  if path == nil and not (opts.url or M.url) then
    error("ward.treesitter: the plugin is not loaded from a checkout of the Ward repository; "
      .. "pass `path` (a checkout) or `url` (its git address) to register()")
  end
  if opts.branch_style == "main" then
    -- nvim-treesitter `main` (Neovim 0.11+).
    if path then
      return { path = path, location = M.location }
    end
    return {
      url = opts.url or M.url,
      revision = opts.revision,
      branch = opts.branch,
      location = M.location,
    }
  end
  -- nvim-treesitter `master`: `url` is a git URL or a local folder.
  return {
    url = path or opts.url or M.url,
    revision = opts.revision,
    branch = opts.branch or "main",
    location = M.location,
    files = { "src/parser.c" },
    generate_requires_npm = false,
    requires_generate_from_grammar = false,
  }
end

--- Register the parser with nvim-treesitter (either branch). Returns false
--- when nvim-treesitter is not installed.
---@param opts table|nil see `install_info`
---@return boolean
function M.register(opts)
  opts = opts or {}
  local ok, parsers = pcall(require, "nvim-treesitter.parsers")
  if not ok then
    return false
  end

  if type(parsers.get_parser_configs) == "function" then
    -- nvim-treesitter `master`.
    local configs = parsers.get_parser_configs()
    configs.ward = {
      install_info = M.install_info(vim.tbl_extend("force", opts, { branch_style = "master" })),
      filetype = "ward",
      maintainers = { "The Ward developers" },
    }
    return true
  end

  -- nvim-treesitter `main`: the parser table is rebuilt on every :TSUpdate,
  -- so register again from its `User TSUpdate` event.
  local info = M.install_info(vim.tbl_extend("force", opts, { branch_style = "main" }))
  local function add()
    require("nvim-treesitter.parsers").ward = { install_info = info, tier = 2 }
  end
  add()
  vim.api.nvim_create_autocmd("User", {
    group = vim.api.nvim_create_augroup("ward_treesitter", { clear = true }),
    pattern = "TSUpdate",
    callback = add,
    desc = "Register the Ward tree-sitter parser",
  })
  return true
end

return M
