# Everything runs inside .venv, which the first command creates.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The kit's CLI from this folder's code (`.venv/bin/grade` is the same, from wherever it was installed).
GRADE  := $(BIN)/python -m grader

TASK  ?= 01
IMPL  ?= starter
EX    ?= $(TASK)
STACK ?= embedded
VERBOSE ?=
# Each value reaches the CLI quoted, as one argument: an empty one (TASK=) is an empty
# argument the CLI answers in one line, never a shifted option. VERBOSE=1 adds --verbose.
verbose = $(if $(filter-out 0,$(VERBOSE)),--verbose)

.PHONY: setup grade doctor list progress test verify selftest unit serve seed watch hint bench clean stack-up stack-grade stack-down
.PHONY: docs docs-build

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'  # dev: what the kit's own tests read outputs with
	touch $(STAMP)

grade: $(STAMP)  ## make grade TASK=01 (or TASK=01.4) [IMPL=solutions|PATH] [STACK=local|services] [VERBOSE=1]
	@$(GRADE) task "$(TASK)" --impl "$(IMPL)" --stack "$(STACK)" $(verbose)

doctor: $(STAMP)  ## make doctor [STACK=local|services] [VERBOSE=1]: the Task 00 checks of this machine
	@$(GRADE) doctor --stack "$(STACK)" $(verbose)

list: $(STAMP)
	@$(GRADE) list

progress: $(STAMP)
	@$(GRADE) progress

unit: $(STAMP)  ## the grader's own unit tests
	@test -d tests || { echo "make unit: this copy of the kit has no tests/ (a learner release); make grade TASK=01 grades your work."; exit 2; }
	$(BIN)/python -m pytest tests -q

serve: $(STAMP)  ## make serve [IMPL=PATH] [SIZE=small SEED=42]: the platform with your files at http://127.0.0.1:8080/docs, restarted on save (no MongoDB needed); SIZE fills its empty database with seed data
	MONGODB_URL="$${MONGODB_URL:-mongomock://}" SEED_SIZE="$(SIZE)" SEED_VALUE="$(SEED)" SEED_ANCHOR="$(ANCHOR)" \
		$(GRADE) serve --impl "$(IMPL)" --reload

# Seed data (shared/seed.py): SIZE small|medium|large, SEED a whole number, ANCHOR the day the
# data ends (default today), RESET=1 replaces what is there, KEEP=1 keeps the local MongoDB up.
SIZE   ?=
SEED   ?=
ANCHOR ?=
RESET  ?=
KEEP   ?=
seed: $(STAMP)  ## make seed [SIZE=small|medium|large] [SEED=42] [STACK=local KEEP=1] [RESET=1]: seed data into MONGODB_URL, the local MongoDB or (embedded) a throwaway one
	@$(BIN)/python -m shared.seed --size "$(or $(SIZE),small)" --seed "$(or $(SEED),42)" --anchor "$(ANCHOR)" \
		--stack "$(STACK)" $(if $(filter-out 0,$(RESET)),--reset) $(if $(filter-out 0,$(KEEP)),--keep)

watch: $(STAMP)  ## make watch TASK=01 [STACK=local]: grade again on every save of the task's files
	@$(GRADE) watch "$(TASK)" --impl "$(IMPL)" --stack "$(STACK)"

hint: $(STAMP)  ## make hint EX=01.4: the next hint of an exercise
	@$(GRADE) hint "$(EX)"

# The task docs as a website (mkdocs.yml; docs_hooks/site.py builds it from tasks/ and README.md),
# with your progress from the last `make grade` on each page.
DOCS_ADDR ?= 127.0.0.1:8000

docs: $(STAMP)  ## the docs site at http://$(DOCS_ADDR)/, reloading as the docs or your progress change
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr $(DOCS_ADDR)

docs-build: $(STAMP)  ## the docs site into site/, strictly: a broken link or anchor fails the build
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

verify: $(STAMP)  ## solutions earn full marks, the starter zero, manifest/docs/tests agree (every task)
	@$(GRADE) selftest

selftest: $(STAMP)  ## make selftest TASK=03: the checks of `make verify` for one task
	@$(GRADE) selftest $(TASK)

test: unit verify  ## everything CI runs

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .grade-state.json .pytest_cache

# The compose stack (docker-compose.yml): MongoDB, Kafka, MySQL, the app serving LEARNER's
# files, the analytics service; the grader runs in a container of its own. Needs Docker with
# the compose plugin, not the virtualenv.
COMPOSE ?= docker compose
LEARNER ?= ./starter

stack-up:  ## build the images, start the stack on LEARNER's files, wait until every service is healthy
	LEARNER_DIR="$(LEARNER)" $(COMPOSE) up --detach --build --wait

stack-grade:  ## make stack-grade TASK=01 LEARNER=../fork: serve LEARNER's current files, then grade
	mkdir -p results
	LEARNER_DIR="$(LEARNER)" $(COMPOSE) --profile grade build
	LEARNER_DIR="$(LEARNER)" $(COMPOSE) up --detach --wait
	LEARNER_DIR="$(LEARNER)" $(COMPOSE) up --detach --wait --no-deps --force-recreate app
	TASK="$(TASK)" LEARNER_DIR="$(LEARNER)" $(COMPOSE) --profile grade run --rm grader

stack-down:  ## stop and remove the stack's containers (its volumes stay)
	$(COMPOSE) --profile grade down --remove-orphans
