#!/usr/bin/env python3
"""Drives the real kiosk through many guest sessions for the soak and power-cut tests.

    drive.py soak  --sessions N ...   guests back to back, faults on a schedule, then a report
    drive.py crash --kills N ...      guests, with the kiosk SIGKILLed at random moments

The caller (soak.sh, crash.sh) starts Xvfb, a private cupsd with the pbtest printer and
writes the kiosk's config; this script starts the kiosk (and restarts it after a kill),
plays the guests through the control socket and synthetic touches (xdotool), runs the SMTP
sink (tests/mail/smtpsink.py) and switches it off and on, runs the printer out of paper and
has staff resume it with photoboothctl, and finally checks what was delivered: every
print and every email exactly once, every download byte for byte.

Prints "ok - ..." / "not ok - ..." lines, a table, and exits 1 on any failure."""
import argparse
import email
import email.policy
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import booth  # noqa: E402  (tests/lib/booth.py: how every test waits for the kiosk)

A = None  # the parsed arguments
FAILED = 0
PASSED = 0


def report(ok, what):
    global FAILED, PASSED
    print(("ok - " if ok else "not ok - ") + what, flush=True)
    if ok:
        PASSED += 1
    else:
        FAILED += 1
    return ok


def note(what):
    print("# " + what, flush=True)


class Kiosk:
    """The photobooth process and its control socket."""

    def __init__(self):
        self.proc = None
        self.log = open(A.log, "ab")
        self.starts = 0

    def start(self):
        self.proc = subprocess.Popen(A.wrap.split() + [A.pb, "--config", A.config],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.starts += 1
        if booth.wait_ready(A.socket, lambda: self.proc.poll() is None, 15 * A.slow):
            return
        if self.proc.poll() is not None:
            raise SystemExit(f"the kiosk exited with {self.proc.returncode} at start (see {A.log})")
        raise SystemExit(f"the kiosk did not answer within {15 * A.slow} s")

    def kill(self):
        KILLS.append(time.time())
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=30 * A.slow)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -9

    def request(self, line, timeout=None):
        return booth.request(A.socket, line, timeout or 5 * A.slow)

    def status(self):
        return booth.status(A.socket, 5 * A.slow)

    def ctl(self, *words):
        """photoboothctl itself, as staff would run it."""
        r = subprocess.run([A.pbctl, "--socket", A.socket, *words], capture_output=True, text=True,
                           timeout=10 * A.slow)
        return r.returncode, (r.stdout + r.stderr).strip()

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))


class Sink:
    """The SMTP sink: a Maildir of everything it accepted."""

    def __init__(self):
        self.proc = None
        self.downtime = 0.0
        self.down_since = None
        self.outages = 0
        self.seen = set()

    def up(self):
        if self.proc:
            return
        delay = ["--ack-delay", str(A.ack_delay)] if A.ack_delay else []
        self.proc = subprocess.Popen(["/usr/bin/python3", A.sink, str(A.smtp_port), A.maildir] + delay,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP sink did not start")
        if self.down_since is not None:
            self.downtime += time.monotonic() - self.down_since
            self.down_since = None

    def down(self):
        if not self.proc:
            return
        self.proc.terminate()
        self.proc.wait()
        self.proc = None
        self.down_since = time.monotonic()
        self.outages += 1

    def stored(self, addr, limit):
        """Waits until a message to addr is in the Maildir (the sink has stored it, and with
        --ack-delay has not said "250" yet)."""
        d, needle = os.path.join(A.maildir, "new"), f"To: {addr}".encode()
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            for name in os.listdir(d) if os.path.isdir(d) else []:
                if name not in self.seen:
                    with open(os.path.join(d, name), "rb") as f:
                        head = f.read(4096)
                    self.seen.add(name)
                    if needle in head:
                        return True
            time.sleep(0.002)
        return False

    def messages(self):
        d = os.path.join(A.maildir, "new")
        out = []
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            with open(os.path.join(d, name), "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
                m.stored = os.fstat(f.fileno()).st_mtime  # just before the sink said "250"
                out.append(m)
        return out


class Faults:
    """The schedule: SMTP down A.smtp_down of every A.smtp_period seconds; the printer out of
    paper after every A.paper_every prints, resumed by staff a moment after it says so."""

    def __init__(self, kiosk, sink):
        self.k = kiosk
        self.sink = sink
        self.t0 = time.monotonic()
        self.next_paper = A.paper_every
        self.paper_out_at = None
        self.paper_outs = 0
        self.resumes = 0

    def printed(self):
        d = os.path.join(A.printer_dir, "out")
        return len([n for n in os.listdir(d) if n.endswith(".ps")]) if os.path.isdir(d) else 0

    def tick(self, st=None):
        if A.smtp_period:
            phase = (time.monotonic() - self.t0) % A.smtp_period
            if phase >= A.smtp_period - A.smtp_down:
                self.sink.down()
            else:
                self.sink.up()
        if not A.paper_every:
            return
        flag = os.path.join(A.printer_dir, "paper-out")
        if self.paper_out_at is None and self.printed() >= self.next_paper:
            open(flag, "w").close()
            self.paper_out_at = time.monotonic()
            self.paper_outs += 1
            self.next_paper += A.paper_every
        elif self.paper_out_at is not None:
            st = st or self.k.status()
            reasons = (st.get("printer") or {}).get("reasons") or []
            waited = time.monotonic() - self.paper_out_at
            # staff notice the media-empty alert and refill; if no print was owed when the
            # paper ran out, the printer cannot tell yet: refill after a while anyway
            if ("media-empty" in reasons and waited > 1.0) or waited > 20:
                os.unlink(flag)
                code, out = self.k.ctl("printer", "resume")
                if code != 0:
                    report(False, f"photoboothctl printer resume: {out}")
                self.resumes += 1
                self.paper_out_at = None


def xdo(*args):
    subprocess.run(["xdotool", *args], check=True, timeout=10)


def tap(st, name):
    b = st["buttons"].get(name)
    if not b:
        return False
    xdo("mousemove", str(b[0] + b[2] // 2), str(b[1] + b[3] // 2), "click", "1")
    return True


class Guests:
    """Plays guests; remembers what each session asked for."""

    def __init__(self, kiosk, faults):
        self.k = kiosk
        self.f = faults
        self.sessions = {}  # id -> {"copies": n, "email": addr, "delivery": d, "overlay": o}
        self.errors = 0     # error screens seen by a guest
        self.stuck = 0
        self.completed = 0
        self.time_in = {}   # state -> seconds spent there by all guests

    def poll(self, pause=0.01):
        time.sleep(pause)
        st = self.k.status()
        self.f.tick(st)
        return st

    def wait_attract(self, limit=30):
        limit *= A.slow
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            st = self.poll()
            if st["state"] == "attract" and st["screen"] == "attract":
                return st
        return None

    def setup(self, i):
        """Theme and delivery for guest i, switched by staff with photoboothctl in attract."""
        overlay = A.overlays[(i // len(A.deliveries)) % len(A.overlays)]
        delivery = A.deliveries[i % len(A.deliveries)]
        st = self.k.status()
        if st["overlay"] != overlay:
            self.k.ctl("overlay", overlay)
        if st["delivery"] != delivery:
            self.k.ctl("delivery", delivery)
        return overlay, delivery

    def session(self, i, on_step=None):
        """One guest from attract to attract. on_step(step, session) is called as the guest
        reaches each step (for the power-cut test). Returns the session id or None."""
        overlay, delivery = self.setup(i)
        code, msg, _ = self.k.request("trigger")
        if code != 0:
            return None
        st = self.k.status()
        sid = st["session"]
        rec = {"copies": 0, "email": None, "delivery": delivery, "overlay": overlay, "done": False}
        self.sessions[sid] = rec
        if on_step:
            on_step("capture", sid)
        t_state, last = time.monotonic(), None
        in_error = False
        while True:
            st = self.poll()
            s = st["state"]
            if s != last:
                now = time.monotonic()
                if last:
                    self.time_in[last] = self.time_in.get(last, 0) + now - t_state
                t_state, last = now, s
            elif time.monotonic() - t_state > 40 * A.slow:
                self.stuck += 1
                report(False, f"session {sid}: stuck in {s} for {40 * A.slow} s")
                self.k.request("reset")
                return sid
            if st["screen"] != s:
                continue  # the screen has not been drawn yet: a guest could not tap it
            if s == "error":
                if not in_error:
                    self.errors += 1
                    in_error = True
                self.k.request("trigger")  # Try again
            elif s in ("countdown", "capture", "processing"):
                in_error = False
                if s == "processing" and on_step:
                    on_step("compose", sid)
            elif s == "review":
                self.k.request("trigger")  # Looks good
                if on_step:
                    on_step("save", sid)
            elif s == "deliver":
                b = st["buttons"]
                if "copies-1" in b and not rec["copies"]:
                    n = 2 if i % 3 == 0 and "copies-2" in b else 1
                    tap(st, f"copies-{n}")
                    self.wait(lambda x: "copies-1" not in x["buttons"] or x["state"] != "deliver")
                    rec["copies"] = n
                    if on_step:
                        on_step("print", sid)
                elif "email" in b and not rec["email"]:
                    addr = f"guest{i}-{sid}@example.com"
                    tap(st, "email")
                    if not self.wait(lambda x: x["state"] == "email" and x["screen"] == "email"):
                        continue
                    emails = st["counters"]["emails"]
                    xdo("type", "--delay", "2", addr)
                    st2 = self.k.status()
                    if st2.get("email", {}).get("consent") is False:
                        tap(st2, "consent")
                        self.wait(lambda x: x.get("email", {}).get("consent") is True)
                    xdo("key", "Return")
                    if self.wait(lambda x: x["counters"]["emails"] > emails):
                        rec["email"] = addr
                        if on_step:
                            on_step("email", sid)
                    else:
                        report(False, f"session {sid}: the email was not accepted "
                               f"(problem {self.k.status().get('email', {}).get('problem')})")
                        rec["email"] = "refused"
                else:
                    self.k.request("trigger")  # Done
            elif s == "email":
                xdo("key", "Escape")
                self.k.request("trigger")
            elif s == "thanks":
                # a tap here would start the next guest's countdown; the driver starts
                # each session from attract
                self.k.request("reset")
            elif s == "attract":
                rec["done"] = True
                self.completed += 1
                return sid
            else:
                self.k.request("reset")

    def wait(self, cond, limit=10):
        limit *= A.slow
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            st = self.poll()
            if cond(st):
                return st
        return None


def data_dir():
    return A.data_dir


def links():
    """session -> token, from data_dir/links (a kill mid-write leaves TOKEN.tmp.PID, which
    is no link: the guest never saw it)."""
    out = {}
    d = os.path.join(data_dir(), "links")
    for token in os.listdir(d) if os.path.isdir(d) else []:
        if not re.fullmatch(r"[A-Za-z0-9_-]{22}", token):
            continue
        try:
            with open(os.path.join(d, token)) as f:
                sess = f.read().split()[0]
            out[sess] = token
        except (OSError, IndexError):
            pass
    return out


def drain(k, sink, faults, limit=180):
    """Until every print is out and every email sent (SMTP up, paper in)."""
    limit *= A.slow
    A.smtp_period = 0
    sink.up()
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        st = k.status()
        faults.tick(st)
        p = st.get("printer") or {}
        o = st.get("outbox") or {}
        if not p.get("pending") and not o.get("depth") and faults.paper_out_at is None:
            return True
        time.sleep(0.25)
    return False


KILLS = []  # when the driver sent each SIGKILL (time.time())


def resent_after_kill(ms, window=0.2):
    """SMTP cannot be exactly-once: a kiosk killed after the server stored a message and before
    its "250" reached the outbox's marker sends it again after the restart. That, and only
    that, is excused: two copies with the same Message-ID, a kill within `window` seconds
    (plus the sink's --ack-delay) after the first was stored, and the second stored after
    that kill."""
    window += A.ack_delay
    if len(ms) != 2 or ms[0]["Message-ID"] != ms[1]["Message-ID"]:
        return False
    first, second = sorted(m.stored for m in ms)
    return any(first - 0.005 <= t <= first + window and second > t for t in KILLS)


def check_deliveries(guests, sink, k):
    """Every print and email exactly once; every download byte for byte."""
    out_dir = os.path.join(A.printer_dir, "out")
    names = {}
    for n in os.listdir(out_dir) if os.path.isdir(out_dir) else []:
        if n.endswith(".ps"):
            job = n.rsplit(".", 2)[0]
            names[job] = names.get(job, 0) + 1
    want_prints = {f"{sid}-{c}" for sid, r in guests.sessions.items() for c in range(1, r["copies"] + 1)}
    extra = {j: n for j, n in names.items() if j not in want_prints or n != 1}
    missing = want_prints - set(names)
    report(not missing, f"every print asked for came out ({len(want_prints) - len(missing)}/{len(want_prints)})"
           + (f"; missing {sorted(missing)[:5]}" if missing else ""))
    report(not extra, "no print came out twice or unasked" + (f": {list(extra.items())[:5]}" if extra else ""))
    partial = []
    for n in os.listdir(out_dir) if os.path.isdir(out_dir) else []:
        if not n.endswith(".ps"):
            continue
        with open(os.path.join(out_dir, n), "rb") as f:
            f.seek(max(0, os.path.getsize(f.name) - 64))
            if b"%%EOF" not in f.read():
                partial.append(n)
    report(not partial, f"every print the printer received is whole (ends with %%EOF)"
           + (f"; not: {partial[:5]}" if partial else ""))

    to = {}
    for m in sink.messages():
        to[str(m["To"])] = to.get(str(m["To"]), []) + [m]
    want_mail = {r["email"]: sid for sid, r in guests.sessions.items() if r["email"] and r["email"] != "refused"}
    lnk = links()
    missing = [a for a in want_mail if a not in to]
    resent = [a for a, ms in to.items() if a in want_mail and resent_after_kill(ms)]
    twice = [a for a, ms in to.items() if (len(ms) != 1 and a not in resent) or a not in want_mail]
    report(not missing, f"every email asked for was delivered ({len(want_mail) - len(missing)}/{len(want_mail)})"
           + (f"; missing {missing[:5]}" if missing else ""))
    report(not twice, "no email was delivered twice or unasked" + (f": {twice[:5]}" if twice else "")
           + (f" (sent again after a kill in the instant the server accepted it, same Message-ID:"
              f" {len(resent)})" if resent else ""))
    wrong = [a for a, sid in want_mail.items() if a in to and lnk.get(sid)
             and lnk[sid] not in to[a][0].get_body(("plain",)).get_content()]
    report(not wrong, "each email carries its own session's link" + (f"; wrong: {wrong[:5]}" if wrong else ""))

    port = k.status().get("share_port") or A.http_port
    ok = tried = 0
    for sid, r in guests.sessions.items():
        if r["delivery"] == "print" or not r["done"] or (A.mode == "crash" and sid not in lnk):
            continue  # (killed before its link was written: the guest never saw a QR code)
        tried += 1
        token = lnk.get(sid)
        share = os.path.join(data_dir(), "sessions", sid, "share.jpg")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/p/{token}.jpg", timeout=10) as resp:
                body = resp.read()
            with open(share, "rb") as f:
                ok += body == f.read() and body[:2] == b"\xff\xd8" and body[-2:] == b"\xff\xd9"
        except Exception as e:  # noqa: BLE001
            note(f"download of {sid} failed: {e}")
    report(ok == tried, f"every shared session's download works byte for byte ({ok}/{tried})")
    return {"prints": sum(names.values()), "prints_wanted": len(want_prints),
            "emails": sum(len(v) for v in to.values()), "emails_wanted": len(want_mail),
            "downloads": ok, "downloads_tried": tried, "to": to}


def soak():
    k = Kiosk()
    sink = Sink()
    sink.up()
    k.start()
    faults = Faults(k, sink)
    guests = Guests(k, faults)
    rss0, fd0 = k.rss_kb(), k.fds()
    rss = []  # after each guest, back on attract
    fd_w = None
    period = A.smtp_period
    t0 = time.monotonic()
    for i in range(A.sessions):
        if not guests.wait_attract():
            report(False, f"guest {i}: the booth did not come back to attract")
            break
        guests.session(i)
        rss.append(k.rss_kb())
        if i + 1 == A.warmup:
            fd_w = k.fds()
        if (i + 1) % 50 == 0:
            note(f"{i + 1} sessions, {time.monotonic() - t0:.0f} s, RSS {k.rss_kb()} kB, {k.fds()} fds")
    elapsed = time.monotonic() - t0
    drained = drain(k, sink, faults)
    report(drained, "every print and email went out once the faults stopped")
    guests.wait_attract()
    time.sleep(1.0)  # the gallery and curl let go of their connections
    fd1 = k.fds()
    # RSS after the warm-up against RSS at the end, each the highest of a window of guests
    # (one sample can catch the allocator before or after it hands memory back)
    win = max(1, min(50, (len(rss) - A.warmup) // 4))
    rss_w = max(rss[A.warmup - 1:A.warmup - 1 + win] or [0])
    rss1 = max(rss[-win:] or [0])
    st = k.status()
    alive = k.proc.poll() is None
    d = check_deliveries(guests, sink, k)
    cam = st["camera"]
    counters = st["counters"]
    rc = k.stop()
    report(alive, "the kiosk never crashed")
    report(rc == 0, f"the kiosk exits cleanly at the end (exit {rc})")
    report(guests.completed == A.sessions, f"every guest got back to attract ({guests.completed}/{A.sessions})")
    report(guests.stuck == 0, "no session got stuck")
    growth = (rss1 - rss_w) / rss_w * 100 if rss_w else 0
    if A.rss_limit:
        report(growth < A.rss_limit, f"RSS grew {growth:.1f}% from the warm-up to the end "
               f"(the highest of {win} guests each; under {A.rss_limit:g}%)")
    report(fd1 <= fd_w, f"open files: {fd_w} after session {A.warmup}, {fd1} at the end (no growth)")
    if A.paper_every and d["prints"] >= A.paper_every:
        report(faults.paper_outs > 0 and faults.resumes == faults.paper_outs,
               f"the printer ran out of paper {faults.paper_outs} times, staff resumed it each time")
    if period and elapsed > period:
        report(sink.outages > 0, f"SMTP was down {sink.outages} times")
    if A.disconnect_every and cam["captures"] >= A.disconnect_every:
        report(cam["reconnects"] > 0, f"the camera was unplugged and came back {cam['reconnects']} times")
    note("time guests spent in each state: " + ", ".join(
        f"{s} {t / max(guests.completed, 1):.2f} s" for s, t in sorted(guests.time_in.items())))
    print()
    print(f"| soak: {A.sessions} sessions in {elapsed:.0f} s ({elapsed / max(A.sessions, 1):.2f} s each) | |")
    print("|---|---|")
    for name, value in [
        ("sessions completed", f"{guests.completed} of {A.sessions}"),
        ("themes, deliveries", f"{', '.join(A.overlays)}; {', '.join(A.deliveries)}"),
        ("prints completed", f"{d['prints']} of {d['prints_wanted']} asked for, each once"),
        ("emails delivered", f"{d['emails']} of {d['emails_wanted']} asked for, each once"),
        ("downloads that worked", f"{d['downloads']} of {d['downloads_tried']}"),
        ("errors shown to guests", f"{counters['failures']} error screens (the kiosk's count), each "
                                   f"retried by the guest; the camera reported {cam['failures']} "
                                   f"failed captures"),
        ("faults", f"camera unplugged {cam['reconnects']}x, corrupt captures "
                   f"{'1 in %d' % A.corrupt_every if A.corrupt_every else 'none'}, "
                   f"paper out {faults.paper_outs}x, SMTP down {sink.outages}x "
                   f"({sink.downtime / max(elapsed, 1) * 100:.0f}% of the time)"),
        ("RSS", f"{rss0} kB at start; {rss_w} kB after the warm-up (guests {A.warmup}-"
                f"{A.warmup + win - 1}, highest), {rss1} kB at the end (last {win} guests, highest): "
                f"{growth:+.1f}%; lowest {min(rss or [0])} kB, highest {max(rss or [0])} kB"),
        ("open files", f"{fd0} at start, {fd_w} after session {A.warmup}, {fd1} at the end"),
    ]:
        print(f"| {name} | {value} |")
    print()
    sink.down()


def crash():
    """SIGKILL at random moments of random steps; restart; back on attract within 3 s."""
    k = Kiosk()
    sink = Sink()
    sink.up()
    k.start()
    A.smtp_period = 0
    A.paper_every = 0
    faults = Faults(k, sink)
    guests = Guests(k, faults)
    rng = random.Random(A.seed)
    steps = A.steps.split(",")
    kills = {s: 0 for s in steps}
    restart_ms = []
    torn = []
    plan = {"step": None}
    accept_kills = []  # the guests whose email the sink held when the kiosk was killed
    switches = []  # per settings kill: was staff's switch on disk when the kiosk died

    def choose():
        plan["step"] = rng.choice(steps)
        plan["delay"] = rng.uniform(0, A.max_delay)

    def do_kill(step, sid):
        if step == "accept":
            # the sink has stored the message and holds back its "250" for --ack-delay
            if not sink.stored(guests.sessions[sid]["email"], 10 * A.slow):
                report(False, f"session {sid}: its email never reached the sink")
                return
            accept_kills.append(guests.sessions[sid]["email"])
        else:
            time.sleep(plan["delay"])
        k.kill()
        if step == "settings":
            # what the power cut left on disk must be what the kiosk comes back with
            try:
                with open(os.path.join(data_dir(), "settings.ini")) as f:
                    on_disk = f"\noverlay = {plan['other']}\n" in f.read()
            except OSError:
                on_disk = False
            switches.append(on_disk)
        kills[step] += 1
        note(f"kill {sum(kills.values())}: SIGKILL {plan['delay'] * 1000:.0f} ms into {step} of {sid}"
             + ("" if step != "settings" else " (the switch was on disk)" if switches[-1]
                else " (the switch was not on disk yet)"))
        t0 = time.monotonic()
        k.start()
        st = guests.wait_attract(limit=10)
        ms = (time.monotonic() - t0) * 1000
        restart_ms.append(ms)
        if not st:
            report(False, f"after kill during {step}: not back on attract within 10 s")
        elif step == "settings" and switches[-1] and st["overlay"] != plan["other"]:
            report(False, f"staff's switch to {plan['other']} was on disk before the kill, "
                   f"yet the kiosk came back with {st['overlay']}")
            switches[-1] = None
        torn.extend(scan_torn())
        plan["step"] = None
        raise Killed()

    def on_step(step, sid):
        if plan["step"] == step or (plan["step"] == "accept" and step == "email"):
            do_kill(plan["step"], sid)

    i = 0
    while sum(kills.values()) < A.kills and i < A.kills * 6:
        if not guests.wait_attract():
            report(False, "the booth did not come back to attract")
            break
        if plan["step"] is None:
            choose()
        if plan["step"] == "settings":
            # staff switch the theme and the delivery: settings.ini is written
            st = k.status()
            other = plan["other"] = [o for o in A.overlays if o != st["overlay"]][0]
            subprocess.Popen([A.pbctl, "--socket", A.socket, "overlay", other],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                do_kill("settings", "-")
            except Killed:
                pass
            continue
        try:
            guests.session(i, on_step=on_step)
        except Killed:
            pass
        except (OSError, json.JSONDecodeError) as e:
            note(f"guest {i}: {e}")
        i += 1
    report(sum(kills.values()) >= A.kills, f"{sum(kills.values())} SIGKILLs: "
           + ", ".join(f"{s} {n}" for s, n in kills.items()))
    worst = max(restart_ms) if restart_ms else 0
    report(worst < 3000, f"back on attract after every restart within 3 s "
           f"(median {sorted(restart_ms)[len(restart_ms) // 2]:.0f} ms, worst {worst:.0f} ms)")
    if switches:
        report(None not in switches, f"every staff switch saved before a kill was there after "
               f"the restart ({switches.count(True)} of {len(switches)} were on disk "
               f"0-{A.max_delay * 1000:.0f} ms after the command)")
    drained = drain(k, sink, faults)
    report(drained, "every print and email owed went out after the last restart")
    torn.extend(scan_torn())
    report(not torn, "no torn or partial file in data_dir or the spool, ever"
           + (f": {sorted(set(torn))[:5]}" if torn else ""))
    # what was accepted before a kill must come out exactly once: prints the guest chose and
    # emails whose send was acknowledged on screen
    accepted = {sid: r for sid, r in guests.sessions.items()}
    for sid, r in accepted.items():
        r["done"] = os.path.exists(os.path.join(data_dir(), "sessions", sid, "share.jpg"))
    to = check_deliveries(guests, sink, k)["to"]
    if accept_kills:
        # at least once: a kill while the server was accepting loses no email; the resend
        # carries the same Message-ID, so the guest's mailbox can tell it is the same
        again = [a for a in accept_kills if len(to.get(a, [])) == 2
                 and len({m["Message-ID"] for m in to[a]}) == 1]
        report(len(again) == len(accept_kills),
               f"every email the server held when the kiosk was killed was sent again after "
               f"the restart, with the same Message-ID ({len(again)}/{len(accept_kills)})")
    served = torn_served(k)
    report(not served, "the gallery serves only whole photos" + (f": {served[:3]}" if served else ""))
    rc = k.stop()
    report(rc == 0, f"the kiosk exits cleanly after it all (exit {rc})")
    sink.down()


class Killed(Exception):
    pass


def jpeg_whole(path):
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        return True  # gone: deleted, not torn
    return len(b) > 4 and b[:2] == b"\xff\xd8" and b[-2:] == b"\xff\xd9"


def scan_torn():
    """JPEGs under their final names that are not whole, and session records that do not
    parse. Temporary files of a write in progress are allowed (they are never served)."""
    bad = []
    for root, _, files in os.walk(data_dir()):
        for n in files:
            p = os.path.join(root, n)
            if n.endswith(".jpg") and not n.startswith("."):
                if not jpeg_whole(p):
                    bad.append(p)
            elif n.endswith(".json") and not n.startswith("."):
                try:
                    with open(p) as f:
                        json.load(f)
                except (OSError, ValueError):
                    bad.append(p)
    return bad


def torn_served(k):
    """The sessions whose gallery link serves anything but a whole JPEG or a 404, and why."""
    port = A.http_port
    bad = []
    for sid, token in links().items():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/p/{token}.jpg", timeout=10) as r:
                b = r.read()
            if not (b[:2] == b"\xff\xd8" and b[-2:] == b"\xff\xd9"):
                bad.append(f"{sid}: {len(b)} bytes, not a whole JPEG")
        except urllib.error.HTTPError as e:
            if e.code != 404:
                bad.append(f"{sid}: HTTP {e.code}")
        except Exception as e:  # noqa: BLE001
            bad.append(f"{sid}: {e!r}")
    return bad


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["soak", "crash"])
    ap.add_argument("--pb", required=True)
    ap.add_argument("--pbctl", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--sink", required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--smtp-port", type=int, required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--printer-dir", required=True)
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--overlays", default="certification-lounge,replay")
    ap.add_argument("--deliveries", default="print,share,both")
    ap.add_argument("--smtp-period", type=float, default=20.0)
    ap.add_argument("--smtp-down", type=float, default=4.0)
    ap.add_argument("--paper-every", type=int, default=50)
    ap.add_argument("--corrupt-every", type=int, default=40)
    ap.add_argument("--disconnect-every", type=int, default=37,
                    help="the camera's configured sim_disconnect_every (0: none)")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--max-delay", type=float, default=0.4)
    ap.add_argument("--steps", default="capture,compose,save,print,email,settings",
                    help="the steps a crash run kills in; 'accept': the moment the SMTP server "
                    "has stored a guest's email (use with --ack-delay)")
    ap.add_argument("--ack-delay", type=float, default=0.0,
                    help="the SMTP sink waits this long between storing a message and its 250")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--rss-limit", type=float, default=5.0,
                    help="largest RSS growth in percent after the warm-up (0: not checked)")
    ap.add_argument("--wrap", default="", help="a command to run the kiosk under (valgrind ...)")
    ap.add_argument("--slow", type=float, default=1.0, help="multiplies every time limit")
    A = ap.parse_args()
    # the warm-up sees every theme and delivery at least once
    A.warmup = max(1, min(A.warmup, max(len(A.overlays.split(",")) * len(A.deliveries.split(",")),
                                        A.sessions // 5)))
    A.overlays = A.overlays.split(",")
    A.deliveries = A.deliveries.split(",")
    if A.mode == "crash":
        note(f"seed {A.seed} (--seed {A.seed} repeats this run's choices)")
    try:
        soak() if A.mode == "soak" else crash()
    finally:
        subprocess.run(["pkill", "-f", f"smtpsink.py {A.smtp_port}"], check=False)
    print(f"{A.mode}: {PASSED} passed, {FAILED} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
