#!/usr/bin/env python3
"""The soak run's driver (started by tests/soak/run.sh, which sets up the server).

For DURATION seconds: three oha runs (tiles, features, exposure; 64 connections in all)
on loopback; a new version of the `soak-points` layer uploaded every UPLOAD_EVERY
seconds (SYNTHETIC points, seeded, 500 + generation of them, each carrying its
generation); PostGIS restarted once half way, with an upload sent while it is down; a
checker reading that layer's features and exposure report over and over, failing on any
response that mixes versions (features of two generations, or a count that is not the
one of the version the report names); the server's resident memory sampled every 5 s.

Prints a Markdown report and exits non-zero on a 5xx other than the documented 503 on a
write during the outage, on a mixed response, or when oha fails.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

BASE = os.environ["BASE"]
TOKEN = os.environ["TOKEN"]
PID = int(os.environ["SERVER_PID"])
OHA = os.environ.get("OHA", "oha")
DURATION = int(os.environ.get("DURATION", "600"))
UPLOAD_EVERY = int(os.environ.get("UPLOAD_EVERY", "30"))
RESTART = os.environ["RESTART_CMD"]
BASE_POINTS = 500

lock = threading.Lock()
gen_of_version = {}  # store version -> generation uploaded as it
writes = []  # (t, generation, status, during_outage)
checks = {"features": 0, "exposure": 0, "mixed": [], "errors": []}
count_of_version = {}  # store version -> points counted in its first exposure report
rss = []  # (t, MiB)
outage = {"start": None, "end": None}
started = time.time()


def points(gen):
    rnd = random.Random(20261127 + gen)
    feats = []
    for i in range(BASE_POINTS + gen):
        lon = 29.9 + rnd.random() * 0.4
        lat = -2.1 + rnd.random() * 0.3
        feats.append({
            "type": "Feature",
            "properties": {"gen": gen, "i": i, "people": 4},
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        })
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


def upload(gen):
    boundary = uuid.uuid4().hex
    fields = {
        "kind": "exposure", "theme": "settlement", "anonymous": "true",
        "population_field": "people",
        "title": "Soak points (SYNTHETIC, seeded)",
        "attribution": "SYNTHETIC points for the soak test (tests/soak/soak.py)",
    }
    body = b""
    for k, v in fields.items():
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"soak-{gen}.geojson\"\r\nContent-Type: application/geo+json\r\n\r\n").encode()
    body += points(gen) + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{BASE}/api/layers/soak-points", data=body, method="POST", headers={
        "Authorization": f"Bearer {TOKEN}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    })
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            answer = json.load(r)
            with lock:
                gen_of_version[answer["version"]] = gen
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception as e:  # connection refused and the like
        with lock:
            checks["errors"].append(f"upload {gen}: {e}")
        return 0


def in_outage():
    with lock:
        s, e = outage["start"], outage["end"]
    now = time.time()
    return s is not None and now >= s and (e is None or now <= e + 5)


def record_write(gen, status, began):
    during = in_outage()
    with lock:
        writes.append((round(began - started), gen, status, during, round(time.time() - began, 1)))


def uploader(stop):
    gen = 1
    while not stop.is_set():
        began = time.time()
        record_write(gen, upload(gen), began)
        gen += 1
        stop.wait(UPLOAD_EVERY)


def get_json(path):
    with urllib.request.urlopen(f"{BASE}{path}", timeout=60) as r:
        return json.load(r)


def checker(stop):
    while not stop.is_set():
        try:
            page = get_json("/ogc/collections/soak-points/items?limit=10000")
            gens = {f["properties"]["gen"] for f in page["features"]}
            with lock:
                checks["features"] += 1
            if len(gens) != 1 or page["numberMatched"] != BASE_POINTS + next(iter(gens)):
                with lock:
                    checks["mixed"].append(f"features: generations {sorted(gens)}, {page['numberMatched']} matched")
            report = get_json("/api/exposure?hazard=flood-zones&exposure=soak-points&by=district")
            version = report["exposure"]["version"]
            count = round(sum(c["count"] for c in report["total"]))
            with lock:
                checks["exposure"] += 1
                gen = gen_of_version.get(version)
            # Every report of one version must count the same points, all of that
            # generation (a point may fall in a sliver between villages: 3 allowed).
            with lock:
                first = count_of_version.setdefault(version, count)
            expected = None if gen is None else BASE_POINTS + gen
            if count != first or (expected is not None and not expected - 3 <= count <= expected):
                with lock:
                    checks["mixed"].append(f"exposure: version {version} (generation {gen}) counted {count}, first {first}")
        except urllib.error.HTTPError as e:
            if e.code >= 500:
                with lock:
                    checks["errors"].append(f"check: {e.code} {e.read()[:200]!r}")
        except Exception as e:
            with lock:
                checks["errors"].append(f"check: {e}")
        stop.wait(0.5)


def sampler(stop):
    while not stop.is_set():
        try:
            with open(f"/proc/{PID}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        with lock:
                            rss.append((round(time.time() - started), int(line.split()[1]) / 1024))
        except OSError:
            pass
        stop.wait(5)


def restarter(stop):
    if stop.wait(DURATION / 2):
        return
    with lock:
        outage["start"] = time.time()
    proc = subprocess.Popen(RESTART, shell=True)
    # Writes while it is down.
    for gen in (10_000, 10_001):
        time.sleep(3)
        began = time.time()
        record_write(gen, upload(gen), began)
    proc.wait()
    with lock:
        outage["end"] = time.time()


def oha(name, conns, regex):
    out = open(f"{os.environ['WORK']}/oha-{name}.json", "w")
    return subprocess.Popen([
        OHA, "--no-tui", "--output-format", "json", "-z", f"{DURATION}s", "-c", str(conns),
        "--rand-regex-url", regex,
    ], stdout=out, stderr=subprocess.DEVNULL)


def main():
    # The first generation, before the load starts.
    assert upload(0) == 201, "the first upload failed"
    stop = threading.Event()
    threads = [threading.Thread(target=f, args=(stop,), daemon=True)
               for f in (uploader, checker, sampler, restarter)]
    host = BASE.replace("http://", "")
    loads = {
        "tiles": oha("tiles", 32, rf"http://{host}/tiles/(flood-zones|rwa-villages|population-2022|flood-zones,rwa-sectors|camps)/(10/59[5-9]/51[3-9]|12/239[0-4]/20[6-7][0-9]|8/14[89]/129)[.]mvt"),
        "features": oha("features", 16, rf"http://{host}/ogc/collections/(rwa-villages|camps|soak-points|rwa-sectors)/items\?limit=(10|100)&offset=[0-9]{{1,3}}"),
        "exposure": oha("exposure", 16, rf"http://{host}/api/exposure\?hazard=(flood-zones|landslide-susceptibility|volcanic-zones)&exposure=(population-2022|soak-points|camps)&by=(district|sector|province)"),
    }
    for t in threads:
        t.start()
    codes = {n: p.wait() for n, p in loads.items()}
    stop.set()
    for t in threads:
        t.join(timeout=180)

    failed = False
    print(f"## Soak run: {DURATION} s, 64 connections\n")
    print("| load | connections | requests | req/s | p50 ms | p99 ms | statuses |")
    print("|---|---|---|---|---|---|---|")
    conns = {"tiles": 32, "features": 16, "exposure": 16}
    for name in loads:
        with open(f"{os.environ['WORK']}/oha-{name}.json") as f:
            r = json.load(f)
        dist = r.get("statusCodeDistribution", {})
        total = sum(dist.values())
        pct = r.get("latencyPercentiles", {})
        print(f"| {name} | {conns[name]} | {total} | {r['summary']['requestsPerSec']:.0f} | "
              f"{pct.get('p50', 0) * 1000:.1f} | {pct.get('p99', 0) * 1000:.1f} | "
              f"{', '.join(f'{k}: {v}' for k, v in sorted(dist.items()))} |")
        errors = {k: v for k, v in r.get("errorDistribution", {}).items()
                  if k != "aborted due to deadline"}
        if errors:
            print(f"\n{name}: connection errors {errors}\n")
            failed = True
        if codes[name] != 0 or any(k.startswith("5") for k in dist):
            failed = True
    print()
    ok_writes = sum(1 for w in writes if w[2] == 201)
    outage_503 = [w for w in writes if w[2] == 503 and w[3]]
    bad_writes = [w for w in writes if w[2] != 201 and not (w[2] == 503 and w[3])]
    s, e = outage["start"], outage["end"]
    print(f"Writes: {len(writes)} uploads of a new version, {ok_writes} committed (201); "
          f"{len(outage_503)} refused with 503 during the PostGIS restart "
          f"({(e - s) if s and e else 0:.1f} s at t={round(s - started) if s else '-'} s); "
          f"{len(bad_writes)} other failures {bad_writes}.")
    print("During the outage (start s, generation, status, seconds taken): "
          + ", ".join(f"({w[0]}, {w[1]}, {w[2]}, {w[4]})" for w in writes if w[3]) + ".")
    print(f"Mixed versions: {len(checks['mixed'])} in {checks['features']} feature pages and "
          f"{checks['exposure']} exposure reports checked while versions changed"
          + (f": {checks['mixed'][:5]}" if checks["mixed"] else "."))
    if checks["errors"]:
        print(f"Checker errors: {len(checks['errors'])}, first: {checks['errors'][:3]}")
    if rss:
        warm = next((m for t, m in rss if t >= 60), rss[0][1])
        end = rss[-1][1]
        peak = max(m for _, m in rss)
        growth = (end - warm) / warm * 100
        print(f"Memory (resident): {warm:.0f} MiB after 1 min, {peak:.0f} MiB at most, {end:.0f} MiB at the end "
              f"({growth:+.1f}% from minute 1 to the end).")
        marks = [m for t, m in rss if t % 60 < 5]
        print("Per minute: " + ", ".join(f"{m:.0f}" for m in marks) + " MiB.")
    if bad_writes or checks["mixed"] or any(e.startswith("check: 5") for e in checks["errors"]):
        failed = True
    print("\nResult: " + ("FAILED" if failed else "passed"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
