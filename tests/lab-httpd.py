#!/usr/bin/python3
"""The lab's web server: serves one directory on several addresses at once.

http.server's CLI binds a single address; the lab needs the same content on
an IPv4 and an IPv6 address (and nothing else in the namespace), so this
starts one threading server per --bind address. Used by tests/lab.sh only.

    lab-httpd.py --root DIR --port 80 --bind 198.51.100.10 --bind 2001:db8:100::10
"""

import argparse
import functools
import http.server
import signal
import socket
import sys
import threading


class V4Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET
    daemon_threads = True


class V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        # Only the given v6 address: never the v4-mapped space as well.
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        # One line per request on stderr (the lab keeps it in httpd.log).
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--bind", action="append", required=True)
    args = ap.parse_args()

    handler = functools.partial(QuietHandler, directory=args.root)
    servers = []
    for addr in args.bind:
        cls = V6Server if ":" in addr else V4Server
        servers.append(cls((addr, args.port), handler))
    for srv in servers[1:]:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    # SIGTERM (the lab's teardown) ends serve_forever via SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.stderr.write("listening on %s port %d\n" % (", ".join(args.bind), args.port))
    sys.stderr.flush()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
