" ALE linter: peace-lsp for markdown buffers (LSP languageId "markdown").
" Explains peace-operations terms on hover, flags peacemaking/peacekeeping
" conflations. Executable: g:ale_peace_lsp_executable (default 'peace-lsp').
call peace_lsp#ale#Define('markdown', 'markdown')
