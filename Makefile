# Two commands: `make run` (the whole pipeline on this machine) and `make test`.
# Both create .venv in the repository root and install the project there from the lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint typecheck bench schemas clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,local]"
	touch $(STAMP)

install: $(STAMP)

# exec: the recipe's process is `medbill up` itself, which gets the SIGTERM make forwards to
# its child (make runs a plain line without a shell anyway; this keeps it so if it ever needs one)
run: $(STAMP)
	exec $(BIN)/medbill up

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy schemas services/common services/coder/domain services/biller/domain services/notifier/domain

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py

schemas: $(STAMP)
	$(BIN)/medbill schemas export

clean:
	rm -rf $(VENV) .medbill .pytest_cache .ruff_cache .mypy_cache
