#!/usr/bin/env python3
"""Replication lag between the three regions (docs/BENCHMARKS.md, "Replication lag").

Writes at a steady rate into one region's MariaDB (one row per write into a probe table that
replicates like every Plaza table) and polls the other two regions' databases until each write
is visible there; prints the lag p50/p99/max per peer. The regions must be up
(scripts/regions.sh up); the probe table is created at the start and dropped at the end (both
replicate).

  scripts/replication-lag.py [--rate 100] [--seconds 20] [--origin r1] [--root target/regions]

Times: a write's time is the origin database's NOW(6) when the row is written; a peer saw it at
the first poll (every --poll-ms, default 2 ms) whose answer includes it. Replication applies each
region's writes in order, so a peer that shows write N has applied every write before it. All
three databases run on this machine, so one clock serves both ends.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

TABLE = "bench_lag_probe"
NAMES = ["r1", "r2", "r3"]
# Seconds a query may take before the script gives up (--timeout).
TIMEOUT = [10.0]


def database(root, name):
    """(host, port, user, password, database) from the region's plaza.toml."""
    text = (Path(root) / name / "etc" / "plaza.toml").read_text()
    m = re.search(r'database_url\s*=\s*"mysql://([^:]+):([^@]+)@([^:]+):(\d+)/([^"]+)"', text)
    if not m:
        sys.exit(f"{name}: no MariaDB database_url in its plaza.toml")
    user, password, host, port, db = m.groups()
    return host, port, user, password, db


PYMYSQL = "PyMySQL==1.1.1"


def ensure_driver():
    """Re-runs this script in a venv under target/ that has PyMySQL (from PyPI) when the Python
    running it has no MariaDB driver. A driver, not the `mariadb` command-line client: fed through
    a pipe, the client does not answer each statement as its line arrives."""
    try:
        import pymysql  # noqa: F401
        return
    except ImportError:
        pass
    venv = Path(__file__).resolve().parent.parent / "target" / "lag-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    PYMYSQL], check=True)
    os.execv(str(python), [str(python), *sys.argv])


class Client:
    """One autocommitting connection; any error stops the whole measurement with its message."""

    def __init__(self, conn, name):
        import pymysql

        host, port, user, password, db = conn
        self.name = name
        try:
            self.conn = pymysql.connect(host=host, port=int(port), user=user, password=password,
                                        database=db, autocommit=True,
                                        connect_timeout=TIMEOUT[0], read_timeout=TIMEOUT[0],
                                        write_timeout=TIMEOUT[0])
        except Exception as e:  # noqa: BLE001 - report and stop, whatever it is
            self.fail(e)

    def execute(self, sql):
        """Runs a statement; returns every row."""
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        except Exception as e:  # noqa: BLE001
            self.fail(e)

    def query(self, sql):
        """The first column of the first row, as text."""
        rows = self.execute(sql)
        return str(rows[0][0]) if rows else ""

    def fail(self, what):
        # Also from a polling thread: the whole measurement stops.
        print(f"{self.name}: {what}", file=sys.stderr, flush=True)
        os._exit(1)

    def close(self):
        self.conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=int, default=100, help="writes per second")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--origin", default="r1", choices=NAMES)
    ap.add_argument("--root", default="target/regions")
    ap.add_argument("--poll-ms", type=float, default=2.0)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()
    ensure_driver()
    TIMEOUT[0] = args.timeout
    peers = [n for n in NAMES if n != args.origin]
    origin = Client(database(args.root, args.origin), args.origin)
    origin.execute(f"DROP TABLE IF EXISTS {TABLE}")
    origin.execute(f"CREATE TABLE {TABLE} (seq BIGINT NOT NULL PRIMARY KEY, "
                   "written_us BIGINT NOT NULL) ENGINE=InnoDB")
    # The table must exist in the peers before the clock starts.
    for name in peers:
        probe = Client(database(args.root, name), name)
        for _ in range(500):
            if probe.query(f"SELECT COUNT(*) FROM information_schema.tables WHERE "
                           f"table_schema = DATABASE() AND table_name = '{TABLE}'") == "1":
                break
            time.sleep(0.02)
        else:
            sys.exit(f"{name} did not receive the probe table: is it replicating?")
        probe.close()

    total = args.rate * args.seconds
    seen = {name: {} for name in peers}  # seq -> time first seen (µs)
    done = threading.Event()

    def poll(name):
        client = Client(database(args.root, name), name)
        last = 0
        while last < total:
            answer = client.query(f"SELECT COALESCE(MAX(seq), 0) FROM {TABLE}")
            now_us = int(time.time() * 1_000_000)
            top = int(answer or 0)
            for seq in range(last + 1, top + 1):
                seen[name][seq] = now_us
            last = max(last, top)
            if done.is_set() and time.time() > deadline[0]:
                break
            time.sleep(args.poll_ms / 1000)
        client.close()

    deadline = [float("inf")]
    threads = [threading.Thread(target=poll, args=(n,)) for n in peers]
    for t in threads:
        t.start()
    start = time.perf_counter()
    for seq in range(1, total + 1):
        due = start + (seq - 1) / args.rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        origin.execute(f"INSERT INTO {TABLE} VALUES ({seq}, "
                       "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED))")
    # Waits for the origin to have written everything, then gives the peers 30 s more.
    written_count = origin.query(f"SELECT COUNT(*) FROM {TABLE}")
    deadline[0] = time.time() + 30
    done.set()
    for t in threads:
        t.join()
    rows = {int(seq): int(written) for seq, written in
            origin.execute(f"SELECT seq, written_us FROM {TABLE} ORDER BY seq")}
    origin.execute(f"DROP TABLE {TABLE}")
    origin.close()

    first, last = rows[min(rows)], rows[max(rows)]
    achieved = (len(rows) - 1) / max((last - first) / 1e6, 1e-9)
    print(f"origin {args.origin}: {written_count} writes asked at {args.rate}/s for "
          f"{args.seconds} s, written at {achieved:.0f}/s")
    print("peer  seen      p50 ms   p99 ms   max ms")
    for name in peers:
        lags = sorted((seen[name][s] - w) / 1000 for s, w in rows.items() if s in seen[name])
        print(f"{name:4}  {len(lags):6}  {percentile(lags, 50):7.1f}  {percentile(lags, 99):7.1f}  "
              f"{(lags[-1] if lags else float('nan')):7.1f}")


if __name__ == "__main__":
    main()
