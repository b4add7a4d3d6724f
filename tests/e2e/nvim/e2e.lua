-- Neovim end-to-end test of editors/neovim against the real peace-lsp.
--
-- Run by tests/e2e/nvim/run.sh as
--   nvim --clean --headless --cmd 'set rtp+=editors/neovim' --cmd 'set loadplugins' \
--        -l e2e.lua PROJECT/essay.md
-- with `peace-lsp` on PATH: the plugin is used exactly as shipped
-- (plugin/peace_lsp.lua enables lsp/peace_lsp.lua). Exit 0 = pass.
--
-- Line 0 of the essay is the fixture sentence
--   UN peacekeepers negotiated the Dayton Accords.
-- which yields one peacekeeping-as-peacemaking warning on "peacekeepers".

local file = assert(arg[1], 'usage: e2e.lua ESSAY')
local TIMEOUT = tonumber(vim.env.PEACE_E2E_TIMEOUT_MS or '') or 10000
local CODE = 'peacekeeping-as-peacemaking'

local t0 = vim.uv.hrtime()
local function out(fmt, ...)
  io.stdout:write(('[%5.0fms] '):format((vim.uv.hrtime() - t0) / 1e6), fmt:format(...), '\n')
  io.stdout:flush()
end

local function fail(fmt, ...)
  out('FAIL: ' .. fmt, ...)
  vim.cmd('cquit 1')
end

-- A menu would wait for input that never comes (and EOF on stdin ends
-- Neovim with status 0): fail instead.
vim.ui.select = function(items, opts)
  fail('unexpected menu %q: %s', opts and opts.prompt or '', vim.inspect(items))
end
vim.fn.inputlist = function(items)
  fail('unexpected inputlist: %s', vim.inspect(items))
end

local function wait(pred, ms)
  return vim.wait(ms or TIMEOUT, pred, 20)
end

-- 0. The plugin was sourced and registered its config.
if not vim.g.loaded_peace_lsp then
  return fail('plugin/peace_lsp.lua was not sourced (runtimepath: %s)', vim.o.runtimepath)
end
local config = vim.lsp.config.peace_lsp
if not config or not config.cmd then
  return fail('no vim.lsp.config.peace_lsp: lsp/peace_lsp.lua not found on the runtimepath')
end
out('plugin loaded; cmd=%s filetypes=%s', vim.inspect(config.cmd), table.concat(config.filetypes, ','))

-- 1. Open the essay: the FileType autocmd of vim.lsp.enable starts the client.
vim.cmd.edit(vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
if vim.bo[buf].filetype ~= 'markdown' then
  return fail('filetype is %q, expected markdown', vim.bo[buf].filetype)
end

local function client()
  return vim.lsp.get_clients({ bufnr = buf, name = 'peace_lsp' })[1]
end
local exe = type(config.cmd) == 'table' and config.cmd[1] or '?'
if exe ~= '?' and vim.fn.executable(exe) == 0 then
  -- vim.lsp.enable() skips a config whose cmd is not executable and only
  -- logs it; say so at once instead of waiting.
  return fail('cmd %q is not executable (exepath=%q); Neovim will not start the client',
    exe, vim.fn.exepath(exe))
end
if not wait(client) then
  return fail('client peace_lsp never attached to %s (cmd %q: executable()=%d, exepath=%q)',
    file, exe, vim.fn.executable(exe), vim.fn.exepath(exe))
end
local c = client()
if not wait(function() return c.initialized end) then
  return fail('server never answered initialize')
end
out('attached: %s %s, root_dir=%s, offset_encoding=%s', c.server_info and c.server_info.name,
  c.server_info and c.server_info.version, c.root_dir, c.offset_encoding)
local want_root = vim.fs.dirname(vim.fs.normalize(vim.fn.fnamemodify(file, ':p')))
if vim.fs.normalize(c.root_dir or '') ~= want_root then
  return fail('root_dir %s, expected %s (the folder with .peace-lsp.toml)', c.root_dir, want_root)
end

-- 2. Diagnostics on didOpen.
-- Neovim 0.12 supports pull diagnostics, so the server answers
-- textDocument/diagnostic and never pushes: the finding lands in the pull
-- namespace. Whichever model is used, it must land exactly once.
local function ours()
  return vim.tbl_filter(function(d) return d.code == CODE end, vim.diagnostic.get(buf))
end
if not wait(function() return #ours() > 0 end) then
  return fail('no %s diagnostic; got %s', CODE, vim.inspect(vim.diagnostic.get(buf)))
end
vim.wait(300)
if #ours() ~= 1 then
  return fail('%d %s diagnostics (pushed and pulled both?); expected 1: %s', #ours(), CODE,
    vim.inspect(ours()))
end
local d = ours()[1]
out('diagnostic %d:%d-%d:%d [%s] %s: %s', d.lnum, d.col, d.end_lnum, d.end_col, d.source,
  d.code, d.message)
if d.lnum ~= 0 or d.col ~= 3 or d.end_lnum ~= 0 or d.end_col ~= 15 then
  return fail('range is %d:%d-%d:%d, expected 0:3-0:15 ("peacekeepers")', d.lnum, d.col,
    d.end_lnum, d.end_col)
end
if d.source ~= 'peace-lsp' or d.severity ~= vim.diagnostic.severity.WARN then
  return fail('source %s, severity %s; expected peace-lsp, WARN', d.source, d.severity)
end

-- 3. Hover on "peacekeepers": the request, then the float a user sees (K).
vim.api.nvim_win_set_cursor(0, { 1, 5 })
local params = vim.lsp.util.make_position_params(0, c.offset_encoding)
local res, err = c:request_sync('textDocument/hover', params, TIMEOUT, buf)
if not res or res.err or not res.result then
  return fail('hover: %s', vim.inspect(err or res))
end
local hover = res.result.contents.value or vim.inspect(res.result.contents)
out('hover (%s): %s', res.result.contents.kind, (hover:gsub('\n.*', ' ...')))
if not (hover:find('Peacekeep') or hover:find('consent')) then
  return fail('hover has no definition: %s', hover)
end

vim.lsp.buf.hover()
local float
if not wait(function()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then float = w return true end
  end
end) then
  return fail('vim.lsp.buf.hover() opened no floating window')
end
local shown = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
if not shown:find('Peacekeep') then
  return fail('hover window does not show the definition: %s', shown)
end
out('hover window: %d lines', vim.api.nvim_buf_line_count(vim.api.nvim_win_get_buf(float)))
vim.api.nvim_win_close(float, true)

-- 4. Quick fix: the code action a user picks with gra / vim.lsp.buf.code_action().
if not c.server_capabilities.codeActionProvider then
  out('SKIP: server offers no quickfix')
else
  vim.api.nvim_win_set_cursor(0, { 1, 5 })
  local range_params = vim.lsp.util.make_range_params(0, c.offset_encoding)
  range_params.context = {
    diagnostics = vim.lsp.diagnostic.from({ d }),
    only = { 'quickfix' },
    triggerKind = 1,
  }
  res = c:request_sync('textDocument/codeAction', range_params, TIMEOUT, buf)
  local titles = vim.tbl_map(function(a) return a.title end, (res and res.result) or {})
  out('code actions: %s', vim.inspect(titles))
  -- Of the fixes titled Replace "peacekeepers" ..., the one to "peacemakers"
  -- if offered, else the first.
  local fixes = vim.tbl_filter(function(a)
    return vim.startswith(a.title, 'Replace "peacekeepers"')
  end, (res and res.result) or {})
  if #fixes == 0 then
    return fail('no quick fix titled Replace "peacekeepers" ...: %s', vim.inspect(res))
  end
  local chosen = fixes[1].title
  for _, a in ipairs(fixes) do
    if a.title:find('"peacemakers"', 1, true) then chosen = a.title break end
  end
  out('applying: %s', chosen)
  -- The filter leaves one action, so code_action() applies it without a menu.
  vim.lsp.buf.code_action({
    context = { only = { 'quickfix' } },
    filter = function(a) return a.title == chosen end,
    apply = true,
  })
  if not wait(function()
    return vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1]:find('peacemakers', 1, true)
  end) then
    return fail('quick fix not applied; line 1 is %q', vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1])
  end
  out('after quick fix: %s', vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1])
  -- The server sees the edit (incremental didChange) and drops the warning.
  if not wait(function() return #ours() == 0 end) then
    return fail('warning still there after the fix: %s', vim.inspect(ours()))
  end
  out('warning cleared after the edit')
end

-- 5. :checkhealth peace_lsp runs and finds the server.
vim.cmd('silent checkhealth peace_lsp')
local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
if not health:find('OK peace%-lsp.*' .. vim.pesc(vim.fn.exepath(exe))) then
  return fail(':checkhealth peace_lsp did not find the server:\n%s', health)
end
out('checkhealth: ok')

-- 6. The :help file (when the plugin is a copy we may write doc/tags into).
if vim.env.PEACE_E2E_HELPTAGS == '1' then
  local help = vim.api.nvim_get_runtime_file('doc/peace-lsp.txt', false)[1]
  if not help then return fail('doc/peace-lsp.txt not on the runtimepath') end
  vim.cmd.helptags(vim.fn.fnameescape(vim.fs.dirname(help)))
  local text = table.concat(vim.fn.readfile(help), '\n')
  local refs = {}
  for tag in text:gmatch('|([%w_.:%-]+)|') do refs[tag] = true end
  for tag in pairs(refs) do
    local ok, e = pcall(vim.cmd.help, tag)
    if not ok then return fail(':help %s: %s', tag, e) end
  end
  vim.cmd.help('peace-lsp-cmd')
  if not vim.api.nvim_buf_get_name(0):find('peace%-lsp%.txt$') then
    return fail(':help peace-lsp-cmd opened %s', vim.api.nvim_buf_get_name(0))
  end
  out(':help peace-lsp: tags built, %d |links| resolve', vim.tbl_count(refs))
  vim.cmd.helpclose()
end

-- 7. Save and quit cleanly; Neovim shuts the server down on exit.
vim.api.nvim_buf_call(buf, function() vim.cmd('silent write') end)
out('PASS')
vim.cmd('qa')
