#!/usr/bin/env python3
"""Scale benchmark driver (not a test; see scripts/bench-scale.sh, which builds and sets up).

Streams TOTAL synthetic articles into one long-running `storyline ingest -` process (the
back-pressured stdin path) and samples the store every INTERVAL seconds: documents committed,
articles/s over the last interval, resident memory of the ingest process, and disk used.
At the end: articles/s over time, the per-article cost around each checkpoint reached (10k,
100k, 1M: the mean over the last 10% before it), disk per article, and peak memory.

The stream is built from the clustering eval sets (EVAL_DIR, default ../shared/eval/clustering):
every article repeated with a new id, its dates moved by whole weeks and a numbered opening
line, so each copy is new content that clusters like real news (events recur week by week).
ARTICLE_CHARS=3000-5000 first builds longer articles from related ones (see below); without it
the articles are the eval sets' own (about 1.9k characters on average).
"""
import datetime
import json
import os
import subprocess
import sys
import threading
import time

binary, db, total, interval = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
eval_dir = os.environ.get("EVAL_DIR", "../shared/eval/clustering")
is_pg = db.startswith("postgres://") or db.startswith("postgresql://")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_articles import articles  # noqa: E402

docs = articles(eval_dir)


def stream():
    n, k = 0, 0
    while True:
        for d in docs:
            if n >= total:
                return
            e = dict(d)
            e["id"] = "%s~%d" % (d["id"], k)
            try:
                day = datetime.date.fromisoformat((d.get("published") or "")[:10])
                e["published"] = (day + datetime.timedelta(weeks=k)).isoformat()
            except ValueError:
                pass
            e["text"] = "Report %d.\n%s" % (k, d["text"])
            yield json.dumps(e, ensure_ascii=False) + "\n"
            n += 1
        k += 1


def committed():
    if is_pg:
        out = subprocess.run(["psql", db, "-Atc", "SELECT count(*) FROM storyline.documents"],
                             capture_output=True, text=True)
        return int(out.stdout.strip() or 0) if out.returncode == 0 else None
    import sqlite3
    path = os.path.join(db, "storyline.sqlite")
    if not os.path.exists(path):
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
        return n
    except sqlite3.Error:
        return None


def disk_bytes():
    if is_pg:
        out = subprocess.run(["psql", db, "-Atc", "SELECT pg_database_size(current_database())"],
                             capture_output=True, text=True)
        return int(out.stdout.strip() or 0) if out.returncode == 0 else 0
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(db) for f in fs)


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def hwm_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


base = disk_bytes()  # an empty PostgreSQL database is not empty on disk
proc = subprocess.Popen([binary, "--db", db, "ingest", "--json", "-"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def feed():
    try:
        for line in stream():
            proc.stdin.write(line)
        proc.stdin.close()
    except BrokenPipeError:
        pass


threading.Thread(target=feed, daemon=True).start()
start = time.time()
samples = [(0.0, 0)]
peak = 0
print(f"{'seconds':>8} {'stored':>9} {'art/s':>7} {'RSS MB':>7} {'disk MB':>8}")
while proc.poll() is None:
    time.sleep(interval)
    n = committed()
    peak = max(peak, hwm_mb(proc.pid))
    if n is None:
        continue
    t = time.time() - start
    dt, dn = t - samples[-1][0], n - samples[-1][1]
    samples.append((t, n))
    print(f"{t:8.0f} {n:9d} {dn / dt if dt else 0:7.1f} {rss_mb(proc.pid):7d} "
          f"{disk_bytes() / 2**20:8.1f}", flush=True)
out = proc.stdout.read()
elapsed = time.time() - start
final = committed() or samples[-1][1]
samples.append((elapsed, final))
print("summary:", out.strip())
print(f"{final} articles in {elapsed:.0f} s: {final / elapsed:.1f} articles/s overall")


def time_at(count):
    """Interpolated time at which `count` documents were committed."""
    for (t0, n0), (t1, n1) in zip(samples, samples[1:]):
        if n0 <= count <= n1 and n1 > n0:
            return t0 + (t1 - t0) * (count - n0) / (n1 - n0)
    return None


for mark in (1000, 10_000, 100_000, 1_000_000):
    if final < mark:
        break
    lo, hi = time_at(mark * 9 // 10), time_at(mark)
    if lo is not None and hi is not None and hi > lo:
        ms = (hi - lo) * 1000 / (mark - mark * 9 // 10)
        print(f"per-article cost at {mark:>9,}: {ms:.1f} ms ({1000 / ms:.1f} articles/s)")
size = disk_bytes()
print(f"disk: {size / 2**20:.1f} MB ({base / 2**20:.1f} MB before the ingest), "
      f"{(size - base) / max(final, 1) / 1024:.1f} KB per article")
print(f"peak memory of the ingest process: {peak} MB")
sys.exit(proc.returncode)
