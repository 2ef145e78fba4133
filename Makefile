# The stable interface for people and scripts.  Every target sets up what it needs.
#   make validate | html | serve | test | bench   REGISTRY=registry AS_OF=YYYY-MM-DD OUTPUT=output
REGISTRY ?= registry
AS_OF    ?= $(shell TZ=Asia/Shanghai date +%F)
OUTPUT   ?= output
PORT     ?= 8000
PYTHON   ?= python3

VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium
# Debian packages are installed as root (CI and the developers' machines); elsewhere through sudo.
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET  := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
export PYTHONPATH := $(CURDIR)/plugins
export PYTHONHASHSEED := 0

.PHONY: setup validate html serve test bench status clean publish require-siteurl browser office summary-table review codeowners

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "安装 python3-venv"; apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# JavaScript from package-lock.json: lunr.js (the build copies it into the site for the search
# page) and axe-core (the accessibility tests); reinstalled when the lock file changes.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: installing Debian's nodejs and npm (apt-get)"; \
	  $(APT_GET) update && $(APT_GET) install -y nodejs npm; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download is never used) and
# need CJK fonts to render Chinese; each package is installed only when it is missing.
browser:
	@missing=""; \
	test -x $(CHROMIUM) || missing=" chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "No apt-get here: install Chromium at $(CHROMIUM) and a CJK font yourself (browser tests are skipped without them, and fail under CI)."; \
	  exit 0; fi; \
	echo "Installing Debian packages for the browser tests:$$missing (apt-get update && apt-get install -y$$missing)"; \
	$(APT_GET) update && $(APT_GET) install -y $$missing

# The form tests (tests/forms) convert every DOCX/XLSX download to PDF with LibreOffice (headless) and
# render pages with poppler's pdftoppm; each package is installed only when it is missing.
office:
	@missing=""; \
	command -v soffice >/dev/null || missing=" libreoffice-writer-nogui libreoffice-calc-nogui"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "No apt-get here: install LibreOffice (soffice), poppler-utils (pdftoppm) and a CJK font yourself (the PDF checks are skipped without them, and fail under CI)."; \
	  exit 0; fi; \
	echo "Installing Debian packages for the form tests:$$missing (apt-get update && apt-get install -y --no-install-recommends$$missing)"; \
	$(APT_GET) update && $(APT_GET) install -y --no-install-recommends $$missing

# Staff: a programme's 汇总表 filled from the platform records recognised in YEAR (or a publicity list's entries)
#   make summary-table PROGRAMME=henan-province YEAR=2024 [PUBLICITY=<id>] [FILE=汇总表.xlsx] [REGISTRY=examples]
summary-table: $(STAMP)
	@test -n "$(PROGRAMME)" || { echo "用法：make summary-table PROGRAMME=henan-province YEAR=2024 [PUBLICITY=公示名单编号] [FILE=输出.xlsx] [REGISTRY=examples]"; exit 2; }
	$(PY) -m sme_registry summary-table $(REGISTRY) --programme $(PROGRAMME) $(if $(YEAR),--year $(YEAR)) $(if $(PUBLICITY),--publicity $(PUBLICITY)) $(if $(FILE),--output "$(FILE)") --as-of $(AS_OF)

# Reviewers: what the working tree's registry (committed or not) changes against BASE, in words;
# exit 1 on validation errors or a deleted published record.  FORMAT=markdown for a merge-request comment.
#   make review BASE=origin/main [FORMAT=markdown] [REGISTRY=examples] [AS_OF=2024-11-20]
review: $(STAMP)
	@test -n "$(BASE)" || { echo "用法：make review BASE=origin/main [FORMAT=markdown] [REGISTRY=examples]（BASE：对比的分支名或提交号）"; exit 2; }
	$(PY) -m sme_registry review $(REGISTRY) --base "$(BASE)" --as-of $(AS_OF) $(if $(FORMAT),--format $(FORMAT))

# Staff: CODEOWNERS from the programmes and codeowners.yaml (who reviews which records)
#   make codeowners            regenerate CODEOWNERS;   make codeowners CHECK=1   fail when it is stale (CI)
#   FLAVOUR=gitea for a Gitea host (regular-expression rules)
codeowners: $(STAMP)
	$(PY) -m sme_registry codeowners $(REGISTRY) --owners codeowners.yaml --output CODEOWNERS $(if $(CHECK),--check) $(if $(FLAVOUR),--flavour $(FLAVOUR))

# .cache/: parsed files by content, so checking again parses only what changed (never published)
validate: $(STAMP)
	$(PY) -m sme_registry validate $(REGISTRY) --as-of $(AS_OF) --cache .cache/validate-$(subst /,_,$(REGISTRY)).pickle

status: $(STAMP)
	$(PY) -m sme_registry status $(REGISTRY) --as-of $(AS_OF)

html: $(STAMP) $(NODE_STAMP)
	$(PY) -m registry_site $(REGISTRY) --as-of $(AS_OF) --output $(OUTPUT) $(if $(CLEAN),--clean)

serve: html
	@echo "网站已生成：http://localhost:$(PORT)/  （Ctrl+C 停止）"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory $(OUTPUT)

# All tests (tests/, browser tests included: tests/browser/)
test: $(STAMP) $(NODE_STAMP) browser office
	$(PY) -m pytest

bench: $(STAMP) $(NODE_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(OUTPUT) .pytest_cache

# Production build (publishconf.py): absolute links need the site's real address.  The CI workflows
# (.github/workflows/site.yml, .gitlab-ci.yml) set SITEURL; REGISTRY_REPO_URL defaults to the CI's
# repository address (see publishconf.py).  The check comes first so nothing is installed or built without it.
publish: require-siteurl $(STAMP) $(NODE_STAMP)
	SITEURL="$(SITEURL)" $(PY) -m registry_site $(REGISTRY) --as-of $(AS_OF) --output $(OUTPUT) --settings publishconf.py

require-siteurl:
	@case "$(SITEURL)" in \
	  http://?*|https://?*) ;; \
	  *) echo "错误：正式发布需要网站的完整地址 SITEURL（以 https:// 开头），例如："; \
	     echo "  SITEURL=https://sme.gxt.example.gov.cn make publish"; \
	     echo "  make publish SITEURL=https://sme.gxt.example.gov.cn OUTPUT=public"; \
	     echo "SITEURL 用于页面的规范链接（canonical）、订阅源和网站地图；本机预览请用 make html 或 make serve。"; \
	     exit 2;; \
	esac
