# crmcore — two commands on a fresh machine:  make report   and   make test
# Both create .venv when missing, install what they need (pinned by constraints.txt), and are safe to re-run.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
PIN    := -c constraints.txt

.PHONY: report lessons course test venv notebooks constraints bench clean-reports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# stamps: reinstall only when the dependency files change
$(VENV)/.report-deps: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet $(PIN) -e ".[notebooks]"
	touch $@

$(VENV)/.test-deps: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet $(PIN) -e ".[notebooks,test]"
	touch $@ $(VENV)/.report-deps

venv: $(VENV)/.report-deps

## build every notebook's management report on the demo data, in English and Chinese (one parallel call), into
## reports/ (index: reports/index.html)
report: $(VENV)/.report-deps
	$(BIN)/crm report --all --lang en,zh

## the whole lessons (goals, exercises, answers, code) in both languages, course map first: reports/lessons/index.html
lessons: $(VENV)/.report-deps
	$(BIN)/crm report --all --lesson --lang en,zh --out reports/lessons

## learner copies for a class in reports/course/: en, zh (with solutions) and the student editions en-student, zh-student
course: $(VENV)/.report-deps
	for l in en zh; do $(BIN)/crm course reports/course/$$l --lang $$l && $(BIN)/crm course reports/course/$$l-student --lang $$l --student || exit 1; done

## run the whole test suite: unit tests, notebook smoke runs, nbval over the committed notebooks
test: $(VENV)/.test-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

## re-execute every committed notebook top to bottom (after changing crmcore or the demo data)
notebooks: $(VENV)/.test-deps
	cd notebooks && for nb in _template.ipynb [0-9][0-9]_*.ipynb; do \
	  ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; \
	  ../$(BIN)/nbstripout --keep-output --keep-count "$$nb"; done

## pin the current environment's versions
constraints: $(VENV)/.test-deps
	{ echo "# Versions that produced the committed notebook outputs (pip install -c constraints.txt)."; \
	  echo "# Regenerate with: make constraints"; \
	  $(PIP) freeze --exclude-editable | grep -v -i '^crmcore'; } > constraints.txt

bench: $(VENV)/.test-deps
	for b in bench/bench_*.py; do $(BIN)/python "$$b" || exit 1; done

clean-reports:
	rm -rf reports/*.html reports/*.ipynb reports/output reports/lessons reports/.crm-locks
