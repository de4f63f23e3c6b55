#!/usr/bin/env python3
"""Load test of `seqgen serve` on loopback (bounded: it stops by itself).

  scripts/serve_load.py RUN [--seqgen .build/release/seqgen] [--clients 8] [--seconds 60] [--length 100]

Starts `seqgen serve RUN --port 0`, then N client threads for the given time, each in a loop:
POST /api/runs/ID/generate (text of --length steps, a fresh seed each time), with a
GET /api/runs every tenth request. Prints requests/s, p50/p99 latency per endpoint, the
status counts (errors: anything but 200), and the server's resident memory before and after.
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import threading
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("run")
    p.add_argument("--seqgen", default=".build/release/seqgen")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--length", type=int, default=100)
    a = p.parse_args()

    server = subprocess.Popen([a.seqgen, "serve", a.run, "--port", "0", "--queue", str(a.clients)],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        m = re.search(r"serving (\S+) at http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            raise SystemExit(f"seqgen serve did not start: {line!r}")
        run_id, port = m.group(1).split(",")[0], int(m.group(2))
        before = rss_mb(server.pid)
        lock = threading.Lock()
        latencies = {"generate": [], "runs": []}
        statuses = {}
        stop = time.monotonic() + a.seconds

        def client(k):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            n = 0
            while time.monotonic() < stop:
                n += 1
                kind = "runs" if n % 10 == 0 else "generate"
                body = json.dumps({"request": {"seed": k * 100000 + n}, "options": {"length": a.length}})
                start = time.monotonic()
                try:
                    if kind == "runs":
                        conn.request("GET", "/api/runs")
                    else:
                        conn.request("POST", f"/api/runs/{run_id}/generate", body,
                                     {"Content-Type": "application/json"})
                    r = conn.getresponse()
                    r.read()
                    status = r.status
                except Exception as e:  # a refused or dropped connection is an error too
                    status = type(e).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                took = time.monotonic() - start
                with lock:
                    latencies[kind].append(took)
                    statuses[status] = statuses.get(status, 0) + 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
        began = time.monotonic()
        for t in threads:
            t.start()
        peak = before
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss_mb(server.pid))
            time.sleep(0.5)
        wall = time.monotonic() - began
        after = rss_mb(server.pid)
        total = sum(len(v) for v in latencies.values())
        print(f"{a.clients} clients, {wall:.1f} s, text length {a.length}: {total} requests, {total / wall:.1f} requests/s")
        for kind, values in latencies.items():
            if not values:
                continue
            values.sort()
            q = lambda f: values[min(len(values) - 1, int(f * len(values)))] * 1000
            print(f"  {kind:9} {len(values):6} requests  p50 {q(0.5):8.1f} ms  p99 {q(0.99):8.1f} ms  max {values[-1] * 1000:8.1f} ms")
        errors = sum(v for k, v in statuses.items() if k != 200)
        print(f"  statuses {dict(sorted(statuses.items(), key=str))}; errors {errors}")
        print(f"  server RSS {before:.0f} MB before, {peak:.0f} MB peak, {after:.0f} MB after")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
