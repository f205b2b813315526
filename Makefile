# The two entry points of the README: `make report` and `make test`.
# Each creates its own virtual environment on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/report
SEED   ?= 0

.PHONY: report test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	bash .ci/ensure-tex
	$(BIN)/kdaxioms report -o $(OUT) --seed $(SEED)

check: $(STAMP)
	$(BIN)/kdaxioms check

# One pytest worker per core; a test file stays on one worker (its module fixtures run once).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile

clean:
	rm -rf $(VENV) build
