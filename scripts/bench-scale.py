#!/usr/bin/env python3
"""Scale benchmark driver (not a test; see scripts/bench-scale.sh, which builds and sets up).

Streams TOTAL synthetic articles into one long-running `storyline ingest -` process (the
back-pressured stdin path) and samples the store every INTERVAL seconds: documents committed,
articles/s over the last interval, CPU seconds and resident memory of the ingest process, and
disk used. At the end: articles/s over time, the per-article cost around each checkpoint
reached (10k, 100k, 1M: wall-clock and CPU milliseconds, the mean over the last 10% before
it), disk per article, and peak memory.

The stream is built from the clustering eval sets (EVAL_DIR, default ../shared/eval/clustering):
every article repeated with a new id, its dates moved by whole weeks and a numbered opening
line, so each copy is new content that clusters like real news (events recur week by week).
ARTICLE_CHARS=3000-5000 first builds longer articles from related ones (see bench_articles.py);
without it the articles are the eval sets' own (about 1.9k characters on average). A resumed run
must use the same ARTICLE_CHARS as the run it resumes.

Resumable: a run can be stopped (Ctrl-C, or on its own when free disk falls below
DISK_RESERVE_GB, default 8) and started again with the same store; it goes on where the store
stands (the ingest skips what is already stored), and every run's samples are appended to
SAMPLES (a TSV beside the store) so the report covers all of them. Wall-clock rates come from
whichever machine state each segment ran in; CPU milliseconds per article do not depend on how
busy the machine was, so they are the figure to compare across checkpoints.
"""
import datetime
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

binary, db, total, interval = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
samples_path = sys.argv[5] if len(sys.argv) > 5 else None
eval_dir = os.environ.get("EVAL_DIR", "../shared/eval/clustering")
reserve = float(os.environ.get("DISK_RESERVE_GB", "8")) * 2**30
is_pg = db.startswith("postgres://") or db.startswith("postgresql://")
tick = os.sysconf("SC_CLK_TCK")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_articles import articles  # noqa: E402

docs = articles(eval_dir)


def stream(skip):
    """The synthetic stream from article number `skip` on (the stream is deterministic)."""
    n = skip
    while n < total:
        d, k = docs[n % len(docs)], n // len(docs)
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


def free_bytes():
    return shutil.disk_usage(db if not is_pg and os.path.exists(db) else ".").free


def status_mb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid):
    """User + system CPU time of the process (all its threads)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick
    except (OSError, IndexError, ValueError):
        return None


# Earlier segments of this run: (segment, seconds into it, stored, CPU s, RSS MB, peak MB).
history = []
if samples_path and os.path.exists(samples_path):
    with open(samples_path) as f:
        for line in f:
            p = line.split()
            if len(p) == 6 and p[0] != "segment":
                history.append((int(p[0]), float(p[1]), int(p[2]), float(p[3]), int(p[4]),
                                int(p[5])))
segment = max((h[0] for h in history), default=0) + 1
log = open(samples_path, "a") if samples_path else None
if log and not history:
    print("segment\tseconds\tstored\tcpu_s\trss_mb\tpeak_mb", file=log, flush=True)

start_count = committed() or 0
returncode, stopped, peak = 0, None, 0
if start_count >= total:
    # Nothing to add: report on the segments recorded so far.
    print(f"bench-scale: the store already holds {start_count} articles (TOTAL {total}); "
          f"reporting on the recorded samples")
    segment -= 1
    current = [h for h in history if h[0] == segment]
    final = start_count
else:
    # The ingest skips what is stored; start a little before the count to cover any gap.
    skip = max(0, start_count - 1000)
    if start_count:
        print(f"bench-scale: resuming segment {segment} at {start_count} stored articles")
    proc = subprocess.Popen([binary, "--db", db, "ingest", "--json", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)

    def on_signal(signum, frame):
        """Ctrl-C or SIGTERM: stop the ingest cleanly (one SIGINT; it is in a session of its own,
        so the terminal's signal does not reach it twice), then report as usual."""
        global stopped
        if stopped is None:
            stopped = "interrupted"
            print("bench-scale: interrupted; stopping the ingest (resume later)", flush=True)
            proc.send_signal(signal.SIGINT)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)


    def feed():
        try:
            for line in stream(skip):
                proc.stdin.write(line)
            proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass


    threading.Thread(target=feed, daemon=True).start()
    start = time.time()
    current = [(segment, 0.0, start_count, 0.0, 0, 0)]
    peak = 0
    if log:
        print(f"{segment}\t0.0\t{start_count}\t0.00\t0\t0", file=log, flush=True)
    print(f"{'segment':>7} {'seconds':>8} {'stored':>9} {'art/s':>7} {'CPU ms/art':>10} "
          f"{'RSS MB':>7} {'disk MB':>8}")
    while proc.poll() is None:
        # Woken early when the ingest ends, so that the last sample is taken at its end (with
        # the CPU time of the reaped process) and not at the next tick.
        try:
            proc.wait(timeout=interval)
        except subprocess.TimeoutExpired:
            pass
        n = committed()
        if proc.poll() is None:
            peak = max(peak, status_mb(proc.pid, "VmHWM:"))
            cpu = cpu_seconds(proc.pid)
        else:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = usage.ru_utime + usage.ru_stime
            peak = max(peak, usage.ru_maxrss // 1024)
        if n is None or cpu is None:
            continue
        t = time.time() - start
        prev = current[-1]
        dt, dn, dc = t - prev[1], n - prev[2], cpu - prev[3]
        rss = status_mb(proc.pid, "VmRSS:")
        current.append((segment, t, n, cpu, rss, peak))
        if log:
            print(f"{segment}\t{t:.1f}\t{n}\t{cpu:.2f}\t{rss}\t{peak}", file=log, flush=True)
        print(f"{segment:7d} {t:8.0f} {n:9d} {dn / dt if dt else 0:7.1f} "
              f"{dc * 1000 / dn if dn > 0 else 0:10.1f} {rss:7d} {disk_bytes() / 2**20:8.1f}",
              flush=True)
        if stopped is None and not is_pg and free_bytes() < reserve:
            stopped = f"free disk below {reserve / 2**30:.0f} GB"
            print(f"bench-scale: {stopped}; stopping the ingest (resume later)", flush=True)
            proc.send_signal(signal.SIGINT)
    out = proc.stdout.read()
    elapsed = time.time() - start
    print("summary:", out.strip())
    final = committed() or current[-1][2]
    if stopped or final < total:
        print(f"bench-scale: paused at {final} of {total} articles"
              f"{' (' + stopped + ')' if stopped else ''}; run again with the same store to resume")
    returncode = proc.returncode

# The report over every segment: times are made continuous by laying segments end to end.
rows, offset = [], 0.0  # (segment, wall seconds, stored, CPU seconds of that segment, peak MB)
for seg in sorted({h[0] for h in history} | {segment}):
    pts = current if seg == segment else [h for h in history if h[0] == seg]
    rows += [(seg, offset + p[1], p[2], p[3], p[5]) for p in pts]
    if pts:
        offset += pts[-1][1]


def cost(lo, hi, col):
    """Seconds of wall time (col 1) or CPU (col 3) per article committed between `lo` and `hi`
    stored documents: the share of each sampling interval (within one segment) that falls in
    that range, so a restart's reopening, which commits nothing, is not counted."""
    spent, articles = 0.0, 0.0
    for a, b in zip(rows, rows[1:]):
        if a[0] != b[0] or b[2] <= a[2]:
            continue
        overlap = min(b[2], hi) - max(a[2], lo)
        if overlap > 0:
            spent += (b[col] - a[col]) * overlap / (b[2] - a[2])
            articles += overlap
    return spent / articles if articles >= (hi - lo) / 2 else None


active = offset
print(f"{final} articles stored; {active:.0f} s of ingest over {segment} segment(s): "
      f"{(final - rows[0][2]) / max(active, 1):.1f} articles/s overall")
for mark in (1000, 10_000, 100_000, 1_000_000):
    if final < mark:
        break
    lo = mark * 9 // 10
    wall, cpu = cost(lo, mark, 1), cost(lo, mark, 3)
    line = f"per-article cost at {mark:>9,}:"
    if wall:
        line += f" {wall * 1000:.1f} ms wall ({1 / wall:.1f} articles/s)"
    if cpu:
        line += f", {cpu * 1000:.1f} CPU ms"
    print(line)
size = disk_bytes()
print(f"disk: {size / 2**20:.1f} MB, {size / max(final, 1) / 1024:.1f} KB per article")
print(f"peak memory of the ingest process: {max([peak] + [r[4] for r in rows])} MB")
sys.exit(returncode if not stopped else 0)
