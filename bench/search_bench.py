"""How big is the search index, what does one query download, and how fast is it?

    .venv/bin/python bench/search_bench.py                      # 1,000 and 10,000 platforms
    .venv/bin/python bench/search_bench.py --sizes 10000 --keep /tmp/smebench

For each size a synthetic registry (bench/synth.py, seed 1) is loaded and the search files are
written (search_index.write_all, timed).  Printed:
- index: the lunr shards of all types, raw and gzipped (level 6, as a web server sends them),
  bytes per record (all types) and per platform (the platform shards over the platforms);
- entries: the result chunks (titles, links, badges, snippet text);
- transfer per query: for a seeded set of queries drawn from the records (parts of names,
  whole names, operators, places, services), the gzipped bytes of every file the search page
  fetches — manifest, shards, and the entry chunks of the first 20 results of each type (what the page shows) —
  median, 90th percentile and maximum;
- latency: node runs the browser's own code (theme/static/js/search-core.js with lunr.js) for
  each query from a cold start (fetch = read file, JSON parse, lunr.Index.load, query,
  entries) and again warm, median and maximum.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
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
sys.path.insert(0, str(ROOT / "plugins"))

from synth import registry_in  # noqa: E402

from registry_site import search_index, views  # noqa: E402
from registry_site.search_query import SiteSearch  # noqa: E402
from sme_registry.registry import load_registry  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
SHOWN = 20           # entries the page loads per type without filters (search.js PAGE)
SERVICES = ["融资服务", "技术服务", "创业服务", "培训", "信息服务", "检验检测", "工业设计", "综合服务平台"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def queries_for(site: views.Site, n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    platforms = sorted(site.platforms, key=lambda p: p.id)
    out = []
    for _ in range(n // 3):                       # a part of a name, 3–6 characters
        name = rnd.choice(platforms).name
        k = rnd.randint(3, min(6, len(name)))
        i = rnd.randint(0, len(name) - k)
        out.append(name[i:i + k])
    out += [rnd.choice(platforms).name for _ in range(n // 6)]
    for _ in range(n // 6):                       # an operator, without its company suffix
        out.append(rnd.choice(platforms).operator["name"].split("有限公司")[0])
    out += [rnd.choice(platforms).region.name for _ in range(n // 6)]
    out += rnd.sample(SERVICES, min(len(SERVICES), n - len(out)))
    return out


def transfer(site_dir: Path, query: str) -> tuple[int, int]:
    """(gzipped bytes, files) the search page fetches for one query, from a cold start."""
    s = SiteSearch(site_dir)
    found, _ = s.find(query)
    for hits in found.values():
        for h in hits[:SHOWN]:
            s.entry(h)
    return sum(gz((site_dir / rel).read_bytes()) for rel in s.loaded), len(s.loaded)


def latency(site_dir: Path, queries: list[str]) -> dict:
    qfile = site_dir / "bench-queries.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
    run = subprocess.run(["node", str(HERE / "search_latency.js"), str(site_dir), str(qfile), str(SHOWN)],
                         capture_output=True, text=True, cwd=ROOT)
    if run.returncode:
        raise SystemExit(run.stderr)
    return json.loads(run.stdout)


def measure(registry: Path, out: Path, nq: int) -> dict:
    reg = load_registry(registry, as_of=AS_OF)
    site = views.build_site(reg, AS_OF)
    start = time.perf_counter()
    search_index.write_all(site, out)
    seconds = time.perf_counter() - start
    files = sorted((out / "search").rglob("*.json"))
    shards = [p for p in files if p.name[0] in "sc"]     # lunr shards and common-token bitmaps
    entries = [p for p in files if p.name.startswith("d")]
    raw = {p: p.read_bytes() for p in files}
    platform_shards = [p for p in shards if p.parent.name == "platform"]
    records = sum(len(x) for x in (site.platforms, site.notices, site.publicity, site.forms))
    queries = queries_for(site, nq)
    sent = [transfer(out, q) for q in queries]
    bytes_sent = sorted(b for b, _ in sent)
    lat = latency(out, queries)
    return {
        "platforms": len(site.platforms), "records": records, "index_s": seconds,
        "shards": len(shards), "index_raw": sum(len(raw[p]) for p in shards),
        "index_gz": sum(gz(raw[p]) for p in shards),
        "platform_gz": sum(gz(raw[p]) for p in platform_shards),
        "entries_gz": sum(gz(raw[p]) for p in entries),
        "manifest_gz": gz(raw[out / "search" / "manifest.json"]),
        "q_median": statistics.median(bytes_sent), "q_p90": bytes_sent[int(0.9 * (len(bytes_sent) - 1))],
        "q_max": bytes_sent[-1], "q_files": statistics.median(f for _, f in sent), "queries": len(queries),
        **lat,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--keep", default=None, help="folder to keep generated registries in (reused when present)")
    args, _ = ap.parse_known_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="smesearch-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in args.sizes:
            registry = registry_in(work, n)
            out = work / f"search-{n}"
            shutil.rmtree(out, ignore_errors=True)
            rows.append(measure(registry, out, args.queries))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    kb = 1024
    print(f"search index (lunr {search_index.LUNR_JS_VERSION}, as of {AS_OF}; gzip -6; {args.queries} queries from the records)")
    print(f"{'platforms':>10} {'records':>8} {'build s':>8} {'shards':>7} {'index MB':>9} {'index gz MB':>12} "
          f"{'B/record gz':>12} {'B/platform gz':>14} {'entries gz MB':>14}")
    for r in rows:
        print(f"{r['platforms']:>10} {r['records']:>8} {r['index_s']:>8.2f} {r['shards']:>7} {r['index_raw'] / 1e6:>9.2f} "
              f"{r['index_gz'] / 1e6:>12.2f} {r['index_gz'] / r['records']:>12.0f} "
              f"{r['platform_gz'] / r['platforms']:>14.0f} {r['entries_gz'] / 1e6:>14.2f}")
    print(f"{'platforms':>10} {'per query gz KB: median':>24} {'p90':>6} {'max':>6} {'files':>6} "
          f"{'cold ms: median':>16} {'max':>6} {'warm ms: median':>16} {'max':>6}")
    for r in rows:
        print(f"{r['platforms']:>10} {r['q_median'] / kb:>24.0f} {r['q_p90'] / kb:>6.0f} {r['q_max'] / kb:>6.0f} "
              f"{r['q_files']:>6.0f} {r['cold_median']:>16.1f} {r['cold_max']:>6.1f} {r['warm_median']:>16.1f} {r['warm_max']:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
