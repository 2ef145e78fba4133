"""Markdown from records, rendered safely.

Python-Markdown converts the text; nh3 (the Ammonia sanitiser) then keeps only an
allow-list of tags, attributes and URL schemes.  Raw HTML in a record is removed,
not shown: a tag outside the allow-list is dropped (its text kept), and `<script>`,
`<style>`, `<iframe>` and the like are dropped with their content, so no
`onerror=`, `javascript:` or `<iframe` reaches a page, even as visible text (the
validator warns "发布时会被清除" for such bodies).  Render results are Markup:
the templates autoescape every other value.
One Markdown instance is reused: building a parser per record costs more than
converting a short text.
"""
from __future__ import annotations

import html as htmllib
import hashlib
import re

import markdown
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
                "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# dropped together with their content (the rest of the disallowed tags keep their text)
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "textarea", "select", "title"}


def _parser() -> markdown.Markdown:
    # raw HTML is passed on to nh3, which removes it (see the module docstring)
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


_MD: markdown.Markdown | None = None      # made when a text first needs it (0.02 s: a rebuild's texts are in MEMO)
_EMPTY_P = re.compile(r"<p>\s*</p>\n?")


# Rendered texts by digest: a build reuses the previous build's (buildcache.py saves MEMO's
# entries that were USED; the HTML depends only on the text and this module's code).
MEMO: dict[bytes, str] = {}
USED: dict[bytes, str] = {}


def render(text: str | None, *, shift_headings: int = 1) -> Markup:
    """Markdown -> sanitised HTML.  Headings shift down one level: the page owns <h1>."""
    if not text:
        return Markup("")
    k = _key(text, shift_headings)
    html = MEMO.get(k)
    if html is None:
        html = MEMO[k] = _render(text, shift_headings)
    USED[k] = html
    return Markup(html)


def _key(text: str, shift_headings: int) -> bytes:
    # each text is keyed twice in a build (prerender, then render): the second time from here
    known = KEYS.get((text, shift_headings))
    if known is None:
        known = KEYS[(text, shift_headings)] = hashlib.blake2b(f"{shift_headings}\0{text}".encode(), digest_size=16).digest()
    return known


KEYS: dict[tuple[str, int], bytes] = {}


def new_build(memo: dict[bytes, str]) -> None:
    """A build starts: the previous build's renderings (`memo`, from its build cache) are known,
    none is used yet (USED: what this build saves for the next), no text's key is worked out."""
    MEMO.update(memo)
    USED.clear()
    KEYS.clear()


# One paragraph of plain text, the usual platform summary: no character Markdown gives a meaning
# to (emphasis, code, links, escapes, HTML, entities, tables; quotes too, to be safe), no line
# break, nothing at its start that opens another block (an indent, a list item "1." or "- ",
# a heading, a quote).  Python-Markdown writes it as the text in <p>; converting it took a
# twentieth of a millisecond, most of the Markdown time of a large registry.  Everything still
# goes through nh3 below.  tests/site/test_markdown_fast.py holds the two to the same output.
_MARKUP = re.compile(r"[\x00-\x1f\x7f\\`*_{}\[\]#+!<>&|~=\"']")
_BLOCK_START = re.compile(r"[-+*>#]|\d+[.)]")


def plain_paragraph(text: str) -> bool:
    t = text.rstrip("\n")
    return bool(t) and t == t.strip() and not _MARKUP.search(t) and not _BLOCK_START.match(t)


def _convert(text: str) -> str:
    global _MD
    if plain_paragraph(text):
        return "<p>" + text.rstrip("\n") + "</p>"
    if _MD is None:
        _MD = _parser()
    _MD.reset()
    return _MD.convert(text)


def _nh3():
    # imported when a text is first rendered or stripped (5 ms): a rebuild's texts are all in MEMO
    import nh3
    return nh3


def _render(text: str, shift_headings: int) -> str:
    html = _convert(text)
    for level in range(5, 0, -1) if shift_headings else ():
        new = min(level + shift_headings, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    clean = _nh3().clean(html, tags=ALLOWED_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                      attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer")
    return _EMPTY_P.sub("", clean)   # a paragraph that held only removed HTML


def plain(text: str | None, limit: int = 160, *, html: str | None = None) -> str:
    """A plain-text excerpt (for lists and meta descriptions): text, not HTML; templates escape it.
    Pass `html` (the already rendered text) to avoid converting the Markdown a second time."""
    if not text:
        return ""
    rendered = str(html) if html is not None else str(render(text))
    # the whole text is kept, and an excerpt cut from it: a record's excerpt (its pages) and its
    # whole text (the search index) come from one stripping of its HTML, done by prerender
    k = hashlib.blake2b(f"plain\0{rendered}".encode(), digest_size=16).digest()
    stripped = MEMO.get(k)
    if stripped is None:
        stripped = htmllib.unescape(_nh3().clean(rendered, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT))
        stripped = MEMO[k] = " ".join(stripped.split())
    USED[k] = stripped
    return stripped if len(stripped) <= limit else stripped[: limit - 1] + "…"


# Texts from which rendering them is shared among the cores (a clean build of a large registry)
PARALLEL_FROM = 1000


def prerender(texts: list[tuple[str | None, int]]) -> None:
    """Render (text, excerpt limit) pairs not yet in MEMO on all the cores, so that render and
    plain find them there.  Only a head start: whatever is missing is rendered when asked for."""
    todo = [(t, limit) for t, limit in dict.fromkeys(texts) if t and _key(t, 1) not in MEMO]
    if len(todo) < PARALLEL_FROM:
        return
    from sme_registry import parallel

    def work(share):
        before = set(MEMO)
        for text, limit in share:
            plain(text, limit, html=render(text))
        return {k: v for k, v in MEMO.items() if k not in before}

    n = parallel.workers()
    for found in parallel.run_all([lambda s=todo[i::n]: work(s) for i in range(n)]):
        MEMO.update(found)
