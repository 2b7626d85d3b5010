#!/usr/bin/python3
"""Copies a running process's writable memory (its heap, stacks, anonymous mappings and the
data sections of the program and its libraries, as /proc/PID/maps lists them) into one file, for tests that look for what the process should
no longer hold. Regions over 1 GiB are skipped (AddressSanitizer's shadow: reserved, never
the program's data).

    memdump.py PID OUT      prints the bytes copied and the regions read"""
import sys

pid, out = sys.argv[1], sys.argv[2]
total = regions = 0
with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem, \
        open(out, "wb") as dump:
    for line in maps:
        f = line.split()
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        if not f[1].startswith("rw") or hi - lo > (1 << 30):
            continue
        try:
            mem.seek(lo)
            data = mem.read(hi - lo)
        except (OSError, ValueError, OverflowError):
            continue
        dump.write(data)
        total += len(data)
        regions += 1
print("%d bytes from %d regions" % (total, regions))
sys.exit(0 if total else 1)
