-- :checkhealth peace_lsp
local M = {}

function M.check()
  local h = vim.health
  h.start('peace-lsp')

  if vim.fn.has('nvim-0.11') == 1 then
    h.ok('Neovim ' .. tostring(vim.version()))
  else
    h.error('Neovim 0.11 or newer is needed for vim.lsp.enable()', {
      'See :help peace-lsp-nvim-0.10 for the nvim-lspconfig setup',
    })
    return
  end

  if vim.g.peace_lsp_disable then
    h.warn('disabled: vim.g.peace_lsp_disable is set')
  elseif not vim.g.loaded_peace_lsp then
    h.warn('plugin/peace_lsp.lua was not sourced: is the plugin on the runtimepath?')
  end

  local config = vim.lsp.config.peace_lsp
  if not config then
    h.error('no configuration named peace_lsp: lsp/peace_lsp.lua is not on the runtimepath')
    return
  end
  h.info('filetypes: ' .. table.concat(config.filetypes or {}, ', '))
  h.info('root markers: ' .. table.concat(config.root_markers or {}, ', '))

  local cmd = config.cmd
  if type(cmd) ~= 'table' or not cmd[1] then
    h.info('cmd is a function; not checked')
  elseif vim.fn.executable(cmd[1]) == 1 then
    local ok, res = pcall(function()
      return vim.system({ cmd[1], '--version' }, { text = true }):wait(5000)
    end)
    local version = ok and res.code == 0 and vim.trim(res.stdout or '') or ''
    h.ok(('%s (%s)'):format(version ~= '' and version or 'peace-lsp, version unknown',
      vim.fn.exepath(cmd[1])))
  else
    h.error(('`%s` is not an executable'):format(cmd[1]), {
      'Build it: cargo build --release, then put target/release on PATH',
      "Or point at it: vim.lsp.config('peace_lsp', { cmd = { '/path/to/peace-lsp' } })",
    })
  end

  local n = #vim.lsp.get_clients({ name = 'peace_lsp' })
  h.info(('%d running client%s'):format(n, n == 1 and '' or 's'))
end

return M
