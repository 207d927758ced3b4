# Copyright 2026 the portline authors. MIT license.
# One transfer with Python's ftplib (64 KiB blocks), timed; prints JSON.
# Usage: python3 ftp_ftplib_child.py <download|upload> <port> <remote> [local]
# (download: [local] is a file to write; without it the bytes are counted)
import ftplib
import json
import re
import sys
import time

op, port, remote = sys.argv[1], int(sys.argv[2]), sys.argv[3]
local = sys.argv[4] if len(sys.argv) > 4 else None
ftp = ftplib.FTP()
ftp.connect("127.0.0.1", port)
ftp.login("ftpuser", "ftppass")
count = 0
# Timed like curl's `time_total - time_pretransfer`: from the server's
# go-ahead (transfercmd returns after the 150 reply) to the final reply. The
# loops are retrbinary's and storbinary's own.
ftp.voidcmd("TYPE I")
if op == "download":
    # To a file when one is named (as retrbinary(cmd, f.write) would).
    sink = open(local, "wb") if local else None
    with ftp.transfercmd("RETR " + remote) as conn:
        start = time.perf_counter()
        while data := conn.recv(65536):
            count += len(data)
            if sink:
                sink.write(data)
    if sink:
        sink.close()
    ftp.voidresp()
else:
    with open(local, "rb") as f, ftp.transfercmd("STOR " + remote) as conn:
        start = time.perf_counter()
        while buf := f.read(65536):
            conn.sendall(buf)
            count += len(buf)
    ftp.voidresp()
seconds = time.perf_counter() - start
ftp.quit()
with open("/proc/self/status") as f:
    hwm = int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
print(json.dumps({"bytes": count, "seconds": seconds, "rssMb": hwm / 1024}))
