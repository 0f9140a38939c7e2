# Two commands set everything up on a fresh machine:  make serve  |  make test
# The venv uses the newest Python >= 3.12 found (pyodide-build needs 3.12+).

PYTHON_BOOT := $(shell for p in /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 \
	$$(command -v python3.14 python3.13 python3.12 2>/dev/null); do \
	[ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
BOOK_RUNTIME ?= offline
export BOOK_RUNTIME

.PHONY: setup serve build test test-fast vendor cnn bench audit clean

$(PY): pyproject.toml
	@test -n "$(PYTHON_BOOT)" || { echo "Python >= 3.12 not found (install python3.12 or newer)"; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(PY)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

setup: $(PY) node_modules/.package-lock.json

vendor: setup
	$(PY) -m build_tools.vendor --profile $(BOOK_RUNTIME)

serve: vendor
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

build: vendor
	$(PY) -m mkdocs build --strict

# One BLAS thread: the browser under test needs the other core (two BLAS threads on two busy cores crawl).
test: build
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest -q

# Retrain the exported CNN from scratch with the NumPy core and re-export it to ONNX (docs/models/).
cnn: vendor
	$(PY) -m build_tools.train_cnn

# In-browser vs native speed and latency figures (printed as ratios; see README). The page computes on one thread,
# so the native reference does too (one BLAS thread).
bench: build
	OPENBLAS_NUM_THREADS=1 $(PY) -m build_tools.bench
	OPENBLAS_NUM_THREADS=1 $(PY) -m build_tools.bench_llm
	OPENBLAS_NUM_THREADS=1 $(PY) -m build_tools.bench_matmul
	$(PY) -m demos.rag_eval

# Lighthouse (mobile) and html-validate on a few pages and on a plain MkDocs Material page; not part of `make test`.
audit: build
	$(PY) -m build_tools.audit

clean:
	rm -rf site docs/vendor build
