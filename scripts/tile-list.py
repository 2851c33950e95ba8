#!/usr/bin/env python3
"""The fixed list of tiles the tile benchmarks request, as z/x/y lines: every tile of a
zoom over Rwanda while there are at most 60, then 60 drawn at random (seeded) per zoom,
zooms 6 to 14. Usage: scripts/tile-list.py OUT [PREFIX [SUFFIX]] (each line is
PREFIX z/x/y SUFFIX)."""
import math
import random
import sys


def tile(lon, lat, z):
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


rng = random.Random(20261126)
out = []
for z in range(6, 15):
    x0, y0 = tile(28.86, -1.05, z)
    x1, y1 = tile(30.90, -2.84, z)
    every = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    out += every if len(every) <= 60 else rng.sample(every, 60)
prefix = sys.argv[2] if len(sys.argv) > 2 else ""
suffix = sys.argv[3] if len(sys.argv) > 3 else ""
with open(sys.argv[1], "w") as f:
    f.write("\n".join(f"{prefix}{z}/{x}/{y}{suffix}" for z, x, y in out) + "\n")
