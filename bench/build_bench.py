"""How long does building the whole site take?

    .venv/bin/python bench/build_bench.py                       # 1,000 and 10,000 platforms
    .venv/bin/python bench/build_bench.py --sizes 10000 --runs 3 --keep /tmp/smebench

For each size a synthetic registry (bench/synth.py, fixed seed) is generated once; then a
fresh Python process runs the real build (`python -m registry_site`, as `make html` does:
validation, Pelican, every page, open data, feed, sitemap) `--runs` times.  Printed: the
median wall time, ms per platform page, peak RSS of the build process, pages and output bytes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synth import registry_in  # noqa: E402

AS_OF = "2026-11-23"


def _run_build(registry: Path, output: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one build in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-c",
           "import resource, sys, runpy;"
           "sys.argv = ['registry_site'] + sys.argv[1:];"
           "rc = 0\n"
           "try:\n    runpy.run_module('registry_site', run_name='__main__')\n"
           "except SystemExit as e:\n    rc = e.code or 0\n"
           "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
           "sys.exit(rc)",
           str(registry), "--as-of", AS_OF, "--output", str(output)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    peak = next(int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("PEAK_KB"))
    return wall, peak


def _size(folder: Path) -> tuple[int, int]:
    pages = total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", default=None, help="folder to keep generated registries in (reused when present)")
    args, _ = ap.parse_known_args(argv)   # run.py passes the validation bench's options too
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="smebuild-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in args.sizes:
            registry = registry_in(work, n)
            walls, peaks = [], []
            for i in range(args.runs):
                out = work / f"out-{n}"
                shutil.rmtree(out, ignore_errors=True)
                wall, peak = _run_build(registry, out)
                walls.append(wall)
                peaks.append(peak)
            pages, total = _size(out)
            median = statistics.median(walls)
            rows.append((n, median, min(walls), median * 1000 / n, max(peaks) / 1024, pages, total / 1e6))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"site build ({args.runs} runs each, as of {AS_OF}, {os.cpu_count()} cores)")
    print(f"{'platforms':>10} {'median s':>9} {'best s':>7} {'ms/platform':>12} {'peak MB':>8} {'pages':>7} {'output MB':>10}")
    for n, median, best, ms, peak, pages, mb in rows:
        print(f"{n:>10} {median:>9.2f} {best:>7.2f} {ms:>12.2f} {peak:>8.0f} {pages:>7} {mb:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
