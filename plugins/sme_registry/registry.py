"""Load a registry folder: every file parsed, schema-checked, built into records.

    reg = load_registry(Path("registry"))
    reg.problems          # every problem found, loading and rules alike
    reg.platforms["xc-tech-service-center"]

A folder may extend another through `registry.yaml` (`extends: ../registry`): the
demo registry in examples/ adds invented platforms to the real programmes.
"""
from __future__ import annotations

import datetime as dt
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import regions
from .parsecache import file_digest
from .problems import Problems
from .records import FOLDERS, Form, HolidayYear, Notice, Platform, Programme, Publicity
from .schemas import SchemaSet
from .workdays import WorkdayCalendar
from .yamlsource import ID_RE, Source, load_bytes, load_file

_SCHEMAS: SchemaSet | None = None


def schemas() -> SchemaSet:
    global _SCHEMAS
    if _SCHEMAS is None:
        _SCHEMAS = SchemaSet()
    return _SCHEMAS


@dataclass
class Registry:
    root: Path
    title: str = ""
    demo: bool = False
    layers: list[Path] = field(default_factory=list)
    programmes: dict[str, Programme] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    publicity: dict[str, Publicity] = field(default_factory=dict)
    platforms: dict[str, Platform] = field(default_factory=dict)
    calendar_years: dict[str, HolidayYear] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    files: dict[str, str] = field(default_factory=dict)   # "kind:id" -> its file's path, for every record loaded
    # "kind:id" -> a digest of its file's bytes, from which the record is built (a site build keys
    # views by it: registry_site/views.py)
    digests: dict[str, bytes] = field(default_factory=dict)
    # ids that have a file, valid or not: a reference to a broken record is not also "unresolved"
    present: dict[str, set] = field(default_factory=dict)
    # the parse cache, which also remembers what the rules found in each record (rules._each)
    rule_memo: "ParseCache | None" = field(default=None, repr=False, compare=False)

    _BY_FOLDER = {"programmes": "programmes", "notices": "notices", "forms": "forms",
                  "publicity": "publicity", "platforms": "platforms", "calendar": "calendar_years"}

    def table(self, folder: str) -> dict:
        return getattr(self, self._BY_FOLDER[folder])

    @property
    def calendar(self) -> WorkdayCalendar:
        cal = self.__dict__.get("_calendar")
        if cal is None:
            cal = self.__dict__["_calendar"] = WorkdayCalendar(self.calendar_years.values())
        return cal

    @property
    def ok(self) -> bool:
        return not self.problems.errors

    def release_sources(self) -> None:
        """Forget where each field came from (line numbers): only problems need them, and after
        a successful validation the site build has none to report.  A tenth of the memory."""
        for folder in FOLDERS:
            for record in self.table(folder).values():
                src = getattr(record, "src", None)
                if src is not None:
                    src.lines, src.implicit, src.text, src.reader = {}, {}, None, None


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def load_registry(root: Path | str, *, check_rules: bool = True, as_of: dt.date | None = None,
                  parse_cache: "ParseCache | None" = None) -> Registry:
    """Load and validate a registry folder (and the folders it extends).  `parse_cache`
    (parsecache.py) reuses the parse of files whose bytes are unchanged."""
    root = Path(root)
    reg = Registry(root, rule_memo=parse_cache)
    if parse_cache is not None:
        regions.remember(parse_cache.regions)     # what the rules looked up last time (parsecache.py)
    if not root.is_dir():
        reg.problems.add(display_path(root), 0, "", "登记库目录不存在。请检查路径（REGISTRY=…）。", rule="registry.missing")
        return reg
    # Loading allocates hundreds of thousands of small objects that all stay alive: the cyclic
    # garbage collector would scan them again and again (~20% of the time) to free nothing.
    from . import parallel
    with parallel.collector_paused():
        _load_layer(reg, root, seen=set(), cache=parse_cache)
    if check_rules:
        from .rules import check_all  # rules import lifecycle/criteria; keep loading light
        check_all(reg, as_of)
    reg.rule_memo = None     # only the rules read it: the caller saves the cache and lets it go
    return reg


def _load_layer(reg: Registry, root: Path, seen: set, cache=None) -> None:
    root = root.resolve()
    if root in seen:
        reg.problems.add(display_path(root / "registry.yaml"), 1, "extends", "extends 形成了循环引用。", rule="registry.extends")
        return
    seen.add(root)
    manifest = root / "registry.yaml"
    if manifest.exists():
        src = load_file(manifest, reg.problems, display_path(manifest))
        if src is not None and schemas().check("registry", src, reg.problems):
            data = src.data or {}
            if data.get("extends"):
                base = (root / data["extends"]).resolve()
                if not base.is_dir():
                    reg.problems.add(src.path, src.line(("extends",)), "extends",
                                     f"extends 指向的目录“{data['extends']}”不存在。", rule="registry.extends")
                else:
                    _load_layer(reg, base, seen, cache)
            if root == reg.root.resolve():
                reg.title = data.get("title", "")
                reg.demo = bool(data.get("demo", False))
    reg.layers.append(root)
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and entry.name not in FOLDERS and entry.name != "schema" and not entry.name.startswith("."):
            reg.problems.add(display_path(entry), 0, "", f"不认识的目录“{entry.name}”。记录只能放在 {'、'.join(FOLDERS)} 目录中。",
                             severity="warning", rule="registry.folder")
    # Every file's name is checked first, in order; the files are then parsed and schema-checked
    # (on all cores for a large registry) and their records built, in the same order: the
    # problems come out exactly as a one-by-one load would report them.
    steps: list = []        # a problem to report, or a file to load: (folder, kind, cls, rid, path, shown)
    for folder, (kind, cls) in FOLDERS.items():
        directory = root / folder
        if not directory.is_dir():
            continue
        table = reg.table(folder)
        shown_dir = display_path(directory)   # relpath once per folder: it is slow per file
        # names sorted as strings (Path objects compare far slower), folders known from the listing
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            name = entry.name
            if name.startswith(".") or entry.is_dir():
                continue
            path = entry.path       # a string: a Path for each of ten thousand files cost more than loading them
            shown = f"{shown_dir}/{name}"     # os.path.join's result for these, without its checks
            if not name.endswith(".yaml"):
                steps.append((shown, 0, "", "记录文件名要以 .yaml 结尾（不是 .yml 或其他）。", "registry.extension"))
                continue
            rid = name[:-len(".yaml")]
            if kind == "calendar":
                if not (rid.isdigit() and len(rid) == 4):
                    steps.append((shown, 0, "", "节假日安排的文件名要是四位年份，例如 2027.yaml。", "registry.id"))
                    continue
            elif not ID_RE.match(rid):
                steps.append((shown, 0, "", f"文件名“{name}”不是合法的编号：只能用小写英文字母、数字和“-”，3–80 个字符，"
                              "例如 xuchang-city.yaml。", "registry.id"))
                continue
            if rid in table:
                steps.append((shown, 0, "", f"编号“{rid}”与 {table[rid].path} 重复。编号必须唯一。", "registry.duplicate-id"))
                continue
            reg.present.setdefault(folder, set()).add(rid)
            steps.append((folder, kind, cls, rid, path, shown))
    files = [step for step in steps if len(step) == 6]
    loaded = iter(_load_files([(kind, path, shown) for _, kind, _, _, path, shown in files], cache))
    for step in steps:
        if len(step) == 5:
            reg.problems.add(*step[:4], rule=step[4])
            continue
        folder, kind, cls, rid, path, shown = step
        src, valid, own, digest = next(loaded)
        reg.problems.items.extend(own)
        if valid:
            reg.table(folder)[rid] = cls.build(rid, src)
            reg.files[f"{kind}:{rid}"] = path
            reg.digests[f"{kind}:{rid}"] = digest


# Files from which parsing is shared among the cores (sme_registry/parallel.py)
PARALLEL_FROM = 2000


def _load_files(files: list[tuple[str, str, str]], cache=None) -> list[tuple]:
    """(Source or None, passed the schema, the file's problems, a digest of its bytes) for each
    (kind, path, shown)."""
    # A file the build hashed for its inputs key comes with its digest (cache.known): found in the
    # parse cache by it, it is not read at all.
    known = cache.known if cache else {}
    raw: list = []
    digests: list = []
    for _, path, _ in files:
        digest = known.get(path)
        data = None
        if digest is None:
            data = cache.read(path) if cache else Path(path).read_bytes()
            digest = file_digest(data)
        raw.append(data)
        digests.append(digest)
    parsed: list = [cache.get(shown, digests[i], raw[i], path) if cache else None
                    for i, (_, path, shown) in enumerate(files)]
    todo = [i for i, entry in enumerate(parsed) if entry is None]
    for i in todo:
        if raw[i] is None:      # to parse after all: the bytes hashed if the caller kept them, else as it is now
            hashed = files[i][1] in cache.preread
            raw[i] = cache.read(files[i][1])
            digest = digests[i] if hashed else file_digest(raw[i])
            if digest != digests[i]:
                digests[i] = digest
                cache.changed_since_known = True

    here = os.getpid()

    def parse(share: list[int]) -> tuple:
        # plain values go back from a worker, without the text (it is here already), marshalled:
        # marshal writes them four times quicker than pickle (the parse waited 0.2 s for them at
        # 10,000 platforms, 0.1 s now)
        values, problems = [], []
        for i in share:
            own = Problems()
            src = load_bytes(raw[i], own, files[i][2])
            values.append(None if src is None else (src.data, src._lines, src.implicit))
            problems.append(own.items)
        if os.getpid() != here:
            try:
                return marshal.dumps(values), problems
            except ValueError:      # not plain after all: pickled by the pool, as any result
                pass
        return values, problems

    from . import parallel
    n = parallel.workers() if len(todo) >= PARALLEL_FROM else 1
    shares = [todo[k::n] for k in range(n)]
    for share, (batch, problems) in zip(shares, parallel.run_all([lambda s=s: parse(s) for s in shares], collect=False)):
        for i, values, own in zip(share, marshal.loads(batch) if isinstance(batch, bytes) else batch, problems):
            shown = files[i][2]
            src = None if values is None else Source(shown, *values, text=raw[i].decode("utf-8-sig"))
            parsed[i] = cache.put(digests[i], shown, src, own) if cache else (src, own)
    results = []
    for (kind, _, shown), (src, own), digest in zip(files, parsed, digests):
        own = Problems(list(own))
        valid = False
        if src is not None:
            if not isinstance(src.data, dict):
                own.add(shown, 1, "", "记录应由“字段: 值”组成，而不是单个值或列表。", rule="yaml.not-mapping")
            elif cache is not None and cache.passed_schema(shown, digest, schemas):
                valid = True        # these bytes passed these schemas before: not checked again
            else:
                valid = schemas().check(kind, src, own)
                if cache is not None:
                    cache.remember_schema(shown, digest, valid, schemas().digest)
        results.append((src, valid, own.items, digest))
    return results
