# The two set-up commands of the README: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve clean

# A virtual environment with the package and its test tools, made once and
# refreshed when pyproject.toml changes.
$(BIN)/mkdocs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

site: $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict --site-dir site
	@echo
	@echo "The example site is in $(CURDIR)/site/ : open $(CURDIR)/site/index.html, or run 'make serve'."

test: $(BIN)/mkdocs
	$(BIN)/python -m pytest

serve: $(BIN)/mkdocs
	$(BIN)/mkdocs serve

clean:
	rm -rf site .cache
