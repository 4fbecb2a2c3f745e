# Evidence Vault. `make help` lists the targets; `make run` and `make test` do all set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
# Re-install when the declared or locked dependencies change.
VENV_STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The core's least line coverage; `make test` fails below it (0 turns the check off).
COVERAGE_MIN ?= 90

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export DEBIAN_FRONTEND := noninteractive

# Offscreen Qt on a minimal system (PLATFORM.md).
APT_QT := libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 \
	libxkbcommon0
# Qt Multimedia (playback, DESIGN §11): its library links libpulse even when offscreen.
APT_MEDIA := libpulse0
# A real window, on X or Xvfb.
APT_X := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
	libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth
# Other people's tools that check our output, used by the tests; gettext for msgfmt.
APT_CHECKERS := poppler-utils qpdf age libimage-exiftool-perl zbar-tools openssl gettext \
	desktop-file-utils gnupg gpgv
# PyInstaller reads shared libraries' dependencies with ldd and objdump (`make dist`).
APT_DIST := binutils
# Debian's own python3 needs python3-venv for `python3 -m venv`; other builds ship it.
APT_PYTHON := $(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv)
APT_PACKAGES := $(APT_QT) $(APT_MEDIA) $(APT_X) $(APT_CHECKERS) $(APT_DIST) $(APT_PYTHON)
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then echo sudo; fi)

PO_FILES := $(wildcard resources/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help
help: ## Show this list of targets.
	@echo "Usage: make <target>   (run and test do all the set-up themselves)"
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z_.-]+:.*?## / {printf "  %-14s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

.PHONY: run
run: deps venv ## Install everything, then start the desktop app (on Xvfb if no display).
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		$(VENV_PY) main.py; \
	else \
		echo "No display: running on a virtual screen (Xvfb); stop with Ctrl+C."; \
		$(VENV_PY) -m tools.xvfb_app; \
	fi

.PHONY: test
test: deps venv lint typecheck ## Install everything, lint, type-check, run every test offscreen under coverage.
	rm -rf build/coverage
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m coverage run -m pytest -q $(PYTEST_ARGS)
	$(VENV_PY) -m coverage combine -q
	$(VENV_PY) -m coverage report --include='vault/*' --fail-under=$(COVERAGE_MIN)

.PHONY: typecheck
typecheck: venv ## mypy: strict for vault/, mypy's defaults for ui/ (config in pyproject.toml).
	$(VENV)/bin/mypy

.PHONY: coverage
coverage: ## After `make test`: the whole coverage report, ui/ included, and build/coverage/html.
	$(VENV_PY) -m coverage report
	$(VENV_PY) -m coverage html -q -d build/coverage/html

.PHONY: lint
lint: venv ## Check code style: ruff check and ruff format --check.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: format
format: venv ## Rewrite code to the project style (ruff format, safe ruff fixes).
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

.PHONY: dist
dist: deps venv ## Build the one-folder desktop app (PyInstaller) in dist/evidence-vault/.
	$(VENV_PY) -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/evidence-vault.spec
	@echo "Built dist/evidence-vault/: run dist/evidence-vault/evidence-vault (README: Desktop builds)"

.PHONY: bench
bench: deps venv ## Run every bench/bench_*.py (NAME=... runs only that one).
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m bench $(NAME)

.PHONY: screenshots
screenshots: venv ## Render the desktop app's screens (en, uk) offscreen to docs/screenshots.
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m tools.screenshots

.PHONY: translations
translations: deps $(MO_FILES) ## Compile resources/locale/*/LC_MESSAGES/*.po to the committed .mo.

%.mo: %.po
	msgfmt --check --output-file=$@ $<

.PHONY: deps
deps: ## Install the Debian packages (Qt libraries, Xvfb, checking tools); quick if present.
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing Debian packages: $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $(APT_PACKAGES); \
	fi

.PHONY: venv .venv
venv: $(VENV_STAMP) ## Create .venv with the project (editable) and its test tools.
.venv: venv

$(VENV_STAMP): pyproject.toml requirements.lock
	@[ -x $(VENV_PY) ] || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install -q -c requirements.lock -e '.[test,dist]'
	@touch $@

.PHONY: lock
lock: ## Re-resolve requirements.lock (every transitive pin) in a scratch venv.
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q -e '.[test,dist]'
	{ echo "# Every package that .venv gets, pinned; regenerate with 'make lock'."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock
	rm -rf .venv-lock

.PHONY: clean
clean: ## Remove the virtualenv and caches (not the committed .mo files).
	rm -rf $(VENV) .venv-lock .pytest_cache .ruff_cache .mypy_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: stress
stress: deps venv ## Long reliability runs: 400 import kills, 150 export/receive kills, 5,000 fuzz cases each, 10,000 each for the zip, age and BagIt readers (figures in build/reliability/).
	RELIABILITY_SCALE=stress RELIABILITY_OUT=build/reliability QT_QPA_PLATFORM=offscreen \
		$(VENV_PY) -m pytest -q -s -p no:cacheprovider tests/reliability/ $(PYTEST_ARGS)
