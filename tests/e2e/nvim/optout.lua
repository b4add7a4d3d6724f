-- With vim.g.peace_lsp_disable set before plugins load, opening an essay
-- starts no client, but the configuration stays available.
-- Usage: nvim --clean --headless --cmd 'let g:peace_lsp_disable = v:true' \
--          --cmd 'set rtp+=editors/neovim' --cmd 'set loadplugins' -l optout.lua ESSAY
vim.cmd.edit(vim.fn.fnameescape(assert(arg[1])))
local started = vim.wait(500, function() return #vim.lsp.get_clients({ name = 'peace_lsp' }) > 0 end, 20)
if started then
  io.stdout:write('FAIL: vim.g.peace_lsp_disable is set, yet peace_lsp started\n')
  vim.cmd('cquit 1')
elseif not (vim.lsp.config.peace_lsp and vim.lsp.config.peace_lsp.cmd) then
  io.stdout:write('FAIL: the peace_lsp configuration is gone when disabled\n')
  vim.cmd('cquit 1')
end
io.stdout:write('opt-out: no client with vim.g.peace_lsp_disable; config still there\n')
vim.cmd('qa')
