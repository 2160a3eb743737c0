--- Ward for Neovim: starts `ward lsp` for `ward` buffers.
---
--- ```lua
--- require("ward").setup()                                  -- defaults
--- require("ward").setup({ cmd = { "/path/to/ward", "lsp" } })
--- ```
---
--- Neovim 0.11+: registers the server with `vim.lsp.config("ward", ...)` and
--- `vim.lsp.enable("ward")` (the plugin's `lsp/ward.lua` holds the defaults).
--- Older versions: a `FileType ward` autocommand starts the server with
--- `vim.lsp.start` (0.8-0.10) or `vim.lsp.start_client` +
--- `vim.lsp.buf_attach_client` (0.7), one client per workspace root.
local M = {}

--- Files or folders whose presence marks a Ward workspace root, in order of
--- priority: the nearest `ward.toml` above the file, else the nearest `.git`.
--- Without either, the folder holding the file is the root.
M.default_root_markers = { "ward.toml", ".git" }

local defaults = {
  -- The command that runs the language server.
  cmd = { "ward", "lsp" },
  filetypes = { "ward" },
  root_markers = M.default_root_markers,
  -- Passed through to the client: `on_attach`, `capabilities`, `settings`,
  -- `init_options`, `handlers`, `cmd_env`, `flags`, ...
}

local function is_dir(path)
  local stat = vim.loop.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ":h")
end

--- The workspace root of `path` (a file or folder): the nearest folder at or
--- above it that holds the first of `markers`; if none does, the nearest that
--- holds the second, and so on; otherwise the folder holding the file (or
--- `path` itself when it is a folder).
---@param path string
---@param markers string[]|nil
---@return string
function M.find_root(path, markers)
  markers = markers or M.default_root_markers
  path = vim.fn.fnamemodify(path, ":p")
  local start = is_dir(path) and path or dirname(path)
  start = start:gsub("/+$", "")
  if start == "" then
    start = "/"
  end
  for _, marker in ipairs(markers) do
    local dir = start
    while true do
      local candidate = (dir == "/" and "" or dir) .. "/" .. marker
      if exists(candidate) then
        return dir
      end
      local parent = dirname(dir)
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  return start
end

local function buf_path(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return nil -- unnamed or non-file buffer (fugitive://, oil://, ...)
  end
  return name
end

local function merge(opts)
  opts = opts or {}
  local config = vim.tbl_deep_extend("force", {}, defaults, opts)
  -- Lists replace the defaults rather than merging index by index.
  for _, key in ipairs({ "cmd", "filetypes", "root_markers" }) do
    if opts[key] ~= nil then
      config[key] = opts[key]
    end
  end
  return config
end

--- The configuration for `vim.lsp.config` (Neovim 0.11+), as `lsp/ward.lua`
--- returns it.
---@param opts table|nil
---@return table
function M.lsp_config(opts)
  local config = merge(opts)
  local markers = config.root_markers
  config.root_markers = nil
  -- A function rather than `root_markers`, so that a file outside any marked
  -- folder still gets its own folder as the workspace root.
  local root_dir = config.root_dir
  if type(root_dir) ~= "string" then
    config.root_dir = function(bufnr, on_dir)
      local path = buf_path(bufnr)
      if path then
        on_dir(root_dir and root_dir(path) or M.find_root(path, markers))
      end
    end
  end
  return config
end

local function has(feature)
  return vim.fn.has(feature) == 1
end

local function client_alive(id)
  local client = id and vim.lsp.get_client_by_id(id)
  return client ~= nil and not client.is_stopped()
end

--- Start (or reuse) the server for `bufnr`: the fallback for Neovim < 0.11.
---@param bufnr integer
---@param config table merged options
---@param clients table<string, integer> root -> client id (0.7 only)
local function start_for_buffer(bufnr, config, clients)
  local path = buf_path(bufnr)
  if not path then
    return
  end
  local root = config.root_dir
  if type(root) == "function" then
    root = root(path)
  end
  root = root or M.find_root(path, config.root_markers)

  local client_config = vim.tbl_extend("force", {}, config)
  client_config.filetypes = nil
  client_config.root_markers = nil
  client_config.name = config.name or "ward"
  client_config.root_dir = root -- the client derives rootUri and workspaceFolders

  if vim.lsp.start then
    -- Neovim 0.8-0.10: reuses a running client with the same name and root.
    vim.lsp.start(client_config, { bufnr = bufnr })
    return
  end

  -- Neovim 0.7.
  local id = clients[root]
  if not client_alive(id) then
    id = vim.lsp.start_client(client_config)
    if not id then
      vim.notify("ward: could not start " .. table.concat(config.cmd, " "), vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  -- 0.8 and later set it on attach; 0.7 does not, and <C-x><C-o> then fails with E764.
  if vim.bo[bufnr].omnifunc == "" then
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
end

--- Set up the Ward language server.
---@param opts table|nil `cmd` (default `{ "ward", "lsp" }`), `root_markers`
---  (default `{ ".git" }`), `root_dir` (a folder, or a function taking the
---  file's path and returning one), `filetypes`, and any client option
---  (`on_attach`, `capabilities`, `settings`, `cmd_env`, ...).
function M.setup(opts)
  opts = opts or {}

  if has("nvim-0.11") and vim.lsp.config and vim.lsp.enable then
    vim.lsp.config("ward", M.lsp_config(opts))
    vim.lsp.enable("ward")
    return
  end

  local config = merge(opts)
  local clients = {}
  local group = vim.api.nvim_create_augroup("ward_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      start_for_buffer(args.buf, config, clients)
    end,
    desc = "Start the Ward language server",
  })

  -- Buffers that were already open before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start_for_buffer(bufnr, config, clients)
    end
  end
end

return M
