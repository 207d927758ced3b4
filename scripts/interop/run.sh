#!/usr/bin/env bash
# The interop suite: sets up and starts every real server (idempotent; installs
# the Debian packages it needs), then runs tests/interop/ against them.
# Usage: scripts/interop/run.sh [--setup-only | --stop]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=_lib.sh
source "$HERE/_lib.sh"

if [ "${1:-}" = "--stop" ]; then
  stop_all
  exit 0
fi

make_certs
# Each setup_<name>.sh installs, configures and starts one server. They run in
# name order (dovecot before postfix, whose SASL goes through dovecot).
for setup in "$HERE"/setup_*.sh; do
  [ -f "$setup" ] || continue
  log "running $(basename "$setup")"
  bash "$setup"
done

[ "${1:-}" = "--setup-only" ] && exit 0
cd "$ROOT"
# The pinned Deno: PORTLINE_DENO from .ci/run, else the one on PATH, else npx.
DENO="${PORTLINE_DENO:-}"
if [ -z "$DENO" ]; then
  if command -v deno >/dev/null 2>&1; then DENO=deno; else DENO="npx -y deno@2.9.6"; fi
fi
PORTLINE_INTEROP_DIR="$RUN" $DENO test -A tests/interop/
