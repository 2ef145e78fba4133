"""Production settings (`make publish`): absolute URLs for canonical links, the Atom feeds, the
sitemap and calendar files; no drafts; the repository's address for "view source" links.

Everything that differs between hosts comes from the environment, so the same file serves the
GitHub, GitLab and Gitea workflows:

    SITEURL=https://sme.example.gov.cn make publish
    SITEURL=… REGISTRY_REPO_URL=https://git.example.gov.cn/gxt/sme-registry make publish

`make publish` refuses to run without SITEURL (a production site built for a placeholder host
would carry wrong canonical links).  This file still imports without it (SITEURL is then empty,
links are root-relative) so that tests and tools can read the other settings.
"""
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403


def _repo_url(env=os.environ) -> str:
    """The repository's web address: REGISTRY_REPO_URL, else what the CI system provides
    (GitHub/Gitea Actions: GITHUB_SERVER_URL + GITHUB_REPOSITORY; GitLab CI: CI_PROJECT_URL)."""
    if env.get("REGISTRY_REPO_URL"):
        return env["REGISTRY_REPO_URL"].rstrip("/")
    if env.get("GITHUB_SERVER_URL") and env.get("GITHUB_REPOSITORY"):
        return f"{env['GITHUB_SERVER_URL'].rstrip('/')}/{env['GITHUB_REPOSITORY']}"
    if env.get("CI_PROJECT_URL"):
        return env["CI_PROJECT_URL"].rstrip("/")
    return REGISTRY_REPO_URL  # noqa: F405  (pelicanconf's, empty by default)


SITEURL = os.environ.get("SITEURL", "").strip().rstrip("/")
RELATIVE_URLS = False
REGISTRY_REPO_URL = _repo_url()

# Drafts are never published.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""

# The registry plugin writes its own Atom feed (/feeds/atom.xml, absolute links from SITEURL);
# Pelican's blog feeds stay off in production as locally.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
