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
# 修改记录 links to the Git host (plugins/registry_site/history.py), when REGISTRY_REPO_URL is set.
# GitHub/Gitea style; GitLab: "{repo}/-/commit/{hash}" and "{repo}/-/commits/{hash}/{path}".
REGISTRY_COMMIT_URL = "{repo}/commit/{hash}"
REGISTRY_FILE_HISTORY_URL = "{repo}/commits/{hash}/{path}"

# Site identity, printed in every page's footer as government websites print it (《政府网站发展指引》,
# 国办发〔2017〕47号: 主办单位, 联系方式, 网站标识码, ICP备案编号, 公安机关备案标识).  Each line is shown
# only when filled in; nothing is printed for an empty value, and none is guessed.  Fill them in
# publishconf.py or here, with the values the registrations gave, e.g.
#   SITE_SPONSOR = "××市工业和信息化局"            主办单位
#   SITE_UNDERTAKER = "××市中小企业服务中心"        承办单位
#   SITE_CODE = "4110000000"                      网站标识码 (政府网站, 10 characters)
#   SITE_ICP = "豫ICP备00000000号"                 ICP备案号, written as issued
#   SITE_POLICE_RECORD = "豫公网安备41100002000000号"  公安机关备案号, written as issued
#   SITE_CONTACT = {"phone": "0374-0000000", "email": "office@example.gov.cn", "address": "××市××路×号"}
# The ICP number is linked to the MIIT filing system (https://beian.miit.gov.cn/) and the police
# number to its record page by convention; set the *_URL to make them links (<a>, nothing is
# loaded from there) and add the address to tests/site/test_links.py's known external links.
SITE_SPONSOR = ""
SITE_UNDERTAKER = ""
SITE_CODE = ""
SITE_ICP = ""
SITE_ICP_URL = ""
SITE_POLICE_RECORD = ""
SITE_POLICE_RECORD_URL = ""
SITE_CONTACT = {"phone": "", "email": "", "address": ""}

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
