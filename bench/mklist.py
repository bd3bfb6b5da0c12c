#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Build the benchmark's block lists, probe addresses and traffic destinations.

The list holds every entry of the real IP blocklists (when the shared data is
present) plus synthetic IPv4 entries up to --total, about --prefix-share of
them prefixes of /16../24 and the rest single addresses, shuffled with a fixed
seed so that every run measures the same list. Entries touching the address
ranges the benchmark's own traffic uses are left out, so that its traffic is
forwarded rather than blocked.

Writes into --out:
  block-1m.list     all --total entries (the name is fixed, the size is not)
  block-10k.list    the first 10,000 entries (a subset: its probes hit both)
  block-0.list      no entries
  block-1m-b.list   block-1m.list with its last entry replaced (a feed update)
  dsts.txt          65,536 random public IPv4 addresses that no entry covers
  probes.env        HIT32 (a listed address), HITNET (inside a listed
                    prefix, not itself listed), MISS (listed nowhere)
  block.nft         the same entries as an nftables bridge table
  summary.txt       what went into the list
"""
import argparse
import bisect
import ipaddress
import os
import random
import sys

# The benchmark's own traffic: sources in the lab's 10/8, the RFC 2544
# benchmarking range kept free as well.
RESERVED = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "198.18.0.0/15")]
# Where synthetic entries and destinations never go: private, shared,
# loopback, link-local, documentation, multicast and reserved space.
NOT_PUBLIC = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")]
# Share of each prefix length among synthetic prefixes (most real ones are /24s).
PREFIX_MIX = {24: 50, 23: 10, 22: 15, 21: 8, 20: 8, 19: 4, 18: 2, 17: 1.5, 16: 1.5}
SUBSET = 10000
NDSTS = 65536
SKIP_FILES = ("SOURCES.txt", "scirius-categories.txt", "README.md")


def read_real(data_dir):
    """Unique networks of every list file under data_dir, and lines skipped."""
    nets, skipped = set(), 0
    if not data_dir or not os.path.isdir(data_dir):
        return nets, 0
    for root, dirs, files in os.walk(data_dir):
        dirs.sort()
        for name in sorted(files):
            if name in SKIP_FILES:
                continue
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if not line or line[0] in "#;":
                        continue
                    tok = line.replace(",", " ").replace(";", " ").split()[0]
                    try:
                        nets.add(ipaddress.ip_network(tok, strict=False))
                    except ValueError:
                        skipped += 1
    return nets, skipped


def public_ranges():
    """The public IPv4 space as sorted (start, end) integer ranges."""
    ranges, start = [], 0
    for n in sorted(NOT_PUBLIC, key=lambda n: int(n.network_address)):
        lo = int(n.network_address)
        if lo > start:
            ranges.append((start, lo - 1))
        start = max(start, int(n.broadcast_address) + 1)
    if start <= 0xFFFFFFFF:
        ranges.append((start, 0xFFFFFFFF))
    return ranges


class PublicSpace:
    """Uniform random addresses from the public IPv4 space."""

    def __init__(self, rng):
        self.rng = rng
        self.ranges = public_ranges()
        self.cum, total = [], 0
        for lo, hi in self.ranges:
            total += hi - lo + 1
            self.cum.append(total)
        self.total = total

    def address(self):
        k = self.rng.randrange(self.total)
        i = bisect.bisect_right(self.cum, k)
        lo, hi = self.ranges[i]
        return lo + k - (self.cum[i] - (hi - lo + 1))


def within_public(net):
    return not any(net.overlaps(r) for r in NOT_PUBLIC)


class Cover:
    """Which IPv4 addresses the list's prefixes and hosts cover."""

    def __init__(self, nets):
        iv = sorted((int(n.network_address), int(n.broadcast_address))
                    for n in nets if n.version == 4 and n.prefixlen < 32)
        self.starts, self.ends = [], []
        for lo, hi in iv:
            if self.ends and lo <= self.ends[-1] + 1:
                self.ends[-1] = max(self.ends[-1], hi)
            else:
                self.starts.append(lo)
                self.ends.append(hi)
        self.hosts = {int(n.network_address) for n in nets
                      if n.version == 4 and n.prefixlen == 32}

    def covers(self, a):
        if a in self.hosts:
            return True
        i = bisect.bisect_right(self.starts, a) - 1
        return i >= 0 and a <= self.ends[i]


def synthesize(rng, nets, n_hosts, n_prefixes):
    space = PublicSpace(rng)
    lens, weights = zip(*PREFIX_MIX.items())
    added = 0
    while added < n_prefixes:
        plen = rng.choices(lens, weights)[0]
        a = space.address() & (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        net = ipaddress.IPv4Network((a, plen))
        if net not in nets and within_public(net):
            nets.add(net)
            added += 1
    added = 0
    while added < n_hosts:
        net = ipaddress.IPv4Network((space.address(), 32))
        if net not in nets:
            nets.add(net)
            added += 1
    return space


def fmt(net):
    return str(net.network_address) if net.prefixlen == net.max_prefixlen else str(net)


def write_list(path, entries, title):
    with open(path, "w") as f:
        f.write(f"# {title}\n")
        for n in entries:
            f.write(fmt(n) + "\n")


def nft_elements(f, table, set_name, nets):
    """add element commands of 5,000 entries: one huge line parses slowly."""
    for i in range(0, len(nets), 5000):
        f.write(f"add element bridge {table} {set_name} {{ ")
        f.write(", ".join(fmt(n) for n in nets[i:i + 5000]))
        f.write(" }\n")


def write_nft(path, entries):
    """Same semantics as utm-load --block: lan->wan frames are checked by
    destination, wan->lan frames by source; exact addresses in hash sets and
    prefixes in interval sets, as the UTM splits them into hash and LPM maps."""
    t = "utm_bench"
    sets = {"b4h": [], "b4n": [], "b6h": [], "b6n": []}
    for n in entries:
        host = n.prefixlen == n.max_prefixlen
        sets[("b4" if n.version == 4 else "b6") + ("h" if host else "n")].append(n)
    with open(path, "w") as f:
        f.write(f"table bridge {t} {{\n")
        for name, nets in sets.items():
            typ = "ipv4_addr" if name[1] == "4" else "ipv6_addr"
            extra = "flags interval; auto-merge;" if name[2] == "n" else \
                f"size {len(nets) + 65536};"
            f.write(f"\tset {name} {{ type {typ}; {extra} }}\n")
        f.write("\tchain forward {\n"
                "\t\ttype filter hook forward priority 0; policy accept;\n")
        for port, field in (("lan", "daddr"), ("wan", "saddr")):
            for fam, proto in (("4", "ip"), ("6", "ip6")):
                for kind in "hn":
                    f.write(f"\t\tiif \"{port}\" {proto} {field} @b{fam}{kind} drop\n")
        f.write("\t}\n}\n")
        for name, nets in sets.items():
            nft_elements(f, t, name, nets)


def pick_probes(rng, subset, cover):
    hosts = [n for n in subset if n.version == 4 and n.prefixlen == 32]
    prefixes = [n for n in subset if n.version == 4 and 16 <= n.prefixlen <= 24]
    hit32 = rng.choice(hosts)
    for _ in range(1000):
        net = rng.choice(prefixes)
        a = int(net.network_address) + 1 + rng.randrange(net.num_addresses - 2)
        if a not in cover.hosts:
            return hit32, ipaddress.IPv4Address(a)
    sys.exit("mklist: no prefix probe found")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="the shared ip-blocklists directory (optional)")
    ap.add_argument("--total", type=int, default=1000000)
    ap.add_argument("--prefix-share", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    real, skipped = read_real(a.data)
    kept = {n for n in real if not any(n.overlaps(r) for r in RESERVED
                                       if r.version == n.version)}
    removed = len(real) - len(kept)
    if len(kept) > a.total:
        sys.exit(f"mklist: {len(kept)} real entries exceed --total {a.total}")
    nets = set(kept)
    real_prefixes = sum(1 for n in kept if n.prefixlen < n.max_prefixlen)
    want_prefixes = max(0, round(a.total * a.prefix_share) - real_prefixes)
    n_synth = a.total - len(kept)
    want_prefixes = min(want_prefixes, n_synth)
    space = synthesize(rng, nets, n_synth - want_prefixes, want_prefixes)

    entries = sorted(nets, key=lambda n: (n.version, int(n.network_address), n.prefixlen))
    rng.shuffle(entries)
    cover = Cover(nets)
    subset = entries[:SUBSET]
    hit32, hitnet = pick_probes(rng, subset, cover)

    dsts = set()
    while len(dsts) < NDSTS:
        d = space.address()
        if not cover.covers(d):
            dsts.add(d)
    dsts = sorted(dsts)
    rng.shuffle(dsts)
    miss = ipaddress.IPv4Address(dsts[0])

    spare = None
    while spare is None or spare in nets:
        spare = ipaddress.IPv4Network((space.address(), 32))
    if cover.covers(int(spare.network_address)):
        spare = None
    os.makedirs(a.out, exist_ok=True)
    o = a.out
    write_list(f"{o}/block-1m.list", entries, f"benchmark list: {len(entries)} entries")
    write_list(f"{o}/block-10k.list", subset, f"benchmark list: first {len(subset)} entries")
    write_list(f"{o}/block-0.list", [], "benchmark list: no entries")
    updated = entries[:-1] + [spare or entries[-1]]
    write_list(f"{o}/block-1m-b.list", updated,
               f"benchmark list: {len(updated)} entries, last one replaced")
    with open(f"{o}/dsts.txt", "w") as f:
        f.write("".join(str(ipaddress.IPv4Address(d)) + "\n" for d in dsts))
    with open(f"{o}/probes.env", "w") as f:
        f.write(f"HIT32={hit32.network_address}\nHITNET={hitnet}\nMISS={miss}\n")
    write_nft(f"{o}/block.nft", entries)

    v4h = sum(1 for n in entries if n.version == 4 and n.prefixlen == 32)
    v4n = sum(1 for n in entries if n.version == 4 and n.prefixlen < 32)
    v6 = sum(1 for n in entries if n.version == 6)
    with open(f"{o}/summary.txt", "w") as f:
        f.write(f"{len(entries)} entries: {v4h} IPv4 addresses, {v4n} IPv4 prefixes, "
                f"{v6} IPv6 entries ({v4n * 100 / len(entries):.1f}% IPv4 prefixes)\n"
                f"real: {len(kept)} unique entries from {a.data or '(none)'} "
                f"({removed} touching 10.0.0.0/8 or 198.18.0.0/15 left out, "
                f"{skipped} lines not an address); synthetic: {n_synth} "
                f"({want_prefixes} prefixes /16../24), seed {a.seed}\n")


if __name__ == "__main__":
    main()
