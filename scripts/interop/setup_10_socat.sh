#!/usr/bin/env bash
# socat as the echo server our echo client talks to (port 17007).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
ensure_packages socat
start_bg socat_echo socat TCP-LISTEN:17007,bind=127.0.0.1,reuseaddr,fork EXEC:cat
wait_port 17007
