# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: run test bootstrap install train validate lint unit integration stories bench bench-quick bench-nlu bench-langid bench-register bench-frustration bench-massive bench-banking77 bench-system bench-conversations bench-faults freeze clean

run: bootstrap train  ## Train if needed and start Rasa (5005), actions (5055) and the helpdesk (8000)
	$(PY) -m bot.launcher

test: bootstrap train  ## Run every test: unit, content, data validation, integration, test stories
	@postgres=$$(bash scripts/test_postgres.sh start) || exit 1; \
	export HELPDESK_TEST_POSTGRES_URL=$$postgres/helpdesk_test; \
	export HELPDESK_IT_POSTGRES_URL=$$postgres/helpdesk_integration; \
	echo "==> Test PostgreSQL at $$postgres"; \
	$(PY) -m pytest; status=$$?; bash scripts/test_postgres.sh stop; exit $$status

bootstrap install:  ## Create .venv (Python 3.10) and install pinned dependencies
	@bash scripts/bootstrap.sh

train: bootstrap  ## Train a model unless the newest one already matches data and config
	$(PY) -m bot.training

validate: bootstrap
	$(RASA) data validate --data data/nlu data/rules data/stories

lint: bootstrap
	$(VENV)/bin/ruff check bot actions tests bench

unit: bootstrap
	$(PY) -m pytest -m "not integration"

integration: bootstrap train
	$(PY) -m pytest -m integration

bench: bootstrap train  ## Every benchmark, then bench/reports/REPORT.md with anchors (2+ hours on 2 busy cores)
	$(PY) -m bench.run_all

bench-quick: bootstrap train  ## Reduced benchmarks; reuses models cached in bench/work and says so
	$(PY) -m bench.run_all --quick

bench-nlu: bootstrap  ## Held-out accuracy per language vs Rasa's stock pipeline; report in bench/reports/
	$(PY) -m bench.nlu_bench

bench-langid: bootstrap  ## Language ID on MASSIVE, lingua's test data and our held-out set vs langdetect and lingua
	$(PY) -m bench.langid_bench

bench-register: bootstrap  ## The customer's register on CoCoA-MT vs a majority and a pronoun-only baseline
	$(PY) -m bench.register_bench

bench-frustration: bootstrap  ## Frustration F1 on GoEmotions and UMSAB vs VADER and a lexicon baseline
	$(PY) -m bench.frustration_bench

bench-massive: bootstrap  ## MASSIVE 1.1, 8 locales: our NLU pipeline vs stock Rasa, trained on dev, scored on test
	$(PY) -m bench.massive_bench

bench-banking77: bootstrap  ## Banking77 train -> test: ours vs stock Rasa, with the published anchors
	$(PY) -m bench.banking77_bench

bench-system: bootstrap train  ## Whole stack vs stock Rasa: latency at 1/10/50 conversations, cold start, memory, training
	$(PY) -m bench.system_bench

bench-conversations: bootstrap train  ## 3,300 seeded random conversations in 11 languages, every turn checked
	$(PY) -m bench.conversations_bench

bench-faults: bootstrap train  ## Kill the action server and Rasa mid-conversation: time to a reply and to /health ok
	$(PY) -m bench.faults_bench

freeze:  ## Re-pin the whole dependency tree after changing requirements.txt
	$(PY) -m pip freeze --exclude-editable | grep -viE '^(rasa|rasa-sdk)==' > constraints.txt.new
	(echo "# Full pinned dependency tree (pip freeze of a working .venv). Update with: make freeze"; cat constraints.txt.new) > constraints.txt && rm constraints.txt.new

clean:
	rm -rf $(VENV) models/*.tar.gz .pytest_cache
