#!/usr/bin/env python3
"""Writes N lines of D random numbers (uniform in [-2, 2), round-trip form), for timing `tapead derive`.

Usage: python3 bench/tools/make_rows.py N D OUT.csv [SEED]
The same N, D and seed always give the same file.
"""
import random
import sys


def main():
    n, d, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 12)
    with open(path, "w", buffering=1 << 20) as out:
        chunk = []
        for _ in range(n):
            chunk.append(",".join(repr(rng.uniform(-2.0, 2.0)) for _ in range(d)))
            if len(chunk) == 10000:
                out.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            out.write("\n".join(chunk) + "\n")


if __name__ == "__main__":
    main()
