" peace-lsp for ALE: shared parts of the linter definitions in ale_linters/.
" See editors/vim/README.md.

call ale#Set('peace_lsp_executable', 'peace-lsp')

" The folder holding .peace-lsp.toml, else the repository's, else the file's.
" ALE will not start an LSP server without a project root.
function! peace_lsp#ale#ProjectRoot(buffer) abort
    let l:config = ale#path#FindNearestFile(a:buffer, '.peace-lsp.toml')

    if !empty(l:config)
        return fnamemodify(l:config, ':h')
    endif

    let l:git = ale#path#FindNearestDirectory(a:buffer, '.git')

    if !empty(l:git)
        return fnamemodify(substitute(l:git, '/\+$', '', ''), ':h')
    endif

    return fnamemodify(bufname(a:buffer), ':p:h')
endfunction

" Define the peace_lsp linter for one filetype, sending LANGUAGE as the
" LSP languageId.
function! peace_lsp#ale#Define(filetype, language) abort
    call ale#linter#Define(a:filetype, {
    \   'name': 'peace_lsp',
    \   'lsp': 'stdio',
    \   'executable': {buffer -> ale#Var(buffer, 'peace_lsp_executable')},
    \   'command': '%e',
    \   'project_root': function('peace_lsp#ale#ProjectRoot'),
    \   'language': a:language,
    \})
endfunction
