#!/usr/bin/env python3
"""Hostile clients for the gallery server, each followed by a check that a normal client is
still served. Usage: hostile-http.py HOST PORT GOOD_PATH EXPECTED_FILE MODE...
Modes:
  slowloris N S   N connections from 127.0.0.2 that send a request one header byte at a time,
                  every second, for S seconds; meanwhile normal downloads from 127.0.0.1
  oversized       a 1 MB header line, 10 000 headers, a 100 kB path, a 1 MB body on a GET,
                  binary garbage, a request line with no version
Prints one line per finding ("ok - ..." / "not ok - ...") and exits 1 if any failed."""
import socket
import sys
import threading
import time
import urllib.request

host, port, good_path, expected_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
expected = open(expected_file, "rb").read()
failed = 0


def report(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what, flush=True)
    if not ok:
        failed += 1


def good_download():
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{good_path}", timeout=5) as r:
            return r.status == 200 and r.read() == expected
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        print(f"# download failed: {e}", flush=True)
        return False


def raw(payload, chunk=65536, timeout=5):
    """Sends payload (ignoring a server that hangs up early); returns the status line."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        for i in range(0, len(payload), chunk):
            s.sendall(payload[i:i + chunk])
    except OSError:
        pass
    data = b""
    try:
        while b"\r\n" not in data:
            got = s.recv(4096)
            if not got:
                break
            data += got
    except OSError:
        pass
    s.close()
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def slowloris(n, seconds):
    socks, refused = [], 0
    for _ in range(n):
        try:
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.settimeout(2)
            s.connect((host, port))
            s.sendall(b"GET " + good_path.encode() + b" HTTP/1.1\r\nHost: booth\r\n")
            socks.append(s)
        except OSError:
            refused += 1
    time.sleep(0.5)
    # how many the server still holds open (a closed one reads EOF at once)
    held = 0
    for s in socks:
        s.setblocking(False)
        try:
            held += 0 if s.recv(1) == b"" else 1
        except BlockingIOError:
            held += 1
        except OSError:
            pass
    print(f"# slowloris: {len(socks)} connected, {refused} refused, {held} held open by the server")
    stop = time.time() + seconds
    served = tried = 0
    while time.time() < stop:
        for s in socks:  # one more header byte each, forever short of the blank line
            try:
                s.send(b"X")
            except OSError:
                pass
        tried += 1
        served += good_download()
        time.sleep(1)
    report(served == tried, f"slowloris ({n} trickling connections from one address): "
           f"{served}/{tried} normal downloads served meanwhile")
    for s in socks:
        s.close()


def oversized():
    p = good_path.encode()
    cases = [
        ("a 1 MB header line", b"GET " + p + b" HTTP/1.1\r\nHost: b\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n"),
        ("10 000 headers", b"GET " + p + b" HTTP/1.1\r\nHost: b\r\n" + b"X-H: 1\r\n" * 10000 + b"\r\n"),
        ("a 100 kB path", b"GET /p/" + b"A" * 100000 + b" HTTP/1.1\r\nHost: b\r\n\r\n"),
        ("binary garbage", bytes(range(256)) * 64 + b"\r\n\r\n"),
        ("no HTTP version", b"GET " + p + b"\r\n\r\n"),
    ]
    for what, payload in cases:
        status = raw(payload)
        # refused with a 4xx, or the connection closed: never a 200, never a hang
        report(not status.startswith("HTTP/1.1 2") and not status.startswith("HTTP/1.0 2"),
               f"{what}: refused ({status or 'connection closed'})")
        report(good_download(), f"{what}: the next guest's download still works")
    body = b"GET " + p + b" HTTP/1.1\r\nHost: b\r\nContent-Length: 1048576\r\n\r\n" + b"z" * (1 << 20)
    status = raw(body)
    report(status.startswith("HTTP/1.1 200") or status.startswith("HTTP/1.1 4") or not status,
           f"a 1 MB body on a GET: ignored or refused ({status or 'connection closed'})")
    report(good_download(), "a 1 MB body on a GET: the next guest's download still works")


args = sys.argv[5:]
while args:
    mode = args.pop(0)
    if mode == "slowloris":
        slowloris(int(args.pop(0)), float(args.pop(0)))
    elif mode == "oversized":
        oversized()
    else:
        sys.exit(f"unknown mode {mode}")
sys.exit(1 if failed else 0)
