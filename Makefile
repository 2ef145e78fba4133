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
export PYTHONPATH := $(CURDIR)/plugins
export PYTHONHASHSEED := 0

.PHONY: setup validate html serve test bench status clean publish

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

validate: $(STAMP)
	$(PY) -m sme_registry validate $(REGISTRY) --as-of $(AS_OF)

status: $(STAMP)
	$(PY) -m sme_registry status $(REGISTRY) --as-of $(AS_OF)

html: $(STAMP)
	$(PY) -m registry_site $(REGISTRY) --as-of $(AS_OF) --output $(OUTPUT)

serve: html
	@echo "网站已生成：http://localhost:$(PORT)/  （Ctrl+C 停止）"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory $(OUTPUT)

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(OUTPUT) .pytest_cache

publish: $(STAMP)
	$(PY) -m registry_site $(REGISTRY) --as-of $(AS_OF) --output $(OUTPUT) --settings publishconf.py
