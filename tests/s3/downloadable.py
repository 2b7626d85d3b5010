#!/usr/bin/python3
"""For make bench: how long from T0 (ns, epoch) until the session's photo downloads through
the store's public address.

    downloadable.py DATA_DIR PUBLIC_BASE PREFIX SESSION T0_NS

Finds the session's token in DATA_DIR/links/ (the kiosk writes it on accept), then asks
PUBLIC_BASE/PREFIX<token>.jpg every 5 ms until it answers 200 with the whole file; prints
the milliseconds since T0. Gives up after 30 s (exit 1)."""
import glob
import os
import sys
import time
import urllib.error
import urllib.request

data, base, prefix, session, t0 = sys.argv[1:6]
t0 = int(t0)
deadline = time.time() + 30
token = None
while time.time() < deadline:
    if token is None:
        for path in glob.glob(os.path.join(data, "links", "*")):
            name = os.path.basename(path)
            if len(name) != 22:
                continue
            try:
                with open(path) as f:
                    if f.read().split(" ")[0] == session:
                        token = name
            except OSError:
                pass
    if token:
        try:
            with urllib.request.urlopen(f"{base}/{prefix}{token}.jpg", timeout=5) as r:
                body = r.read()
                share = os.path.join(data, "sessions", session, "share.jpg")
                if r.status == 200 and body == open(share, "rb").read():
                    print("%.1f" % ((time.time_ns() - t0) / 1e6))
                    sys.exit(0)
        except (urllib.error.URLError, OSError):
            pass
    time.sleep(0.005)
sys.exit(1)
