#!/usr/bin/env bash
# Copyright 2026 the portline authors. MIT license.
#
# Paired FTP transfer rounds against an interop server (vsftpd unless
# PORTLINE_FTP_PORT names another), outside the big comparison script: each
# round runs every variant once, in the order given, with `sync` (and, for
# uploads, a DELE of the target) before each transfer, and prints one line of
# MB/s per round. Timed as ftp_compare.ts does (from the server's 150 to its
# 226). Then the median of each variant and of its per-round ratio to the
# first one.
#
# Usage: bash scripts/bench/ftp_paired.sh <upload|download> ROUNDS VARIANT...
#   ours         this checkout's client (uploadFrom / downloadTo(fn))
#   ours@DIR     the client of another checkout (e.g. a `git archive` of an
#                older commit unpacked in DIR)
#   bare         the bare Deno.connect loop (ftp_bare_child.ts)
#   curl         curl -T / curl -o /dev/null
#   ENV=VALUE:V  variant V with an environment variable set
# The server: PORTLINE_FTP_PORT (default 12121, vsftpd; 12123 is proftpd).
# Needs: bash scripts/interop/run.sh --setup-only
set -euo pipefail
op=$1 rounds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
run_dir=${PORTLINE_INTEROP_DIR:-$root/.interop}
local_file=$run_dir/ftp/home/big.bin
port=${PORTLINE_FTP_PORT:-12121}
url=ftp://ftpuser:ftppass@127.0.0.1:$port
remote=upload/bench-paired.bin

rate() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(round(r["bytes"]/1e6/r["seconds"]))'; }

one() {
  local variant=$1 env=()
  while [[ $variant == *=*:* ]]; do
    env+=("${variant%%:*}")
    variant=${variant#*:}
  done
  if [[ $op == upload ]]; then
    curl -s -Q "*DELE $remote" "$url/" -o /dev/null
  fi
  sync
  case $variant in
    curl)
      if [[ $op == upload ]]; then
        curl -s -T "$local_file" -w '%{size_upload} %{time_total} %{time_pretransfer}' "$url/$remote"
      else
        curl -s -o /dev/null -w '%{size_download} %{time_total} %{time_pretransfer}' "$url/big.bin"
      fi | awk '{printf "%d\n", $1/1e6/($2-$3)}'
      ;;
    bare)
      (cd "$here" && env "${env[@]}" deno run -A ftp_bare_child.ts "$op" "$port" \
        "$([[ $op == upload ]] && echo "$remote" || echo big.bin)" "$local_file") | rate
      ;;
    ours | ours@*)
      local dir=$here
      [[ $variant == ours@* ]] && dir=${variant#ours@}/scripts/bench
      if [[ $op == upload ]]; then
        (cd "$dir" && env "${env[@]}" deno run -A ftp_ours_child.ts upload "$port" "$remote" "$local_file")
      else
        (cd "$dir" && env "${env[@]}" deno run -A ftp_ours_child.ts download-sink "$port" big.bin)
      fi | rate
      ;;
    *)
      echo "unknown variant: $variant" >&2
      exit 2
      ;;
  esac
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "# $op, $rounds rounds, port $port: $*"
for ((r = 1; r <= rounds; r++)); do
  line=""
  for v in "$@"; do line="$line $(one "$v")"; done
  echo "$line" | tee -a "$results"
done
[[ $op == upload ]] && curl -s -Q "*DELE $remote" "$url/" -o /dev/null
python3 - "$results" "$@" <<'EOF'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
names = sys.argv[2:]
for i, name in enumerate(names):
    col = [r[i] for r in rows]
    ratios = sorted(r[i] / r[0] for r in rows)
    q = lambda p: ratios[min(len(ratios) - 1, int(len(ratios) * p))]
    print(f"{name:>24}: median {statistics.median(col):6.0f} MB/s, slowest {min(col):5.0f}, "
          f"÷ {names[0]} {statistics.median(ratios):.2f} ({q(0.25):.2f}–{q(0.75):.2f})")
EOF
