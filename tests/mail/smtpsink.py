#!/usr/bin/python3
"""An SMTP sink for the tests: aiosmtpd (Debian python3-aiosmtpd) with its Mailbox handler,
which keeps every message it accepts in the Maildir DIR (DIR/new/).

    smtpsink.py PORT DIR [--password SECRET] [--ack-delay SECONDS]

Listens on 127.0.0.1:PORT and prints "ready" once it does. With --password, AUTH is required
(without TLS, on loopback only) and only user "booth" with SECRET is let in. With --ack-delay,
each message is stored and its "250" sent that much later, as a slow server would (the crash
test kills the kiosk in between). Stops on SIGTERM.
"""
import argparse
import asyncio
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


class SlowMailbox(Mailbox):
    def __init__(self, path, delay):
        super().__init__(path)
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("dir")
    ap.add_argument("--password")
    ap.add_argument("--ack-delay", type=float, default=0.0)
    a = ap.parse_args()

    def authenticate(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login == b"booth"
              and data.password == a.password.encode())
        return AuthResult(success=ok, handled=False)

    kw = {}
    if a.password:
        kw = dict(authenticator=authenticate, auth_required=True, auth_require_tls=False)
    handler = SlowMailbox(a.dir, a.ack_delay) if a.ack_delay else Mailbox(a.dir)
    c = Controller(handler, hostname="127.0.0.1", port=a.port, **kw)
    c.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
