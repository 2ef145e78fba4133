"""Production settings: absolute URLs (canonical links, feed and sitemap), no drafts.
Used by `make publish` (SITEURL from the environment, e.g. SITEURL=https://sme.example.gov.cn)."""
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("SITEURL", "https://sme-registry.example.gov.cn")
RELATIVE_URLS = False
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
