" ALE linter: peace-lsp for text buffers (LSP languageId "plaintext").
" Explains peace-operations terms on hover, flags peacemaking/peacekeeping
" conflations. Executable: g:ale_peace_lsp_executable (default 'peace-lsp').
call peace_lsp#ale#Define('text', 'plaintext')
