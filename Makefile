# Vigie: `make demo` runs the whole story, `make test` runs the whole suite.
# Both install libsodium-dev when it is missing (Debian; needs root or sudo).

SWIFT ?= swift
RULESCTL = .build/debug/rulesctl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build test demo deps test-deps clean

all: build

deps:
	@pkg-config --exists libsodium || { \
		echo "installing libsodium-dev"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y libsodium-dev pkg-config; }

# Independent checkers used by the test suite (pyseto verifies our PASETO tokens).
test-deps: deps
	@python3 -c "import pyseto" 2>/dev/null || python3 -m pip install --quiet pyseto
	@python3 -c "import cryptography" 2>/dev/null || python3 -m pip install --quiet cryptography
	@python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install --quiet openapi-spec-validator

build: deps
	$(SWIFT) build

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(RULESCTL) rules check Rules
	$(RULESCTL) rules test Rules

demo: build
	$(RULESCTL) demo Rules

clean:
	rm -rf .build
