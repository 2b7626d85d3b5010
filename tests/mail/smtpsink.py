#!/usr/bin/python3
"""An SMTP sink for the tests: aiosmtpd (Debian python3-aiosmtpd) with its Mailbox handler,
which keeps every message it accepts in the Maildir DIR (DIR/new/).

    smtpsink.py PORT DIR [--password SECRET] [--ack-delay SECONDS]
                         [--refuse ADDR]... [--defer ADDR]... [--drop ADDR]...

Listens on 127.0.0.1:PORT and prints "ready" once it does. With --password, AUTH is required
(without TLS, on loopback only) and only user "booth" with SECRET is let in. With --ack-delay,
each message is stored and its "250" sent that much later, as a slow server would (the crash
test kills the kiosk in between). --refuse answers RCPT TO:<ADDR> with a permanent 550, as
a server does for a mistyped mailbox; --defer answers it with a temporary 451 twice (a
greylisting server) and accepts it on the third try; --drop hangs up in the middle of a
message to ADDR, every time, as a broken link or a crashing server would. Stops on SIGTERM.
"""
import argparse
import asyncio
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


class SinkMailbox(Mailbox):
    def __init__(self, path, delay, refuse, defer, drop):
        super().__init__(path)
        self.drop = {a.lower() for a in drop}
        self.delay = delay
        self.refuse = {a.lower() for a in refuse}
        self.defer = {a.lower(): 0 for a in defer}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = address.lower()
        if a in self.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if a in self.defer and self.defer[a] < 2:
            self.defer[a] += 1
            return "451 4.7.1 <%s>: Recipient address rejected: Greylisted" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(a.lower() in self.drop for a in envelope.rcpt_tos):
            server.transport.close()  # the connection drops before any answer
            return "421 closing"
        answer = await super().handle_DATA(server, session, envelope)
        if self.delay:
            await asyncio.sleep(self.delay)
        return answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("dir")
    ap.add_argument("--password")
    ap.add_argument("--ack-delay", type=float, default=0.0)
    ap.add_argument("--refuse", action="append", default=[])
    ap.add_argument("--defer", action="append", default=[])
    ap.add_argument("--drop", action="append", default=[])
    a = ap.parse_args()

    def authenticate(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login == b"booth"
              and data.password == a.password.encode())
        return AuthResult(success=ok, handled=False)

    kw = {}
    if a.password:
        kw = dict(authenticator=authenticate, auth_required=True, auth_require_tls=False)
    handler = SinkMailbox(a.dir, a.ack_delay, a.refuse, a.defer, a.drop)
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
