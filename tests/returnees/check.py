"""Returnee households' progress on the demo, computed independently of sitroom's engine
and compared with what its API answers: exactly (counts, medians, shares).

Reads the register as the API exports it (CSV with a HXL hashtag row, read here by its
hashtags with Python's csv module) and counts, per unit at each level and as of a fixed
day: the households that arrived by then and their members; for each support component
the households owed it (all but those marked not-eligible; school only those with
children of school age), those that received it by that day, the median days from
arrival to receiving it, those that received it within 30 days; and the households
that received everything they are owed.

Usage: python check.py BASE_URL TOKEN (an analyst's)
"""
import collections
import csv
import datetime
import io
import json
import statistics
import sys
import urllib.request

base, token = sys.argv[1:3]
AS_OF = datetime.date(2026, 11, 30)
# (component, status hashtag, date hashtag), as docs/records.md lists them.
COMPONENTS = [
    ("food", "#status+food", "#date+food"),
    ("cash_grant", "#status+cash", "#date+cash"),
    ("health_insurance", "#status+health+insurance", "#date+health+insurance"),
    ("shelter", "#status+shelter", "#date+shelter"),
    ("vocational_training", "#status+livelihood+training", "#date+livelihood+training"),
    ("startup_kit", "#status+livelihood+kit", "#date+livelihood+kit"),
    ("microloan", "#status+livelihood+loan", "#date+livelihood+loan"),
    ("school", "#status+education", "#date+education"),
    ("community_dialogue", "#status+dialogue", "#date+dialogue"),
]
DIGITS = {"country": 0, "province": 1, "district": 2, "sector": 4, "cell": 6}


def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.read()


rows = list(csv.reader(io.StringIO(get("/api/records/returnees/items?format=csv").decode())))
tags = [t.strip() for t in rows[1]]
col = {t: i for i, t in enumerate(tags)}
households = []
for r in rows[2:]:
    cell = lambda tag: r[col[tag]].strip()
    arrived = datetime.date.fromisoformat(cell("#date+arrival"))
    if arrived > AS_OF:
        continue
    school_age = cell("#population+hh+children+school_age")
    owed = {}
    for name, status_tag, date_tag in COMPONENTS:
        status = cell(status_tag)
        eligible = status != "not-eligible" and not (name == "school" and school_age == "0")
        on = cell(date_tag)
        days = None
        if eligible and status == "received" and on and datetime.date.fromisoformat(on) <= AS_OF:
            days = (datetime.date.fromisoformat(on) - arrived).days
        owed[name] = (eligible, days)
    households.append((cell("#adm5+code"), float(cell("#population+hh+total") or 0), owed))
print(f"{len(households)} households arrived by {AS_OF}", file=sys.stderr)

failures = 0
for level, digits in DIGITS.items():
    expect = collections.defaultdict(lambda: {"households": 0, "members": 0.0, "complete": 0,
                                              "c": collections.defaultdict(lambda: [0, []])})
    for code, members, owed in households:
        u = expect[code[:digits]]
        u["households"] += 1
        u["members"] += members
        if all(days is not None for eligible, days in owed.values() if eligible):
            u["complete"] += 1
        for name, (eligible, days) in owed.items():
            if eligible:
                u["c"][name][0] += 1
                if days is not None:
                    u["c"][name][1].append(days)
    answer = json.loads(get(f"/api/records/returnees/progress?level={level}&as_of={AS_OF}"))
    got = {u["code"]: u for u in answer["units"]}
    if set(got) != set(expect):
        print(f"FAIL {level}: units {sorted(set(got) ^ set(expect))[:5]} differ", file=sys.stderr)
        failures += 1
        continue
    for code, e in expect.items():
        g = got[code]
        want = (e["households"], e["members"], e["complete"])
        have = (g["households"], g["members"], g["complete"])
        if want != have:
            print(f"FAIL {level} {code}: households, members, complete {have} != {want}", file=sys.stderr)
            failures += 1
        comps = {c["component"]: c for c in g["components"]}
        for name, _, _ in COMPONENTS:
            eligible, days = e["c"][name]
            median = statistics.median(days) if days else None
            within = sum(1 for d in days if d <= 30)
            share = len(days) / eligible if eligible else None
            c = comps[name]
            have = (c["eligible"], c["received"], c["median_days"], c["within_month"], c["share"])
            want = (eligible, len(days), median, within, share)
            if have != want:
                print(f"FAIL {level} {code} {name}: {have} != {want}", file=sys.stderr)
                failures += 1
    print(f"ok   {level}: {len(expect)} units, every figure as counted here", file=sys.stderr)
sys.exit(1 if failures else 0)
