"""Over HTTP: gunicorn with N sync workers on a loopback port, C concurrent keep-alive clients.

The load client is plain threads with http.client (no wrk needed); each client holds the
session cookie of a real login. Each (workers, clients, page) run lasts a fixed time. The
peak RSS (VmHWM) of every worker is read from /proc at the end of a worker count's runs.
Note: the client shares the machine's CPUs with the server, so on a small machine the
figures at 32 clients are a lower bound of what the server could do.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.harness import ROOT
from bench.inprocess import percentile


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workers: int, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--timeout", "60",
               "--log-level", "warning", "wsgi:app"]
    with open(log, "ab") as out:
        return subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=out)


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry))
    return pids


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _client(port: int, paths: list[str], cookie: str, deadline: float, start: threading.Barrier,
            times: list[float], errors: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Connection": "keep-alive"}
    start.wait()
    i = 0
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        began = time.perf_counter_ns()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        times.append((time.perf_counter_ns() - began) / 1e6)
        if not ok:
            errors.append(1)
    conn.close()


def load(port: int, paths: list[str], cookie: str, clients: int, seconds: float) -> dict:
    """`clients` threads requesting `paths` in turn for `seconds`; req/s and latencies."""
    times: list[float] = []
    errors: list[int] = []
    start = threading.Barrier(clients + 1)
    deadline = time.perf_counter() + seconds + 0.05
    threads = [threading.Thread(target=_client, args=(port, paths, cookie, deadline, start,
                                                      times, errors))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {"requests": len(times), "rps": len(times) / elapsed, "errors": len(errors),
            "p50_ms": statistics.median(times) if times else None,
            "p95_ms": percentile(times, 0.95) if times else None}


def run(env: dict[str, str], targets: list[tuple[str, list[str], str]], workers_list: list[int],
        clients_list: list[int], seconds: float, log: Path) -> tuple[list[dict], dict[str, float]]:
    """targets: (page name, paths, cookie). Returns the rows and the peak RSS per worker count."""
    rows: list[dict] = []
    rss: dict[str, float] = {}
    for workers in workers_list:
        port = free_port()
        process = start_gunicorn(workers, env, port, log)
        try:
            wait_ready(port, process)
            for name, paths, cookie in targets:
                load(port, paths, cookie, workers, 0.5)  # warm every worker on this page
                for clients in clients_list:
                    result = load(port, paths, cookie, clients, seconds)
                    rows.append({"page": name, "workers": workers, "clients": clients,
                                 **result})
                    print(f"  http {name:<20} {workers} workers {clients:>2} clients: "
                          f"{result['rps']:.0f} req/s, p95 {result['p95_ms'] or 0:.1f} ms",
                          flush=True)
            pids = worker_pids(process.pid)
            rss[str(workers)] = max((peak_rss_mb(pid) for pid in pids), default=0.0)
        finally:
            stop(process)
    return rows, rss
