#!/usr/bin/env bash
# FTP interop servers, side by side (their Debian packages conflict, so both
# are unpacked with dpkg-deb -x into $RUN/ftp/pkgs; only their libraries are
# apt-installed):
#   vsftpd  127.0.0.1:12121  passive 30000-30999, optional FTPS, require_ssl_reuse=NO, UTF-8
#   vsftpd  127.0.0.1:12124  passive 29000-29999, same with require_ssl_reuse=YES (the default)
#   proftpd 127.0.0.1:12122  inetd mode behind socat; FTPS requires TLS session reuse (default)
#   proftpd 127.0.0.1:12123  same, with TLSOptions NoSessionReuseRequired
#   proftpd 127.0.0.1:12990  implicit FTPS (UseImplicitSSL), session reuse not required
# User "ftpuser" (nologin shell, password "ftppass") with a home tree holding
# names with spaces and UTF-8 and a 256 MB random file (SHA-256 in
# $RUN/ftp/big.bin.sha256); anonymous read-only login on vsftpd and proftpd.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

FTP="$RUN/ftp"
PKGS="$FTP/pkgs"
HOME_DIR="$FTP/home"
ANON="$FTP/anon"
mkdir -p "$FTP" "$PKGS"

ensure_packages socat openssl libcap2 libpam0g libpam-modules libssl3 libwrap0 libacl1 libcrypt1 \
  libhiredis0.14 libidn2-0 libmemcached11 libmemcachedutil2 libncursesw6 libpcre2-8-0 \
  libpcre2-posix3 libtinfo6 zlib1g libsodium23
make_certs

# --- the two servers' binaries, unpacked privately -------------------------
if [ ! -x "$PKGS/usr/sbin/vsftpd" ] || [ ! -x "$PKGS/usr/sbin/proftpd" ] ||
  [ ! -f "$PKGS/usr/lib/proftpd/mod_tls.so" ]; then
  log "downloading and unpacking vsftpd, proftpd-core, proftpd-mod-crypto"
  tmp="$FTP/debs"
  mkdir -p "$tmp"
  if ! (cd "$tmp" && apt-get download vsftpd proftpd-core proftpd-mod-crypto >"$RUN/logs/ftp-apt.log" 2>&1); then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >>"$RUN/logs/ftp-apt.log" 2>&1 || true
    (cd "$tmp" && apt-get download vsftpd proftpd-core proftpd-mod-crypto >>"$RUN/logs/ftp-apt.log" 2>&1)
  fi
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$PKGS"; done
  rm -rf "$tmp"
fi

# --- the account and its tree ------------------------------------------------
if ! id ftpuser >/dev/null 2>&1; then
  log "creating user ftpuser"
  useradd --no-create-home --home-dir "$HOME_DIR" --shell /usr/sbin/nologin ftpuser
fi
# A machine that ran the suite from another checkout has the account with that
# checkout's home (and its older big.bin): point it at this run's tree.
[ "$(getent passwd ftpuser | cut -d: -f6)" = "$HOME_DIR" ] || usermod --home "$HOME_DIR" ftpuser
echo "ftpuser:ftppass" | chpasswd
# The anonymous account (vsftpd changes to its home before anon_root).
if ! id ftpanon >/dev/null 2>&1; then
  useradd --no-create-home --home-dir "$ANON" --shell /usr/sbin/nologin ftpanon
fi
[ "$(getent passwd ftpanon | cut -d: -f6)" = "$ANON" ] || usermod --home "$ANON" ftpanon
mkdir -p "$HOME_DIR/dir with spaces" "$HOME_DIR/ünïcödé/日本語" "$HOME_DIR/tree/sub/deep" "$HOME_DIR/upload"
printf 'hello from the interop tree\n' >"$HOME_DIR/readme.txt"
printf 'one\ntwo\nthree\n' >"$HOME_DIR/dir with spaces/file one.txt"
printf 'spaces everywhere\n' >"$HOME_DIR/dir with spaces/a  b  c.txt"
printf 'こんにちは\n' >"$HOME_DIR/ünïcödé/日本語/挨拶.txt"
printf 'ü\n' >"$HOME_DIR/ünïcödé/naïve file.txt"
for i in 1 2 3; do printf 'leaf %s\n' "$i" >"$HOME_DIR/tree/sub/deep/leaf$i.txt"; done
printf 'mid\n' >"$HOME_DIR/tree/sub/mid.txt"
if [ ! -f "$HOME_DIR/big.bin" ] || [ ! -f "$FTP/big.bin.sha256" ]; then
  log "creating the 256 MB test file"
  head -c 268435456 /dev/urandom >"$HOME_DIR/big.bin"
  sha256sum "$HOME_DIR/big.bin" | cut -d' ' -f1 >"$FTP/big.bin.sha256"
fi
chown -R ftpuser: "$HOME_DIR"
mkdir -p "$ANON/pub"
printf 'anonymous can read this\n' >"$ANON/pub/welcome.txt"
chown -R root:root "$ANON"
chmod -R a+rX,go-w "$ANON"
# The chroot directory vsftpd needs (empty, root-owned, not writable).
mkdir -p "$FTP/empty"
chmod 755 "$FTP/empty"

# PAM for vsftpd: plain pam_unix, no shell check (ftpuser has nologin).
PAM=/etc/pam.d/portline-vsftpd
printf 'auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\n' >"$PAM.new"
cmp -s "$PAM.new" "$PAM" 2>/dev/null && rm "$PAM.new" || mv "$PAM.new" "$PAM"

# --- vsftpd (two instances: one per require_ssl_reuse setting) -----------------
vsftpd_conf() { # FILE PORT PASSIVE_RANGE REQUIRE_SSL_REUSE
  write_if_changed "$1" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$2
background=NO
ftpd_banner=portline interop vsftpd
anonymous_enable=YES
anon_root=$ANON
ftp_username=ftpanon
no_anon_password=YES
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
pam_service_name=portline-vsftpd
secure_chroot_dir=$FTP/empty
nopriv_user=nobody
pasv_enable=YES
pasv_min_port=${3%-*}
pasv_max_port=${3#*-}
pasv_address=127.0.0.1
port_enable=YES
connect_from_port_20=NO
ssl_enable=YES
allow_anon_ssl=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
require_ssl_reuse=$4
ssl_ciphers=HIGH
rsa_cert_file=$CERTS/cert.pem
rsa_private_key_file=$CERTS/key.pem
utf8_filesystem=YES
xferlog_enable=NO
seccomp_sandbox=NO
isolate_network=NO
isolate=NO
max_per_ip=0
max_clients=0
CONF
}
vsftpd_conf "$FTP/vsftpd.conf" 12121 30000-30999 NO
# vsftpd's default: encrypted data connections must resume the control
# connection's TLS session.
vsftpd_conf "$FTP/vsftpd-reuse.conf" 12124 29000-29999 YES
start_bg ftp_vsftpd "$PKGS/usr/sbin/vsftpd" "$FTP/vsftpd.conf"
start_bg ftp_vsftpd_reuse "$PKGS/usr/sbin/vsftpd" "$FTP/vsftpd-reuse.conf"

# --- proftpd (inetd mode: one process per connection, spawned by socat) --------
proftpd_conf() { # NAME PASSIVE_RANGE TLS_OPTIONS
  write_if_changed "$FTP/proftpd-$1.conf" <<CONF
ServerType inetd
ServerName "portline interop proftpd ($1)"
ServerIdent on "portline interop proftpd"
# Bind to loopback by address: without this proftpd resolves the machine's
# host name and refuses to start where /etc/hosts lacks it (fresh machines).
DefaultAddress 127.0.0.1
ModulePath $PKGS/usr/lib/proftpd
LoadModule mod_tls.c
User nobody
Group nogroup
Umask 022
DefaultRoot ~
RequireValidShell off
AuthOrder mod_auth_unix.c
UseReverseDNS off
WtmpLog off
DelayEngine off
PassivePorts ${2%-*} ${2#*-}
AllowOverwrite on
AllowStoreRestart on
AllowRetrieveRestart on
ScoreboardFile $FTP/proftpd-$1.scoreboard
PidFile $FTP/proftpd-$1.pid
SystemLog $RUN/logs/proftpd-$1.log
TransferLog none
TLSEngine on
TLSRequired off
TLSProtocol TLSv1.2 TLSv1.3
TLSECCertificateFile $CERTS/cert.pem
TLSECCertificateKeyFile $CERTS/key.pem
TLSVerifyClient off
TLSLog $RUN/logs/proftpd-$1-tls.log
$3
<Anonymous $ANON>
  User ftpanon
  Group ftpanon
  UserAlias anonymous ftpanon
  RequireValidShell off
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
CONF
}
# Wide ranges: a closed data port waits in TIME_WAIT for a minute, and one
# recursive tree test alone used 17 of the 20 ports an earlier range had.
# All below 32768, where Linux's ephemeral ports (clients' source ports) start.
proftpd_conf reuse 31000-31599 ""
proftpd_conf relaxed 31600-32199 "TLSOptions NoSessionReuseRequired"
proftpd_conf implicit 32200-32699 "TLSOptions NoSessionReuseRequired UseImplicitSSL"
for pair in reuse:12122 relaxed:12123 implicit:12990; do
  name=${pair%%:*} port=${pair##*:}
  start_bg "ftp_proftpd_$name" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" \
    "EXEC:$PKGS/usr/sbin/proftpd -c $FTP/proftpd-$name.conf,nofork"
done

for port in 12121 12124 12122 12123 12990; do wait_port "$port"; done
log "FTP servers ready (vsftpd 12121, 12124 reuse; proftpd 12122 reuse, 12123 relaxed, 12990 implicit)"
