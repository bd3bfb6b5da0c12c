#!/usr/bin/python3
"""The DNS benchmark's domain list: real names plus synthetic ones.

bench/mkdomains.py [--data DIR] [--total N] [--queries Q] --out OUTDIR

Writes to OUTDIR:
  domains.txt   N names, one a line (a plain domain list for utm-load)
  hosts.txt     the same names as "0.0.0.0 NAME" (dnsmasq --addn-hosts)
  queries.txt   Q names drawn from the list, "NAME A" (utm-dnsblast, dnsperf)
  unlisted.txt  Q names in no entry's domain, "NAME A"
  summary.txt   what the list holds

Real names come from DIR (../shared/data): the URLhaus hosts file, nDPI's
gambling list and the hosts of UT1's phishing and malware URL lists, parsed
the simple way (the loader's parsers are tested elsewhere); IP addresses and
single-label names are left out, as utm-load does. Synthetic names fill the
list to N: random labels under common top-level domains, a third of them
with a subdomain label, shaped like the real ones (the real lists' names
average 2.6 labels and 20 characters). Fixed seed: the same list each run.
"""
import argparse
import os
import random
import re
import string

SEED = 20240601
TLDS = ["com", "net", "org", "info", "xyz", "top", "online", "site", "ru", "de", "br",
        "in", "cn", "io", "co", "uk", "fr", "shop", "club", "live"]
SUBS = ["www", "cdn", "api", "mail", "login", "secure", "app", "m", "static", "update"]
NAME_RE = re.compile(r"^(?=.*[a-z])[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})+$")
IP_RE = re.compile(r"^[0-9.]+$|:")


def usable(name):
    """A name utm-load would keep: lowercase, dotted, not an IP address."""
    name = name.strip().rstrip(".").lower()
    if not name or IP_RE.search(name) or not NAME_RE.match(name) or len(name) > 200:
        return None
    return name


def real_names(data):
    """Names of the shared real lists, in file order, with their source."""
    if not data:
        return []
    found = []
    files = [
        ("domain-blocklists/urlhaus-filter/urlhaus-filter-hosts.txt", "hosts"),
        ("domain-blocklists/ndpi-lists/107_gambling.list", "plain"),
        ("ut1-categories/phishing/urls", "urls"),
        ("ut1-categories/malware/urls", "urls"),
    ]
    for rel, kind in files:
        path = os.path.join(data, rel)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line or line[0] in "#;!":
                    continue
                if kind == "hosts":
                    fields = line.split()
                    name = fields[1] if len(fields) > 1 else ""
                elif kind == "urls":
                    name = re.sub(r"^[a-z]+://", "", line.split()[0].lower())
                    name = re.split(r"[/?#]", name, 1)[0].split("@")[-1].split(":")[0]
                else:
                    name = line.split()[0]
                name = usable(name)
                if name:
                    found.append((name, rel))
    return found


def synthetic(rng):
    """One random name: label[.label].tld."""
    alphabet = string.ascii_lowercase + string.digits
    n = rng.randint(5, 15)
    label = "".join(rng.choice(alphabet) for _ in range(n))
    if n > 8 and rng.random() < 0.2:
        cut = rng.randint(2, n - 2)
        label = label[:cut] + "-" + label[cut:]
    name = label + "." + rng.choice(TLDS)
    if rng.random() < 1 / 3:
        name = rng.choice(SUBS) + "." + name
    return name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--total", type=int, default=1000000)
    ap.add_argument("--queries", type=int, default=65536)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(SEED)

    names, seen, per_file = [], set(), {}
    for name, rel in real_names(a.data):
        if name not in seen:
            seen.add(name)
            names.append(name)
            per_file[rel] = per_file.get(rel, 0) + 1
    real = len(names)
    if real > a.total:
        names, real = names[:a.total], a.total
        seen = set(names)
    while len(names) < a.total:
        name = synthetic(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)

    # Unlisted names: same shape, under a label no entry can cover (no
    # synthetic label has 17 characters), so no entry matches them or a parent.
    unlisted = []
    while len(unlisted) < a.queries:
        name = "".join(rng.choice(string.ascii_lowercase) for _ in range(17)) + ".com"
        if name not in seen:
            unlisted.append(name)
    queries = rng.sample(names, min(a.queries, len(names)))
    rng.shuffle(names)

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "domains.txt"), "w") as f:
        f.write("# DNS benchmark list (bench/mkdomains.py, seed %d)\n" % SEED)
        f.writelines(n + "\n" for n in names)
    with open(os.path.join(a.out, "hosts.txt"), "w") as f:
        f.writelines("0.0.0.0 " + n + "\n" for n in names)
    with open(os.path.join(a.out, "queries.txt"), "w") as f:
        f.writelines(n + " A\n" for n in queries)
    with open(os.path.join(a.out, "unlisted.txt"), "w") as f:
        f.writelines(n + " A\n" for n in unlisted)
    labels = sum(n.count(".") + 1 for n in names) / len(names)
    chars = sum(len(n) for n in names) / len(names)
    with open(os.path.join(a.out, "summary.txt"), "w") as f:
        f.write("list: %d names: %d real (%s), %d synthetic (seed %d); "
                "%.1f labels and %.1f characters per name on average\n" % (
                    len(names), real,
                    ", ".join("%s %d" % ("/".join(k.split("/")[-2:]), v) for k, v in per_file.items())
                    or "no shared data", len(names) - real, SEED, labels, chars))


if __name__ == "__main__":
    main()
