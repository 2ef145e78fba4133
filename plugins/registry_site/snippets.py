"""The small HTML pieces the pages share (status badges, validity windows, links, the rows of the
platform tables), as Python.

They were Jinja macros in theme/templates/macros.html, which still hands them out under the
same names (`m.link(…)`, `m.window(…)`), so no template changes its calls.  A build calls them
about 200,000 times at 10,000 platforms, and a macro call costs Jinja some twenty microseconds
(a new frame, its own context, joining its output), a function call almost nothing: a fifth of a
clean build's rendering.  Each returns exactly the bytes the macro did (the clean build of the
benchmark registry is byte-identical with either); values are escaped as autoescape would.
A platform table's row (platform_row) was template code in the table macro, with Jinja filters
(selectattr, map, unique) that cost more than the rest of the row.
Registered as Jinja globals by generator.add_jinja_filters.
"""
from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup, escape

CANDIDATE_BADGE = Markup('<span class="badge status-candidate" data-status="candidate">候选</span>')


def status_badge(r) -> Markup:
    """A title's status; data attributes let theme/js/status.js recompute it after the build day."""
    extra = ""
    if r.valid_until:
        extra += f' data-valid-until="{escape(r.valid_until)}"'
    if r.ended_on:
        extra += f' data-ended-on="{escape(r.ended_on)}"'
    status = escape(r.status)
    return Markup(f'<span class="badge status-{status}" data-status="{status}" data-valid-from="{escape(r.valid_from)}"'
                  f'{extra}>{escape(r.status_label)}</span>')


def platform_badge(p) -> Markup:
    return status_badge(p.headline) if p.headline else CANDIDATE_BADGE


def publicity_badge(p) -> Markup:
    status = escape(p.status)
    return Markup(f'<span class="badge publicity-{status}" data-status="{status}" data-publicity-start="{escape(p.starts_on)}"'
                  f' data-publicity-end="{escape(p.ends_on)}">{escape(p.status_label)}</span>')


def days_left(until, n) -> Markup:
    text = f"剩 {escape(n)} 天" if n > 0 else "今天截止" if n == 0 else "已截止"
    return Markup(f'<span class="days-left" data-days-until="{escape(until)}">{text}</span>')


def window(r) -> Markup:
    start = escape(r.valid_from)
    end = (f'<time datetime="{escape(r.valid_until)}">{escape(r.valid_until)}</time>' if r.valid_until
           else "长期（以复评结果为准）")
    return Markup(f'<time datetime="{start}">{start}</time> 至 {end}')


@pass_context
def link(context, l) -> Markup:
    """A link to a record (views.Link): SITEURL is the page's, relative or absolute."""
    if not l:
        return Markup("")
    return Markup(f'<a href="{escape(context["SITEURL"])}/{escape(l.url)}">{escape(l.title)}</a>')


def stars(n) -> Markup:
    if not n:
        return Markup("")
    count = escape(n)
    return Markup(f'<span class="stars" aria-label="{count}星">{escape("★" * n)}<span class="visually-hidden">{count}星</span></span>')


def _unique(values) -> list:
    """Jinja's `unique` filter on ids and level names: the first of each, in order."""
    return list(dict.fromkeys(values))


@pass_context
def platform_row(context, p, programme=None) -> Markup:
    """A row of a platform table (lists.html platform_table): 20,000 rows a build at 10,000
    platforms, which as template code (a selectattr, two maps, two uniques a row) made the list
    pages take 60 % longer to render.  `programme`: on a programme's page, that programme's
    title is shown (not the platform's headline).  The data attributes drive the list filters
    (theme/js): a platform that holds a title is filtered by its current titles only, as the
    filter counts are."""
    h = next((r for r in p.recognitions if r.programme.id == programme), None) if programme else p.headline
    titles = [r for r in p.recognitions if r.status in ("active", "expiring")] if p.current else p.recognitions
    if h:
        title = f'{link(context, h.programme)} <span class="level">{escape(h.level_label)}</span> {stars(h.star)}'
        valid = window(h)
    else:
        title = valid = "—"
    badge = (status_badge(h) if h else "") if programme else platform_badge(p)
    return Markup(
        f'<tr class="platform-row" data-id="{escape(p.id)}" data-status="{escape(p.status or "candidate")}"\n'
        f'      data-programmes="{escape(" ".join(_unique(r.programme.id for r in titles)))}"\n'
        f'      data-levels="{escape(" ".join(_unique(r.level for r in titles)))}"\n'
        f'      data-province="{escape(p.region.code[:2])}0000" data-functions="{escape(" ".join(p.functions))}">\n'
        f'    <th scope="row"><a href="{escape(context["SITEURL"])}/{escape(p.url)}">{escape(p.name)}</a></th>\n'
        f'    <td>{escape(p.operator["name"])}</td>\n'
        f'    <td>{title}</td>\n'
        f'    <td>{escape(p.region.full_name)}</td>\n'
        f'    <td>{escape("、".join(p.function_labels) or "—")}</td>\n'
        f'    <td>{valid}</td>\n'
        f'    <td>{badge}</td>\n'
        f'  </tr>')


# the names macros.html gives them (snippet_<name>, so that they do not shadow a page's variables)
GLOBALS = {f"snippet_{f.__name__}": f for f in (status_badge, platform_badge, publicity_badge, days_left, window, link, stars, platform_row)}
