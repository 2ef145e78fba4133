"""Markdown from records, rendered safely.

Two layers: Python-Markdown with its raw-HTML processors removed (so `<script>`
in a record is shown as text, never passed through), then nh3 (the Ammonia
sanitiser) with an allow-list of tags and of URL schemes (no `javascript:`).
One Markdown instance is reused: building a parser per record costs more than
converting a short text.
"""
from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
                "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def _parser() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _parser()


def render(text: str | None, *, shift_headings: int = 1) -> str:
    """Markdown -> sanitised HTML.  Headings shift down one level: the page owns <h1>."""
    if not text:
        return ""
    _MD.reset()
    html = _MD.convert(text)
    for level in range(5, 0, -1) if shift_headings else ():
        new = min(level + shift_headings, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain(text: str | None, limit: int = 160) -> str:
    """A plain-text excerpt (for lists and meta descriptions)."""
    if not text:
        return ""
    stripped = nh3.clean(render(text), tags=set())
    stripped = " ".join(stripped.split())
    return stripped if len(stripped) <= limit else stripped[: limit - 1] + "…"
