#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the pinned dependencies.
# Re-running is cheap: it reinstalls only when requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 || true)"; do
    if [ -n "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  local roots=()
  if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)"); fi
  roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
  for root in "${roots[@]}"; do
    for candidate in $(ls -d "$root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -V -r); do
      if "$candidate" -c 'import sys' 2>/dev/null; then echo "$candidate"; return 0; fi
    done
  done
  return 1
}

if [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  :
else
  if ! PY=$(find_python310); then
    echo "ERROR: Python 3.10 is required (Rasa 3.6 does not run on other versions) and was not found." >&2
    echo "       Looked for: \$PYTHON310, python3.10 on PATH, and pyenv versions 3.10.*." >&2
    echo "       Install it, e.g. 'pyenv install 3.10.13', or set PYTHON310=/path/to/python3.10." >&2
    exit 1
  fi
  echo "==> Creating .venv with $PY"
  rm -rf .venv
  "$PY" -m venv .venv
fi

stamp=.venv/.requirements.sha256
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> Installing dependencies into .venv (first run takes a few minutes)"
  .venv/bin/python -m pip install --disable-pip-version-check --upgrade "pip<25" wheel setuptools
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on \
    -r requirements.txt -c constraints.txt
  echo "$want" > "$stamp"
  echo "==> Dependencies installed"
fi

# The website chat widget for the demo storefront (npm, pinned by web/package-lock.json).
bash scripts/install_webchat.sh
