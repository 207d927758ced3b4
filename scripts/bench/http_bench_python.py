# Copyright 2026 the portline authors. MIT license.
# One HTTP benchmark case with Python's http.client, run by http_compare.ts.
# Usage: python3 http_bench_python.py MODE URL N CONCURRENCY   (MODE: small | big)
import http.client
import os
import json
import re
import sys
import threading
import time
from urllib.parse import urlsplit

mode, href, n, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
u = urlsplit(href)


def peak_rss_mb():
    with open("/proc/self/status") as f:
        m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    return int(m.group(1)) / 1024 if m else 0


def worker(count, totals, index):
    conn = http.client.HTTPConnection(u.hostname, u.port)
    got = 0
    for _ in range(count):
        conn.request("GET", u.path)
        got += len(conn.getresponse().read())
    conn.close()
    totals[index] = got


if mode == "small":
    warm = [0]
    worker(200, warm, 0)
    share = [n // c + (1 if i < n % c else 0) for i in range(c)]
    totals = [0] * c
    cpu0 = time.process_time()
    user0 = os.times().user
    start = time.perf_counter()
    if c == 1:
        worker(n, totals, 0)
    else:
        threads = [threading.Thread(target=worker, args=(share[i], totals, i)) for i in range(c)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    seconds = time.perf_counter() - start
    cpu_us = (time.process_time() - cpu0) * 1e6 / n
    user_us = (os.times().user - user0) * 1e6 / n
    total = sum(totals)
else:
    cpu_us = 0
    user_us = 0
    conn = http.client.HTTPConnection(u.hostname, u.port)
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    cpu0 = time.process_time()
    user0 = os.times().user
    start = time.perf_counter()
    conn.request("GET", u.path)
    r = conn.getresponse()
    total = 0
    while True:
        k = r.readinto(view)
        if not k:
            break
        total += k
    seconds = time.perf_counter() - start
    # The whole download's CPU time, per MB.
    cpu_us = (time.process_time() - cpu0) * 1e6 / (total / 1e6)
    user_us = (os.times().user - user0) * 1e6 / (total / 1e6)
    conn.close()

print(json.dumps({
    "client": "python-http.client",
    "mode": mode,
    "c": c,
    "n": n if mode == "small" else 1,
    "seconds": seconds,
    "bytes": total,
    "rps": n / seconds if mode == "small" else 0,
    "mbps": total / 1e6 / seconds,
    "rssMb": peak_rss_mb(),
    "cpuUs": cpu_us,
    "userUs": user_us,
}))
