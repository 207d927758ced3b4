# Copyright 2026 the portline authors. MIT license.
# Python smtplib side of smtp_compare.ts: one connection, sendmail() in a loop.
# Usage: python3 smtp_smtplib.py HOST PORT COUNT MESSAGE_FILE RCPT...
# Prints the elapsed seconds of the timed loop.
import smtplib
import sys
import time

host, port, count, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
recipients = sys.argv[5:]
with open(path, "rb") as f:
    message = f.read()
smtp = smtplib.SMTP(host, port)
smtp.ehlo("bench.local")
for _ in range(20):  # warm-up
    smtp.sendmail("bench@example.org", recipients, message)
start = time.perf_counter()
for _ in range(count):
    smtp.sendmail("bench@example.org", recipients, message)
elapsed = time.perf_counter() - start
smtp.quit()
print(elapsed)
