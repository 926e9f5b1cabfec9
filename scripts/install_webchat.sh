#!/usr/bin/env bash
# Installs the chat widget (npm package rasa-webchat, pinned in web/package-lock.json) into
# web/node_modules; the helpdesk serves it on the demo storefront page. No CDN is used.
# Idempotent: does nothing when the installed packages match the lock file. Installs
# Debian's nodejs and npm first when npm is missing (sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/../web"

stamp=node_modules/.kestrel-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/rasa-webchat/lib/index.js ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "==> npm is missing; installing Debian's nodejs and npm"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get install -y --no-install-recommends nodejs npm \
    || { "${SUDO[@]}" apt-get update && "${SUDO[@]}" apt-get install -y --no-install-recommends nodejs npm; } \
    || { echo "ERROR: npm is needed for the chat widget and could not be installed (apt-get install nodejs npm)." >&2; exit 1; }
fi

echo "==> Installing the chat widget (rasa-webchat) with npm ci"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
[ -f node_modules/rasa-webchat/lib/index.js ] || { echo "ERROR: npm ci did not install rasa-webchat" >&2; exit 1; }
echo "$want" > "$stamp"
