# GridLink 网格通 — the two commands of the README, and helpers.
#   make run    set up, build, and serve on http://127.0.0.1:3000 (SQLite + demo data)
#   make test   set up and run every test: unit, SQLite, PostgreSQL, Chromium
SHELL := /bin/bash
export LEPTOS_OUTPUT_NAME := gridlink
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site
PROFILE ?= debug
CARGO_TARGET_DIR ?= target
SERVER_BIN = $(CARGO_TARGET_DIR)/$(if $(filter release,$(PROFILE)),release,debug)/server

.PHONY: run test tools site bundle-check lighthouse e2e import-geo gen-city bench bench-map bench-cases bench-households bench-coverage bench-boundaries bench-kpi bench-wishes bench-topics bench-live bench-scale test-faults cluster-demo bench-http bench-upload bench-login release fmt lint pg-stop

tools:
	@bash scripts/ensure-tools.sh

site: tools
	@PROFILE=$(PROFILE) bash scripts/build-site.sh

# The release browser bundle alone (no server build), its chunk table, and the
# budgets: first download to hydrate / <= 250 KB gzip, each lazy chunk <= 150 KB.
bundle-check: tools
	@LEPTOS_SITE_ROOT=$(CURDIR)/target/bundle-site PROFILE=release bash scripts/build-bundle.sh
	@node scripts/bundle-check.mjs $(CURDIR)/target/bundle-site/pkg

# Lighthouse 12 (mobile, default throttling) on the release build: scores and
# LCP/TBT/CLS for /, /wishes and /board (docs/performance.md).
lighthouse: tools
	@bash scripts/chromium.sh
	@LEPTOS_SITE_ROOT=$(CURDIR)/target/release-site bash scripts/lighthouse.sh

run: site
	@GRIDLINK_DEMO=1 $(SERVER_BIN)

# Every test; PostgreSQL and Chromium come from Debian's packages.
test: tools
	@bash scripts/chromium.sh
	@bash scripts/build-site.sh
	@GRIDLINK_TEST_PG="$$(bash scripts/pg.sh start)" || { echo "PostgreSQL did not start"; exit 1; }; \
	  GRIDLINK_TEST_S3="$$(bash scripts/s3.sh start)" || { echo "the S3 test store did not start"; exit 1; }; \
	  export GRIDLINK_TEST_PG GRIDLINK_TEST_S3; \
	  echo "==> cargo test (SQLite and PostgreSQL at $$GRIDLINK_TEST_PG, object store at $$GRIDLINK_TEST_S3)"; \
	  cargo test --workspace
	@echo "==> end-to-end (Chromium, phone viewport)"
	@bash scripts/e2e.sh

e2e: site
	@bash scripts/chromium.sh
	@bash scripts/e2e.sh

import-geo:
	@test -n "$(FILE)" || { echo "usage: make import-geo FILE=boundaries.geojson"; exit 2; }
	@cargo run -q -p server -- import-geo "$(FILE)"

gen-city:
	@cargo run -q --release -p server -- gen-city --grids $(or $(GRIDS),15000) $(if $(OUT),--out $(OUT))

bench-map:
	@$(MAKE) release
	@bash scripts/bench-map.sh

# The dashboard budget: a street's figures over 1 M cases and 5 M patrol points
# (GRIDLINK_BENCH_DB=postgres://… for PostgreSQL).
bench-kpi:
	@cargo run -q --release -p server -- bench-kpi --grids $(or $(GRIDS),15000) --cases $(or $(CASES),1000000) --points $(or $(POINTS),5000000) --samples $(or $(SAMPLES),50)

# The coverage check (四至清晰): a generated city whole and per community.
bench-boundaries:
	@cargo run -q --release -p server -- bench-boundaries --grids $(or $(GRIDS),15000) --samples $(or $(SAMPLES),20)

bench-coverage:
	@cargo run -q --release -p server -- bench-coverage --grids $(or $(GRIDS),15000) --samples $(or $(SAMPLES),100)

bench-cases:
	@cargo run -q --release -p server -- bench-cases --grids $(or $(GRIDS),15000) --cases $(or $(CASES),1000000) --clients $(or $(CLIENTS),50)

bench-households:
	@cargo run -q --release -p server -- bench-households --grids $(or $(GRIDS),2000) --people $(or $(PEOPLE),300000) --rows $(or $(ROWS),50000) --clients $(or $(CLIENTS),20)

bench-wishes:
	@cargo run -q --release -p server -- bench-wishes --grids $(or $(GRIDS),2000) --wishes $(or $(WISHES),100000) --clients $(or $(CLIENTS),50)

# Deliberation: a topic's tally with 50,000 votes and the topic list at 50 callers.
bench-topics:
	@cargo run -q --release -p server -- bench-topics --grids $(or $(GRIDS),2000) --topics $(or $(TOPICS),100000) --votes $(or $(VOTES),50000) --clients $(or $(CLIENTS),50)

# The fault drills (also part of make test): SIGKILL during a thousand reports.
test-faults: tools
	@GRIDLINK_TEST_PG="$$(bash scripts/pg.sh start)" cargo test -p server --test faults

# Two servers behind nginx on one PostgreSQL (Debian's packages), on :3000.
# CHECK=1: prove a report through one reaches a stream on the other, then stop.
cluster-demo: site
	@SERVER_BIN="$(SERVER_BIN)" bash scripts/cluster-demo.sh

# Live updates between two servers on one PostgreSQL (starts one, like make test).
bench-live:
	@GRIDLINK_BENCH_DB="$$(bash scripts/pg.sh start)" cargo run -q --release -p server -- bench-live --events $(or $(EVENTS),1000)

bench-http:
	@bash scripts/bench-http.sh

# City scale over real HTTP: wrk, 100 connections, every main route at 100 k
# cases and at 10 M (PostgreSQL) / 1 M (SQLite); DB=postgres|sqlite|both.
bench-scale:
	@bash scripts/bench-scale.sh

# Sign-in p99 at 20 concurrent sign-ins (PROFILE=debug to skip the release build).
bench-login:
	@PROFILE=$(if $(filter file,$(origin PROFILE)),release,$(PROFILE)) bash scripts/bench-login.sh

# 20 decompression bombs and 20 8 MB photos at once: peak RSS and /healthz.
# A release server unless PROFILE is given (`make bench-upload PROFILE=debug`).
bench-upload:
	@PROFILE=$(if $(filter file,$(origin PROFILE)),release,$(PROFILE)) bash scripts/bench-upload.sh

bench:
	@cargo run -q --release -p server -- bench-locate --grids $(or $(GRIDS),15000)

release:
	@$(MAKE) site PROFILE=release

pg-stop:
	@bash scripts/pg.sh stop

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --features app/ssr -- -D warnings
