#!/usr/bin/env python3
"""Hostile clients for the gallery server, each followed by a check that a normal client is
still served. Usage: hostile-http.py HOST PORT GOOD_PATH EXPECTED_FILE MODE...
Modes:
  slowloris N S   N connections from 127.0.0.2 that send a request one header byte at a time,
                  every second, for S seconds; meanwhile normal downloads from 127.0.0.1
  slowmany A N S  N connections from each of A addresses (127.0.0.2, 127.0.0.3, ...), each
                  trickling a request header a byte every 2 s and reconnecting when cut,
                  for S seconds; meanwhile a normal download and `photoboothctl status`
                  (PBCTL and PBSOCK from the environment) every 0.5 s must each answer
                  within 1 s, and the server must cut the trickling connections at its
                  header deadline
  trickle A N S   N connections from each of A addresses, each a POST /p/x announcing a
                  10^12-byte body and sending one byte of it every 4 s, reconnecting when cut,
                  for S seconds; meanwhile a normal download every 0.5 s must answer within
                  1 s, and each trickling request must be answered (405) and closed at once
  oversized       a 1 MB header line, 10 000 headers, a 100 kB path, a 1 MB body on a GET,
                  binary garbage, a request line with no version
Prints one line per finding ("ok - ..." / "not ok - ...") and exits 1 if any failed."""
import os
import socket
import subprocess
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


def good_download(timeout=5):
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{good_path}", timeout=timeout) as r:
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


def timed(fn):
    t0 = time.monotonic()
    ok = fn()
    return ok, time.monotonic() - t0


def quick_status():
    try:
        r = subprocess.run([os.environ["PBCTL"], "--socket", os.environ["PBSOCK"], "status"],
                           capture_output=True, timeout=1)
        return r.returncode == 0 and b'"state"' in r.stdout
    except (subprocess.TimeoutExpired, OSError) as e:
        print(f"# status failed: {e}", flush=True)
        return False


def slowmany(naddr, n, seconds):
    addrs = [f"127.0.0.{2 + i}" for i in range(naddr)]
    lock = threading.Lock()
    stats = {"connected": 0, "refused": 0, "cut": 0, "held_max": 0, "lifetimes": []}
    stop = time.monotonic() + seconds
    socks = []  # (socket, address, opened)

    def dial(addr):
        try:
            s = socket.socket()
            s.bind((addr, 0))
            s.settimeout(1)
            s.connect((host, port))
            s.sendall(b"GET " + good_path.encode() + b" HTTP/1.1\r\n")
            s.setblocking(False)
            with lock:
                stats["connected"] += 1
            return (s, addr, time.monotonic())
        except OSError:
            with lock:
                stats["refused"] += 1
            return None

    def attacker():
        for addr in addrs:
            for _ in range(n):
                c = dial(addr)
                if c:
                    socks.append(c)
        while time.monotonic() < stop:
            alive, held = [], 0
            for s, addr, opened in socks:
                gone = False
                try:
                    gone = s.recv(4096) == b""  # the server closed it (or answered)
                except BlockingIOError:
                    pass
                except OSError:
                    gone = True
                if not gone:
                    try:
                        s.send(b"X")  # one more header byte, forever short of the end
                    except OSError:
                        gone = True
                if gone:
                    s.close()
                    with lock:
                        stats["cut"] += 1
                        stats["lifetimes"].append(time.monotonic() - opened)
                    c = dial(addr)  # and straight back, as an attacker would
                    if c:
                        alive.append(c)
                else:
                    alive.append((s, addr, opened))
                    held += 1
            socks[:] = alive
            with lock:
                stats["held_max"] = max(stats["held_max"], held)
            time.sleep(2)

    t = threading.Thread(target=attacker, daemon=True)
    t.start()
    time.sleep(1)
    dl, st = [], []
    while time.monotonic() < stop:
        dl.append(timed(lambda: good_download(timeout=1)))
        st.append(timed(quick_status))
        time.sleep(0.5)
    t.join()
    for s, _, _ in socks:
        s.close()
    life = sorted(stats["lifetimes"])
    worst = life[-1] if life else 0
    # closed within a second: turned away at the door (the per-address cap); later: cut
    at_door = sum(1 for x in life if x < 1)
    cut = len(life) - at_door
    dl_ok = sum(1 for ok, secs in dl if ok and secs < 1)
    st_ok = sum(1 for ok, secs in st if ok and secs < 1)
    print(f"# slowmany: {naddr} addresses x {n}: {stats['connected']} connections made, "
          f"{stats['refused']} refused at connect, {at_door} closed at once (over the "
          f"per-address cap), at most {stats['held_max']} held at a time, {cut} cut at the "
          f"header deadline (longest lived {worst:.1f} s)")
    print(f"# during the attack: downloads {dl_ok}/{len(dl)} within 1 s (slowest "
          f"{max(x for _, x in dl):.3f} s), photoboothctl status {st_ok}/{len(st)} within 1 s "
          f"(slowest {max(x for _, x in st):.3f} s)", flush=True)
    report(len(dl) >= 4 and dl_ok == len(dl),
           f"slowmany: every normal download answered within 1 s ({dl_ok}/{len(dl)})")
    report(len(st) >= 4 and st_ok == len(st),
           f"slowmany: every photoboothctl status answered within 1 s ({st_ok}/{len(st)})")
    report(cut > 0 and worst < 9,
           f"slowmany: the server cut trickling connections at its header deadline "
           f"({cut} cut, none lived past {worst:.1f} s)")
    report(0 < stats["held_max"] <= naddr * 64,
           f"slowmany: at most 64 held per address ({stats['held_max']} for {naddr})")


def trickle(naddr, n, seconds):
    addrs = [f"127.0.0.{2 + i}" for i in range(naddr)]
    stats = {"made": 0, "answered": 0, "held": 0, "refused": 0}
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def one(addr):
        while time.monotonic() < stop:
            try:
                s = socket.socket()
                s.bind((addr, 0))
                s.settimeout(1)
                s.connect((host, port))
                s.sendall(b"POST /p/x HTTP/1.1\r\nHost: booth\r\nContent-Length: 1000000000000"
                          b"\r\n\r\nz")
            except OSError:
                with lock:
                    stats["refused"] += 1
                time.sleep(0.5)
                continue
            with lock:
                stats["made"] += 1
            got, t0, closed = b"", time.monotonic(), False
            while time.monotonic() < stop:
                try:
                    d = s.recv(4096)
                    if not d:
                        closed = True
                        break
                    got += d
                except socket.timeout:
                    try:
                        s.send(b"z")  # one more body byte, some 4 s apart
                    except OSError:
                        closed = True
                        break
                    time.sleep(3)
                except OSError:
                    closed = True
                    break
            s.close()
            with lock:
                if closed and got.startswith(b"HTTP/1.1 4") and time.monotonic() - t0 < 2:
                    stats["answered"] += 1
                elif not closed or time.monotonic() - t0 >= 2:
                    stats["held"] += 1
            time.sleep(0.5)  # and back (not a busy loop: the downloads share this process)

    threads = [threading.Thread(target=one, args=(a,), daemon=True) for a in addrs for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(1)
    dl = []
    while time.monotonic() < stop:
        dl.append(timed(lambda: good_download(timeout=2)))
        time.sleep(0.5)
    for t in threads:
        t.join(6)
    dl_ok = sum(1 for ok, secs in dl if ok and secs < 1)
    dl.append((True, 0))  # (for max() below, when the attack left no time to download)
    print(f"# trickle: {naddr} addresses x {n}: {stats['made']} requests with a body, "
          f"{stats['answered']} answered 4xx and closed within 2 s, {stats['held']} held, "
          f"{stats['refused']} refused at connect; downloads {dl_ok}/{len(dl) - 1} within 1 s "
          f"(slowest {max(x for _, x in dl):.3f} s)", flush=True)
    report(stats["made"] > 0 and stats["held"] == 0 and stats["answered"] > 0,
           f"trickle: every request with a body answered and closed at once "
           f"({stats['answered']} of {stats['made']}, {stats['held']} held)")
    report(len(dl) >= 5 and dl_ok == len(dl) - 1,
           f"trickle: every normal download answered within 1 s ({dl_ok}/{len(dl) - 1})")


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
    elif mode == "slowmany":
        slowmany(int(args.pop(0)), int(args.pop(0)), float(args.pop(0)))
    elif mode == "trickle":
        trickle(int(args.pop(0)), int(args.pop(0)), float(args.pop(0)))
    elif mode == "oversized":
        oversized()
    else:
        sys.exit(f"unknown mode {mode}")
sys.exit(1 if failed else 0)
