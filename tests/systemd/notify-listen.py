#!/usr/bin/python3
"""What systemd would hear: binds the NOTIFY_SOCKET datagram socket at argv[1] and appends
every message to argv[2] as one line, "<seconds since start> <message with \\n as |>"."""
import os
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)  # the kiosk may run as another user (tests/package/deb.sh)
t0 = time.monotonic()
with open(out, "a", buffering=1) as f:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        f.write("%.3f %s\n" % (time.monotonic() - t0, msg.replace("\n", "|")))
