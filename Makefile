# The two entry points of the README: `make report` and `make test`.
# Each creates its own virtual environment on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/report
SEED   ?= 0
SWEEPS ?= build/sweeps
# MathJax for the HTML report, from the npm package (npm pack verifies the registry's checksum).
MATHJAX_VERSION := 3.2.2
MATHJAX := $(VENV)/share/mathjax/tex-svg-full.js

.PHONY: report test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(MATHJAX): | $(STAMP)
	rm -rf $(MATHJAX).fetch && mkdir -p $(MATHJAX).fetch
	cd $(MATHJAX).fetch && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	tar -xzmf $(MATHJAX).fetch/mathjax-$(MATHJAX_VERSION).tgz -C $(MATHJAX).fetch package/es5/tex-svg-full.js
	mv $(MATHJAX).fetch/package/es5/tex-svg-full.js $(MATHJAX)
	rm -rf $(MATHJAX).fetch

# The sweeps run first, afresh, on a local Dask cluster (the theorem rests on a cover computed by
# this code in this run): the cover of the c* theorem and the heat map of h(alpha, m); the report
# states the theorem and draws the map.
report: $(STAMP) $(MATHJAX)
	bash .ci/ensure-tex
	$(BIN)/python -m compileall -q $(SOURCES)
	rm -rf $(SWEEPS) && mkdir -p $(SWEEPS)
	$(BIN)/kdaxioms sweep examples/sweeps/cstar-cover.toml -o $(SWEEPS)/cstar-cover.parquet
	$(BIN)/kdaxioms sweep examples/sweeps/tightness-heat.toml -o $(SWEEPS)/tightness-heat.parquet
	$(BIN)/kdaxioms report -o $(OUT) --seed $(SEED) --bundle $(OUT)/bundle \
	    --sweep $(SWEEPS)/cstar-cover.parquet --sweep $(SWEEPS)/tightness-heat.parquet

check: $(STAMP)
	$(BIN)/kdaxioms check

# Our sources compiled once: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every process
# the tests start (workers, command lines, Dask workers) would otherwise compile them again.
SOURCES := symbolic smt numeric certified recheck sweep proofs tests

# One pytest worker per core; a test file stays on one worker (its module fixtures run once), and
# the files start in the order tests/conftest.py gives (the longest first), not xdist's own.
test: $(STAMP) $(MATHJAX)
	bash .ci/ensure-tex
	bash .ci/ensure-browser
	$(BIN)/python -m compileall -q $(SOURCES)
	$(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder

clean:
	rm -rf $(VENV) build
