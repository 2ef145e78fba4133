"""The build cache: what a rebuild may take from the previous output instead of computing it.

Kept beside the output, never inside it (nothing of it is published): `.<output>.cache/`
next to OUTPUT, written by a build that succeeded and swapped in together with the output
(build.py), so the state always describes the folder that is published.  It holds
  - for every file of the previous output, its digest and size (output.Output links a file
    instead of writing it when the new bytes are the same);
  - for every page, the key it was rendered from; for every other stage (search index by
    type, open data, feed, form files) its key and its files (and for the search index, what a
    rebuild patches it from: search_index.py; a page's companions, such as a platform's JSON or
    a notice's calendar, go with the page);
  - the sanitised HTML of every Markdown text (markdown_safe), by the text's digest;
  - the regions the views looked up in python-stdnum's table (sme_registry/regions.py);
  - for every platform, its inputs and what the lists and counts read of its view
    (views.platform_summaries): a rebuild starts the view of a platform whose inputs are
    unchanged from it and makes the rest only if a page asks (views.LazyPlatformView).

A key is a content hash of everything the page or stage reads:
  - the global key: the theme (templates and static files), the plugin's code, lunr.js,
    the library versions, the settings the templates see, and the "as of" date;
  - a record page's own template arguments, pickled (the view models hold every value
    the page shows: statuses, linked titles, dates); a platform's or a notice's view stands in
    them as the digest of what it is made from (views.platform_inputs: its file, its programmes'
    files, the titles it links to, the date; views.notice_inputs), any other view as the digest
    of its pickle; a platform's or a notice's own page is keyed by that digest and its history's
    alone (generator.Job.inputs), every argument of the page being made from them;
  - for the site-wide pages (home, the list of programmes, site map): the keys of all record
    pages together, i.e. every view model of the build;
  - for a stage: what it reads (generator._stages): the search index, the open data and the
    feed, the digests of the views they are made from.
Record pages never read the whole site (their templates get only their own arguments),
which is what makes their key complete; tests/site/test_incremental.py builds after
changes with and without the cache and requires byte-identical output.

Anything unreadable or from another version of the format is ignored: a rebuild then
simply does all the work.
"""
from __future__ import annotations

import functools
import hashlib
import io
import marshal
import os
import pickle
import sys
import threading
from importlib import metadata
from pathlib import Path

FORMAT = 1
STATE = "state.bin"         # marshal, or pickle when a value is not plain (_dump_state)
NEXT = "state.next.bin"
ROOT = Path(__file__).resolve().parents[2]
_LIBRARIES = ("pelican", "Jinja2", "Markdown", "nh3", "MarkupSafe", "OpenCC", "icalendar", "python-docx", "openpyxl",
              "lunr", "chinesecalendar", "python-stdnum")


def read_bytes(path) -> bytes:
    """A file's bytes with the fewest system calls (Path.read_bytes makes seven; ten thousand
    registry files are read for every build)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _hash_tree(h, folder: Path) -> None:
    """Hash every file under folder.  (Strings, not pathlib: ten thousand files are hashed
    before every build.)"""
    top = str(folder)
    for dirpath, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        prefix = "" if dirpath == top else dirpath[len(top) + 1:] + "/"
        for name in sorted(files):
            h.update(f"{prefix}{name}".encode() + b"\0" + read_bytes(f"{dirpath}/{name}") + b"\0")


def _hash_records(h, folder: Path, digests: dict, keep: dict | None) -> None:
    """As _hash_tree, but each file stands in the key as its digest, which `digests` gets (and
    `keep` its bytes)."""
    from sme_registry.parsecache import file_digest
    top = str(folder)
    for dirpath, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        prefix = "" if dirpath == top else dirpath[len(top) + 1:] + "/"
        for name in sorted(files):
            path = f"{dirpath}/{name}"
            data = read_bytes(path)
            if keep is not None:
                keep[path] = data
            digest = digests[path] = file_digest(data)
            h.update(f"{prefix}{name}".encode() + b"\0" + digest)


@functools.lru_cache(maxsize=4)
def _code_part(theme: str, lunr_js: str) -> bytes:
    """The libraries' versions, the theme, the plugins and lunr.js, hashed once a build (5 ms): a
    build asks twice, build.py before Pelican starts and the generator with Pelican's settings.
    Kept only while build.py builds (it forgets it before and after: forget_code_part), so that
    a process that builds again, or Pelican run on its own, sees a template changed since.  A
    file edited between the two asks is caught by the next build, whose key then differs."""
    h = hashlib.blake2b(digest_size=20)
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}|".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=?|".encode())
    _hash_tree(h, Path(theme))
    _hash_tree(h, ROOT / "plugins")
    for name in ("lunr.min.js", "package.json"):
        path = Path(lunr_js) / name
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.digest()


def forget_code_part() -> None:
    _code_part.cache_clear()


def _plain(value) -> bool:
    if isinstance(value, (str, int, float, bool, type(None))):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def global_key(settings, as_of, theme: Path, lunr_js: Path) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{FORMAT}|{sys.version}|{as_of}|".encode() + _code_part(str(theme), str(lunr_js)))
    # every setting a template could read (values of plain types, and the plain entries of a
    # dict such as JINJA_ENVIRONMENT, whose bytecode cache is not; paths of this build excluded)
    plain = {k: v if _plain(v) else {kk: vv for kk, vv in v.items() if isinstance(kk, str) and _plain(vv)}
             for k, v in settings.items() if k.isupper() and (_plain(v) or isinstance(v, dict))
             and k not in ("OUTPUT_PATH", "CACHE_PATH", "REGISTRY_CACHE_DIR", "REGISTRY_PREVIOUS_OUTPUT")}
    h.update(repr(sorted(plain.items())).encode())
    return h.digest()


def key(*parts) -> bytes:
    """A key from bytes, strings (a template's name) and picklable values (view models)."""
    h = hashlib.blake2b(digest_size=20)
    _feed(h, parts)
    return h.digest()


def _feed(h, parts) -> None:
    for part in parts:
        if type(part) is str:     # its length, then its bytes: no pickler for a template's name
            data = part.encode("utf-8", "surrogatepass")
            h.update(b"\x8c%d\x00" % len(data) + data)
        else:
            h.update(part if isinstance(part, bytes) else _dumps(part))


def keyer(*prefix):
    """key(*prefix, *parts) as a function of `parts`, all bytes, with the prefix hashed once: ten
    thousand record pages share theirs (the global part, the template's name), a third of their keying."""
    h = hashlib.blake2b(digest_size=20)
    _feed(h, prefix)

    def of(*parts: bytes) -> bytes:
        g = h.copy()
        for part in parts:
            g.update(part)
        return g.digest()
    return of


# A platform's view appears on its page, on a page of the list, on its programmes' pages and in
# the publicity lists that name it.  Pickled in full each time, the same views made most of a
# rebuild's keying.  Within a build, a record's view (views.SHARED) is pickled once and then
# stands in every key as the digest of that pickle: a key still covers every value it shows.
# A platform's view is not even pickled once: it brings the digest of its inputs (pickling ten
# thousand of them, in each worker that met them, was still half of a rebuild's keying).
# (Views refer to other records by Link, so no view holds itself: a cycle would never end.)
_DIGESTS: dict[int, tuple[object, bytes]] = {}   # id(view) -> (the view, kept alive; its digest)
_SHARED: tuple = ()


class _KeyPickler(pickle.Pickler):
    def __init__(self):
        self.buffer = io.BytesIO()
        super().__init__(self.buffer, protocol=5)
        self.root = None

    def reducer_override(self, obj):
        if obj is self.root or type(obj) not in _SHARED:
            return NotImplemented
        return _digest_ref, (view_digest(obj),)


def _digest_ref(digest: bytes):   # never called: keys are only hashed, never unpickled
    raise TypeError("a cache key is not unpickled")


# Picklers to use again: making one (and its buffer) for each of ten thousand keys was a quarter
# of the keying.  A list, not one: a view's digest is taken while another key is being pickled.
# Not one that pickled a large value: its memo keeps its size, and clearing it costs as much.
_PICKLERS: list[_KeyPickler] = []
_REUSED_UP_TO = 1 << 10      # bytes pickled


def _dumps(value) -> bytes:
    pickler = _PICKLERS.pop() if _PICKLERS else _KeyPickler()
    pickler.root = value
    pickler.dump(value)
    data = pickler.buffer.getvalue()
    if len(data) <= _REUSED_UP_TO:    # as a new one: nothing in its buffer, nothing remembered (memo)
        pickler.root = None
        pickler.buffer.seek(0)
        pickler.buffer.truncate()
        pickler.clear_memo()
        _PICKLERS.append(pickler)
    return data


def view_digest(view) -> bytes:
    """The digest of what the view is made from when it knows it (views.platform_inputs,
    views.notice_inputs), else of the view itself, pickled."""
    if getattr(view, "inputs", b""):
        return view.inputs
    found = _DIGESTS.get(id(view))
    if found is None:
        _DIGESTS[id(view)] = found = (view, hashlib.blake2b(_dumps(view), digest_size=20).digest())
    return found[1]


def views_key(views: list) -> bytes:
    """A key of views in order, from their digests (20 bytes each): what key(views) covers, without
    pickling a list of ten thousand of them to reach those digests."""
    return key(b"".join(view_digest(v) for v in views))


def share_views(classes: tuple) -> None:
    """Views of these classes are pickled once per build (call with () when the build is done:
    a view changed after its digest was taken would keep the old one)."""
    global _SHARED
    _SHARED = tuple(classes)
    _DIGESTS.clear()


class BuildCache:
    """The previous build's state (empty when there is none) and the new one being recorded."""

    def __init__(self, folder: Path | None, previous_output: Path | None, global_key: bytes):
        self.folder = Path(folder) if folder else None
        self.previous_output = previous_output if previous_output and Path(previous_output).is_dir() else None
        self.global_key = global_key
        old = self._read(STATE) if self.folder and self.previous_output else None
        if not old or old.get("format") != FORMAT:
            old = {}
        self.same_code = old.get("global") == global_key
        self.published: dict[str, tuple[str, int]] = old.get("files", {})
        self.old_pages: dict[str, bytes] = old.get("pages", {}) if self.same_code else {}
        self.old_stages: dict[str, tuple] = old.get("stages", {}) if self.same_code else {}
        self.markdown: dict[bytes, str] = old.get("markdown", {}) if self.same_code else {}
        self.regions: dict[str, tuple | None] = old.get("regions", {}) if self.same_code else {}
        # each platform's view as the lists read it, by its inputs (views.platform_summaries)
        self.platforms: dict = old.get("platforms", {}) if self.same_code else {}
        self.pages: dict[str, bytes] = {}
        self.stages: dict[str, tuple] = {}
        self.in_place = False      # the output stages only changed files (output.py)

    def _read(self, name: str):
        try:
            return _load_state(self.folder / name)
        except Exception:      # missing, truncated, another format: start afresh
            return None

    def stage(self, name: str, stage_key: bytes):
        """The previous (files, extra) of a stage when its key is unchanged, else None."""
        old = self.old_stages.get(name)
        return old[1:] if old and old[0] == stage_key else None

    def save(self, files: dict, markdown_used: dict, regions: dict, platforms: dict | None = None) -> None:
        """Write the new state beside the current one; build.py makes it current after the swap."""
        if not self.folder:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        state = {"format": FORMAT, "global": self.global_key, "files": files, "pages": self.pages,
                 "stages": self.stages, "markdown": markdown_used, "regions": regions, "in_place": self.in_place,
                 "platforms": platforms or {}}
        _WRITTEN[str(self.folder)] = state
        # marshalled here (0.01 s at 10,000 platforms; a forked child took longer, touching every
        # value of the state), written by a thread while the build publishes its output (the
        # file's write lets the other core take it); commit() waits for it
        try:
            data = _dump_state(state)
        except Exception:      # then no state: commit() removes the previous one too
            return
        writer = threading.Thread(target=_write_state, args=(self.folder / NEXT, data), daemon=True)
        writer.start()
        _WRITING[str(self.folder)] = writer


def _dump_state(state: dict) -> bytes:
    """The state is plain values (paths, digests, sizes, the search index's and the open data's
    own state): marshal writes it in a third of pickle's time and reads it back in two thirds,
    which the build process waits for at both ends.  Pickle, marked as such, if a value is not."""
    try:
        return b"M" + marshal.dumps(state)
    except ValueError:
        return b"P" + pickle.dumps(state, protocol=5)


def _load_state(path: Path) -> dict:
    with open(path, "rb") as f:
        data = f.read()
    if data[:1] == b"M":
        return marshal.loads(memoryview(data)[1:])
    if data[:1] == b"P":
        return pickle.loads(memoryview(data)[1:])
    raise ValueError(f"{path}: not a build state")


def _write_state(path: Path, data: bytes) -> None:
    """NEXT, whole or not at all (a build then publishes without a cache: commit())."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


_WRITTEN: dict[str, dict] = {}    # folder -> the state this process just wrote there (not read back)
_WRITING: dict[str, threading.Thread] = {}  # folder -> the thread writing it


def _written(folder: Path) -> None:
    """Wait until the state is on disk (or its writer failed: then there is no NEXT)."""
    writer = _WRITING.pop(str(Path(folder)), None)
    if writer is not None:
        writer.join()


def pending(folder: Path) -> dict | None:
    """The state the build that just ran wrote (None without a cache)."""
    state = _WRITTEN.pop(str(Path(folder)), None)
    if state is not None:
        return state
    _written(folder)
    try:
        return _load_state(Path(folder) / NEXT)
    except (OSError, ValueError, EOFError, TypeError, pickle.PickleError):
        return None


def commit(folder: Path) -> None:
    """The output was swapped in: its state becomes the current one.  Without one (its writer
    failed: a full disk, say) the previous state must go too: it describes the output replaced."""
    _written(folder)
    nxt = Path(folder) / NEXT
    if nxt.exists():
        os.replace(nxt, Path(folder) / STATE)
    else:
        (Path(folder) / STATE).unlink(missing_ok=True)
    (Path(folder) / "state.pickle").unlink(missing_ok=True)      # the state in its former, pickled file


def discard(folder: Path) -> None:
    _written(folder)
    _WRITTEN.pop(str(Path(folder)), None)
    (Path(folder) / NEXT).unlink(missing_ok=True)


# -- a rebuild with nothing changed ------------------------------------------------------------
# When every input of the build is byte for byte what the published output was built from, the
# build is already done: reproducibility means it would write the same bytes.  The inputs: every
# file of the registry's layers, the global key (templates, code, libraries, settings, "as of"),
# Pelican's own pages (content/), and the Git commit the history is read from.  The published
# folder must also be exactly what that build left (the same files, the same sizes).
# The file: the inputs key first (KEY_SIZE bytes), then the listing and the report marshalled, so
# that a build with something to do reads 20 bytes of it, not 0.9 MB (4 ms at 10,000 platforms).
INPUTS = "inputs.bin"
KEY_SIZE = 20


def _layers(root: Path) -> list[Path] | None:
    """The registry folder and the folders it extends (registry.yaml), or None when unclear."""
    import yaml
    layers: list[Path] = []
    current: Path | None = Path(root)
    while current is not None:
        current = current.resolve()
        if current in layers or not current.is_dir():
            return None
        layers.append(current)
        manifest, current = current / "registry.yaml", None
        if manifest.exists():
            try:
                data = yaml.safe_load(manifest.read_text("utf-8")) or {}
            except Exception:
                return None
            if isinstance(data, dict) and data.get("extends"):
                current = layers[-1] / str(data["extends"])
    return layers


def _git_state(folder: Path) -> bytes:
    """The commit the history is read from, asked as history.py asks Git (same pinned config and
    environment: a GIT_DIR inherited from a hook must not point this at another repository).  One
    call (each costs 9 ms): with no commit yet, or no repository, it answers nothing, and there
    is no history either."""
    from .history import _git
    answer = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    return b"-" if answer is None else answer.encode()


def registry_part(registry: Path, content: Path, digests: dict | None = None, keep: dict | None = None) -> bytes | None:
    """The part of the inputs key that needs no settings: every file of the registry's layers,
    Pelican's own pages (`content`) and the Git commit; None when the layers are unclear.
    `digests` gets the digest of each of the registry's files by its path (parsecache.file_digest,
    which stands for the file in the key): the build finds its parse by it without reading it again.
    `keep` gets their bytes, for a build that will parse them all."""
    layers = _layers(registry)
    if layers is None:
        return None
    h = hashlib.blake2b(digest_size=20)
    for layer in layers:
        h.update(str(layer).encode() + b"\0")
        _hash_records(h, layer, {} if digests is None else digests, keep)
    _hash_tree(h, Path(content))
    h.update(_git_state(layers[0]))
    return h.digest()


def inputs_key(part: bytes | None, settled: bytes) -> bytes | None:
    """What a build is made from: `part` (registry_part) with the global key (`settled`: templates,
    code, libraries, settings, "as of")."""
    if part is None:
        return None
    return key(settled, part)


def listing(output: Path) -> dict[str, int]:
    """Every file under OUTPUT and its size."""
    from .listing import walk
    return walk(str(output))[0]


def unchanged(folder: Path, output: Path, key: bytes | None, found=None) -> str | None:
    """The previous build's report (its warnings) when `key` is what OUTPUT was built from and
    OUTPUT is as that build left it (`found()`: its listing, asked for only then); None when
    there is anything to do."""
    if key is None or not output.is_dir():
        return None
    try:
        with open(Path(folder) / INPUTS, "rb") as f:
            if f.read(KEY_SIZE) != key:
                return None
            stored = marshal.loads(f.read())
        held, report = stored["listing"], stored["report"]
    except Exception:     # missing, truncated, not this format
        return None
    if held != (listing(output) if found is None else found()):
        return None
    return report


def record_inputs(folder: Path, output: Path, key: bytes | None, report: str, held: dict | None = None) -> None:
    """After a build was published: what it was built from, and what it left (`held`, when the
    caller knows it: listing(output) otherwise)."""
    path = Path(folder) / INPUTS
    (Path(folder) / "inputs.pickle").unlink(missing_ok=True)       # the former, pickled file
    if key is None or len(key) != KEY_SIZE:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(key + marshal.dumps({"listing": listing(output) if held is None else held, "report": report}))
