"""Pelican settings for local builds (`make html`, `make serve`).  Production: publishconf.py."""
SITENAME = "中小企业公共服务示范平台公开登记库"
SITEURL = ""
RELATIVE_URLS = True            # the output works from any folder or host, offline
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = ["articles"]    # no blog: the registry pages come from plugins/registry_site
STATIC_PATHS = []
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
THEME = "theme"
THEME_STATIC_DIR = "theme"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["registry_site"]

# The registry plugin's settings (REGISTRY_*)
REGISTRY_PATH = "registry"      # the folder of YAML records
REGISTRY_AS_OF = None           # None: today in Asia/Shanghai; a date makes the build reproducible
REGISTRY_REPO_URL = ""          # e.g. the Git host's URL of this repository, for "view source" links

# Nothing of Pelican's blog machinery is published.
DIRECT_TEMPLATES = []
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
ARTICLE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
PAGE_TRANSLATION_ID = None
ARTICLE_TRANSLATION_ID = None
DEFAULT_PAGINATION = False
SUMMARY_MAX_LENGTH = None
TYPOGRIFY = False
MARKDOWN = {
    "extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.toc": {}},
    "output_format": "html5",
}
