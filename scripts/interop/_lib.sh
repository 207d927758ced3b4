#!/usr/bin/env bash
# Shared helpers for the interop setup scripts. Sourced, never run.
# Everything lives under $RUN (the repo's .interop/, git-ignored): configs,
# pid files, logs, data. Daemons listen on 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="${PORTLINE_INTEROP_DIR:-$ROOT/.interop}"
CERTS="$RUN/certs"
mkdir -p "$RUN" "$CERTS" "$RUN/pids" "$RUN/logs"

log() { printf '[interop] %s\n' "$*" >&2; }

apt_updated=""
# ensure_packages PKG... : installs the Debian packages that are missing.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >"$RUN/logs/apt.log" 2>&1 || true
    apt_updated=1
  fi
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" \
    >>"$RUN/logs/apt.log" 2>&1 || { tail -30 "$RUN/logs/apt.log" >&2; return 1; }
}

# make_certs: a test CA and a leaf for localhost/127.0.0.1/::1 in $CERTS (once).
make_certs() {
  [ -f "$CERTS/cert.pem" ] && [ -f "$CERTS/ca.pem" ] && return 0
  ensure_packages openssl
  log "generating test CA and leaf certificate"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -keyout "$CERTS/ca_key.pem" -out "$CERTS/ca.pem" -subj "/CN=portline interop CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$CERTS/key.pem" -out "$CERTS/leaf.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' >"$CERTS/ext.cnf"
  openssl x509 -req -in "$CERTS/leaf.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca_key.pem" \
    -CAcreateserial -days 3650 -out "$CERTS/cert.pem" -extfile "$CERTS/ext.cnf" 2>/dev/null
  cat "$CERTS/cert.pem" "$CERTS/key.pem" >"$CERTS/combined.pem"
  chmod 644 "$CERTS"/*.pem
}

# is_running NAME : whether the daemon we started under NAME is alive.
is_running() {
  local pidfile="$RUN/pids/$1.pid"
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}

# start_bg NAME CMD... : starts CMD in the background (fds closed), records its pid.
start_bg() {
  local name=$1
  shift
  if is_running "$name"; then return 0; fi
  log "starting $name"
  setsid "$@" </dev/null >"$RUN/logs/$name.log" 2>&1 &
  echo $! >"$RUN/pids/$name.pid"
}

# record_pid NAME PIDFILE : adopts the pid a daemonising server wrote itself.
# write_if_changed FILE : stdin -> FILE when the content differs; CHANGED is
# then 1, else 0 (a server restarts only for a new configuration).
write_if_changed() {
  local tmp="$1.new"
  cat >"$tmp"
  if cmp -s "$tmp" "$1" 2>/dev/null; then
    rm "$tmp"
    CHANGED=0
  else
    mv "$tmp" "$1"
    CHANGED=1
  fi
}

record_pid() { cp "$2" "$RUN/pids/$1.pid"; }

# wait_port PORT [SECONDS] : waits until 127.0.0.1:PORT accepts connections.
wait_port() {
  local port=$1 limit=${2:-20} i=0
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt $((limit * 10)) ]; then
      log "port $port did not open"
      return 1
    fi
    sleep 0.1
  done
}

# stop_all : stops only what these scripts started (by pid, never by name).
stop_all() {
  for f in "$RUN"/pids/*.pid; do
    [ -f "$f" ] || continue
    local pid
    pid=$(cat "$f")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && log "stopped $(basename "$f" .pid)"
    rm -f "$f"
  done
}
