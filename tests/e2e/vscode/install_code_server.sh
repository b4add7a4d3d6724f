#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 in the browser) into DEST from
# the npm registry and Debian's packages only, as root on Debian 12 with
# Node 20. Adapted from the team's shared recipe (editor-testing notes).
#
# Usage: install_code_server.sh DEST     -> DEST/node_modules/.bin/code-server
#
# Idempotent: a finished install leaves DEST/.installed-<version> and is
# reused as is. The install happens in DEST.partial and is renamed at the
# end, so an interrupted run never leaves a half-installed DEST behind.
set -euo pipefail
DEST=${1:?usage: install_code_server.sh DEST}
CS_VERSION=4.100.3   # the last code-server whose engines.node accepts Node 20 (4.103+ want 22)
STAMP=".installed-$CS_VERSION"

if [ -f "$DEST/$STAMP" ] && [ -x "$DEST/node_modules/.bin/code-server" ]; then
  exit 0
fi

log() { echo "[install_code_server] $*"; }

# Debian packages for the native modules (argon2, node-pty, kerberos, spdlog,
# …) and ripgrep, which replaces the @vscode/ripgrep download.
need=()
for p in build-essential python3 pkg-config libkrb5-dev ripgrep; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  }
fi

# node-gyp must build against the installed Node's headers (it cannot download
# them here), and node-pty's postinstall runs `npx node-gyp`, which must not ask.
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

TMP="$DEST.partial"
rm -rf "$TMP"
mkdir -p "$TMP"
cd "$TMP"
echo '{"name":"peace-lsp-e2e-code-server","version":"0.0.0","private":true}' > package.json

# 1. The package without its postinstall (which would download ripgrep).
log "npm install code-server@$CS_VERSION"
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "code-server@$CS_VERSION"
npm rebuild --loglevel=error argon2        # its prebuilt download fails here -> built from source

# 2. VS Code's own server dependencies, scripts off; give @vscode/ripgrep
#    Debian's rg so its postinstall finds bin/ and skips the download; then
#    build the native modules.
cd node_modules/code-server/lib/vscode
log "npm install (VS Code server dependencies)"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
log "npm rebuild (native modules; the slow part)"
npm rebuild --loglevel=error

# 3. The rest of code-server's postinstall.sh.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
log "npm install (built-in extensions)"
(cd extensions && npm install --omit=dev --no-audit --no-fund --loglevel=error)

cd "$TMP"
XDG_CONFIG_HOME="$TMP/.xdg-config" ./node_modules/.bin/code-server --version   # (it writes a config file)
rm -rf "$TMP/.xdg-config"
touch "$STAMP"
rm -rf "$DEST"
mv "$TMP" "$DEST"
log "installed in $DEST"
