#!/usr/bin/env python3
"""How every test starts and waits for the kiosk: the one readiness check shared by the shell
libraries (tests/e2e/lib.sh's start_kiosk calls it) and the Python driver
(tests/reliability/drive.py imports it).

    booth.py wait-ready SOCKET PID SECONDS

The kiosk is up when its control socket answers "status" with code 0. Waiting fails at once
when the process PID has exited (its log says why), and after SECONDS. Exit 0 ready, 1 not.
Standard library only, so any python3 runs it."""
import json
import os
import socket
import sys
import time


def request(path, line, timeout=5.0):
    """One control-protocol exchange: (code, first line's message, body)."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        data = b""
        while True:
            got = s.recv(65536)
            if not got:
                break
            data += got
    finally:
        s.close()
    head, _, body = data.decode("utf-8", "replace").partition("\n")
    code, _, msg = head.partition(" ")
    return int(code), msg, body


def status(path, timeout=5.0):
    """photoboothctl status as a dict; OSError when the kiosk does not answer."""
    code, msg, body = request(path, "status", timeout)
    if code != 0:
        raise OSError(f"status: {msg}")
    return json.loads(body)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie has exited: its parent has not reaped it yet
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_ready(path, is_running, seconds):
    """Until status answers (True), the process is gone or the time is up (False).
    is_running: a function telling whether the kiosk process still runs."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if not is_running():
            return False
        try:
            status(path, timeout=2.0)
            return True
        except (OSError, ValueError):
            time.sleep(0.02)
    return False


def main(argv):
    if len(argv) != 5 or argv[1] != "wait-ready":
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    path, pid, seconds = argv[2], int(argv[3]), float(argv[4])
    return 0 if wait_ready(path, lambda: alive(pid), seconds) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
