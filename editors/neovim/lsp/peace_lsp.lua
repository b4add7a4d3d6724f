-- peace-lsp client configuration for Neovim 0.11+ native LSP.
--
-- Neovim finds this file on 'runtimepath' as lsp/peace_lsp.lua and uses the
-- table it returns as the base of `vim.lsp.config('peace_lsp')`. Override
-- any field from your own config, e.g. to use a binary that is not on PATH:
--
--   vim.lsp.config('peace_lsp', { cmd = { '/path/to/peace-lsp' } })
--
-- See :help peace-lsp
---@type vim.lsp.Config
return {
  cmd = { 'peace-lsp' },
  filetypes = { 'markdown', 'text', 'tex', 'plaintex' },
  -- A project's .peace-lsp.toml marks its root; otherwise the repository's.
  -- With neither, the server still starts, for the single file.
  root_markers = { '.peace-lsp.toml', '.git' },
  -- The learning aids the server reads (`peace-lsp` section), with their
  -- defaults; see :help peace-lsp-settings
  settings = {
    ['peace-lsp'] = {
      completion = true,
      completionCitations = true,
      semanticTokens = true,
      summaryLens = false,
    },
  },
}
