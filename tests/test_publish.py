"""Production settings (publishconf.py) and `make publish`'s refusal to build without SITEURL."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sme_testkit import REPO

CI_VARS = ("SITEURL", "REGISTRY_REPO_URL", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "CI_PROJECT_URL")


def settings(**env) -> dict:
    """publishconf.py's settings as read in a fresh interpreter with exactly these CI variables."""
    clean = {k: v for k, v in os.environ.items() if k not in CI_VARS}
    code = ("import json, runpy; s = runpy.run_path('publishconf.py'); "
            "print(json.dumps({k: v for k, v in s.items() if k.isupper() and isinstance(v, (str, bool, type(None)))}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_siteurl_and_absolute_links_from_the_environment():
    s = settings(SITEURL="https://sme.gxt.example.gov.cn/")
    assert s["SITEURL"] == "https://sme.gxt.example.gov.cn"
    assert s["RELATIVE_URLS"] is False
    assert s["DRAFT_SAVE_AS"] == "" and s["DRAFT_PAGE_SAVE_AS"] == ""


def test_imports_without_siteurl_and_never_invents_a_host():
    s = settings()
    assert s["SITEURL"] == ""
    assert "example" not in json.dumps(s["SITEURL"])


@pytest.mark.parametrize("feed", ["FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "TAG_FEED_ATOM",
                                  "AUTHOR_FEED_ATOM", "TRANSLATION_FEED_ATOM"])
def test_pelicans_blog_feeds_stay_off(feed):
    assert settings(SITEURL="https://x.example.gov.cn")[feed] is None


@pytest.mark.parametrize("env,expected", [
    ({"REGISTRY_REPO_URL": "https://git.example.gov.cn/gxt/registry/"}, "https://git.example.gov.cn/gxt/registry"),
    ({"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "henan-gxt/sme-registry"},
     "https://github.com/henan-gxt/sme-registry"),
    ({"CI_PROJECT_URL": "https://gitlab.example.gov.cn/gxt/sme-registry"}, "https://gitlab.example.gov.cn/gxt/sme-registry"),
    ({"REGISTRY_REPO_URL": "https://a.example/x", "CI_PROJECT_URL": "https://b.example/y"}, "https://a.example/x"),
    ({}, ""),
])
def test_repository_address_from_the_ci(env, expected):
    assert settings(**env)["REGISTRY_REPO_URL"] == expected


@pytest.mark.parametrize("siteurl", [None, "", "sme.example.gov.cn", "ftp://sme.example.gov.cn"])
def test_make_publish_requires_an_absolute_siteurl(tmp_path, siteurl):
    env = {k: v for k, v in os.environ.items() if k not in CI_VARS and not k.startswith("MAKE")}
    args = ["make", "-s", "publish", f"OUTPUT={tmp_path / 'out'}"]
    if siteurl is not None:
        args.append(f"SITEURL={siteurl}")
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "正式发布需要网站的完整地址 SITEURL" in done.stdout
    assert "SITEURL=https://" in done.stdout
    assert not (tmp_path / "out").exists()
