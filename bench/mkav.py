#!/usr/bin/env python3
"""Inputs of bench/av.sh, deterministic (seeded), no real malware.

    mkav.py db DIR N       N random signatures: N/2 .hsb (SHA-256:size) and
                           N/2 .ndb (16-byte bodies, anywhere), as hash feeds
                           and body signatures of a large database have them
    mkav.py corpus DIR MB  about MB megabytes of files of the kinds a small
                           office downloads and mails: text/HTML, binary,
                           zip (deflate) and tar.gz of text, a few EICARs
"""
import io
import os
import random
import sys
import tarfile
import zipfile

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
WORDS = ("invoice order meeting report office the and of to a in is for on with as by at from "
         "price delivery customer account payment please regards attached document").split()


def mkdb(d, n):
    rnd = random.Random(1)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "bench.hsb"), "w") as f:
        for i in range(n // 2):
            f.write("%064x:%d:Bench.Hash-%d\n" % (rnd.getrandbits(256), rnd.randint(1000, 5 << 20), i))
    with open(os.path.join(d, "bench.ndb"), "w") as f:
        for i in range(n - n // 2):
            f.write("Bench.Body-%d:0:*:%032x\n" % (i, rnd.getrandbits(128)))


def text(rnd, size):
    out, n = [], 0
    while n < size:
        line = " ".join(rnd.choice(WORDS) for _ in range(12)) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()[:size]


def corpus(d, mb):
    rnd = random.Random(2)
    os.makedirs(d, exist_ok=True)
    total, i = 0, 0
    while total < mb << 20:
        kind = i % 5
        size = rnd.randint(64 << 10, 2 << 20)
        if kind == 0:
            name, data = "doc%04d.txt" % i, text(rnd, size)
        elif kind == 1:
            body = text(rnd, size).replace(b"\n", b"<br>\n")
            name, data = "page%04d.html" % i, b"<html><body>" + body + b"</body></html>"
        elif kind == 2:
            name, data = "blob%04d.bin" % i, rnd.randbytes(size)
        elif kind == 3:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for j in range(4):
                    z.writestr("part%d.txt" % j, text(rnd, size // 4))
            name, data = "mail%04d.zip" % i, buf.getvalue()
        else:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz") as t:
                raw = text(rnd, size)
                info = tarfile.TarInfo("notes.txt")
                info.size = len(raw)
                t.addfile(info, io.BytesIO(raw))
            name, data = "arch%04d.tar.gz" % i, buf.getvalue()
        if i % 50 == 7:
            name, data = "eicar%04d.com" % i, EICAR
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        total += len(data)
        i += 1


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("db", "corpus"):
        sys.exit(__doc__)
    (mkdb if sys.argv[1] == "db" else corpus)(sys.argv[2], int(sys.argv[3]))
