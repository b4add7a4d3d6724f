;;; peace-lsp.el --- Eglot setup for peace-lsp  -*- lexical-binding: t -*-

;; Author: the peace-lsp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, tools, wp
;; URL: see the peace-lsp repository, editors/emacs/

;;; Commentary:

;; peace-lsp explains peace-operations vocabulary on hover and flags
;; conflations of peacemaking and peacekeeping as diagnostics.  This file
;; tells Eglot to use it for Markdown, LaTeX/TeX and plain-text buffers.
;;
;;   (add-to-list 'load-path "/path/to/peace-lsp/editors/emacs")
;;   (require 'peace-lsp)
;;   (add-hook 'markdown-mode-hook #'eglot-ensure)   ; or M-x eglot
;;
;; The server program is `peace-lsp-program' (default "peace-lsp" on
;; `exec-path').  Three entries are added to the front of
;; `eglot-server-programs', one per document format, so that each buffer is
;; sent the right LSP languageId ("markdown", "latex", "plaintext"): Eglot
;; before 1.16 sends one languageId per server.  Being at the front, they
;; win over other servers for these modes (only one server per buffer
;; in Eglot); set `peace-lsp-eglot-modes' before loading to change which
;; modes are covered.  See editors/emacs/README.md.

;;; Code:

(require 'cl-lib)
(require 'eglot)

(defgroup peace-lsp nil
  "The peace-lsp language server for writing about peace operations."
  :group 'eglot
  :prefix "peace-lsp-")

(defcustom peace-lsp-program "peace-lsp"
  "The peace-lsp executable: a name on `exec-path' or an absolute file name.
It is read each time Eglot starts the server."
  :type 'string)

(defcustom peace-lsp-program-args nil
  "Extra arguments for `peace-lsp-program' (it speaks LSP on stdio by default)."
  :type '(repeat string))

(defcustom peace-lsp-initialization-options nil
  "LSP initializationOptions for peace-lsp, as a plist, or nil for none.
For example (:maxDocumentBytes 2097152)."
  :type '(plist :key-type symbol :value-type sexp))

(defcustom peace-lsp-eglot-modes
  '(((markdown-mode :language-id "markdown")
     (gfm-mode :language-id "markdown")
     (markdown-ts-mode :language-id "markdown"))
    ((latex-mode :language-id "latex")
     (LaTeX-mode :language-id "latex")
     (tex-mode :language-id "tex")
     (plain-tex-mode :language-id "tex")
     (plain-TeX-mode :language-id "tex"))
    ((text-mode :language-id "plaintext")))
  "Groups of major modes handed to peace-lsp, each group one Eglot entry.
Earlier groups take precedence: Markdown and TeX modes derive from
`text-mode', so the `text-mode' group must come last.  Note that Eglot
matches derived modes, so the `text-mode' entry also covers modes such as
`org-mode' and `rst-mode' when you start Eglot in them."
  :type '(repeat (repeat sexp)))

(defun peace-lsp-contact (&rest _)
  "The Eglot contact for peace-lsp: the program, its arguments and options."
  (append (list peace-lsp-program) peace-lsp-program-args
          (when peace-lsp-initialization-options
            (list :initializationOptions peace-lsp-initialization-options))))

(defun peace-lsp-eglot-setup ()
  "Put peace-lsp at the front of `eglot-server-programs'.
Safe to call more than once."
  (interactive)
  (dolist (modes (reverse peace-lsp-eglot-modes))
    (setq eglot-server-programs
          (cons (cons modes #'peace-lsp-contact)
                (cl-remove-if (lambda (entry) (equal (car entry) modes))
                              eglot-server-programs)))))

(peace-lsp-eglot-setup)

(provide 'peace-lsp)
;;; peace-lsp.el ends here
