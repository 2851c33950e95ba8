"""Sendai indicators of the demo's loss records, computed independently of sitroom's
engine and compared with what its API answers (within 0.1%).

Reads the records as the API exports them (CSV with a HXL hashtag row, parsed by libhxl,
HXL's own library), the population of each village from the population layer's features
and each village's household size from the village boundary layer's own figures, both
straight from the SQLite store with SQL; sums by unit and year (a record coded coarser
than a level counts in none of its units); and checks A-1 to A-3, B-1 to B-4 (with
rates per 100,000) and D-1 to D-4 for the country, by district and by sector.

Usage: python check.py BASE_URL TOKEN DB
"""
import collections
import io
import json
import sqlite3
import sys
import urllib.request

import hxl

base, token, db = sys.argv[1:4]


def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.read()


def current_features(conn, layer):
    (version,) = conn.execute("SELECT current_version FROM layers WHERE id = ?", (layer,)).fetchone()
    return conn.execute(
        "SELECT code, population, households FROM features WHERE layer_id = ? AND version = ?",
        (layer, version),
    ).fetchall()


conn = sqlite3.connect(db)
people = collections.defaultdict(float)
for code, pop, _ in current_features(conn, "population-2022"):
    people[code] += pop or 0.0
# People and households of every unit, summed from its villages (the national unit's
# code is empty): a unit's household size is its own, else its nearest parent's.
sized = collections.defaultdict(lambda: [0.0, 0.0])
for code, pop, hh in current_features(conn, "rwa-villages"):
    if pop and hh:
        for digits in (0, 1, 2, 4, 6, 8):
            sized[code[:digits]][0] += pop
            sized[code[:digits]][1] += hh


def size_of(code):
    for digits in (8, 6, 4, 2, 1, 0):
        if digits <= len(code) and code[:digits] in sized:
            p, h = sized[code[:digits]]
            return p / h
    return 0.0


records = hxl.data(io.BytesIO(get("/api/records/losses/items?format=csv")))
cols = [c.display_tag for c in records.columns]


def num(row, tag):
    v = row[cols.index(tag)]
    return float(v) if v not in (None, "") else 0.0


CODES = ["#adm1+code", "#adm2+code", "#adm3+code", "#adm4+code", "#adm5+code"]
rows = []
for r in records:
    v = r.values
    assert v[cols.index("#country+code")] == "RWA"
    # The finest code given (none: the whole country).
    code = next((v[cols.index(t)] for t in reversed(CODES) if v[cols.index(t)]), "")
    rows.append((code, int(v[cols.index("#date+occurred")][:4]), {
        t: num(v, t) for t in ["#affected+killed", "#affected+missing", "#affected+injured",
                               "#affected+direct", "#loss+houses+destroyed", "#loss+houses+damaged",
                               "#loss+schools", "#loss+health", "#loss+roads+km"]}))
assert rows, "the demo has loss records"
assert any(len(code) < 8 for code, _, _ in rows), "the reported ones are district and national"

failures = 0
for level, digits in [("country", 0), ("district", 2), ("sector", 4)]:
    mine = collections.defaultdict(lambda: collections.defaultdict(float))
    for code, year, f in rows:
        if len(code) < digits:
            continue  # coded coarser than the level: in no unit of it
        s = mine[(code[:digits], year)]
        hh = size_of(code)
        s["A-2"] += f["#affected+killed"]
        s["A-3"] += f["#affected+missing"]
        s["A-1"] += f["#affected+killed"] + f["#affected+missing"]
        s["B-2"] += f["#affected+injured"]
        s["B-3"] += f["#loss+houses+damaged"] * hh
        s["B-4"] += f["#loss+houses+destroyed"] * hh
        s["B-1"] += (f["#affected+injured"] + (f["#loss+houses+damaged"] + f["#loss+houses+destroyed"]) * hh
                     + f["#affected+direct"])
        s["D-2"] += f["#loss+health"]
        s["D-3"] += f["#loss+schools"]
        s["D-1"] += f["#loss+health"] + f["#loss+schools"]
        s["D-4"] += f["#loss+roads+km"]
    answer = json.loads(get(f"/api/records/losses/sendai?level={level}"))["report"]["rows"]
    assert len(answer) == len(mine), f"{level}: {len(answer)} unit-years from the API, {len(mine)} here"
    for row in answer:
        expect = mine[(row["code"], row["year"])]
        population = sum(p for c, p in people.items() if c.startswith(row["code"]))
        for fig in row["figures"]:
            if fig["code"] not in expect:
                continue
            want = expect[fig["code"]]
            checks = [("value", fig["value"], want)]
            if fig["code"][0] in "AB":
                checks.append(("per 100,000", fig.get("per_100k"), want / population * 1e5))
            for what, got, exp in checks:
                if got is None or abs(got - exp) > max(1e-9, abs(exp) * 1e-3):
                    failures += 1
                    print(f"{level} {row['code']} {row['year']} {fig['code']} {what}: API {got}, here {exp}")
    print(f"{level}: {len(answer)} unit-years, every A, B and D indicator checked")
sys.exit(1 if failures else 0)
