"""The Atom feed of notices and publicity lists, and sitemap.xml — both reproducible:
no clock is read; every date comes from the records or the "as of" date."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .views import Site
from .output import emit

FEED_PATH = "feeds/atom.xml"


def _abs(settings, url: str) -> str:
    base = (settings.get("SITEURL") or "").rstrip("/")
    return f"{base}/{url}" if base else f"/{url}"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def atom_items(site: Site) -> list[tuple]:
    """What the feed shows, newest first: (day, id, title, url, summary) of every notice and
    publicity list (generator.py keys the feed by their views' digests)."""
    items = [(n.issued_on, n.id, n.title, n.url, f"{n.kind_label}｜{n.issuer}" + (f"｜{n.doc_number}" if n.doc_number else ""))
             for n in site.notices]
    items += [(p.starts_on, p.id, p.title, p.url, f"公示期 {p.starts_on} 至 {p.ends_on}（{p.working_days} 个工作日）")
              for p in site.publicity]
    items.sort(key=lambda i: (i[0], i[3]), reverse=True)
    return items


def write_atom(items: list[tuple], as_of, out: Path, settings) -> str:
    updated = items[0][0] if items else as_of
    domain = (settings.get("SITEURL") or "").split("//")[-1].split("/")[0] or "localhost"
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
             f"<title>{escape(settings.get('SITENAME', ''))}：通知公告与公示</title>",
             f'<link href={quoteattr(_abs(settings, ""))} rel="alternate"/>',
             f'<link href={quoteattr(_abs(settings, FEED_PATH))} rel="self"/>',
             f"<id>tag:{domain},2024:feed</id>",
             f"<updated>{_stamp(updated)}</updated>"]
    for day, _id, title, url, summary in items:
        lines += ["<entry>", f"<title>{escape(title)}</title>", f'<link href={quoteattr(_abs(settings, url))}/>',
                  f"<id>tag:{domain},{day.isoformat()}:/{url}</id>", f"<updated>{_stamp(day)}</updated>",
                  f"<published>{_stamp(day)}</published>",
                  f"<author><name>{escape(settings.get('SITENAME', ''))}</name></author>",
                  f"<summary>{escape(summary)}</summary>", "</entry>"]
    lines.append("</feed>")
    return emit(out, FEED_PATH, "\n".join(lines) + "\n")


def write_sitemap(urls: list[str], out: Path, settings) -> None:
    pages = [u for u in urls if u.endswith("/") or u == ""]
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(_abs(settings, u))}</loc></url>" for u in pages]
    lines.append("</urlset>")
    emit(out, "sitemap.xml", "\n".join(lines) + "\n")
