#!/usr/bin/env bash
# Install everything govperf needs from the project's own files, idempotently:
#   - Debian packages listed in apt-packages.txt (only the missing ones),
#   - .venv from requirements.lock (hashes checked) plus the project itself.
# Called by `make` whenever requirements.lock, pyproject.toml or apt-packages.txt
# is newer than the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

python_bin=${PYTHON:-}
if [[ -z "$python_bin" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin=$candidate; break
    fi
  done
fi
[[ -n "$python_bin" ]] || { log "Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }

# --- Debian packages -------------------------------------------------------
missing=()
if [[ -f apt-packages.txt ]]; then
  while read -r pkg _; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < apt-packages.txt
fi
if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing Debian packages (install them as root): ${missing[*]}"
  fi
fi

# --- Python environment ----------------------------------------------------
uv_version=0.13.9
if ! command -v uv >/dev/null 2>&1; then
  log "installing uv $uv_version"
  "$python_bin" -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
fi
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv with $python_bin"
  uv venv --quiet --python "$python_bin" .venv
fi
log "installing requirements.lock (hash-checked)"
VIRTUAL_ENV=.venv uv pip install --quiet --require-hashes --compile-bytecode -r requirements.lock
VIRTUAL_ENV=.venv uv pip install --quiet --no-deps --compile-bytecode -e .
touch .venv/.installed
log "ready: $(.venv/bin/python --version), airflow $(.venv/bin/airflow version 2>/dev/null | tail -1)"
