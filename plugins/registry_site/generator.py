"""RegistryGenerator: Pelican's custom generator for the registry pages.

Pelican's two passes (see pelican/generators.py): `generate_context` loads and
validates the registry (a registry with errors aborts the build: nothing is
published) and builds the view models; `generate_output` writes every page with
Pelican's writer (so `content_written` fires and paths stay inside the output),
then the open data, the feed and the sitemap.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from pelican.generators import Generator

from sme_registry.criteria import METRIC_LABELS, format_value
from sme_registry.registry import load_registry
from sme_registry.report import as_text
from sme_registry.rules import today_shanghai

from . import eligibility, feeds, history, opendata, search_index, views

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
    # Record text is data, not markup: every value is escaped unless it is Markup (the
    # sanitised Markdown from markdown_safe, Pelican's own page content via `|safe`).
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}


class RegistryBuildError(Exception):
    """The registry has errors: nothing may be published."""


def as_of_setting(settings) -> dt.date:
    value = settings.get("REGISTRY_AS_OF")
    if not value:
        return today_shanghai()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class RegistryGenerator(Generator):
    def generate_context(self):
        as_of = as_of_setting(self.settings)
        reg = self.settings.get("REGISTRY_LOADED")
        if reg is None:
            reg = load_registry(Path(self.settings.get("REGISTRY_PATH", "registry")), as_of=as_of)
        if reg.problems.errors:
            raise RegistryBuildError("登记库有错误，未发布任何内容：\n" + as_text(reg.problems))
        site = views.build_site(reg, as_of)
        self.registry = reg          # the validated records (the self-check publishes their criteria)
        self.site = site
        self.history = history.for_site(reg.layers, site, self.settings)   # 修改记录: one `git log`
        self._update_context(())
        self.context.update({"HISTORY": self.history,
            "registry": site, "AS_OF": as_of, "AS_OF_TEXT": views.cn_date(as_of),
            "REGISTRY_DEMO": site.demo, "REGISTRY_TITLE": site.title,
        })

    # -- output -----------------------------------------------------------------------------
    def _page(self, writer, save_as: str, template: str, **kwargs):
        url = save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as
        writer.write_file(save_as, self.get_template(template), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", False), page_url=url, **kwargs)
        self.urls.append(url)

    def _paginate(self, writer, base: str, template: str, items: list, per_page: int = ROWS_PER_PAGE, **kwargs):
        """base/ holds the first page, base/page/N/ the others; the template gets `rows` and `pager`."""
        chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
        for number, rows in enumerate(chunks, 1):
            save_as = f"{base}index.html" if number == 1 else f"{base}page/{number}/index.html"
            pager = views.Pager(base, number, len(chunks), len(items), per_page)
            self._page(writer, save_as, template, rows=rows, pager=pager, **kwargs)

    def generate_output(self, writer):
        site = self.site
        self.urls: list[str] = []
        self._page(writer, "index.html", "home", page_title="首页")

        current = site.current_platforms
        self._paginate(writer, "platforms/", "platforms", current, page_title="现有示范平台",
                       facets=views.facets(current), programme_levels={p.id: p.level for p in site.programmes})
        self._paginate(writer, "platforms/history/", "platforms_history", site.history_platforms,
                       page_title="历史称号")
        for p in site.platforms:
            self._page(writer, f"platforms/{p.id}/index.html", "platform", page_title=p.name, platform=p)

        self._paginate(writer, "notices/", "notices", site.notices, per_page=NOTICES_PER_PAGE, page_title="通知公告",
                       facets=views.notice_facets(site.notices))
        for n in site.notices:
            self._page(writer, f"notices/{n.id}/index.html", "notice", page_title=n.title, notice=n)

        self._paginate(writer, "publicity/", "publicity_list", site.publicity, page_title="公示名单")
        for p in site.publicity:   # a national list has 200+ entries: 100 a page
            self._paginate(writer, f"publicity/{p.id}/", "publicity", p.entries, per_page=ENTRIES_PER_PAGE,
                           page_title=p.title, publicity=p)

        self._page(writer, "programmes/index.html", "programmes", page_title="认定项目")
        for p in site.programmes:
            self._page(writer, f"programmes/{p.id}/index.html", "programme", page_title=p.name, programme=p)
            # the self-check: the record's criteria as criteria.json, embedded in the page too (eligibility.py)
            check = eligibility.check_page(p, self.registry.programmes[p.id].criteria)
            self.urls.append(eligibility.write_json(Path(self.output_path), check))
            self._page(writer, f"programmes/{p.id}/check/index.html", "programme_check",
                       page_title=f"{p.name}{check.title}", programme=p, check=check)

        # forms: the editable files first (forms/<id>.docx|xlsx), so the pages can state their sizes
        from . import formfiles
        self.urls.extend(formfiles.write_all(site.forms, site.by_id["notice"], Path(self.output_path)))
        self._page(writer, "forms/index.html", "forms", page_title="表单下载")
        for f in site.forms:
            self._page(writer, f"forms/{f.id}/index.html", "form", page_title=f.title, form=f)

        self._page(writer, "data/index.html", "data", page_title="开放数据", fields=opendata.FIELD_DOCS)
        self._page(writer, "site-map/index.html", "site_map", page_title="网站地图")
        self._paginate(writer, "changes/", "changes", self.history.recent, per_page=history.PER_PAGE,
                       page_title="最近更新", history_window=history.RECENT)
        self._page(writer, "search/index.html", "search", page_title="搜索")
        # 404.html is served at any depth: its links are root-relative, not page-relative
        writer.write_file("404.html", self.get_template("404"), self.context, relative_urls=False,
                          page_url="404.html", page_title="页面不存在")

        out = Path(self.output_path)
        self.urls.extend(opendata.write_all(site, out))
        self.urls.append(feeds.write_atom(site, out, self.settings))
        self.urls.append(history.write_atom(self.history, out, self.settings, site.as_of))
        from . import calendar_files   # notices/<id>.ics, publicity/<id>.ics (icalendar)
        self.urls.extend(calendar_files.write_all(site, out, self.settings))
        search_index.write_all(site, out)
        search_index.copy_lunr(out)
        for page in self.context.get("pages", []):
            self.urls.append(page.url)
        feeds.write_sitemap(sorted(set(self.urls)), out, self.settings)
