#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/e2e), plus a small Devanagari
# font (fonts-lohit-deva) so that Hindi is legible in the tests' screenshots.
# Idempotent: does nothing when both are there. Uses sudo when not root.
# Playwright (from PyPI) drives this system browser; `playwright install` is never used,
# because a test tool's own browser download does not work on our machines.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
FONT_PACKAGE=fonts-lohit-deva

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
dpkg -s "$FONT_PACKAGE" >/dev/null 2>&1 || missing+=("$FONT_PACKAGE")

if [ ${#missing[@]} -eq 0 ]; then
  echo "==> Chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

# Without Chromium the tests cannot run; without the font only the screenshots suffer.
fail() {
  if [ -x "$CHROMIUM" ]; then
    echo "WARNING: could not install ${missing[*]} ($1); Chromium itself is there." >&2
    exit 0
  fi
  echo "ERROR: $CHROMIUM is missing and could not be installed: $1." >&2
  echo "       Install it by hand (Debian: apt-get install chromium), then re-run the tests." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "apt-get is not available on this machine"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  fail "installing needs root, and passwordless sudo is not available (run: sudo apt-get install -y ${missing[*]})"
fi

echo "==> Installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
install() { "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
if ! install; then
  echo "==> Install failed; refreshing the package lists and trying once more"
  { "${SUDO[@]}" apt-get update && install; } || fail "apt-get install ${missing[*]} failed"
fi

[ -x "$CHROMIUM" ] || fail "apt-get finished but $CHROMIUM is still missing"
echo "==> Installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
