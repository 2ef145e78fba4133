"""A rebuild starts the view of a platform whose inputs are those of the previous build from what
that build saved (views.platform_summaries), and makes the rest only when a page asks
(views.LazyPlatformView).  Such a view must be the view a build from nothing makes, field for
field, and the lists and counts made from it the same, without making it whole for them.
(tests/site/test_incremental.py checks the whole output of such rebuilds against clean builds.)
"""
from __future__ import annotations

import dataclasses
import shutil

import pytest

from sitekit import EXAMPLES, REGISTRY, day
from sme_registry.registry import load_registry
from registry_site.views import LazyPlatformView, PlatformView, build_site, facets, platform_summaries

from test_view_inputs import EDITS, edit

AS_OF = day("2026-11-20")
FIELDS = [f.name for f in dataclasses.fields(PlatformView)]


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(REGISTRY, tmp_path / "registry")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path


def site_of(ws, previous=None, as_of=AS_OF):
    reg = load_registry(ws / "examples", as_of=as_of)
    assert not reg.problems.errors, reg.problems.errors
    return reg, build_site(reg, as_of, previous)


def made(view) -> bool:
    """Whether a view taken from the previous build has been made whole."""
    return not isinstance(view, LazyPlatformView) or object.__getattribute__(view, "_make") is None


def what_lists_show(site) -> dict:
    titles = {p.id: p.name for p in site.programmes}
    return {
        "order": [p.id for p in site.platforms],
        "current": [p.id for p in site.current_platforms],
        "history": [p.id for p in site.history_platforms],
        "expiring": [p.id for p in site.expiring],
        "facets": facets(site.current_platforms, titles),
        "programmes": [(p.id, dict(p.counts), [x.id for x in p.platforms_current], [x.id for x in p.platforms_past])
                       for p in site.programmes],
        "publicity": [(p.id, [e.id for e in p.entries]) for p in site.publicity],
        "inputs": {p.id: p.inputs for p in site.platforms},
    }


def same_views(site, fresh) -> None:
    for view, new in zip(site.platforms, fresh.platforms, strict=True):
        assert type(new) is PlatformView
        for name in FIELDS:
            assert getattr(view, name) == getattr(new, name), (view.id, name)


def test_an_unchanged_registry_makes_no_platform_view_whole(workspace):
    reg, first = site_of(workspace)
    assert not any(isinstance(p, LazyPlatformView) for p in first.platforms)
    saved = platform_summaries(first, reg.digests)
    _, again = site_of(workspace, saved)
    assert all(isinstance(p, LazyPlatformView) for p in again.platforms)
    shown = what_lists_show(again)        # the lists, counts and keys read only the summaries
    assert not any(made(p) for p in again.platforms)
    assert shown == what_lists_show(first)
    same_views(again, first)              # and each view, once asked, is the one made from nothing
    assert all(made(p) for p in again.platforms)
    assert platform_summaries(again, reg.digests) == saved      # what the next build starts from


@pytest.mark.parametrize("change", list(EDITS.values()), ids=list(EDITS))
def test_after_an_edit_the_views_are_those_of_a_build_from_nothing(workspace, change):
    reg, before = site_of(workspace)
    saved = platform_summaries(before, reg.digests)
    file, old, new = change
    edit(workspace / file, old, new)
    _, after = site_of(workspace, saved)
    _, fresh = site_of(workspace)
    kept = {p.id for p in after.platforms if isinstance(p, LazyPlatformView)}
    # a view is taken from the previous build exactly when its inputs are the same
    assert kept == {p.id for p, q in zip(before.platforms, fresh.platforms) if p.inputs == q.inputs}
    assert kept != {p.id for p in after.platforms}, "the edit should reach some platform"
    assert what_lists_show(after) == what_lists_show(fresh)
    same_views(after, fresh)


def test_another_day_or_a_damaged_summary_starts_nothing_from_the_previous_build(workspace):
    reg, before = site_of(workspace)
    saved = platform_summaries(before, reg.digests)
    _, next_day = site_of(workspace, saved, day("2026-11-21"))
    assert not any(isinstance(p, LazyPlatformView) for p in next_day.platforms)
    # a summary whose inputs are not the platform's is not used
    wrong = {"context": b"", "platforms": {pid: (s[0], b"x" * 20, *s[2:]) for pid, s in saved["platforms"].items()}}
    _, other = site_of(workspace, wrong)
    assert not any(isinstance(p, LazyPlatformView) for p in other.platforms)


def test_a_view_made_whole_reads_like_any_other(workspace):
    reg, first = site_of(workspace)
    _, again = site_of(workspace, platform_summaries(first, reg.digests))
    view = again.platforms[0]
    assert view.current == first.platforms[0].current and not made(view)
    assert view.operator == first.platforms[0].operator and made(view)
    with pytest.raises(AttributeError):
        view.no_such_field
    assert not hasattr(view, "__html__")      # what Jinja and MarkupSafe ask of every value
