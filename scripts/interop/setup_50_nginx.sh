#!/usr/bin/env bash
# HTTP interop servers:
#   nginx on 127.0.0.1:18080 (HTTP) and 18443 (HTTPS, HTTP/1.1 only, certs from $CERTS):
#     static files (incl. a 256 MB file with its SHA-256), gzip + brotli on text,
#     redirects, 404, Range, chunked (SSI), WebDAV PUT, X-Connection header ($connection).
#   Python http.server on 18081 (HTTP/1.1), a Node http server on 18082.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=_lib.sh
source "$HERE/_lib.sh"

ensure_packages nginx-light libnginx-mod-http-brotli-filter 2>/dev/null ||
  ensure_packages nginx libnginx-mod-http-brotli-filter
make_certs

NG="$RUN/nginx"
WWW="$NG/www"
mkdir -p "$NG/tmp" "$WWW/dav" "$RUN/logs"

# Content (created once; the big file's SHA-256 is recorded beside it).
[ -f "$WWW/1k.bin" ] || head -c 1024 /dev/urandom >"$WWW/1k.bin"
[ -f "$WWW/hello.txt" ] || printf 'hello from nginx\n' >"$WWW/hello.txt"
if [ ! -f "$WWW/text.txt" ]; then
  for i in $(seq 1 2000); do echo "line $i: the quick brown fox jumps over the lazy dog"; done >"$WWW/text.txt"
fi
if [ ! -f "$WWW/chunked.txt" ]; then
  printf 'before include\n<!--# echo var="date_local" -->\n' >"$WWW/chunked.txt"
  cat "$WWW/text.txt" >>"$WWW/chunked.txt"
fi
if [ ! -f "$WWW/big.bin.sha256" ] || [ ! -f "$WWW/big.bin" ]; then
  log "creating the 256 MB file"
  head -c 268435456 /dev/urandom >"$WWW/big.bin"
  sha256sum "$WWW/big.bin" | cut -d' ' -f1 >"$WWW/big.bin.sha256"
fi

MODS=/usr/lib/nginx/modules
CONF="$NG/nginx.conf"
cat >"$CONF.new" <<CONF
user root;
worker_processes 2;
pid $NG/nginx.pid;
error_log $RUN/logs/nginx_error.log warn;
load_module $MODS/ngx_http_brotli_filter_module.so;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $NG/tmp/body;
  proxy_temp_path $NG/tmp/proxy;
  fastcgi_temp_path $NG/tmp/fastcgi;
  uwsgi_temp_path $NG/tmp/uwsgi;
  scgi_temp_path $NG/tmp/scgi;
  gzip on;
  gzip_min_length 256;
  gzip_types text/plain application/json;
  gzip_vary on;
  brotli on;
  brotli_min_length 256;
  brotli_types text/plain application/json;
  ssi_types text/plain;

  server {
    listen 127.0.0.1:18080;
    listen 127.0.0.1:18443 ssl;
    server_name localhost;
    ssl_certificate $CERTS/cert.pem;
    ssl_certificate_key $CERTS/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $WWW;
    add_header X-Connection \$connection always;
    add_header X-Connection-Requests \$connection_requests always;

    location = /redirect-301 { return 301 /hello.txt; }
    location = /redirect-302 { return 302 /hello.txt; }
    location = /redirect-307 { return 307 /dav/redirected.txt; }
    location = /redirect-chain { return 302 /redirect-301; }
    location = /chunked.txt { ssi on; gzip off; brotli off; }
    # The benchmark's small file: kept open and sent with its head in one
    # writev (no sendfile, no TCP_CORK toggling), so nginx spends 4 syscalls
    # per request instead of 9 and the c=1 figures measure the clients.
    location = /1k.bin {
      open_file_cache max=16 inactive=1h;
      open_file_cache_valid 1h;
      sendfile off;
      tcp_nopush off;
    }
    location /dav/ {
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      client_max_body_size 0;
    }
  }
}
CONF
changed=""
if ! cmp -s "$CONF.new" "$CONF"; then
  mv "$CONF.new" "$CONF"
  changed=1
else
  rm -f "$CONF.new"
fi
nginx -t -c "$CONF" -g "daemon on;" >"$RUN/logs/nginx_test.log" 2>&1 || {
  cat "$RUN/logs/nginx_test.log" >&2
  exit 1
}
if is_running nginx; then
  # Reload only for a new config: a reload drops every keep-alive connection.
  [ -n "$changed" ] && kill -HUP "$(cat "$RUN/pids/nginx.pid")"
else
  log "starting nginx"
  rm -f "$NG/nginx.pid"
  nginx -c "$CONF" -g "daemon on;" </dev/null >>"$RUN/logs/nginx.log" 2>&1
  for _ in $(seq 1 50); do [ -s "$NG/nginx.pid" ] && break; sleep 0.1; done
  record_pid nginx "$NG/nginx.pid"
fi
wait_port 18080
wait_port 18443

# Second servers: Python's http.server (HTTP/1.1 keep-alive) and Node's http.
start_bg http_python python3 -m http.server 18081 --bind 127.0.0.1 --directory "$WWW" --protocol HTTP/1.1
NODE="$(command -v node || true)"
if [ -n "$NODE" ]; then
  start_bg http_node "$NODE" "$HERE/http_node_server.mjs" 18082
  wait_port 18082
fi
wait_port 18081
