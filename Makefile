# The two set-up commands of the README: `make site` and `make test`.
# The Python .venv/ is made from: Debian's own when it can (tools/python says why).
# Looked up when .venv/ is made, after tools/system-packages has run.
PYTHON ?= $(shell tools/python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve clean system system-tests

# A virtual environment with the package and its test tools, made once and
# refreshed when pyproject.toml changes (tools/venv says how: uv installs them).
$(BIN)/mkdocs: pyproject.toml
	tools/venv $(PYTHON) $(VENV)
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

# The bytecode of what a test run imports, compiled once when .venv/ is new, before the
# run's processes would each compile it at the same moment (tools/bytecode says why).
$(VENV)/.bytecode: $(BIN)/mkdocs
	tools/bytecode $(BIN)/python
	touch $@

# Python may keep the compiled bytecode of commsite and of the tests (in __pycache__, which
# git ignores) even where the environment sets PYTHONDONTWRITEBYTECODE: without it each
# test worker compiles and rewrites every test module again at its start, and each build
# or server a test starts compiles commsite again (the figures are in issue 12's notes).
# The Python packages and the npm ones are installed side by side (a make of their own, -j2).
test: system-tests
	$(MAKE) --no-print-directory -j2 $(VENV)/.bytecode node_modules/axe-core/axe.min.js
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

serve: $(BIN)/mkdocs
	$(BIN)/commsite serve

clean:
	rm -rf site .cache .commsite-cache
