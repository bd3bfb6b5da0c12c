#!/usr/bin/python3
"""The web categories benchmark's input: a UT1 tree of N domains, and queries.

bench/mkcategories.py [--data DIR] [--total N] [--queries Q] --out OUTDIR

Writes to OUTDIR:
  tree/CATEGORY/domains  N names in all, in UT1's layout (tree/global_usage is
                         the real catalogue when DIR has it)
  queries.txt            Q host names, one a line: half of them hits (a listed
                         name, a third of those as a subdomain "www.NAME"), half
                         misses shaped like them; shuffled
  summary.txt            what the tree holds

Real names come from DIR/ut1-categories (../shared/data): every domains file
(adult's adult-top1m-domains.list included) in its own category, taken as
they are but lower-cased and stripped. Synthetic names fill the tree to N,
spread over the same categories in proportion, made by bench/mkdomains.py's
generator. Fixed seed: the same tree and queries each run.
"""
import argparse
import os
import random
import shutil
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mkdomains import SEED, synthetic  # noqa: E402

FALLBACK_CATS = ["adult", "gambling", "games", "shopping", "social_networks", "warez"]


def real_tree(data):
    """{category: [names]} of the real UT1 domains files, in file order."""
    root = os.path.join(data, "ut1-categories") if data else None
    cats = {}
    if not root or not os.path.isdir(root):
        return cats, None
    for cat in sorted(os.listdir(root)):
        d = os.path.join(root, cat)
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if fn != "domains" and not fn.endswith("domains.list"):
                continue
            with open(os.path.join(d, fn), encoding="utf-8", errors="replace") as f:
                for line in f:
                    name = line.strip().rstrip(".").lower()
                    if name and not name.startswith("#"):
                        cats.setdefault(cat, []).append(name)
    gu = os.path.join(root, "global_usage")
    return cats, gu if os.path.exists(gu) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--total", type=int, default=1000000)
    ap.add_argument("--queries", type=int, default=1000000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(SEED)

    cats, global_usage = real_tree(a.data)
    seen = set()
    for cat in cats:
        uniq = []
        for n in cats[cat]:
            if n not in seen:
                seen.add(n)
                uniq.append(n)
        cats[cat] = uniq
    real = len(seen)
    if not cats:
        cats = {c: [] for c in FALLBACK_CATS}
    names = sorted(cats)
    weights = [max(len(cats[c]), 1) for c in names]
    while len(seen) < a.total:
        name = synthetic(rng)
        if name not in seen:
            seen.add(name)
            cats[rng.choices(names, weights)[0]].append(name)

    tree = os.path.join(a.out, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    if global_usage:
        shutil.copy(global_usage, os.path.join(tree, "global_usage"))
    listed = []
    for cat in names:
        os.makedirs(os.path.join(tree, cat))
        with open(os.path.join(tree, cat, "domains"), "w") as f:
            f.writelines(n + "\n" for n in cats[cat])
        listed.extend(cats[cat])

    # Misses: 17-letter labels, which no synthetic or real name has under .com/.net.
    queries = []
    for name in rng.sample(listed, a.queries // 2):
        queries.append("www." + name if rng.random() < 1 / 3 else name)
    while len(queries) < a.queries:
        label = "".join(rng.choice(string.ascii_lowercase) for _ in range(17))
        name = label + "." + rng.choice(["com", "net"])
        queries.append("www." + name if rng.random() < 1 / 3 else name)
    rng.shuffle(queries)
    with open(os.path.join(a.out, "queries.txt"), "w") as f:
        f.writelines(q + "\n" for q in queries)
    with open(os.path.join(a.out, "summary.txt"), "w") as f:
        f.write("tree: %d names in %d categories: %d real (UT1), %d synthetic (seed %d); "
                "queries: %d, half listed names (a third as www.NAME), half unlisted\n"
                % (len(listed), len(names), real, len(listed) - real, SEED, len(queries)))


if __name__ == "__main__":
    main()
