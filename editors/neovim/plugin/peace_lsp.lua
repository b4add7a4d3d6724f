-- peace-lsp: enable the language server for Markdown, text and TeX buffers.
-- Opt out with `vim.g.peace_lsp_disable = true` before this file is sourced.
-- See :help peace-lsp
if vim.g.loaded_peace_lsp then
  return
end
vim.g.loaded_peace_lsp = true

if vim.g.peace_lsp_disable then
  return
end

-- vim.lsp.enable() and lsp/*.lua configs are new in Neovim 0.11. Older
-- versions: see :help peace-lsp-nvim-0.10 (nvim-lspconfig).
if vim.fn.has('nvim-0.11') ~= 1 then
  return
end

require('peace_lsp').setup()
vim.lsp.enable('peace_lsp')
