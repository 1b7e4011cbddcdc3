# Every target installs what it needs into .venv first; `make install` is a no-op
# when pyproject.toml has not changed since the last install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test lint models bench bench-http bench-voice lock clean voice-deps

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

serve: install
	$(BIN)/mpaas serve $(ARGS)

# The suite on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process). Narrow it with PYTEST_ARGS,
# e.g. PYTEST_ARGS="-m 'not slow'" or PYTEST_ARGS=tests/numbers.
TEST_WORKERS ?= auto

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# ruff (lint, import order, pyupgrade), the formatter's check, and mypy against its recorded baseline: an error
# not in mypy-baseline.txt fails. When errors are fixed it says so; shrink the file with
# `.venv/bin/python tools/mypy_baseline.py --update` (it refuses to add entries without --allow-grow).
lint: install
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/python tools/mypy_baseline.py

# The SDK's models (src/mpaas/client/models.py), regenerated from the server's OpenAPI document; commit the
# result. tests/client/test_sdk_models_generated.py fails while the file is stale.
models: install
	$(BIN)/python tools/generate_client_models.py

# Voice (docs/voice.md): Kamailio and its modules, and sipp for the call tests, from Debian's packages. Installs
# only what is missing (one apt-get update first); a no-op when everything is there.
VOICE_PACKAGES := kamailio kamailio-utils-modules kamailio-json-modules kamailio-extra-modules kamailio-tls-modules \
	sip-tester
SUDO ?= $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

voice-deps:
	@missing=$$(for p in $(VOICE_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "voice-deps: all present ($(VOICE_PACKAGES))"; \
	else echo "voice-deps: installing" $$missing; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; fi

# The console's browser tests (tests/console/test_browser.py, docs/console.md): Debian's Chromium and its
# chromedriver, driven headless by Selenium. Installs only what is missing (one apt-get update first).
CONSOLE_PACKAGES := chromium chromium-driver

console-deps:
	@missing=$$(for p in $(CONSOLE_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "console-deps: all present ($(CONSOLE_PACKAGES))"; \
	else echo "console-deps: installing" $$missing; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; fi

bench: install
	$(BIN)/python bench/api.py

# GET /healthz of `mpaas serve` against a bare ASGI app on the same uvicorn, with wrk, in one run (bench/README.md).
bench-http: install
	$(BIN)/python bench/http_floor.py $(ARGS)

# Calls/s and setup latency through Kamailio + mpaas against Kamailio's static relay, in one run (docs/voice.md).
bench-voice: install voice-deps
	$(BIN)/python bench/voice.py

# Upgrade every dependency within pyproject.toml's ranges and record the versions; run `make test`, then
# commit constraints.txt.
lock: install
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v -E '^py-spy=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
