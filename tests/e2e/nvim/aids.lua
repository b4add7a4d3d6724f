-- The learning aids in Neovim, typed as a user types them: a headless
-- Neovim with the plugin (the "editor", started by run.sh with --listen)
-- is driven over its RPC socket by this script (nvim -l aids.lua SOCKET):
-- keys go in with nvim_input, exactly as from a keyboard, and the editor's
-- state is read back.
--
--   completion        on a new line, "... peacem" then <C-x><C-o> (the
--                     plugin's omnifunc, vim.lsp.omnifunc): the menu offers
--                     "peacemaking" with documentation
--   go to definition  <C-]> (LSP tagfunc) on "peacekeeping" in the last
--                     line jumps to the writer's own definition on line 3
--   document symbols  :PeaceOutline (vim.lsp.buf.document_symbol) lists the
--                     concepts used, Peacekeeping among them, at its first
--                     use; gO stays Neovim's Markdown heading outline
--
-- The essay (written by run.sh):
--   1 # Peace operations
--   2
--   3 Peacekeeping is the deployment of impartial UN forces with the consent of the parties.
--   4
--   5 Mediators practise peacemaking between the parties.
--   6
--   7 In Cyprus, peacekeeping has held the buffer zone since 1974.
local sock = assert(arg[1], 'usage: aids.lua SOCKET')
local TIMEOUT = tonumber(vim.env.PEACE_E2E_TIMEOUT_MS or '') or 10000

local t0 = vim.uv.hrtime()
local function out(fmt, ...)
  io.stdout:write(('[%5.0fms] '):format((vim.uv.hrtime() - t0) / 1e6), fmt:format(...), '\n')
  io.stdout:flush()
end
local failures = 0
local function fail(fmt, ...)
  failures = failures + 1
  out('FAIL: ' .. fmt, ...)
end

local ch
for _ = 1, 100 do
  local ok, c = pcall(vim.fn.sockconnect, 'pipe', sock, { rpc = true })
  if ok and c > 0 then ch = c break end
  vim.wait(50)
end
if not ch then
  out('FAIL: cannot connect to the editor at %s', sock)
  os.exit(1)
end

local function lua(code, ...)
  return vim.rpcrequest(ch, 'nvim_exec_lua', code, { ... })
end
local function input(keys)
  vim.rpcrequest(ch, 'nvim_input', keys)
end
--- Polls `code` in the editor until it returns a truthy value; that value, or nil.
local function poll(code)
  local got
  vim.wait(TIMEOUT, function()
    got = lua(code)
    return got ~= nil and got ~= false and got ~= vim.NIL
  end, 50)
  if got == vim.NIL or got == false then return nil end
  return got
end

-- The server attached and initialised.
local caps = poll([[
  local c = vim.lsp.get_clients({ bufnr = 0, name = 'peace_lsp' })[1]
  return c and c.initialized and c.server_capabilities or nil
]])
if not caps then
  out('FAIL: peace_lsp never attached to the essay')
  os.exit(1)
end
out('attached; omnifunc=%s', lua('return vim.bo.omnifunc'))

-- 0. Concept colours: the plugin's default links, and the server's tokens
-- on "Peacekeeping" (line 3) carrying the peacekeeping type.
local links = lua([[
  local r = {}
  for _, t in ipairs({ 'conflictPrevention', 'peacemaking', 'peacekeeping', 'peaceEnforcement',
      'peacebuilding', 'peaceTerm' }) do
    r[t] = vim.api.nvim_get_hl(0, { name = '@lsp.type.' .. t }).link or ''
  end
  r.flagged = vim.api.nvim_get_hl(0, { name = '@lsp.mod.flagged' }).link or ''
  return r
]])
for t, l in pairs(links) do
  if l == '' then fail('@lsp.%s.%s is not linked', t == 'flagged' and 'mod' or 'type', t) end
end
if not caps.semanticTokensProvider then
  fail('the server offers no semantic tokens (no semanticTokensProvider)')
else
  local types = poll([[
    local r = {}
    for _, tok in ipairs(vim.lsp.semantic_tokens.get_at_pos(0, 2, 3) or {}) do r[#r + 1] = tok.type end
    return #r > 0 and r or nil
  ]])
  if not types or not vim.tbl_contains(types, 'peacekeeping') then
    fail('no peacekeeping token on "Peacekeeping" (line 3): %s', vim.inspect(types))
  else
    out('semantic token on "Peacekeeping": %s, drawn with @lsp.type.peacekeeping -> %s', table.concat(types, ','),
      links.peacekeeping)
  end
end

-- 1. Completion with <C-x><C-o>.
if not caps.completionProvider then
  fail('the server offers no completion (no completionProvider)')
else
  if lua('return vim.bo.omnifunc') ~= 'v:lua.vim.lsp.omnifunc' then
    fail("the plugin did not set 'omnifunc' to v:lua.vim.lsp.omnifunc")
  end
  lua([[vim.o.completeopt = 'menuone,noselect']])
  input('GoThe envoys worked at peacem<C-x><C-o>')
  local items = poll([[
    local info = vim.fn.complete_info({ 'items', 'mode' })
    return #info.items > 0 and info.items or nil
  ]])
  if not items then
    fail('no completion items after "peacem" <C-x><C-o> (mode %s)', lua('return vim.api.nvim_get_mode().mode'))
  else
    local words = vim.tbl_map(function(i) return i.word end, items)
    out('completion: %s', table.concat(words, ', '))
    local hit
    for _, i in ipairs(items) do
      if i.word:lower():find('^peacemaking') then hit = i break end
    end
    if not hit then
      fail('"peacemaking" is not offered for "peacem": %s', vim.inspect(words))
    else
      -- The documentation: the item's info, or the resolved documentation.
      local doc = hit.info ~= '' and hit.info
        or vim.tbl_get(hit, 'user_data', 'nvim', 'lsp', 'completion_item', 'documentation')
      if type(doc) == 'table' then doc = doc.value end
      if not doc or doc == '' then
        fail('"peacemaking" has no documentation: %s', vim.inspect(hit))
      else
        out('documentation of %s: %s', hit.word, (doc:gsub('\n.*', ' ...')))
      end
      -- Accept it: <C-n> selects the first item; the line then ends with it.
      local n = 0
      for k, i in ipairs(items) do if i == hit then n = k end end
      input(('<C-n>'):rep(n) .. '<C-y><Esc>')
      local line = poll([[
        local l = vim.api.nvim_get_current_line()
        return vim.api.nvim_get_mode().mode == 'n' and l or nil
      ]])
      if not line or not line:lower():find('peacemaking') then
        fail('the accepted completion is not in the text: %q', line)
      else
        out('after accepting: %s', line)
      end
    end
  end
  input('<Esc>u')
end

-- 2. Go to definition with <C-]> (the LSP tagfunc Neovim sets on attach).
if not caps.definitionProvider then
  fail('the server offers no go to definition (no definitionProvider)')
else
  lua([[vim.api.nvim_win_set_cursor(0, { 7, 14 })]]) -- on "peacekeeping"
  input('<C-]>')
  local row = poll([[
    local r = vim.api.nvim_win_get_cursor(0)[1]
    return r ~= 7 and r or nil
  ]])
  if row ~= 3 then
    fail('<C-]> on "peacekeeping" (line 7) went to line %s, expected the definition on line 3', tostring(row))
  else
    out('go to definition: line 7 -> line 3 (%s)', lua('return vim.api.nvim_get_current_line()'):sub(1, 40))
  end
end

-- 3. Document symbols with :PeaceOutline (location list of
-- vim.lsp.buf.document_symbol), typed as a command line.
if not caps.documentSymbolProvider then
  fail('the server offers no document symbols (no documentSymbolProvider)')
else
  lua([[vim.api.nvim_win_set_cursor(0, { 1, 0 })]])
  input(':PeaceOutline<CR>')
  local list = poll([[
    local l = vim.fn.getloclist(0)
    return #l > 0 and l or nil
  ]])
  if not list then
    fail(':PeaceOutline listed no symbols')
  else
    local texts = vim.tbl_map(function(i) return ('%d: %s'):format(i.lnum, i.text) end, list)
    out('symbols: %s', table.concat(texts, ' | '))
    local keeping
    for _, i in ipairs(list) do
      -- The term entry (a Key under its concept), not the concept itself,
      -- which sits at the concept's first term (here "Peace operations").
      if i.text:match('%] Peacekeeping$') then keeping = keeping or i end
    end
    if not keeping then
      fail('no Peacekeeping symbol: %s', vim.inspect(texts))
    elseif keeping.lnum ~= 3 then
      fail('the Peacekeeping symbol points at line %d, expected its first use on line 3', keeping.lnum)
    end
    local making = vim.tbl_filter(function(i) return i.text:lower():find('peacemaking') ~= nil end, list)
    if #making == 0 then fail('no Peacemaking symbol: %s', vim.inspect(texts)) end
  end
end

pcall(vim.rpcrequest, ch, 'nvim_command', 'qa!')
if failures > 0 then
  out('%d failed', failures)
  os.exit(1)
end
out('PASS')
os.exit(0)
