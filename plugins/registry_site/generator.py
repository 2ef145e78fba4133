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

from . import feeds, opendata, views

logger = logging.getLogger(__name__)

PAGE_SIZE = 100   # rows per page of the platform lists (the filters work on the open data)


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, (metric, ""))[0]


# Jinja filters for every generator's templates (Pelican's pages share base.html)
JINJA_FILTERS = {"cn_date": views.cn_date, "metric_label": metric_label, "metric_value": format_value}


def add_jinja_filters(pelican_object):
    pelican_object.settings.setdefault("JINJA_FILTERS", {}).update(JINJA_FILTERS)


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
        self.site = site
        self._update_context(())
        self.context.update({
            "registry": site, "AS_OF": as_of, "AS_OF_TEXT": views.cn_date(as_of),
            "REGISTRY_DEMO": site.demo, "REGISTRY_TITLE": site.title,
        })

    # -- output -----------------------------------------------------------------------------
    def _page(self, writer, save_as: str, template: str, **kwargs):
        url = save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as
        writer.write_file(save_as, self.get_template(template), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", False), page_url=url, **kwargs)
        self.urls.append(url)

    def generate_output(self, writer):
        site = self.site
        self.urls: list[str] = []
        self._page(writer, "index.html", "home", page_title="首页")

        current = site.current_platforms
        pages = [current[i:i + PAGE_SIZE] for i in range(0, len(current), PAGE_SIZE)] or [[]]
        facet_values = views.facets(current)
        for number, rows in enumerate(pages, 1):
            save_as = "platforms/index.html" if number == 1 else f"platforms/page/{number}/index.html"
            self._page(writer, save_as, "platforms", page_title="现有示范平台", rows=rows, facets=facet_values,
                       page_number=number, page_count=len(pages), total=len(current),
                       programme_levels={p.id: p.level for p in site.programmes})
        self._page(writer, "platforms/history/index.html", "platforms_history", page_title="已过期、已撤销及未生效的称号",
                   past=site.past_platforms, pending=site.pending_platforms, candidates=site.candidate_platforms)
        for p in site.platforms:
            self._page(writer, f"platforms/{p.id}/index.html", "platform", page_title=p.name, platform=p)

        self._page(writer, "notices/index.html", "notices", page_title="通知公告",
                   years=views.notices_by_year(site.notices), facets=views.notice_facets(site.notices))
        for n in site.notices:
            self._page(writer, f"notices/{n.id}/index.html", "notice", page_title=n.title, notice=n)

        self._page(writer, "publicity/index.html", "publicity_list", page_title="公示名单")
        for p in site.publicity:
            self._page(writer, f"publicity/{p.id}/index.html", "publicity", page_title=p.title, publicity=p)

        self._page(writer, "programmes/index.html", "programmes", page_title="认定项目")
        for p in site.programmes:
            self._page(writer, f"programmes/{p.id}/index.html", "programme", page_title=p.name, programme=p)

        self._page(writer, "forms/index.html", "forms", page_title="表单下载")
        for f in site.forms:
            self._page(writer, f"forms/{f.id}/index.html", "form", page_title=f.title, form=f)

        self._page(writer, "data/index.html", "data", page_title="开放数据", fields=opendata.FIELD_DOCS)
        self._page(writer, "404.html", "404", page_title="页面不存在")

        out = Path(self.output_path)
        self.urls.extend(opendata.write_all(site, out))
        self.urls.append(feeds.write_atom(site, out, self.settings))
        for page in self.context.get("pages", []):
            self.urls.append(page.url)
        feeds.write_sitemap(sorted(set(self.urls)), out, self.settings)
