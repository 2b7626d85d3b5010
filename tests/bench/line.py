#!/usr/bin/env python3
"""make bench: a line of guests through the real kiosk, at a person's pace.

    line.py SOCKET MODE GUESTS

MODE is print, share or email. Each guest: a tap one second after the attract or thanks screen
appears (the control socket's trigger, the event a tap makes), the kiosk's own countdown, two
seconds to decide on review, then two seconds to pick prints (print), four seconds to scan the
QR code (share), or "Email me" tapped and an address typed at three keys a second through
xdotool, then Enter (email); Done; the next guest. The first guest warms the booth up and is
not counted.

Prints one line: MODE GUESTS_PER_HOUR CYCLE_S HUMAN_S COUNTDOWN_S CAMERA_S SOFTWARE_S, means
per guest: the software's share is the cycle less the human pauses, the countdown and the
camera's capture and download (the session's trace). Exit 1 with the reason on stderr when a
guest cannot get through."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.dont_write_bytecode = True
import booth  # noqa: E402

SOCK, MODE, GUESTS = sys.argv[1], sys.argv[2], int(sys.argv[3])
TAP_S, REVIEW_S, PICK_S, SCAN_S, KEYS_PER_S = 1.0, 2.0, 2.0, 4.0, 3.0


def ctl(line):
    code, msg, _ = booth.request(SOCK, line)
    if code != 0:
        sys.exit(f"line.py: '{line}' refused: {msg}")


def wait(pred, what, limit=30.0):
    """Polls status every 5 ms until pred(status) holds; returns that status."""
    t0 = time.monotonic()
    end = t0 + limit
    while time.monotonic() < end:
        st = booth.status(SOCK)
        if pred(st):
            if os.environ.get("LINE_DEBUG"):
                now = time.monotonic()
                print(f"  {what}: waited {now - t0:.3f} s", file=sys.stderr)
            return st
        time.sleep(0.005)
    sys.exit(f"line.py: {MODE}: no {what} within {limit:.0f} s (state {st.get('state')})")


def state_is(name):
    return lambda st: st.get("state") == name


def tap(st, name):
    b = st["buttons"].get(name)
    if not b:
        sys.exit(f"line.py: no '{name}' button on {st.get('state')}")
    subprocess.run(["xdotool", "mousemove", str(b[0] + b[2] // 2), str(b[1] + b[3] // 2),
                    "click", "1"], check=True, timeout=10)


def guest(i, countdown_s):
    """One guest from their tap; returns (human seconds, camera seconds, trace)."""
    human = 0.0
    ctl("trigger")  # the tap: on attract, or on the last guest's thanks screen
    wait(state_is("countdown"), "countdown", 5)
    st = wait(state_is("review"), "review")
    time.sleep(REVIEW_S)
    human += REVIEW_S
    ctl("trigger")  # looks good
    st = wait(state_is("deliver"), "deliver", 5)
    if MODE == "print":
        time.sleep(PICK_S)
        human += PICK_S
        prints = st["counters"]["prints"]
        ctl("trigger")  # one print
        wait(lambda s: s["counters"]["prints"] > prints, "the print asked for", 5)
    elif MODE == "share":
        time.sleep(SCAN_S)
        human += SCAN_S
    elif MODE == "email":
        st = wait(lambda s: "email" in s.get("buttons", {}), "the Email me button", 5)
        emails = st["counters"]["emails"]
        tap(st, "email")
        wait(state_is("email"), "the keyboard", 5)
        addr = f"guest{i}@example.com"
        t0 = time.monotonic()
        subprocess.run(["xdotool", "type", "--delay", str(int(1000 / KEYS_PER_S)), addr],
                       check=True, timeout=60)
        subprocess.run(["xdotool", "key", "Return"], check=True, timeout=10)
        human += time.monotonic() - t0  # typing at a person's speed is the guest's time
        wait(lambda s: s.get("state") == "deliver" and s["counters"]["emails"] > emails,
             "the email queued", 5)
    ctl("trigger")  # done
    st = wait(state_is("thanks"), "thanks", 5)
    trace = st.get("last_trace") or {}
    shots = trace.get("shots") or []
    camera = sum((s.get("capture_ms") or 0) + (s.get("download_ms") or 0) for s in shots) / 1000
    if len(shots) != 1:
        sys.exit(f"line.py: {MODE}: {len(shots)} shots a guest; the line is timed with one")
    time.sleep(TAP_S)  # the next in line taps a second after the screen appears
    human += TAP_S
    return human, camera, trace


def main():
    countdown_s = float(os.environ.get("COUNTDOWN_S", "3"))
    wait(state_is("attract"), "attract", 10)
    time.sleep(TAP_S)
    rows = []
    t_prev = None
    for i in range(GUESTS + 1):
        t = time.monotonic()
        if t_prev is not None:
            rows[-1]["cycle"] = t - t_prev  # from this guest's tap to the next one's
        t_prev = t
        human, camera, trace = guest(i, countdown_s)
        rows.append({"human": human, "camera": camera, "trace": trace})
    rows[-1]["cycle"] = time.monotonic() - t_prev
    rows = rows[1:]  # the first warmed the booth up
    n = len(rows)
    cycle = sum(r["cycle"] for r in rows) / n
    human = sum(r["human"] for r in rows) / n
    camera = sum(r["camera"] for r in rows) / n
    software = cycle - human - countdown_s - camera
    print(f"{MODE} {3600 / cycle:.1f} {cycle:.2f} {human:.2f} {countdown_s:.2f} {camera:.2f} "
          f"{software:.3f}")


main()
