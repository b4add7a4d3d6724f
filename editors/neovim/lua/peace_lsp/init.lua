-- peace-lsp for Neovim: highlight groups of the concept colours and
-- completion for buffers the server attaches to. Loaded by
-- plugin/peace_lsp.lua. See :help peace-lsp-colours, :help peace-lsp-completion
local M = {}

--- The semantic token types of peace-lsp, in the server's legend order,
--- and the group each links to by default (`default = true`: a colour
--- scheme or your config that sets the group wins).
M.token_links = {
  conflictPrevention = 'DiagnosticOk',
  peacemaking = 'DiagnosticInfo',
  peacekeeping = 'DiagnosticHint',
  peaceEnforcement = 'DiagnosticError',
  peacebuilding = 'DiagnosticWarn',
  peaceTerm = 'Special',
}
--- The modifier on a term a finding is on.
M.modifier_links = {
  flagged = 'Underlined',
}

function M.highlights()
  for type, group in pairs(M.token_links) do
    vim.api.nvim_set_hl(0, '@lsp.type.' .. type, { link = group, default = true })
  end
  for mod, group in pairs(M.modifier_links) do
    vim.api.nvim_set_hl(0, '@lsp.mod.' .. mod, { link = group, default = true })
  end
end

--- Markdown's ftplugin sets 'omnifunc' to HTML tag completion, which Neovim's
--- LSP client then leaves alone: take it over for the LSP, but keep any other
--- omnifunc a user chose.
local replaceable_omnifunc = { [''] = true, ['htmlcomplete#CompleteTags'] = true }

--- :PeaceOutline lists the concepts the document uses (document symbols) in
--- the location list. In Markdown buffers Neovim's ftplugin keeps `gO` for
--- its heading outline, so the concept outline needs a name of its own.
---@param buf integer
local function outline_command(buf)
  vim.api.nvim_buf_create_user_command(buf, 'PeaceOutline', function()
    vim.lsp.buf.document_symbol()
  end, { desc = 'peace-lsp: the concepts this document uses, each at its first use' })
end

---@param client vim.lsp.Client
---@param buf integer
function M.on_attach(client, buf)
  if client:supports_method('textDocument/documentSymbol', buf) then
    outline_command(buf)
  end
  if vim.g.peace_lsp_completion == false then
    return
  end
  if not client:supports_method('textDocument/completion', buf) then
    return
  end
  if replaceable_omnifunc[vim.bo[buf].omnifunc] then
    vim.bo[buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
  -- vim.lsp.completion applies the items' edits and shows their documentation
  -- ('completeopt' popup); autotrigger only when asked for.
  if vim.lsp.completion and vim.lsp.completion.enable then
    vim.lsp.completion.enable(true, client.id, buf, { autotrigger = vim.g.peace_lsp_autocomplete == true })
  end
end

function M.setup()
  M.highlights()
  local group = vim.api.nvim_create_augroup('peace_lsp', { clear = true })
  -- :colorscheme clears the links; put them back.
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = M.highlights })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == 'peace_lsp' then
        M.on_attach(client, ev.buf)
      end
    end,
  })
end

return M
