# One command to run, one to test; both create ./.venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: run demo test lint index bench bench-ingest serve-report quality unseen trust test-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# What `qa` needs to answer, serve and evaluate (no torch): the core plus the ui and eval extras.
$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[ui,eval]'
	touch $@

# Development: tests, lint, the browser driver, sentence-transformers on the CPU torch.
# torch is pinned first so nothing can pull a CUDA build.
$(VENV)/.dev: $(VENV)/.app
	$(BIN)/pip install -q 'torch==2.13.0'
	$(BIN)/pip install -q -e '.[st,test]'
	touch $@

run: $(VENV)/.app
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

# The development corpus (tests/decks/: the briefing and eleven real decks by other people), in its own index.
demo: $(VENV)/.app
	$(BIN)/qa serve --corpus tests/decks --index index/demo --host $(HOST) --port $(PORT)

index: $(VENV)/.app
	$(BIN)/qa index

test-deps:
	@./scripts/test-deps.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check qa ui tests bench scripts research

test: $(VENV)/.dev test-deps lint
	$(BIN)/python -m pytest

# Regenerate the README's figures (never edit them by hand). With the test tools installed: the
# OCR engine reads the decks' picture-only pages, so without it the passages and figures differ.
bench: $(VENV)/.dev test-deps
	$(BIN)/python bench/run.py
	$(BIN)/python scripts/splice_readme.py perf bench/results.md

quality: $(VENV)/.dev test-deps
	$(BIN)/python scripts/quality.py

# The default search on real decks no constant was fitted on (tests/fixtures/unseen*/).
unseen: $(VENV)/.dev test-deps
	$(BIN)/python scripts/unseen_decks.py

# The answer line and the no-good-match flag: fitted on dev, measured on test (docs/answer_line.md).
trust: $(VENV)/.dev test-deps
	$(BIN)/python scripts/trust.py

clean:
	rm -rf $(VENV) index .pytest_cache .ruff_cache

# `qa index` over 50 PDF decks x 40 pages: time and memory into the README.
bench-ingest: $(VENV)/.dev
	$(BIN)/python bench/ingest.py --decks 50 --pages 40

# The serving load table (one `qa serve`, two replicas behind nginx) from its results files.
serve-report: $(VENV)/.dev
	$(BIN)/python bench/serve_report.py
