"""Memory of a long-lived worker and of a dashboard server: does every finished model go?

    python benchmarks/memory.py [--runs 50 2000] [--months 12] [--sessions 200] [--session-months 12]
                                [--parts worker sessions server]

Each part runs in a fresh interpreter and prints its resident memory (``VmRSS``, after ``gc.collect()``):

- **worker**: runs of the default scenario one after another through ``compare.runner.run_job`` (what a
  sweep worker and ``transition-sim compare`` run), ``--months`` months each (12: short runs, so that
  2,000 take a minute or two; a model's size hardly depends on its length). RSS after each count of
  ``--runs``, and after ``malloc_trim`` (what is left once the C allocator returns the free memory it keeps
  for later: the growth without it is the allocator's, not objects kept); the goal is at most 30 MiB between
  the first and the last count.
- **sessions**: ``dashboard.session.Session`` objects, as the page keeps one per browser session: each
  opened beside a compared run (two models), stepped ``--session-months`` months, reset once, stepped
  again and closed.
- **server**: the real thing, ``python -m transition_sim.dashboard.server`` (cull timeout 5 s) and one headless
  Chromium opening ``--sessions`` sessions one after another, each stepped a year with the page's +1 year
  button and closed (Solara then closes the session, its widgets and its ``Session``); the server's RSS
  (read from ``/proc/<pid>/status``) once every session it opened has been closed. About 15 minutes for
  200 sessions on a busy machine.

The goal for the dashboard: back within 30 MiB of the server after its first session (the first one also
loads what rendering needs: fonts, matplotlib's caches, Solara's templates, some 65 MiB). (Pages rendered in
this process by ``solara.render``, without a kernel, are no measure: their widgets stay in memory.)

Not a test: the figures depend on the machine. ``--part`` runs one part alone (what the parent runs).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_MIB = 30.0
PARTS = ("worker", "sessions", "server")


def rss_mib(trim: bool = False) -> float:
    """Resident memory; with ``trim``, after glibc hands the free memory it holds back to the system."""
    gc.collect()
    if trim:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def worker(counts: list[int], months: int) -> None:
    from transition_sim.compare.runner import make_plan, run_job

    plan = make_plan(scenario="default", strategies=["one_need_at_a_time"], replicates=2, steps=months, seed=0,
                     overrides={})
    job = plan.jobs()[0]
    done, started = 0, time.perf_counter()
    for count in counts:
        while done < count:
            run_job(job)
            done += 1
        print(f"  after {done:5d} runs: {rss_mib():7.1f} MiB   ({rss_mib(trim=True):.1f} MiB after malloc_trim; "
              f"{time.perf_counter() - started:.0f} s)", flush=True)


def sessions(n: int, months: int) -> None:
    from transition_sim.dashboard.session import Session

    print(f"  fresh:                {rss_mib():7.1f} MiB", flush=True)
    for k in range(1, n + 1):
        session = Session(lang="en", compare_with="top_down_plan")
        session.step(months)
        session.reset()
        session.step(months)
        session.close()
        if k in (1, n // 2, n):
            print(f"  after {k:4d} sessions: {rss_mib():7.1f} MiB", flush=True)


def server(n: int) -> None:
    from dashboard_concurrency import CHROMIUM, FLAGS, start_server
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        process, url = start_server(log)

        def server_rss(opened: int) -> float:
            """The server's RSS once the ``opened`` sessions are all closed (the log says so)."""
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                closed = re.findall(r"session closed \((\d+) open\)", log.read_text(errors="replace"))
                if len(closed) >= opened and (not closed or closed[-1] == "0"):
                    break
                time.sleep(0.5)
            else:
                raise SystemExit(f"the server did not close its sessions:\n{log.read_text(errors='replace')[-2000:]}")
            status = Path(f"/proc/{process.pid}/status").read_text()
            return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]

        try:
            print(f"  fresh:                {server_rss(0):7.1f} MiB", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
                for k in range(1, n + 1):
                    context = browser.new_context(viewport={"width": 1600, "height": 1000})
                    page = context.new_page()
                    page.set_default_timeout(180_000)
                    page.goto(url)
                    page.wait_for_selector(".ts-page .ts-month")
                    page.locator(".ts-step-year").click()
                    page.wait_for_function("() => /\\b12\\b/.test(document.querySelector('.ts-page .ts-month b')"
                                           ".innerText)")
                    context.close()
                    if k in (1, n // 2, n):
                        print(f"  after {k:4d} sessions: {server_rss(k):7.1f} MiB", flush=True)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=20)


def run_part(argv: list[str]) -> list[float]:
    """Run one part in a fresh interpreter; echo its lines and return its figures (MiB)."""
    out = subprocess.run([sys.executable, __file__, *argv], stdout=subprocess.PIPE, text=True, check=True).stdout
    print(out, end="")
    return [float(line.split(":")[1].split()[0]) for line in out.splitlines() if "MiB" in line]


def verdict(label: str, growth: float) -> None:
    print(f"  {label}: {growth:+.1f} MiB (goal <= {GOAL_MIB:.0f}): {'met' if growth <= GOAL_MIB else 'MISSED'}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[50, 2000])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--session-months", type=int, default=12)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "worker":
        worker(sorted(args.runs), args.months)
        return 0
    if args.part == "sessions":
        sessions(args.sessions, args.session_months)
        return 0
    if args.part == "server":
        server(args.sessions)
        return 0

    import mesa
    import numpy

    print(f"Python {sys.version.split()[0]}, Mesa {mesa.__version__}, NumPy {numpy.__version__}\n")
    common = ["--runs", *map(str, args.runs), "--months", str(args.months), "--sessions", str(args.sessions),
              "--session-months", str(args.session_months)]
    if "worker" in args.parts:
        print(f"worker: runs of the default scenario, {args.months} months each, in one process")
        figures = run_part([*common, "--part", "worker"])
        verdict(f"from {min(args.runs)} to {max(args.runs)} runs", figures[-1] - figures[0])
    for part, what in (("sessions", f"dashboard sessions (Session objects, each with a compared run), stepped "
                                    f"{args.session_months} months"),
                       ("server", "dashboard server and Chromium, sessions stepped a year")):
        if part in args.parts:
            print(f"{what}: {args.sessions} opened, stepped and closed")
            figures = run_part([*common, "--part", part])
            print(f"  after {args.sessions}, against fresh: {figures[-1] - figures[0]:+.1f} MiB")
            verdict(f"after {args.sessions}, against after the first", figures[-1] - figures[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
