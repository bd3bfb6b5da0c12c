#!/usr/bin/python3
"""A BitTorrent peer handshake, both ends, for the application detection test.

    bt_peer.py serve ADDR PORT      answer handshakes (one thread per peer)
    bt_peer.py connect ADDR PORT    handshake, then exchange 20 chunks; exit 0
                                    when all went through, 3 when the
                                    connection was reset or cut

The handshake is BitTorrent's (BEP 3): "\\x13BitTorrent protocol", 8 reserved
bytes, a 20-byte info hash and a 20-byte peer id; the chunks after it are
"piece" messages of random bytes, each echoed back.
"""

import os
import socket
import struct
import sys
import threading

PSTR = b"\x13BitTorrent protocol"


def handshake(peer_id):
    return PSTR + bytes(8) + bytes(range(20)) + peer_id


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def serve_one(c):
    try:
        hs = recv_exact(c, 68)
        if not hs.startswith(PSTR):
            return
        c.sendall(handshake(b"-UT0001-serverserver"))
        while True:
            size = struct.unpack(">I", recv_exact(c, 4))[0]
            c.sendall(struct.pack(">I", size) + recv_exact(c, size))
    except (ConnectionError, OSError):
        pass
    finally:
        c.close()


def serve(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve_one, args=(c,), daemon=True).start()


def connect(addr, port):
    try:
        s = socket.create_connection((addr, port), timeout=5)
        s.sendall(handshake(b"-UT0001-clientclient"))
        if not recv_exact(s, 68).startswith(PSTR):
            return 2
        for _ in range(20):
            body = b"\x07" + os.urandom(1000)
            s.sendall(struct.pack(">I", len(body)) + body)
            size = struct.unpack(">I", recv_exact(s, 4))[0]
            if recv_exact(s, size) != body:
                return 2
        s.close()
        return 0
    except (ConnectionError, OSError) as e:
        print("connection cut: %s" % e, file=sys.stderr)
        return 3


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "serve":
        serve(addr, port)
        return 0
    return connect(addr, port)


if __name__ == "__main__":
    sys.exit(main())
