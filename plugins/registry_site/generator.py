"""RegistryGenerator: Pelican's custom generator for the registry pages.

Pelican's two passes (see pelican/generators.py): `generate_context` loads and
validates the registry (a registry with errors aborts the build: nothing is
published) and builds the view models; `generate_output` lists every page as a Job,
renders each as Pelican's writer would (the same local context), and writes them with
the form files, search index, open data, calendars, feed and sitemap through
output.Output.  Pages and stages whose inputs are unchanged since the previous build
are taken from its output (buildcache.py); the rest is shared among the cores
(sme_registry/parallel.py).
"""
from __future__ import annotations

import datetime as dt
import logging
import marshal
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from sme_registry import parallel, regions
from sme_registry.criteria import METRIC_LABELS, format_value
from sme_registry.registry import load_registry
from sme_registry.report import as_text
from sme_registry.rules import today_shanghai

from . import (buildcache, calendar_files, eligibility, feeds, history, markdown_safe, opendata, search_index,
               snippets, views)
from .output import Output, digest as output_digest

logger = logging.getLogger(__name__)

# Rows per page of the long lists: a page stays within 50 KB of HTML+CSS+JS at any registry
# size (a platform row is ~0.7 KB).  The platform filters work on the open data, across pages.
ROWS_PER_PAGE = 40
NOTICES_PER_PAGE = 40
ENTRIES_PER_PAGE = 100


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, (metric, ""))[0]


# Jinja filters for every generator's templates (Pelican's pages share base.html)
JINJA_FILTERS = {"cn_date": views.cn_date, "by_year": views.notices_by_year, "metric_label": metric_label, "metric_value": format_value}


def add_jinja_filters(pelican_object):
    settings = pelican_object.settings
    settings.setdefault("JINJA_FILTERS", {}).update(JINJA_FILTERS)
    settings.setdefault("JINJA_GLOBALS", {}).update(snippets.GLOBALS)
    # Record text is data, not markup: every value is escaped unless it is Markup (the
    # sanitised Markdown from markdown_safe, Pelican's own page content via `|safe`).
    # The templates do not change during a build: no stat of every template file at every render
    # (auto_reload), which was most of a build's file-system calls.
    # Compiled templates are kept between builds (Jinja's own cache in the system's temporary
    # folder, checked against each template's source): compiling them took a tenth of a second
    # in every process that renders.
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True, "auto_reload": False,
                                     "bytecode_cache": _TemplateCache.open()}


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, where a failure only costs time: no writable temporary
    folder, a full disk or an unreadable entry mean compiling the template again."""

    @classmethod
    def open(cls):
        try:
            return cls()
        except (OSError, RuntimeError):     # Jinja finds no safe folder of its own
            return None

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class RegistryBuildError(Exception):
    """The registry has errors: nothing may be published."""


def _stop_on_errors(reg) -> None:
    if reg.problems.errors:
        raise RegistryBuildError("登记库有错误，未发布任何内容：\n" + as_text(reg.problems))


def as_of_setting(settings) -> dt.date:
    value = settings.get("REGISTRY_AS_OF")
    if not value:
        return today_shanghai()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(slots=True)
class Job:
    """One page to render: `save_as` from `template` with the template arguments `kwargs`."""
    save_as: str
    template: str
    kwargs: dict
    site_wide: bool = False      # reads the whole site (`registry`), not only its arguments
    relative_urls: bool | None = None
    # files made from the same arguments, kept or written with the page: (path, function giving the
    # text), or (path, function, what it reads) for one keyed apart from the page, which a change
    # to the page alone leaves as it is
    companions: tuple = ()
    # what stands for `kwargs` in the page's key, when every argument is made from it: a record's
    # view's inputs digest (views.platform_inputs, notice_inputs) and its history's digest, as
    # bytes (buildcache.keyer).  Ten thousand small dicts pickled were half of a rebuild's keying.
    inputs: tuple = ()

    @property
    def url(self) -> str:
        return self.save_as[: -len("index.html")] if self.save_as.endswith("index.html") else self.save_as


# Pages a worker renders at a time: small enough to balance two workers, large enough that
# sending the results back costs nothing.
JOBS_PER_TASK = 500
# A large type's search index can be built in parts, one a process, each its share of the shards;
# but every part reads and tokenises all the records (a fifth of the index's time at 10,000
# platforms).  Whole, it is the longest task, taken first, and on two cores the other pages fill
# the other core meanwhile (a clean build 0.25 s faster than in two parts).  In parts when there
# are cores enough that the whole index would outlast the rest: a part per CORES_PER_SEARCH_PART
# cores (the index is about a quarter of the rendering stage's work), from SPLIT_SEARCH_AT records.
SPLIT_SEARCH_AT = 2000
CORES_PER_SEARCH_PART = 4


class RegistryGenerator(Generator):
    def generate_context(self):
        as_of = as_of_setting(self.settings)
        reg = self.settings.get("REGISTRY_LOADED")
        if reg is None:
            reg = load_registry(Path(self.settings.get("REGISTRY_PATH", "registry")), as_of=as_of)
        _stop_on_errors(reg)
        self.cache = buildcache.BuildCache(
            self.settings.get("REGISTRY_CACHE_DIR"), self.settings.get("REGISTRY_PREVIOUS_OUTPUT"),
            buildcache.global_key(self.settings, as_of, Path(self.settings["THEME"]), search_index.LUNR_JS))
        # Where each field came from (its line) is needed only to report a problem, and the
        # records have none (the rules still running report with their own copy, build.py).  A
        # build that renders every page lets the lines go: its workers set the peak memory, and
        # they are a tenth of it.  A rebuild renders a few pages, far below that peak: freeing
        # ten thousand records' lines would cost it 0.04 s.
        if not self.cache.old_pages:
            reg.release_sources()
        markdown_safe.new_build(self.cache.markdown)
        regions.remember(self.cache.regions)
        # the rules across records may still be running beside this (build.py): settled before
        # anything is rendered; an invalid registry may break the view models, and then what the
        # rules found is what is reported
        settle = self.settings.get("REGISTRY_RULES_PENDING") or (lambda: None)
        try:
            # a platform whose inputs are those of the previous build starts from what it saved
            site = views.build_site(reg, as_of, self.cache.platforms)
        except Exception:
            settle()
            _stop_on_errors(reg)    # the rules' errors, not what they broke, are the report
            raise
        settle()
        _stop_on_errors(reg)
        parallel.settle()     # the view models live as long as the build
        self.registry = reg          # the validated records (the self-check publishes their criteria)
        self.site = site
        # 修改记录: one `git log`; each page gets its record's history as an argument (never the whole
        # history from the context, so that the page's cache key holds what it shows)
        self.history = history.for_site(reg.layers, site, self.settings)
        self._update_context(())
        self.context.update({
            "registry": site, "AS_OF": as_of, "AS_OF_TEXT": views.cn_date(as_of),
            "REGISTRY_DEMO": site.demo, "REGISTRY_TITLE": site.title,
        })

    # -- the pages ------------------------------------------------------------------------------
    def _paginate(self, jobs: list, base: str, template: str, items: list, per_page: int = ROWS_PER_PAGE, **kwargs):
        """base/ holds the first page, base/page/N/ the others; the template gets `rows` and `pager`."""
        chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
        for number, rows in enumerate(chunks, 1):
            save_as = f"{base}index.html" if number == 1 else f"{base}page/{number}/index.html"
            pager = views.Pager(base, number, len(chunks), len(items), per_page)
            jobs.append(Job(save_as, template, dict(rows=rows, pager=pager, **kwargs)))

    def _jobs(self, checks: dict) -> list[Job]:
        site = self.site
        jobs: list[Job] = [Job("index.html", "home", {"page_title": "首页"}, site_wide=True)]
        current = site.current_platforms
        self._paginate(jobs, "platforms/", "platforms", current, page_title="现有示范平台",
                       facets=views.facets(current, {p.id: p.name for p in site.programmes}),
                       programme_levels={p.id: p.level for p in site.programmes})
        self._paginate(jobs, "platforms/history/", "platforms_history", site.history_platforms, page_title="历史称号")
        hist = self.history.record
        digest = buildcache.view_digest
        for p in site.platforms:
            h = hist("platform", p.id)
            jobs.append(Job(f"platforms/{p.id}/index.html", "platform", {"page_title": p.name, "platform": p, "history": h},
                            companions=((f"platforms/{p.id}.json", partial(opendata.platform_json, p)),),
                            inputs=(p.inputs, digest(h)) if p.inputs else ()))
        self._paginate(jobs, "notices/", "notices", site.notices, per_page=NOTICES_PER_PAGE, page_title="通知公告",
                       facets=views.notice_facets(site.notices))
        for n in site.notices:
            h = hist("notice", n.id)
            jobs.append(Job(f"notices/{n.id}/index.html", "notice", {"page_title": n.title, "notice": n, "history": h},
                            companions=((n.ics_url, partial(calendar_files.notice_ics, n, self.settings)),) if n.ics_url else (),
                            inputs=(n.inputs, digest(h)) if n.inputs else ()))
        self._paginate(jobs, "publicity/", "publicity_list", site.publicity, page_title="公示名单")
        for p in site.publicity:   # a national list has 200+ entries: 100 a page
            first = len(jobs)
            self._paginate(jobs, f"publicity/{p.id}/", "publicity", p.entries, per_page=ENTRIES_PER_PAGE,
                           page_title=p.title, publicity=p, history=hist("publicity", p.id))
            jobs[first].companions = ((calendar_files.ics_path(p.url), partial(calendar_files.publicity_ics, p, self.settings),
                                       calendar_files.publicity_ics_inputs(p)),)
        jobs.append(Job("programmes/index.html", "programmes", {"page_title": "认定项目"}, site_wide=True))
        for p in site.programmes:
            jobs.append(Job(f"programmes/{p.id}/index.html", "programme",
                            {"page_title": p.name, "programme": p, "history": hist("programme", p.id)}))
            check = checks[p.id]
            jobs.append(Job(f"programmes/{p.id}/check/index.html", "programme_check",
                            {"page_title": f"{p.name}{check.title}", "programme": p, "check": check}))
        jobs.append(Job("forms/index.html", "forms", {"page_title": "表单下载", "forms": site.forms}))
        jobs += [Job(f"forms/{f.id}/index.html", "form", {"page_title": f.title, "form": f, "history": hist("form", f.id)})
                 for f in site.forms]
        jobs.append(Job("data/index.html", "data", {"page_title": "开放数据", "fields": opendata.FIELD_DOCS}))
        jobs.append(Job("site-map/index.html", "site_map", {"page_title": "网站地图"}, site_wide=True))
        self._paginate(jobs, "changes/", "changes", self.history.recent, per_page=history.PER_PAGE, page_title="最近更新",
                       history_window=history.RECENT, history=hist("", ""))
        jobs.append(Job("search/index.html", "search",
                        {"page_title": "搜索", "programmes": [(p.id, p.name) for p in site.programmes]}))
        # 404.html is served at any depth: its links are root-relative, not page-relative
        jobs.append(Job("404.html", "404", {"page_title": "页面不存在"}, relative_urls=False))
        return jobs

    def _render(self, job: Job) -> str:
        """What Pelican's Writer.write_file renders for the job (its local context), as text."""
        local = self.context.copy()
        local["localsiteurl"] = local.get("localsiteurl")
        relative = self.settings.get("RELATIVE_URLS", False) if job.relative_urls is None else job.relative_urls
        if relative:
            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(job.save_as))
        local["output_file"] = job.save_as
        local["page_url"] = job.url
        if not job.site_wide:
            local["registry"] = _WHOLE_SITE_FORBIDDEN
        local.update(job.kwargs)
        return self.get_template(job.template).render(local)

    # -- output -----------------------------------------------------------------------------------
    def generate_output(self, writer):
        site, cache = self.site, self.cache
        # with a published output, a build stages only what changed (output.py); a clean build
        # (nothing to reuse) renders everything, in one parallel run
        fresh = not cache.old_pages and not cache.old_stages
        listed = self.settings.get("REGISTRY_PREVIOUS_LISTING")      # what it holds (listing.py)
        out = Output(Path(self.output_path), cache.previous_output, cache.published, in_place=True,
                     sizes=listed.sizes() if listed is not None and cache.previous_output else None)
        cache.in_place = out.in_place
        # what every page may show besides its arguments: the registry's title and demo label,
        # Pelican's own pages (in the menu)
        glob = buildcache.key(cache.global_key, site.title, site.demo,
                              [(pg.url, pg.title) for pg in self.context.get("pages", [])])

        self._form_files(out, glob)      # first: the pages state the files' sizes
        # from here on the view models do not change (nor does a page's history, most often one value)
        buildcache.share_views((*views.SHARED, history.RecordHistory))
        views.set_notice_inputs(site, self.registry, buildcache.view_digest)   # the form views are complete now
        try:
            self._output(out, glob, fresh)
        finally:
            buildcache.share_views(())
        # what the next build may take from this one (buildcache.py; written while the output is published)
        cache.save(out.files, dict(markdown_safe.USED), regions.known(),
                   views.platform_summaries(site, self.registry.digests))

    def _output(self, out: Output, glob: bytes, fresh: bool):
        site, cache = self.site, self.cache
        checks = {p.id: eligibility.check_page(p, self.registry.programmes[p.id].criteria) for p in site.programmes}
        stage_work, stage_keys, search_stages = self._stages(out, checks, glob)
        extras: dict[str, object] = {}     # a stage's extra result (search_index's manifest entry)
        if not fresh:
            # A rebuild: the stages whose key changed (each is keyed by what it reads, never by the
            # pages) start at once, in a forked child, while this process lists the pages and keys
            # them (with a worker of its own), then makes the site-wide pages and the site map
            # before it waits for the child.  (After one change:
            # the search index and the open data take 0.11 and 0.12 s, and listing the pages
            # 0.06 s, which the other core would otherwise wait for.)
            stages = [name for name in stage_work if not self._reuse_stage(out, name, stage_keys[name], extras)]
            running = parallel.Background(lambda: [_captured(out, stage_work[n])() for n in stages]) if stages else None
        jobs = self._jobs(checks)
        for name in sorted({job.template for job in jobs}):
            self.get_template(name)      # once, here: the forked workers inherit them
        records = [job for job in jobs if not job.site_wide]
        whole = [job for job in jobs if job.site_wide]
        record_tasks = [_captured(out, lambda batch=batch: self._record_pages(batch, glob, out))
                        for batch in (records[i:i + JOBS_PER_TASK] for i in range(0, len(records), JOBS_PER_TASK))]

        if fresh:   # a clean build: nothing to compare with, so all the work goes into one parallel run,
            # the longest tasks first (a type's search index), so that no core is left with one at the end
            stages = list(stage_work)
            results = parallel.run_all([_captured(out, stage_work[n]) for n in stages]
                                       + [_captured(out, lambda: self._write_pages(whole, out))] + record_tasks)
            stage_results, record_results = results[:len(stages)], results[len(stages) + 1:]
            out.files.update(results[len(stages)][0])
            rendered = self._pages_done(out, glob, records, whole, record_results, fresh)
        else:
            # the stage child may still be running: the site-wide pages and the site map first
            try:
                rendered = self._pages_done(out, glob, records, whole, parallel.run_all(record_tasks), fresh)
            except BaseException:    # the build fails: first the child stops writing into its staging folder
                if running:
                    running.join()
                raise
            stage_results = running.result() if running else []
        for name, (files, result) in zip(stages, stage_results):
            out.files.update(files)
            extras[name] = result if name.startswith("search:") or name == "opendata" else None
            cache.stages[name] = (stage_keys[name], sorted(files), extras[name])
        search_index.write_manifest(site, out, {kind: search_index.merge_parts([extras[n] for n in names])
                                                for kind, names in search_stages.items()})
        self.rendered, self.reused = rendered, len(jobs) - rendered
        logger.info("registry pages: %d rendered, %d unchanged; %d files taken from the previous output",
                    self.rendered, self.reused, out.linked)

    def _pages_done(self, out: Output, glob: bytes, records: list[Job], whole: list[Job], record_results: list,
                    fresh: bool) -> int:
        """After the record pages: their keys, then the site-wide pages (keyed by all of them), the
        lunr.js copy and the site map.  Returns how many pages were rendered."""
        cache, keys, rendered = self.cache, {}, 0
        for files, (batch_keys, count) in record_results:
            out.files.update(files)
            keys.update(batch_keys)
            rendered += count
        site_key = buildcache.key(glob, b"".join(keys[job.save_as] for job in records))
        for job in whole:
            keys[job.save_as] = buildcache.key(site_key, job.template, job.kwargs)
        cache.pages = keys
        if fresh:
            rendered += len(whole)
        else:     # a handful of pages: here (forking a worker would cost more)
            todo = [job for job in whole if not (cache.old_pages.get(job.save_as) == keys[job.save_as]
                                                 and out.reuse(job.save_as))]
            self._write_pages(todo, out)
            rendered += len(todo)
        search_index.copy_lunr(out)
        urls = [job.url for job in records + whole] + [page.url for page in self.context.get("pages", [])]
        feeds.write_sitemap(sorted(set(urls)), out, self.settings)
        return rendered

    def _form_files(self, out: Output, glob: bytes) -> None:
        """forms/<id>.docx|xlsx, or the previous build's when the forms and their notices are unchanged."""
        site, cache = self.site, self.cache
        notices = site.by_id["notice"]
        forms_key = buildcache.key(glob, site.forms, [notices[link.id] for f in site.forms
                                                      for link in f.notices if link.id in notices])
        sizes: dict = {}
        if self._reuse_stage(out, "forms", forms_key, sizes):
            for f in site.forms:
                f.file_size = sizes["forms"].get(f.id)
        else:
            from . import formfiles     # python-docx and openpyxl take half a second to import
            files = formfiles.write_all(site.forms, notices, out)
            cache.stages["forms"] = (forms_key, files, {f.id: f.file_size for f in site.forms})

    def _stages(self, out: Output, checks: dict, glob: bytes) -> tuple[dict, dict, dict]:
        """The outputs besides the pages: {stage: work}, {stage: its key}, and the stages of each
        type's search index."""
        site = self.site
        # Each stage is keyed by what it reads (never by the pages), so a rebuild knows before
        # anything runs which stages to take from the previous output: a changed platform leaves
        # the feed alone.  The search index, the open data and the feed are made from the view
        # models alone (search_index.SOURCES, opendata.py, feeds.atom_items), whose digests
        # (buildcache.view_digest: for a platform, that of its inputs) key them; their documents,
        # lines and items are made only when the stage runs, in another process (and in a rebuild
        # only those of the views whose inputs changed).  The feed of changes shows removed
        # records too, which no view holds: keyed by its own rows.  (Calendar files go with their
        # record's page.)
        made_from = {kind: of(site) for kind, of in search_index.SOURCES.items()}
        digests = {kind: buildcache.views_key(views) for kind, views in made_from.items()}
        # a large type's index is built in parts on many cores (CORES_PER_SEARCH_PART), each its share of the shards
        parts = {kind: max(1, parallel.workers() // CORES_PER_SEARCH_PART) if len(made_from[kind]) >= SPLIT_SEARCH_AT
                 else 1 for kind in made_from}
        search_stages = {kind: [f"search:{kind}:{i}/{parts[kind]}" for i in range(parts[kind])] for kind in made_from}
        # a stage that runs patches the index its parts left last time (their "state"; a forked
        # worker inherits it), writing only the shards that change
        old = {name: self.cache.old_stages.get(name) for names in search_stages.values() for name in names}
        previous = {kind: [old[n][2].get("state") if old[n] and isinstance(old[n][2], dict) else None for n in names]
                    for kind, names in search_stages.items()}
        work = {name: (lambda kind=kind, i=i: search_index.write_type(site, kind, out, part=(i, parts[kind]),
                                                                     previous=previous[kind], views=made_from[kind]))
                for kind in made_from for i, name in enumerate(search_stages[kind])}
        work.update({
            "opendata": lambda: self._open_data(out),
            "feed": lambda: [feeds.write_atom(feeds.atom_items(site), site.as_of, out, self.settings)],
            "changes-feed": lambda: [history.write_atom(self.history, out, self.settings, site.as_of)],
            "criteria": lambda: [eligibility.write_json(out, c) for c in checks.values()],
        })
        inputs = {**{name: digests[kind] for kind in made_from for name in search_stages[kind]},
                  "opendata": (digests["platform"], digests["notice"], digests["publicity"]),
                  # the feed: the notices' and publicity lists' views (pickling its 3,500 items was 7 ms)
                  "feed": (digests["notice"], digests["publicity"], site.as_of), "criteria": list(checks.values()),
                  "changes-feed": (self.history.recent, self.history.available, self.history.complete)}
        return work, {name: buildcache.key(glob, name, inputs[name]) for name in work}, search_stages

    def _open_data(self, out: Output) -> bytes:
        """data/*; returns what each platform's and notice's line was made from (its view's
        inputs), which the next build compares to keep the lines of the records unchanged:
        marshalled, since only that build's stage reads it (the build process only keeps it)."""
        made_from = {"platforms": {p.id: p.inputs for p in self.site.platforms if p.inputs},
                     "notices": {n.id: n.inputs for n in self.site.notices if n.inputs}}
        opendata.write_lists(self.site, out, self._previous_lists(made_from))
        return marshal.dumps(made_from)

    def _previous_lists(self, made_from: dict[str, dict[str, bytes]]) -> dict[str, opendata.Previous]:
        """The published data files (opendata.KEPT_LINES) whose lines a rebuild may keep: those of
        the records whose view has the same inputs (`made_from`) as when the line was made
        (views.platform_inputs and notice_inputs cover the whole view, from which its line is
        made: opendata.platform_record, notice_record, platforms_csv).  None of a file in a clean
        build, or when the published file is not the one the build cache recorded."""
        cache, found = self.cache, {}
        old = cache.old_stages.get("opendata")
        try:
            before = marshal.loads(old[2]) if old else None
        except (TypeError, ValueError, EOFError):
            before = None
        if not before or cache.previous_output is None:
            return {}
        for rel, kind in opendata.KEPT_LINES.items():
            entry = cache.published.get(rel)
            try:
                data = buildcache.read_bytes(Path(cache.previous_output) / rel) if entry else None
            except OSError:
                continue
            if data is None or output_digest(data) != entry[0]:
                continue
            now, was = made_from[kind], before.get(kind, {})
            found[rel] = opendata.Previous(data, list(was), {rid for rid, inputs in now.items() if was.get(rid) == inputs})
        return found

    def _record_pages(self, batch: list[Job], glob: bytes, out: Output) -> tuple[dict, int]:
        """Key each page by what it shows; take it from the previous output when the key is the
        same, else render it.  Returns the keys and how many were rendered."""
        keys, rendered, old = {}, 0, self.cache.old_pages
        key, reuse = buildcache.key, out.reuse
        keyers = {}       # template -> buildcache.keyer(glob, template), for the pages keyed by `inputs` (bytes)
        for job in batch:
            page, companions = job.save_as, job.companions
            if job.inputs:
                of = keyers.get(job.template)
                if of is None:
                    of = keyers[job.template] = buildcache.keyer(glob, job.template)
                k = keys[page] = of(*job.inputs)
            else:
                k = keys[page] = key(glob, job.template, job.kwargs)
            for c in companions:
                if len(c) > 2:              # keyed apart: (path, function, what it reads)
                    keys[c[0]] = key(glob, c[0], c[2])
            if old.get(page) == k and reuse(page) and (not companions or all(reuse(c[0]) for c in companions)):
                continue
            out.write(job.save_as, self._render(job))
            for rel, text, *inputs in job.companions:
                if not (inputs and old.get(rel) == keys[rel] and out.reuse(rel)):
                    out.write(rel, text())
            rendered += 1
        return keys, rendered

    def _write_pages(self, batch: list[Job], out: Output) -> None:
        for job in batch:
            out.write(job.save_as, self._render(job))

    def _reuse_stage(self, out: Output, name: str, stage_key: bytes, extras: dict) -> bool:
        """Take a stage's files from the previous output when its key is unchanged; its extra
        result (the search index's manifest entry, the form files' sizes) goes into `extras`."""
        old = self.cache.stage(name, stage_key)
        if old is None or not all(out.reuse(rel) for rel in old[0]):
            return False
        self.cache.stages[name] = (stage_key, *old)
        extras[name] = old[1]
        return True


class _WholeSiteForbidden:
    """`registry` in a record page: its cache key holds only its own arguments (buildcache.py)."""
    def __getattr__(self, name):
        raise RuntimeError(f"记录页面不能读取整个登记库（registry.{name}）：请把页面需要的数据作为参数传入（见 buildcache.py）。")


_WHOLE_SITE_FORBIDDEN = _WholeSiteForbidden()


def _captured(out: Output, work):
    """A task that returns (the files it wrote, its result), also when run in a forked worker."""
    def task():
        saved, out.files = out.files, {}
        try:
            result = work()
            return out.files, result
        finally:
            saved.update(out.files)
            out.files = saved
    return task
