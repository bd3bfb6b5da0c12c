#!/usr/bin/python3
"""A stand-in for CrowdSec's Local API (LAPI), as far as a bouncer sees it.

CrowdSec's Debian package cannot be set up offline (its postinst registers
with the online Central API), so the lab runs this instead. It implements
what a stream bouncer uses, in LAPI's format, and nothing else:

  GET /v1/decisions/stream?startup=true|false     (header X-Api-Key)
      200 {"deleted": [...] | null, "new": [...] | null}
      401 {"message": "access forbidden"} on a missing or wrong key
      startup=true:  every active decision in "new", "deleted" null
      startup=false: what was added ("new", if still active) and deleted
                     ("deleted") since this key's previous pull; a key that
                     never pulled gets everything since the start
      A decision is {"duration": "3h59m58s", "id": 1, "origin": "cscli",
      "scenario": "...", "scope": "Ip" | "Range", "type": "ban",
      "value": "1.2.3.4" | "1.2.3.0/24"}; "null", not "[]", when empty, as
      the real LAPI answers.

Decisions are managed by the test through a control server that listens on
--control ADDR:PORT only (say 127.0.0.1:8081 inside the lab's WAN
namespace, out of the bouncer's reach):

  POST /admin/add?value=V[&scope=Ip|Range][&scenario=S][&type=ban]
                 [&origin=cscli][&duration=14400]   -> {"id": N}
  POST /admin/delete?value=V  -> {"deleted": N}  (every active decision on V)
  POST /admin/key?key=K       -> {"key": K}      (the key the API accepts now)
  GET  /admin/state           -> {"active": [...], "cursors": {...}}

Initial decisions: --decision VALUE[,SCOPE[,SCENARIO]] (repeatable).

Every request is logged to --log, one line each, flushed at once:
  stream startup=true key=ok status=200 new=2 deleted=0
  stream startup=false key=bad status=401
  admin add value=203.0.113.67 scope=Ip id=3

    lab-crowdsec.py --bind 198.51.100.81 --port 8080 --control 127.0.0.1:8081 \
        --key KEY --log FILE [--decision 203.0.113.66,Ip,ssh-bf]...
"""

import argparse
import http.server
import json
import signal
import sys
import threading
import time
import urllib.parse


class Lapi:
    """The decisions and each key's pull cursor; every method holds the lock."""

    def __init__(self, key, logpath):
        self.lock = threading.Lock()
        self.key = key
        self.seq = 0  # bumped by every add and delete
        self.next_id = 1
        self.decisions = []  # dicts; "added"/"deleted" are seq numbers
        self.cursors = {}  # api key -> seq of its previous pull
        self.log = open(logpath, "a", buffering=1)

    def note(self, line):
        self.log.write(line + "\n")
        self.log.flush()

    def add(self, value, scope="Ip", scenario="lab/test", dtype="ban", origin="cscli",
            duration=14400):
        with self.lock:
            self.seq += 1
            d = {
                "id": self.next_id,
                "value": value,
                "scope": scope,
                "scenario": scenario,
                "type": dtype,
                "origin": origin,
                "until": time.time() + duration,
                "added": self.seq,
                "deleted": None,
            }
            self.next_id += 1
            self.decisions.append(d)
            self.note("admin add value=%s scope=%s id=%d" % (value, scope, d["id"]))
            return d["id"]

    def delete(self, value):
        with self.lock:
            self.seq += 1
            n = 0
            for d in self.decisions:
                if d["value"] == value and d["deleted"] is None:
                    d["deleted"] = self.seq
                    n += 1
            self.note("admin delete value=%s n=%d" % (value, n))
            return n

    def set_key(self, key):
        with self.lock:
            self.key = key
            self.note("admin key set")

    @staticmethod
    def duration(d, deleted):
        # Go's time.Duration format, as LAPI prints it; negative once gone.
        left = int(d["until"] - time.time())
        if deleted:
            left = -abs(left) or -1
        sign = "-" if left < 0 else ""
        left = abs(left)
        return "%s%dh%dm%ds" % (sign, left // 3600, left % 3600 // 60, left % 60)

    def render(self, d, deleted=False):
        return {
            "duration": self.duration(d, deleted),
            "id": d["id"],
            "origin": d["origin"],
            "scenario": d["scenario"],
            "scope": d["scope"],
            "type": d["type"],
            "value": d["value"],
        }

    def stream(self, key, startup):
        """(status, body) of one pull with key."""
        with self.lock:
            flag = "true" if startup else "false"
            if not key or key != self.key:
                self.note("stream startup=%s key=bad status=401" % flag)
                return 401, {"message": "access forbidden"}
            if startup:
                new = [self.render(d) for d in self.decisions if d["deleted"] is None]
                deleted = []
            else:
                since = self.cursors.get(key, 0)
                new = [self.render(d) for d in self.decisions
                       if d["deleted"] is None and d["added"] > since]
                deleted = [self.render(d, True) for d in self.decisions
                           if d["deleted"] is not None and d["deleted"] > since]
            self.cursors[key] = self.seq
            self.note("stream startup=%s key=ok status=200 new=%d deleted=%d"
                      % (flag, len(new), len(deleted)))
            return 200, {"deleted": deleted or None, "new": new or None}

    def state(self):
        with self.lock:
            return {
                "active": [self.render(d) for d in self.decisions if d["deleted"] is None],
                "cursors": {"key%d" % i: c for i, c in enumerate(self.cursors.values())},
            }


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lapi = None  # set on the subclass per server
    control = False

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if not self.control:
            if method == "GET" and url.path == "/v1/decisions/stream":
                startup = q.get("startup", "false").lower() == "true"
                return self.answer(*self.lapi.stream(self.headers.get("X-Api-Key"), startup))
            return self.answer(404, {"message": "not found"})
        if method == "POST" and url.path == "/admin/add" and "value" in q:
            i = self.lapi.add(q["value"], q.get("scope", "Ip"), q.get("scenario", "lab/test"),
                              q.get("type", "ban"), q.get("origin", "cscli"),
                              int(q.get("duration", "14400")))
            return self.answer(200, {"id": i})
        if method == "POST" and url.path == "/admin/delete" and "value" in q:
            return self.answer(200, {"deleted": self.lapi.delete(q["value"])})
        if method == "POST" and url.path == "/admin/key" and "key" in q:
            self.lapi.set_key(q["key"])
            return self.answer(200, {"key": q["key"]})
        if method == "GET" and url.path == "/admin/state":
            return self.answer(200, self.lapi.state())
        return self.answer(404, {"message": "not found"})

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        # The control requests carry no body that matters; drain any.
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.route("POST")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def host_port(s):
    host, _, port = s.rpartition(":")
    return host, int(port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--control", required=True, help="ADDR:PORT of the control server")
    ap.add_argument("--key", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--decision", action="append", default=[],
                    help="VALUE[,SCOPE[,SCENARIO]]")
    args = ap.parse_args()

    lapi = Lapi(args.key, args.log)
    for spec in args.decision:
        parts = spec.split(",")
        lapi.add(parts[0], parts[1] if len(parts) > 1 else "Ip",
                 parts[2] if len(parts) > 2 else "lab/test")

    api = Server((args.bind, args.port), type("Api", (Handler,), {"lapi": lapi}))
    ctl = Server(host_port(args.control),
                 type("Ctl", (Handler,), {"lapi": lapi, "control": True}))
    threading.Thread(target=ctl.serve_forever, daemon=True).start()
    # SIGTERM (the lab's teardown) ends serve_forever via SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.stderr.write("LAPI stand-in on %s:%d, control on %s\n"
                     % (args.bind, args.port, args.control))
    sys.stderr.flush()
    api.serve_forever()


if __name__ == "__main__":
    main()
