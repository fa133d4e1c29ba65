# Everything runs inside .venv, which the first command creates.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

TASK  ?= 01
IMPL  ?= starter
STACK ?= embedded

.PHONY: setup grade doctor list progress test verify unit bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'  # dev: what the kit's own tests read outputs with
	touch $(STAMP)

grade: $(STAMP)  ## make grade TASK=01 [IMPL=solutions|PATH] [STACK=local|services]
	@$(BIN)/grade $(TASK) --impl $(IMPL) --stack $(STACK)

doctor: $(STAMP)
	@$(BIN)/grade doctor --stack $(STACK)

list: $(STAMP)
	@$(BIN)/grade list

progress: $(STAMP)
	@$(BIN)/grade progress

unit: $(STAMP)  ## the grader's own unit tests
	$(BIN)/python -m pytest tests -q

verify: $(STAMP)  ## solutions earn full marks, the starter zero, manifest/docs/tests agree
	@$(BIN)/grade selftest

test: unit verify  ## everything CI runs

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .grade-state.json .pytest_cache
