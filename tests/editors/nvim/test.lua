-- End-to-end test of the Neovim plugin (editors/nvim) against the real `ward lsp`.
--
-- Run through run.sh, which starts
--   nvim --headless -u NONE -i NONE -n -c "luafile test.lua"
-- with throw-away XDG folders and these environment variables:
--   WARD_PLUGIN  the plugin folder (editors/nvim), put on the runtimepath
--   WARD_BIN     the `ward` binary
--   WARD_WS      a throw-away copy of tests/editors/fixture (its `ward.toml`; a `.git`
--                folder above it)
--   WARD_TIMEOUT_MS  how long to wait for each server reply (default 20000)
--   WARD_SETUP   `lsp-enable` (Neovim 0.11+): use lsp/ward.lua and
--                vim.lsp.enable instead of require("ward").setup()
--   WARD_TS_RTP  (optional, Neovim 0.11+) a folder holding parser/ward.so:
--                also check the tree-sitter queries in Neovim
--
-- It goes the way a user goes: filetype detection (ftdetect), the ftplugin,
-- `require("ward").setup()`, then reads back what the user would see:
-- diagnostics, the cursor after go-to-definition, diagnostics after a quick fix, the
-- buffer after formatting.
-- Any failure prints `FAIL: ...` and exits non-zero (`cquit`).

local timeout = tonumber(os.getenv("WARD_TIMEOUT_MS") or "") or 20000

local function out(line)
  io.stdout:write(line, "\n")
  io.stdout:flush()
end

local Failure = {}

local function fail(message)
  error(setmetatable({ message = message }, Failure), 2)
end

local function check(cond, message)
  if not cond then
    fail(message)
  end
end

local function env(name)
  local value = os.getenv(name)
  check(value and value ~= "", "environment variable " .. name .. " is not set (run tests/editors/nvim/run.sh)")
  return value
end

local function realpath(path)
  return vim.loop.fs_realpath(path) or path
end

local function has(feature)
  return vim.fn.has(feature) == 1
end

-- The LSP clients attached to a buffer, on every Neovim from 0.7 on.
local function buf_clients(bufnr)
  local list = {}
  if vim.lsp.get_clients then -- 0.10+
    list = vim.lsp.get_clients({ bufnr = bufnr })
  elseif has("nvim-0.8") then
    list = vim.lsp.get_active_clients({ bufnr = bufnr })
  else
    for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
      table.insert(list, client)
    end
  end
  return list
end

local function ward_client(bufnr)
  for _, client in ipairs(buf_clients(bufnr)) do
    if client.name == "ward" then
      return client
    end
  end
  return nil
end

-- 0-based line and byte column of the first match of a plain-text `needle`
-- on a line matching the Lua pattern `line_pattern`, in `lines`.
local function locate(lines, line_pattern, needle)
  for i, line in ipairs(lines) do
    if line:match(line_pattern) then
      local col = line:find(needle, 1, true)
      if col then
        return i - 1, col - 1
      end
    end
  end
  return nil
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    table.insert(lines, line)
  end
  return lines
end

local function describe(diags)
  if #diags == 0 then
    return "(none)"
  end
  local parts = {}
  for _, d in ipairs(diags) do
    table.insert(parts, string.format("%d:%d [%s] %s", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
  end
  return table.concat(parts, "; ")
end

local function unresolved(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == "unresolved-reference" then
      table.insert(found, d)
    end
  end
  return found
end

local function main()
  local plugin = env("WARD_PLUGIN")
  local bin = env("WARD_BIN")
  local ws = realpath(env("WARD_WS"))
  local risks_path = ws .. "/risks/risks.ward"
  local threats_path = ws .. "/threats.ward"

  local version = vim.version()
  out(string.format("nvim %d.%d.%d, ward binary %s, workspace %s", version.major, version.minor, version.patch, bin, ws))

  -- The user's path: the plugin on the runtimepath, filetype detection on.
  vim.opt.runtimepath:prepend(plugin)
  vim.cmd("filetype plugin on")
  if os.getenv("WARD_SETUP") == "lsp-enable" then
    -- Neovim 0.11+ without setup(): the plugin's lsp/ward.lua file form.
    check(has("nvim-0.11"), "WARD_SETUP=lsp-enable needs Neovim 0.11+")
    vim.lsp.config("ward", { cmd = { bin, "lsp" } })
    vim.lsp.enable("ward")
    out("INFO: Neovim 0.11+: lsp/ward.lua + vim.lsp.enable, without setup()")
  else
    require("ward").setup({ cmd = { bin, "lsp" } })
    if has("nvim-0.11") then
      out("INFO: Neovim 0.11+: setup() used vim.lsp.config + vim.lsp.enable")
    elseif vim.lsp.start then
      out("INFO: Neovim 0.8-0.10: setup() uses vim.lsp.start")
    else
      out("INFO: Neovim 0.7: setup() uses vim.lsp.start_client + vim.lsp.buf_attach_client")
    end
  end

  -- 1. ftdetect and ftplugin.
  vim.cmd("edit " .. vim.fn.fnameescape(risks_path))
  local risks = vim.api.nvim_get_current_buf()
  check(vim.bo[risks].filetype == "ward", "filetype of risks.ward is '" .. vim.bo[risks].filetype .. "', expected 'ward' (ftdetect/ward.lua)")
  check(vim.bo[risks].commentstring == "// %s", "commentstring is '" .. vim.bo[risks].commentstring .. "' (ftplugin/ward.lua)")
  check(vim.bo[risks].shiftwidth == 2 and vim.bo[risks].expandtab, "indentation is not 2 spaces (ftplugin/ward.lua)")
  vim.api.nvim_win_set_cursor(0, { 5, 12 }) -- inside `T-BLE-SPOF`
  check(vim.fn.expand("<cword>") == "T-BLE-SPOF", "an ID is not one word: <cword> is '" .. vim.fn.expand("<cword>") .. "' (iskeyword)")
  out("PASS: *.ward has filetype ward; ftplugin sets commentstring, 2-space indent, iskeyword")

  -- 2. The server starts, attached to the buffer, rooted at the `ward.toml`
  --    above risks/ (not at risks/ itself, nor at the `.git` above the workspace).
  local attached = vim.wait(timeout, function()
    return ward_client(risks) ~= nil
  end, 20)
  check(attached, "no 'ward' LSP client attached to risks.ward within " .. timeout .. " ms")
  local client = ward_client(risks)
  local root = client.config.root_dir
  check(root and realpath(root) == ws, "workspace root is '" .. tostring(root) .. "', expected '" .. ws .. "' (the folder holding ward.toml)")
  out("PASS: ward lsp attached, workspace root " .. root)

  -- 2b. Completion through <C-x><C-o>: 'omnifunc' is the LSP's (the plugin sets it on 0.7,
  --     Neovim itself from 0.8), and its first call finds where the word starts.
  local attached_omnifunc = vim.wait(timeout, function()
    return vim.bo[risks].omnifunc == "v:lua.vim.lsp.omnifunc"
  end, 20)
  check(attached_omnifunc, "'omnifunc' is '" .. vim.bo[risks].omnifunc .. "', not v:lua.vim.lsp.omnifunc (<C-x><C-o> fails with E764)")
  local spof_line, spof_col = locate(vim.api.nvim_buf_get_lines(risks, 0, -1, false), "^%s*threat:", "T-BLE-SPOF")
  vim.api.nvim_win_set_cursor(0, { spof_line + 1, spof_col + 3 })
  -- Up to 0.10 the first call already sends the request and answers -2 (complete
  -- asynchronously); 0.11 answers the word's start. -1 or -3 would mean no client.
  local start = vim.lsp.omnifunc(1, "")
  check(start == -2 or start == spof_col, string.format("omnifunc's first call answered %s (expected -2, or the word's start %d)", tostring(start), spof_col))
  out("PASS: omnifunc is vim.lsp.omnifunc and completes through the server (" .. start .. ")")

  -- 3. Diagnostics: the misspelled threat ID.
  local lines = vim.api.nvim_buf_get_lines(risks, 0, -1, false)
  local bad_line, bad_col = locate(lines, "^%s*threat:", "T-BLE-SPOF")
  check(bad_line, "fixture: no `threat: T-BLE-SPOF` line in risks.ward")
  local published = vim.wait(timeout, function()
    return #unresolved(risks) > 0
  end, 20)
  check(published, "no unresolved-reference diagnostic on risks.ward within " .. timeout .. " ms; diagnostics: " .. describe(vim.diagnostic.get(risks)))
  local diag = unresolved(risks)[1]
  check(diag.lnum == bad_line, string.format("unresolved-reference is on line %d, expected line %d", diag.lnum + 1, bad_line + 1))
  check(diag.col == bad_col, string.format("unresolved-reference starts at column %d, expected %d (the ID)", diag.col + 1, bad_col + 1))
  check(diag.message:find("T-BLE-SPOF", 1, true), "message does not name the broken ID: " .. diag.message)
  check(diag.severity == vim.diagnostic.severity.ERROR, "unresolved-reference is not an error")
  out(string.format("PASS: diagnostic %d:%d [%s] %s", diag.lnum + 1, diag.col + 1, diag.code, diag.message))
  if not diag.message:find("T-BLE-SPOOF", 1, true) then
    out("NOTE: the message does not suggest the closest ID `T-BLE-SPOOF`")
  end

  -- 4. Go to definition across files: from `threat: T-BLE-SPOOF` in
  --    risks/risks.ward to `threat T-BLE-SPOOF` in threats.ward.
  local ref_line, ref_col = locate(lines, "^%s*threat:", "T-BLE-SPOOF")
  check(ref_line, "fixture: no `threat: T-BLE-SPOOF` line in risks.ward")
  local target_line, target_col = locate(read_lines(threats_path), "^threat ", "T-BLE-SPOOF")
  check(target_line, "fixture: no `threat T-BLE-SPOOF` item in threats.ward")
  vim.api.nvim_win_set_cursor(0, { ref_line + 1, ref_col + 4 })
  vim.lsp.buf.definition()
  local jumped = vim.wait(timeout, function()
    return vim.api.nvim_get_current_buf() ~= risks
  end, 20)
  check(jumped, "go to definition did not leave risks.ward within " .. timeout .. " ms (no answer, or several locations in the quickfix list)")
  local here = realpath(vim.api.nvim_buf_get_name(0))
  check(here == realpath(threats_path), "go to definition opened '" .. here .. "', expected threats.ward")
  local cursor = vim.api.nvim_win_get_cursor(0)
  check(cursor[1] == target_line + 1, string.format("go to definition put the cursor on line %d, expected line %d (`threat T-BLE-SPOOF`)", cursor[1], target_line + 1))
  check(cursor[2] <= target_col + #"T-BLE-SPOOF" - 1, string.format("go to definition put the cursor at column %d, past the ID (columns %d-%d)", cursor[2] + 1, target_col + 1, target_col + #"T-BLE-SPOOF"))
  out(string.format("PASS: go to definition jumped to threats.ward:%d:%d", cursor[1], cursor[2] + 1))
  if cursor[2] ~= target_col then
    out(string.format("NOTE: the cursor is at column %d, not on the ID (column %d)", cursor[2] + 1, target_col + 1))
  end

  -- 5. Fix the reference with the server's quick fix, applied by Neovim's own
  --    workspace-edit code: the diagnostic goes away.
  vim.cmd("buffer " .. risks)
  vim.api.nvim_win_set_cursor(0, { bad_line + 1, bad_col + 2 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {} }
  local answers = vim.lsp.buf_request_sync(risks, "textDocument/codeAction", params, timeout) or {}
  local quick_fix, titles = nil, {}
  for _, answer in pairs(answers) do
    for _, action in ipairs(answer.result or {}) do
      table.insert(titles, action.title)
      if action.title == "Change to `T-BLE-SPOOF`" and action.kind == "quickfix" then
        quick_fix = action
      end
    end
  end
  check(quick_fix and quick_fix.edit, "no quick fix `Change to T-BLE-SPOOF` at the reference; offered: " .. table.concat(titles, " | "))
  vim.lsp.util.apply_workspace_edit(quick_fix.edit, client.offset_encoding)
  local fixed = lines[bad_line + 1]:gsub("T%-BLE%-SPOF", "T-BLE-SPOOF")
  check(vim.api.nvim_buf_get_lines(risks, bad_line, bad_line + 1, false)[1] == fixed, "the quick fix did not write T-BLE-SPOOF in place of the misspelt ID")
  local cleared = vim.wait(timeout, function()
    return #unresolved(risks) == 0
  end, 20)
  check(cleared, "unresolved-reference still reported " .. timeout .. " ms after the fix: " .. describe(unresolved(risks)))
  check(not client.is_stopped(client), "the ward client stopped (did the server exit?)")
  out("PASS: the quick fix cleared the diagnostic; remaining: " .. describe(vim.diagnostic.get(risks)))

  -- 5b. Formatting through the server (0.8+: vim.lsp.buf.format; 0.7: formatting_sync):
  --     an item laid out by hand gets the layout `ward fmt` gives it, the rest stays.
  local before = vim.api.nvim_buf_get_lines(risks, 0, -1, false)
  local hand_laid = { "", "// Laid out by hand.", 'risk   R-BLE-LOG "Log flood"{threat:T-BLE-SPOOF', "exploitability : 1", "    severity: 1 }" }
  vim.api.nvim_buf_set_lines(risks, -1, -1, false, hand_laid)
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = risks, timeout_ms = timeout })
  else
    vim.lsp.buf.formatting_sync(nil, timeout)
  end
  local expected = vim.list_extend(vim.deepcopy(before), {
    "",
    "// Laid out by hand.",
    'risk R-BLE-LOG "Log flood" {',
    "  threat: T-BLE-SPOOF",
    "  exploitability: 1",
    "  severity: 1",
    "}",
  })
  local after = vim.api.nvim_buf_get_lines(risks, 0, -1, false)
  check(table.concat(after, "\n") == table.concat(expected, "\n"), "formatting gave:\n" .. table.concat(after, "\n"))
  out("PASS: formatting laid out the hand-written item and left the rest as it was")

  -- 6. Tree-sitter (Neovim 0.11+, when run.sh could build the parser): the
  --    plugin's queries (links to grammar/queries) load in Neovim's own
  --    query engine and highlight the buffer.
  local ts_rtp = os.getenv("WARD_TS_RTP")
  if ts_rtp and ts_rtp ~= "" then
    vim.opt.runtimepath:prepend(ts_rtp)
    for _, name in ipairs({ "highlights", "locals", "folds", "indents", "textobjects" }) do
      local ok, query = pcall(vim.treesitter.query.get, "ward", name)
      check(ok and query, "queries/ward/" .. name .. ".scm does not load in Neovim: " .. tostring(query))
    end
    local ok, err = pcall(vim.treesitter.start, risks, "ward")
    check(ok, "vim.treesitter.start failed: " .. tostring(err))
    local root = vim.treesitter.get_parser(risks, "ward"):parse()[1]:root()
    local highlights = vim.treesitter.query.get("ward", "highlights")
    local captured = {}
    for id, node in highlights:iter_captures(root, risks) do
      local row, col = node:range()
      captured[string.format("%d:%d:%s", row, col, highlights.captures[id])] = true
    end
    local item_line = locate(lines, "^risk ", "risk")
    check(captured[string.format("%d:%d:keyword", item_line, 0)], "`risk` is not highlighted as @keyword")
    check(captured[string.format("%d:%d:type", ref_line, ref_col)], "the link `T-BLE-SPOOF` is not highlighted as @type")
    out("PASS: tree-sitter queries load in Neovim and highlight the buffer")
  end
end

local function finish()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in ipairs(clients) do
    vim.lsp.stop_client(client.id)
  end
end

local ok, err = xpcall(main, function(e)
  if getmetatable(e) == Failure then
    return e
  end
  return { message = "Lua error: " .. debug.traceback(tostring(e), 2) }
end)

if ok then
  out("PASS: all Neovim checks")
  finish()
  vim.cmd("qall!")
else
  io.stderr:write("FAIL: " .. err.message .. "\n")
  local log = (vim.lsp.log and vim.lsp.log.get_filename and vim.lsp.log.get_filename())
    or (vim.lsp.get_log_path and vim.lsp.get_log_path())
  if log and vim.loop.fs_stat(log) then
    local tail = {}
    for line in io.lines(log) do
      table.insert(tail, line)
      if #tail > 40 then
        table.remove(tail, 1)
      end
    end
    io.stderr:write("--- last lines of " .. log .. " ---\n" .. table.concat(tail, "\n") .. "\n")
  end
  finish()
  vim.cmd("cquit 1")
end
