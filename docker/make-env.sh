#!/usr/bin/env bash
# Write .env for docker-compose.yml from .env.example, giving every empty
# value (the secrets) a fresh random one.  Refuses to overwrite an existing
# file: secrets already in use (Fernet key, Postgres password) must not change.
#
#   docker/make-env.sh            # writes ./.env beside docker-compose.yml
#   docker/make-env.sh PATH       # writes PATH instead
#
# Values: *FERNET_KEY -> urlsafe base64 of 32 random bytes (what Airflow's
# Fernet expects); every other secret -> 64 hex characters, safe inside the
# postgresql:// URLs the compose file builds from POSTGRES_PASSWORD.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
template="$repo_root/.env.example"
target=${1:-$repo_root/.env}

[[ -f "$template" ]] || { echo "make-env: $template not found" >&2; exit 2; }
if [[ -e "$target" ]]; then
  echo "make-env: $target exists; not overwriting it (remove it first to start over)" >&2
  exit 1
fi

random_hex() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
random_fernet_key() { head -c 32 /dev/urandom | base64 | tr -d '\n' | tr '+/' '-_'; }

umask 077
tmp="$target.partial.$$"
trap 'rm -f "$tmp"' EXIT
generated=()
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=$ ]]; then
    name=${BASH_REMATCH[1]}
    if [[ "$name" == *FERNET_KEY ]]; then value=$(random_fernet_key); else value=$(random_hex); fi
    printf '%s=%s\n' "$name" "$value"
    generated+=("$name")
  else
    printf '%s\n' "$line"
  fi
done <"$template" >"$tmp"
mv "$tmp" "$target"
trap - EXIT
echo "make-env: wrote $target (generated: ${generated[*]:-nothing})" >&2
