"""The Git history of the records: when each was first published, last changed, and by which commit.

Staff publish by committing YAML records, so Git history is the audit trail; the site shows it on
every record page (「修改记录」), on /changes/ (最近更新) and in /changes/feed.xml.

- One `git log` process per build, never one per file: a national registry has 10,000+ records and
  thousands of commits.  `git log --name-status --no-renames -z` over the record folders of every
  layer lists each commit once with the files it touched; one linear pass over its NUL-separated
  tokens files every change under its record (type, id), taken from the path (`platforms/<id>.yaml`)
  relative to the layer.  A registry that `extends` another (examples/ → registry/) has its layers
  in one repository: one log from the repository's top level covers them all.  A layer outside that
  repository simply has no history.
- Commits only.  Uncommitted edits, untracked files and file times are ignored, so a build of a given
  commit is the same wherever and whenever it runs.  The date of a change is the committer date (when
  it entered the repository) as a date in China (UTC+8, no daylight saving since 1991).
- Shallow clones (CI often clones with depth 1): the boundary commits (listed in Git's `shallow`
  file) show every file they contain as added, but they are snapshots, not changes.  Their entries
  are dropped, and the pages say the history is incomplete: 首次发布 is 不详 instead of claiming the
  last commit was the first publication.
- No git, or not a checkout (a registry copied out of the repository, an unreadable repository):
  the history is unavailable, the build goes on and the pages say 本站生成时未取得修改记录.
- No personal data reaches the site: the log format asks for the hash, the committer date and the
  subject only — never an author's or committer's name or e-mail address.  Subjects
  are text written by staff, escaped like every record value (never Markdown or HTML).
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from sme_registry.records import FOLDERS

from .output import emit

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
KIND_LABELS = {"added": "新增", "changed": "修改", "removed": "删除"}
_KINDS = {"A": "added", "D": "removed"}          # anything else (M, T) is a change of the file
TYPE_LABELS = {"platform": "平台", "notice": "通知公告", "publicity": "公示名单", "programme": "认定项目", "form": "表单"}
TYPE_OF_FOLDER = {folder: kind for folder, (kind, _cls) in FOLDERS.items() if kind in TYPE_LABELS}
SHOWN = 10          # changes listed on a record page; the rest are counted
RECENT = 400        # changes on /changes/ and in its feed: the window does not grow without bound
PER_PAGE = 40
SUBJECT_MAX = 80
FEED_PATH = "changes/feed.xml"
UNAVAILABLE = "本站生成时未取得修改记录。"
INCOMPLETE = "本站生成时只取得了部分 Git 历史（浅克隆），更早的修改未列出，首次发布日期不详。"


@dataclass(frozen=True, slots=True)
class Change:
    commit: str
    at: dt.datetime          # committer date, UTC+8
    subject: str
    kind: str                # added | changed | removed
    type: str                # platform | notice | publicity | programme | form
    id: str
    path: str                # relative to the repository's top level
    url: str | None = None   # the commit on the Git host, when REGISTRY_REPO_URL is set

    @property
    def on(self) -> dt.date:
        return self.at.date()

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


@dataclass(slots=True)
class RecordHistory:
    """What a record page shows in 修改记录."""
    available: bool
    complete: bool
    changes: list[Change]                 # newest first
    source_url: str | None = None         # the file's history on the Git host

    @property
    def shown(self) -> list[Change]:
        return self.changes[:SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.changes) - SHOWN)

    @property
    def first_published(self) -> dt.date | None:
        return self.changes[-1].on if self.changes and self.complete else None

    @property
    def last_changed(self) -> dt.date | None:
        return self.changes[0].on if self.changes else None

    unavailable_text = UNAVAILABLE
    incomplete_text = INCOMPLETE


@dataclass(slots=True)
class ChangeRow:
    """A row of /changes/ and an entry of its feed."""
    change: Change
    title: str
    url: str | None          # the record's page; None for a removed record


@dataclass
class History:
    available: bool = False
    complete: bool = True
    changes: list[Change] = field(default_factory=list)          # newest first
    by_record: dict[tuple[str, str], list[Change]] = field(default_factory=dict)
    recent: list[ChangeRow] = field(default_factory=list)
    file_history_url: dict[tuple[str, str], str] = field(default_factory=dict)
    unavailable_text: str = UNAVAILABLE
    incomplete_text: str = INCOMPLETE
    _unchanged: RecordHistory | None = field(default=None, init=False, repr=False, compare=False)

    def record(self, type: str, rid: str) -> RecordHistory:
        key = (type, rid)
        changes, url = self.by_record.get(key), self.file_history_url.get(key)
        if not changes and url is None:
            # most records, and all without Git: one value, which the build cache pickles once
            # for the keys of all their pages (buildcache.share_views)
            if self._unchanged is None:
                self._unchanged = RecordHistory(self.available, self.complete, [])
            return self._unchanged
        return RecordHistory(self.available, self.complete, changes or [], url)


# -- reading Git -------------------------------------------------------------------------------------
def _git(cwd: Path, *args: str) -> str | None:
    # config that would change the output is pinned; a GIT_DIR inherited from a hook would point elsewhere
    cmd = ["git", "-C", str(cwd), "-c", "log.showSignature=false", "-c", "diff.relative=false",
           "-c", "core.quotePath=false", *args]
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    try:
        done = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, env=env, timeout=600)
    except (OSError, subprocess.SubprocessError):    # no git, or it hung
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _subject(text: str) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1].rstrip() + "…"


def parse_log(out: str, layers: list[str], boundary: frozenset = frozenset(), link=None) -> list[Change]:
    """The changes in `git log --format=%x01%H%x00%cI%x00%s --name-status -z` output, newest first.

    layers: each layer's path relative to the top level ("" or "examples/"); boundary: the commits
    of a shallow clone's edge, whose entries are dropped (snapshots, not changes); link: hash -> URL."""
    tokens = out.split("\0")
    changes: list[Change] = []
    i, n = 0, len(tokens)
    commit = at = subject = url = None
    while i < n:
        tok = tokens[i].lstrip("\n")
        if tok.startswith("\x01"):                      # a commit: hash, committer date, subject
            commit = tok[1:]
            at = dt.datetime.fromisoformat(tokens[i + 1]).astimezone(CHINA) if i + 1 < n else None
            subject = _subject(tokens[i + 2]) if i + 2 < n else ""
            url = link(commit) if link else None
            i += 3
            continue
        if not tok or i + 1 >= n or commit is None:
            i += 1
            continue
        path = tokens[i + 1]
        i += 2
        if commit in boundary:
            continue
        for prefix in layers:
            if path.startswith(prefix):
                folder, _, name = path[len(prefix):].partition("/")
                if folder in TYPE_OF_FOLDER and name.endswith(".yaml") and "/" not in name:
                    changes.append(Change(commit, at, subject, _KINDS.get(tok[0], "changed"),
                                          TYPE_OF_FOLDER[folder], name[:-5], path, url))
                break
    return changes


def read(layers: list[Path], link=None) -> History:
    """The history of the record folders of `layers` (a registry's folders, base first)."""
    if not layers:
        return History()
    info = _git(layers[-1], "rev-parse", "--show-toplevel", "--is-shallow-repository", "--git-path", "shallow")
    if info is None:
        return History()
    lines = info.splitlines()
    if len(lines) < 3:
        return History()
    top = Path(lines[0]).resolve()
    shallow = lines[1].strip() == "true"
    boundary: frozenset = frozenset()
    if shallow:
        shallow_file = Path(lines[2]) if Path(lines[2]).is_absolute() else layers[-1] / lines[2]
        try:
            boundary = frozenset(shallow_file.read_text("ascii").split())
        except OSError:
            pass
    prefixes, specs = [], []
    for layer in layers:
        try:
            rel = Path(layer).resolve().relative_to(top).as_posix()
        except ValueError:        # a layer in another repository: no history for it
            continue
        prefix = "" if rel == "." else rel + "/"
        prefixes.append(prefix)
        specs += [f"{prefix}{folder}" for folder in TYPE_OF_FOLDER]
    if not specs:
        return History()
    # the longest prefix first, so a layer nested in another is matched before it
    prefixes.sort(key=len, reverse=True)
    out = _git(top, "log", "--no-merges", "--no-renames", "--no-color", "--no-ext-diff", "--encoding=UTF-8",
               "--name-status", "-z", "--format=%x01%H%x00%cI%x00%s", "--", *specs)
    if out is None:
        return History()
    changes = parse_log(out, prefixes, boundary, link)
    by_record: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for c in changes:
        by_record[(c.type, c.id)].append(c)
    return History(True, not shallow, changes, dict(by_record))


# -- for the site ------------------------------------------------------------------------------------
def _host_url(template: str, repo: str, **values) -> str:
    return template.format(repo=repo, **{k: quote(v) for k, v in values.items()})


def for_site(layers: list[Path], site, settings) -> History:
    """The history with links to the Git host (REGISTRY_REPO_URL, REGISTRY_COMMIT_URL,
    REGISTRY_FILE_HISTORY_URL; GitHub/Gitea style by default) and the rows of /changes/."""
    repo = (settings.get("REGISTRY_REPO_URL") or "").rstrip("/")
    repo = repo if repo.startswith(("https://", "http://")) else ""
    commit_url = settings.get("REGISTRY_COMMIT_URL") or "{repo}/commit/{hash}"
    hist = read(layers, (lambda h: _host_url(commit_url, repo, hash=h)) if repo else None)
    if repo:
        file_url = settings.get("REGISTRY_FILE_HISTORY_URL") or "{repo}/commits/{hash}/{path}"
        hist.file_history_url = {key: _host_url(file_url, repo, hash=rows[0].commit, path=rows[0].path)
                                 for key, rows in hist.by_record.items()}
    titles = {"platform": "name", "programme": "name"}
    for c in hist.changes[:RECENT]:
        view = site.by_id.get(c.type, {}).get(c.id)
        title = getattr(view, titles.get(c.type, "title")) if view is not None else c.id
        hist.recent.append(ChangeRow(c, title, view.url if view is not None and c.kind != "removed" else None))
    return hist


def _abs(settings, url: str) -> str:
    base = (settings.get("SITEURL") or "").rstrip("/")
    return f"{base}/{url}" if base else f"/{url}"


def write_atom(hist: History, out: Path, settings, as_of: dt.date) -> str:
    """/changes/feed.xml: the recent changes, newest first; ids from commit and file, dates from commits."""
    domain = (settings.get("SITEURL") or "").split("//")[-1].split("/")[0] or "localhost"
    updated = hist.recent[0].change.at.isoformat() if hist.recent else f"{as_of.isoformat()}T00:00:00+08:00"
    name = settings.get("SITENAME", "")
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
             f"<title>{escape(name)}：最近更新</title>",
             f'<link href={quoteattr(_abs(settings, "changes/"))} rel="alternate"/>',
             f'<link href={quoteattr(_abs(settings, FEED_PATH))} rel="self"/>',
             f"<id>tag:{domain},2024:changes</id>", f"<updated>{updated}</updated>"]
    for row in hist.recent:
        c = row.change
        summary = f"{c.kind_label}{c.type_label}（{c.id}）：{c.subject or '（无说明）'}（提交 {c.short}）"
        lines += ["<entry>", f"<title>{escape(f'{c.kind_label}{c.type_label}：{row.title}')}</title>",
                  f'<link href={quoteattr(_abs(settings, row.url or "changes/"))}/>',
                  f"<id>tag:{domain},{c.on.isoformat()}:{c.commit}/{escape(quote(c.path))}</id>",
                  f"<updated>{c.at.isoformat()}</updated>",
                  f"<author><name>{escape(name)}</name></author>",
                  f"<summary>{escape(summary)}</summary>", "</entry>"]
    lines.append("</feed>")
    return emit(out, FEED_PATH, "\n".join(lines) + "\n")
