#!/usr/bin/python3
"""An HTTP-heavy capture for bench/inspect.sh: N request/response pairs over
real-looking TCP (handshake, MSS-sized segments, ACKs, FIN), text bodies
(HTML/JS/CSS-like, what ET's content rules scan) and some binary downloads.
Written directly as pcap (no scapy: a million frames must take seconds).

    mkhttp_pcap.py OUT.pcap FLOWS SEED
"""
import random
import struct
import sys

MSS = 1448
WORDS = ("function var return document window div class span href script style "
         "body head title meta content width height table tr td form input value "
         "jquery ajax json login user session cookie path index page news search "
         "image png jpg gif css js http https www example com net org api v1").split()
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15",
          "curl/7.88.1", "Microsoft-CryptoAPI/10.0", "Windows-Update-Agent/10.0.10011.16384"]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1796000000.0
        self.bytes = 0
        self.frames = 0

    def frame(self, src_mac, dst_mac, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          5 << 4, flags, 65535, 0, 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        data = dst_mac + src_mac + b"\x08\x00" + ip + tcp
        self.t += 0.00001
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(data), len(data)))
        self.f.write(data)
        self.bytes += len(data)
        self.frames += 1


def text_body(rng, n):
    out = []
    size = 0
    while size < n:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return (" ".join(out))[:n].encode()


def flow(w, rng, i):
    cmac, smac = b"\x02\x99\x00\x00\x00\x10", b"\x02\x99\x00\x00\x00\x01"
    cli = bytes([10, 99, (i >> 8) & 0xFF, 10 + (i & 0x7F)])
    srv = bytes([198, 51, 100, 10 + (i % 200)])
    sport = 20000 + i % 40000
    c, s = 1000 + i * 7, 900000 + i * 13
    w.frame(cmac, smac, cli, srv, sport, 80, c, 0, 0x02)
    w.frame(smac, cmac, srv, cli, 80, sport, s, c + 1, 0x12)
    c += 1
    s += 1
    w.frame(cmac, smac, cli, srv, sport, 80, c, s, 0x10)
    path = "/" + "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    path += rng.choice([".html", ".js", ".css", ".php?id=%d" % rng.randint(1, 9999), ".png", ""])
    req = ("GET %s HTTP/1.1\r\nHost: www.%s.example\r\nUser-Agent: %s\r\nAccept: */*\r\n"
           "Accept-Encoding: identity\r\nCookie: session=%08x\r\n\r\n" %
           (path, rng.choice(WORDS), rng.choice(AGENTS), rng.getrandbits(32))).encode()
    w.frame(cmac, smac, cli, srv, sport, 80, c, s, 0x18, req)
    c += len(req)
    binary = rng.random() < 0.2
    n = rng.randint(60000, 400000) if binary else rng.randint(2000, 60000)
    body = rng.randbytes(n) if binary else text_body(rng, n)
    ctype = "application/octet-stream" if binary else "text/html"
    resp = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (ctype, n)).encode() + body
    for off in range(0, len(resp), MSS):
        seg = resp[off:off + MSS]
        w.frame(smac, cmac, srv, cli, 80, sport, s, c, 0x10, seg)
        s += len(seg)
        if (off // MSS) % 2:
            w.frame(cmac, smac, cli, srv, sport, 80, c, s, 0x10)
    w.frame(cmac, smac, cli, srv, sport, 80, c, s, 0x11)
    w.frame(smac, cmac, srv, cli, 80, sport, s, c + 1, 0x11)
    w.frame(cmac, smac, cli, srv, sport, 80, c + 1, s + 1, 0x10)


def main():
    out, flows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    w = Writer(out)
    for i in range(flows):
        flow(w, rng, i)
    w.f.close()
    print("%d frames, %d bytes" % (w.frames, w.bytes))


if __name__ == "__main__":
    main()
