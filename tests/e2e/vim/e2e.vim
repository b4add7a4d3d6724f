" Vim 9 + ALE end-to-end test of editors/vim against the real peace-lsp.
"
" Usage (see run.sh):
"   vim -N -u NONE -i NONE -n -es -S e2e.vim PROJECT/essay.md
" with $PEACE_E2E_ROOT the repository, $PEACE_E2E_ALE the ALE plugin folder
" (Debian vim-ale: /usr/share/vim-ale) and `peace-lsp` on PATH. Line 1 of the
" essay is the fixture sentence
"   UN peacekeepers negotiated the Dayton Accords.
" Exit status 0 = pass, 1 = fail. Output goes to stdout via writefile().

let s:t0 = reltime()
let s:timeout = 10000

function! s:Out(msg) abort
  call writefile([printf('[%5dms] %s', float2nr(reltimefloat(reltime(s:t0)) * 1000), a:msg)],
  \ '/dev/stdout', 'a')
endfunction

function! s:Fail(msg) abort
  call s:Out('FAIL: ' . a:msg)
  " ALE's own log: the linter, its command and what happened to the server.
  try
    let l:info = execute('ALEInfo')
  catch
    let l:info = 'ALEInfo failed: ' . v:exception
  endtry
  let l:conns = map(values(ale#lsp#GetConnections()),
  \ '{"id": v:val.id, "job_id": get(v:val, "job_id", 0), "initialized": v:val.initialized}')
  " ALE drops an LSP server's stderr; an empty list after a successful
  " executable check means the server exited before initializing.
  call writefile(['--- ALE LSP connections: ' . string(l:conns)], '/dev/stdout', 'a')
  let l:exe = ale#Var(bufnr(''), 'peace_lsp_executable')
  if empty(l:conns) && executable(l:exe)
    call writefile(['--- the server is gone (ALE discards its stderr); run by hand, '
    \ . l:exe . ' </dev/null printed:'] + systemlist(shellescape(l:exe) . ' </dev/null 2>&1')
    \ + ['(exit status ' . v:shell_error . ')'], '/dev/stdout', 'a')
  endif
  call writefile(['--- :ALEInfo'] + split(l:info, "\n") + ['--- :messages']
  \ + split(execute('messages'), "\n") + ['---'], '/dev/stdout', 'a')
  cquit 1
endfunction

" Channel callbacks run while Vim sleeps.
function! s:Wait(expr) abort
  let l:n = 0
  while !eval(a:expr) && l:n < s:timeout
    sleep 20m
    let l:n += 20
  endwhile
  return eval(a:expr)
endfunction

function! s:Connection() abort
  for l:conn in values(ale#lsp#GetConnections())
    if get(l:conn, 'initialized', 0)
      return l:conn
    endif
  endfor
  return {}
endfunction

function! s:Ours() abort
  return filter(copy(ale#engine#GetLoclist(bufnr(''))),
  \ {_, d -> d.linter_name is# 'peace_lsp' && get(d, 'code', '') is# 'peacekeeping-as-peacemaking'})
endfunction

function! s:PreviewText() abort
  for l:w in range(1, winnr('$'))
    if getwinvar(l:w, '&previewwindow')
      return join(getbufline(winbufnr(l:w), 1, '$'), "\n")
    endif
  endfor
  return ''
endfunction

set nocompatible
let &runtimepath = $PEACE_E2E_ALE . ',' . $PEACE_E2E_ROOT . '/editors/vim,' . &runtimepath
filetype plugin on
let g:ale_lint_on_enter = 1
let g:ale_hover_to_preview = 1
let g:ale_history_log_output = 1
" Only this linter, whatever else the machine has (proselint, vale, ...).
let g:ale_linters = {'markdown': ['peace_lsp']}
runtime plugin/ale.vim

" ALE asks which code action to apply with input(): pick one whose title
runtime autoload/ale/util.vim
" starts with Replace "peacekeepers": the one to "peacemakers" if offered.
function! ale#util#Input(message, value, ...) abort
  let s:menu = a:message
  let l:choice = ''
  for l:line in split(a:message, "\n")
    let l:m = matchlist(l:line, '^\(\d\+\)) Replace "peacekeepers"')
    if !empty(l:m)
      if l:line =~# '"peacemakers"'
        return l:m[1]
      elseif empty(l:choice)
        let l:choice = l:m[1]
      endif
    endif
  endfor
  return l:choice
endfunction

try
  execute 'edit' fnameescape(argv(0))
  if &filetype isnot# 'markdown'
    call s:Fail('filetype is ' . &filetype . ', expected markdown')
  endif
  let s:linters = map(ale#linter#Get('markdown'), 'v:val.name')
  if index(s:linters, 'peace_lsp') < 0
    call s:Fail('ALE has no peace_lsp linter for markdown: ' . string(s:linters))
  endif
  call s:Out('ALE linters for markdown include peace_lsp; executable '
  \ . ale#Var(bufnr(''), 'peace_lsp_executable') . ' -> ' . exepath('peace-lsp'))
  doautocmd BufEnter
  call ale#Queue(0)
  if !executable(ale#Var(bufnr(''), 'peace_lsp_executable'))
    sleep 100m
    call s:Fail('g:ale_peace_lsp_executable ' . string(ale#Var(bufnr(''), 'peace_lsp_executable'))
    \ . ' is not executable: ALE skips the linter (see the command history below)')
  endif

  " 1. Diagnostics.
  if !s:Wait('!empty(s:Ours())')
    call s:Fail('no peacekeeping-as-peacemaking diagnostic; loclist: '
    \ . string(ale#engine#GetLoclist(bufnr(''))))
  endif
  let s:d = s:Ours()[0]
  call s:Out(printf('diagnostic %d:%d-%d:%d %s [%s] %s', s:d.lnum, s:d.col, s:d.end_lnum,
  \ s:d.end_col, s:d.type, s:d.code, s:d.text))
  " ALE columns are 1-based and inclusive: characters 3..15 are 4..15.
  if [s:d.lnum, s:d.col, s:d.end_lnum, s:d.end_col] != [1, 4, 1, 15] || s:d.type isnot# 'W'
    call s:Fail('expected a warning at 1:4-1:15 ("peacekeepers")')
  endif
  let s:conn = s:Connection()
  call s:Out('project root: ' . get(s:conn, 'root', '?'))
  if get(s:conn, 'root', '') isnot# fnamemodify(argv(0), ':p:h')
    call s:Fail('project root is not the folder with .peace-lsp.toml')
  endif

  " 2. Hover on "peacekeepers" (:ALEHover, into the preview window).
  call cursor(1, 6)
  ALEHover
  if !s:Wait('s:PreviewText() =~# ''Peacekeep\|consent''')
    call s:Fail('no hover with a definition; preview: ' . string(s:PreviewText()))
  endif
  call s:Out('hover: ' . split(s:PreviewText(), "\n")[0])
  pclose

  " 3. Quick fix (:ALECodeAction).
  if !get(get(s:conn, 'capabilities', {}), 'code_actions', 0)
    call s:Out('SKIP: server offers no quickfix')
  else
    call cursor(1, 6)
    ALECodeAction
    if !s:Wait('getline(1) =~# "peacemakers"')
      call s:Fail('quick fix not applied; line 1: ' . getline(1) . '; menu: '
      \ . string(get(s:, 'menu', '(none)')))
    endif
    call s:Out('code actions offered: ' . string(filter(split(get(s:, 'menu', ''), "\n"),
    \ 'v:val =~# ''^\d\+)''')))
    call s:Out('after quick fix: ' . getline(1))
    silent write
    call ale#Queue(0)
    if !s:Wait('empty(s:Ours())')
      call s:Fail('warning still there after the fix')
    endif
    call s:Out('warning cleared after the edit')
  endif

  call s:Out('PASS')
  qall!
catch
  call s:Fail(v:exception . ' @ ' . v:throwpoint)
endtry
