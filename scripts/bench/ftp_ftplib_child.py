# Copyright 2026 the portline authors. MIT license.
# One transfer with Python's ftplib (64 KiB blocks), timed; prints JSON.
# Usage: python3 ftp_ftplib_child.py <download|upload> <port> <remote> [local]
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


def sink(block):
    global count
    count += len(block)


start = time.perf_counter()
if op == "download":
    ftp.retrbinary("RETR " + remote, sink, blocksize=65536)
else:
    with open(local, "rb") as f:
        ftp.storbinary("STOR " + remote, f, blocksize=65536)
    count = ftp.size(remote)
seconds = time.perf_counter() - start
ftp.quit()
with open("/proc/self/status") as f:
    hwm = int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
print(json.dumps({"bytes": count, "seconds": seconds, "rssMb": hwm / 1024}))
