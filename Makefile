# The two set-up commands of the README: `make site` and `make test`.
# The Python .venv/ is made from: Debian's own when it can (tools/python says why).
# Looked up when .venv/ is made, after tools/system-packages has run.
PYTHON ?= $(shell tools/python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve clean system system-tests

# A virtual environment with the package and its test tools, made once and
# refreshed when pyproject.toml changes. The venv's own pip installs uv, and uv installs
# the rest: it asks the index for every package at once and unpacks the wheels side by
# side, where pip does each in turn (on a fresh clone here pip took about four times as
# long: benchmarks/setup_bench.py). uv, like pip --no-compile, leaves the bytecode to Python,
# which compiles the modules a build or test imports when it first imports them, and keeps
# them (see `test:`). uv>=0.13: the release this set-up is tested with (`uv pip install
# --python`); <1: a major release may change the `uv pip` interface.
$(BIN)/mkdocs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'uv>=0.13,<1'
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $@

# axe-core and HTML_CodeSniffer for the accessibility tests (injected into the pages in
# Chromium), at the versions package-lock.json pins.
node_modules/axe-core/axe.min.js: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

system:
	tools/system-packages

system-tests:
	tools/system-packages --tests

site: system $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict --site-dir site
	@echo
	@echo "The example site is built in $(CURDIR)/site/ (its addresses need a web server, so"
	@echo "opening the files directly does not work). To look at it, run:"
	@echo "    make serve        (or: $(BIN)/commsite serve)"
	@echo "and open http://127.0.0.1:8000/"

# Python may keep the compiled bytecode of commsite and of the tests (in __pycache__, which
# git ignores) even where the environment sets PYTHONDONTWRITEBYTECODE: without it each
# test worker compiles and rewrites every test module again at its start, and each build
# or server a test starts compiles commsite again (the figures are in issue 12's notes).
test: system-tests $(BIN)/mkdocs node_modules/axe-core/axe.min.js
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

serve: $(BIN)/mkdocs
	$(BIN)/commsite serve

clean:
	rm -rf site .cache .commsite-cache
