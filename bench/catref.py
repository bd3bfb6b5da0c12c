#!/usr/bin/python3
"""The reference side of bench/categories.sh: what a quick implementation does.

bench/catref.py UT1_DIR QUERIES

Loads the tree into a dict (domain -> category; a name in two categories keeps
the first, categories in name order as utm-catbench loads them), then looks up
every query by walking its suffixes (the name, then without its first label,
...) until one is in the dict. Prints the same "key=value" lines as
utm-catbench: load time, RSS growth over the load, lookups per second, hits.
"""
import os
import sys
import time


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def load(root):
    if os.path.isdir(os.path.join(root, "blacklists")):
        root = os.path.join(root, "blacklists")
    db, lines, cats = {}, 0, 0
    for cat in sorted(os.listdir(root)):
        d = os.path.join(root, cat)
        if not os.path.isdir(d):
            continue
        cats += 1
        for fn in sorted(os.listdir(d)):
            if fn != "domains" and not fn.endswith("domains.list"):
                continue
            with open(os.path.join(d, fn), encoding="utf-8", errors="replace") as f:
                for line in f:
                    name = line.strip().rstrip(".").lower()
                    if name and not name.startswith("#"):
                        lines += 1
                        db.setdefault(name, cat)
    return db, lines, cats


def lookup(db, host):
    host = host.lower().rstrip(".")
    while True:
        cat = db.get(host)
        if cat is not None:
            return cat
        dot = host.find(".")
        if dot < 0:
            return None
        host = host[dot + 1:]


def main():
    root, qpath = sys.argv[1], sys.argv[2]
    with open(qpath) as f:
        queries = [line.strip() for line in f if line.strip()]
    rss0 = rss_kb()
    t0 = time.monotonic()
    db, lines, cats = load(root)
    load_s = time.monotonic() - t0
    rss1 = rss_kb()
    hits = {}
    t0 = time.monotonic()
    for q in queries:
        cat = lookup(db, q)
        if cat is not None:
            hits[cat] = hits.get(cat, 0) + 1
    look_s = time.monotonic() - t0
    print("entries=%d" % len(db))
    print("lines=%d" % lines)
    print("categories=%d" % cats)
    print("load_s=%.3f" % load_s)
    print("rss_delta_kb=%d" % (rss1 - rss0))
    print("queries=%d" % len(queries))
    print("lookups=%d" % len(queries))
    print("lookup_s=%.3f" % look_s)
    print("lookups_per_s=%.0f" % (len(queries) / look_s))
    print("hits=%d" % sum(hits.values()))
    for cat in sorted(hits):
        print("hits_%s=%d" % (cat, hits[cat]))


if __name__ == "__main__":
    main()
