;;; e2e.el --- Emacs + Eglot end-to-end test of editors/emacs/peace-lsp.el  -*- lexical-binding: t -*-
;;
;; Usage (see run.sh): emacs --batch -Q -l e2e.el ROOT PROJECT-DIR
;; with `peace-lsp' on PATH: editors/emacs/peace-lsp.el is used as shipped.
;; PROJECT-DIR holds essay.txt (whose first line is the fixture sentence
;;   UN peacekeepers negotiated the Dayton Accords.
;; ) and essay.tex (a LaTeX document with that sentence in its body).
;; Exit status 0 = pass, 1 = fail.  Written for Emacs 28 + Eglot 1.9
;; (Debian 12: emacs-nox, elpa-eglot).

(require 'package)
;; -Q skips Debian's site-start, which puts apt's elpa-* packages on the
;; package path.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)

(defvar e2e-root (file-name-as-directory (pop command-line-args-left)))
(defvar e2e-project (file-name-as-directory (pop command-line-args-left)))
(defvar e2e-timeout 10)
(defvar e2e-code "peacekeeping-as-peacemaking")
(defvar e2e-t0 (float-time))

(defun e2e-print (string)
  "Print STRING to stderr, unbuffered, in order with Eglot's own messages."
  (princ string #'external-debugging-output))

(defun e2e-out (fmt &rest args)
  (e2e-print (format "[%5.0fms] %s\n" (* 1000 (- (float-time) e2e-t0)) (apply #'format fmt args))))

(defun e2e-dump-logs ()
  "Print Eglot's own logs: the events and stderr buffers of every server."
  (dolist (b (buffer-list))
    (when (string-match-p "\\`\\*EGLOT.*\\(events\\|stderr\\)\\*\\'" (buffer-name b))
      (e2e-print (format "--- %s\n" (buffer-name b)))
      (with-current-buffer b
        (e2e-print (buffer-substring-no-properties (max (point-min) (- (point-max) 6000))
                                                   (point-max))))
      (e2e-print "\n---\n")))
  (let ((msgs (get-buffer "*Messages*")))
    (when msgs
      (e2e-print "--- *Messages*\n")
      (e2e-print (with-current-buffer msgs (buffer-string)))
      (e2e-print "---\n"))))

(defun e2e-fail (fmt &rest args)
  (e2e-out "FAIL: %s" (apply #'format fmt args))
  (e2e-dump-logs)
  (kill-emacs 1))

(defun e2e-wait (pred &optional secs)
  (let ((deadline (+ (float-time) (or secs e2e-timeout))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall pred)))

(add-to-list 'load-path (expand-file-name "editors/emacs" e2e-root))
(require 'peace-lsp)
(require 'flymake)
(setq eglot-sync-connect e2e-timeout
      eglot-connect-timeout e2e-timeout)

(defun e2e-start ()
  "What M-x eglot does in the current buffer, minus the prompts."
  (apply #'eglot (eglot--guess-contact))
  (unless (e2e-wait #'eglot-current-server)
    (e2e-fail "Eglot did not connect to peace-lsp for %s" (buffer-name)))
  (eglot-current-server))

(defun e2e-our-diagnostics ()
  (cl-remove-if-not
   (lambda (d) (string-match-p (regexp-quote e2e-code) (flymake-diagnostic-text d)))
   (flymake-diagnostics)))

(defun e2e-sentence-start (offset)
  "Buffer position OFFSET characters into the fixture sentence."
  (save-excursion
    (goto-char (point-min))
    (search-forward "UN peacekeepers negotiated")
    (+ (match-beginning 0) offset)))

(defun e2e-check-diagnostic ()
  ;; In batch, flymake's deferred first check never runs: start it.
  (flymake-start)
  (unless (e2e-wait #'e2e-our-diagnostics)
    (e2e-fail "no %s diagnostic in %s; flymake has %S" e2e-code (buffer-name)
              (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
  (let* ((d (car (e2e-our-diagnostics)))
         (text (buffer-substring-no-properties (flymake-diagnostic-beg d)
                                               (flymake-diagnostic-end d))))
    (e2e-out "%s: diagnostic %d-%d %S %s: %s" (buffer-name) (flymake-diagnostic-beg d)
             (flymake-diagnostic-end d) text (flymake-diagnostic-type d)
             (flymake-diagnostic-text d))
    (unless (and (= (flymake-diagnostic-beg d) (e2e-sentence-start 3))
                 (equal text "peacekeepers"))
      (e2e-fail "diagnostic covers %d-%d %S, expected %d-%d \"peacekeepers\""
                (flymake-diagnostic-beg d) (flymake-diagnostic-end d) text
                (e2e-sentence-start 3) (e2e-sentence-start 15)))
    (unless (eq (flymake-diagnostic-type d) 'eglot-warning)
      (e2e-fail "diagnostic type %s, expected eglot-warning" (flymake-diagnostic-type d)))
    d))

(condition-case err
    (let (txt-server tex-server)
      (e2e-out "Emacs %s, Eglot %s" emacs-version
               (package-desc-version (cadr (assq 'eglot package-alist))))
      (e2e-out "peace-lsp-program %S -> %S" peace-lsp-program
               (executable-find peace-lsp-program))

      ;; 1. A plain-text essay (text-mode under -Q).
      (find-file (expand-file-name "essay.txt" e2e-project))
      (unless (eq major-mode 'text-mode) (e2e-fail "essay.txt opened in %s" major-mode))
      (setq txt-server (e2e-start))
      (e2e-out "connected: %S, languageId %S"
               (plist-get (eglot--server-info txt-server) :name)
               (eglot--language-id txt-server))
      (unless (equal (eglot--language-id txt-server) "plaintext")
        (e2e-fail "languageId %S for text-mode, expected \"plaintext\""
                  (eglot--language-id txt-server)))
      (e2e-check-diagnostic)

      ;; 2. Hover on "peacekeepers", through Eglot's own connection.
      (goto-char (e2e-sentence-start 5))
      (let* ((hover (jsonrpc-request txt-server :textDocument/hover
                                     (eglot--TextDocumentPositionParams)))
             (value (plist-get (plist-get hover :contents) :value)))
        (unless (and value (string-match-p "Peacekeep\\|consent" value))
          (e2e-fail "hover has no definition: %S" hover))
        (e2e-out "hover (%s): %s" (plist-get (plist-get hover :contents) :kind)
                 (car (split-string value "\n"))))

      ;; 3. Quick fix, through Eglot's code-action request and executor.
      (if (not (eglot--server-capable :codeActionProvider))
          (e2e-out "SKIP: server offers no quickfix")
        (let* ((all (eglot-code-actions (e2e-sentence-start 3) (e2e-sentence-start 15)
                                  "quickfix"))
               (wanted (cl-remove-if-not
                        (lambda (a) (string-prefix-p "Replace \"peacekeepers\""
                                                     (plist-get a :title)))
                        all)))
          (e2e-out "code actions: %S" (mapcar (lambda (a) (plist-get a :title)) all))
          (unless wanted (e2e-fail "no quick fix titled Replace \"peacekeepers\" ..."))
          ;; The fix to "peacemakers" if offered, else the first; one action
          ;; left means Eglot's executor applies it without a menu.
          (let ((chosen (or (cl-find-if (lambda (a) (string-match-p "\"peacemakers\""
                                                                    (plist-get a :title)))
                                        wanted)
                            (car wanted))))
            (e2e-out "applying: %s" (plist-get chosen :title))
            (eglot--read-execute-code-action (list chosen) txt-server "quickfix"))
          (let ((line (buffer-substring-no-properties (point-min) (line-end-position 1))))
            (e2e-out "after quick fix: %s" line)
            (unless (string-match-p "peacemakers" line)
              (e2e-fail "quick fix not applied: %S" line)))
          ;; Eglot sends didChange from an idle timer, which never fires in
          ;; batch mode: send it now, as it would after 0.5 s idle.
          (eglot--signal-textDocument/didChange)
          (flymake-start)
          (unless (e2e-wait (lambda () (null (e2e-our-diagnostics))))
            (e2e-fail "warning still there after the fix"))
          (e2e-out "warning cleared after the edit")
          (save-buffer)))

      ;; 4. A LaTeX essay: its own server entry, languageId "latex".
      (find-file (expand-file-name "essay.tex" e2e-project))
      (unless (memq major-mode '(latex-mode LaTeX-mode))
        (e2e-fail "essay.tex opened in %s" major-mode))
      (setq tex-server (e2e-start))
      (e2e-out "connected for %s, languageId %S" major-mode (eglot--language-id tex-server))
      (unless (equal (eglot--language-id tex-server) "latex")
        (e2e-fail "languageId %S for %s, expected \"latex\""
                  (eglot--language-id tex-server) major-mode))
      (e2e-check-diagnostic)

      ;; 5. Shut both servers down politely (shutdown, then exit).  jsonrpc.el
      ;; reaps the process right after `exit', so its exit code says nothing
      ;; here; tests/e2e/protocol checks that peace-lsp exits 0.
      (dolist (s (list txt-server tex-server))
        (eglot-shutdown s nil e2e-timeout)
        (when (jsonrpc-running-p s)
          (e2e-fail "server %s still running after eglot-shutdown" (jsonrpc-name s))))
      (e2e-out "servers shut down")
      (e2e-out "PASS")
      (kill-emacs 0))
  (error (e2e-fail "%s" (error-message-string err))))
