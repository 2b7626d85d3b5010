#!/usr/bin/python3
"""A webhook receiver for tests/e2e/webhook.sh: checks each POST's X-Photobooth-Signature
(HMAC-SHA256 of the body under the first line of SECRET_FILE) and logs one JSON line per
request to LOG: {"delivery", "signature_ok", "body"}. What it answers is read from MODE_FILE
at each request: "ok" (204), "500", "400", or "hold N" (log it, wait N s, then 204: the booth
can be killed between its POST and the answer). A bad signature is answered 401.

Usage: receiver.py PORT SECRET_FILE MODE_FILE LOG"""
import hashlib
import hmac
import http.server
import json
import sys
import time

port, secret_file, mode_file, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
key = open(secret_file, "rb").read().splitlines()[0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        want = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers.get("X-Photobooth-Signature", ""))
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        with open(log, "a") as f:
            f.write(json.dumps({"delivery": self.headers.get("X-Photobooth-Delivery"),
                                "signature_ok": ok, "body": parsed}) + "\n")
        mode = open(mode_file).read().split()
        if not ok:
            code = 401
        elif mode[0] == "hold":
            time.sleep(float(mode[1]))
            code = 204
        elif mode[0] in ("500", "400"):
            code = int(mode[0])
        else:
            code = 204
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
