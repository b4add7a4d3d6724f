" ALE linter: peace-lsp for tex buffers (LSP languageId "latex").
" Explains peace-operations terms on hover, flags peacemaking/peacekeeping
" conflations. Executable: g:ale_peace_lsp_executable (default 'peace-lsp').
call peace_lsp#ale#Define('tex', 'latex')
