#!/usr/bin/python3
"""A real S3 store for the tests: Debian's OpenStack Swift (swift-proxy, swift-account,
swift-container, swift-object) with its s3api and tempauth middlewares, which check every
request's AWS Signature V4 against the account's secret.

    swiftstore.py DIR PORT

Makes one-replica rings with swift-ring-builder in DIR/etc, keeps the objects in the plain
directory DIR/srv (mount_check = false), runs the proxy on 127.0.0.1:PORT and the three storage
servers on PORT+1..PORT+3 and the memcached that tempauth needs on PORT+4, and prints "ready" once the proxy answers its health check. The S3
account is access key "test:tester", secret "testing", region us-east-1; path-style requests
go to http://127.0.0.1:PORT/BUCKET/KEY. A bucket made public-read (x-amz-acl) is readable
without a signature at http://127.0.0.1:PORT/v1/AUTH_test/BUCKET/KEY, the bucket's public
address. SIGSTOP/SIGCONT of the proxy (its pid is in DIR/proxy.pid) makes the store hang mid-request
and brings it back; SIGUSR1 to this script stops the proxy (connections refused) and SIGUSR2
starts it again; SIGTERM stops everything. Logs go to DIR/log/.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.request

DIR, PORT = os.path.abspath(sys.argv[1]), int(sys.argv[2])
ETC, SRV, LOG = (os.path.join(DIR, d) for d in ("etc", "srv", "log"))
SERVERS = {"object": PORT + 1, "container": PORT + 2, "account": PORT + 3}
MEMCACHE = PORT + 4

COMMON = f"""[DEFAULT]
swift_dir = {ETC}
devices = {SRV}
mount_check = false
bind_ip = 127.0.0.1
workers = 0
log_name = %s
log_facility = LOG_LOCAL0
log_udp_host =
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def configure():
    for d in (ETC, os.path.join(SRV, "d1"), LOG):
        os.makedirs(d, exist_ok=True)
    write(os.path.join(ETC, "swift.conf"), """[swift-hash]
swift_hash_path_suffix = photobooth-tests
swift_hash_path_prefix = photobooth-tests
[storage-policy:0]
name = Policy-0
default = yes
""")
    for kind, port in SERVERS.items():
        ring = os.path.join(ETC, f"{kind}.builder")
        subprocess.run(["swift-ring-builder", ring, "create", "0", "1", "0"], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["swift-ring-builder", ring, "add", f"r1z1-127.0.0.1:{port}/d1", "1"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["swift-ring-builder", ring, "rebalance"], check=True,
                       stdout=subprocess.DEVNULL)
        write(os.path.join(ETC, f"{kind}-server.conf"),
              COMMON % kind + f"bind_port = {port}\n\n"
              f"[pipeline:main]\npipeline = {kind}-server\n\n"
              f"[app:{kind}-server]\nuse = egg:swift#{kind}\n\n"
              f"[{kind}-replicator]\n[{kind}-auditor]\n[{kind}-updater]\n")
    write(os.path.join(ETC, "proxy-server.conf"),
          COMMON % "proxy" + f"""bind_port = {PORT}

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
s3_acl = false

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
reseller_prefix = AUTH

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:{MEMCACHE}

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
""")


def main():
    configure()
    procs = [subprocess.Popen(["memcached", "-l", "127.0.0.1", "-p", str(MEMCACHE), "-U", "0",
                               "-u", "nobody", "-m", "16"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    def start(kind):
        log = open(os.path.join(LOG, f"{kind}.log"), "ab")
        return subprocess.Popen([f"/usr/bin/swift-{kind}-server",
                                 os.path.join(ETC, f"{kind}-server.conf"), "-v"],
                                stdout=log, stderr=subprocess.STDOUT)

    for kind in list(SERVERS) + ["proxy"]:
        procs.append(start(kind))
    write(os.path.join(DIR, "proxy.pid"), f"{procs[-1].pid}\n")
    down = [False]

    def proxy_down(*_):  # the store away: its port refuses connections
        down[0] = True
        procs[-1].send_signal(signal.SIGCONT)
        procs[-1].terminate()
        procs[-1].wait()

    def proxy_up(*_):
        procs[-1] = start("proxy")
        write(os.path.join(DIR, "proxy.pid"), f"{procs[-1].pid}\n")
        down[0] = False

    def stop(*_):
        for p in procs:
            try:
                p.send_signal(signal.SIGCONT)
                p.terminate()
            except OSError:
                pass
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGUSR1, proxy_down)
    signal.signal(signal.SIGUSR2, proxy_up)
    for _ in range(300):
        if any(p.poll() is not None for p in procs):
            print("a Swift server exited at start; see " + LOG, file=sys.stderr)
            stop()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthcheck", timeout=1) as r:
                if r.read() == b"OK":
                    break
        except OSError:
            time.sleep(0.1)
    else:
        print("the Swift proxy did not answer its health check", file=sys.stderr)
        stop()
    print("ready", flush=True)
    while True:
        for p in procs:
            if p.poll() is not None and not (down[0] and p is procs[-1]):
                print(f"Swift server {p.args[0]} exited ({p.returncode})", file=sys.stderr)
                stop()
        time.sleep(0.5)


main()
