#!/usr/bin/python3
"""A hostile front for the real store (swiftstore.py): every request is passed to Swift as it
came (its Host header too, so Swift still checks the booth's AWS Signature V4), except as the
file MODE says, read at each request:

    dripstore.py LISTEN_PORT STORE_PORT MODE_FILE

  pass   everything passed through (also when the file is missing)
  drip   a ListObjectsV2 (GET with list-type=2) is answered 200 with a 4 MB Content-Length,
         1.2 kB a second: a store that never quite stops answering
  hold   a PUT is read, then answered one byte every 2 s (the guest's upload in flight)
  307    a PUT is answered 307 TemporaryRedirect, as AWS does while a new bucket's DNS
         settles (the request is not passed on)

Prints "ready" once listening; one line per request to stderr."""
import http.client
import http.server
import sys
import time

LISTEN, STORE, MODE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def mode():
    try:
        return open(MODE).read().strip()
    except OSError:
        return "pass"


class Front(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (mode(), fmt % args))

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def drip(self, status, length, every, chunk):
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            sent = 0
            while sent < length:
                self.wfile.write(b" " * chunk)
                self.wfile.flush()
                sent += chunk
                time.sleep(every)
        except OSError:
            pass  # the booth gave up: what is being tested
        self.close_connection = True

    def handle_any(self):
        data = self.body()
        m = mode()
        if m == "drip" and self.command == "GET" and "list-type=2" in self.path:
            return self.drip(200, 4 << 20, 1.0, 1200)
        if m == "hold" and self.command == "PUT":
            return self.drip(200, 1 << 20, 2.0, 1)
        if m == "307" and self.command == "PUT":
            xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>TemporaryRedirect'
                   b'</Code><Message>Please re-send this request to the specified temporary '
                   b'endpoint. Continue to use the original request endpoint for future '
                   b'requests.</Message></Error>')
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(xml)))
            self.end_headers()
            self.wfile.write(xml)
            return
        c = http.client.HTTPConnection("127.0.0.1", STORE, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        c.request(self.command, self.path, body=data, headers=headers)
        r = c.getresponse()
        got = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length", "date",
                                 "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(got)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(got)
        c.close()

    do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = handle_any


srv = http.server.ThreadingHTTPServer(("127.0.0.1", LISTEN), Front)
srv.daemon_threads = True
print("ready", flush=True)
srv.serve_forever()
