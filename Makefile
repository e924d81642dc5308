# tcpcraft — the two commands a newcomer needs are `make demo` and `make test`.
# Every target installs what it is missing first (`make setup`), so a fresh machine needs nothing else.

SHELL := /bin/bash
NODE_BIN := node_modules/.bin
# Debian packages tcpcraft and its tests use: libpcap for the sniffer (and to build `cap`),
# nftables for the kernel-RST guard, iproute2 + ethtool for the lab, netcat-openbsd as the real
# server, tshark as the independent checksum and pcap oracle, tcpdump for capturing fixtures,
# xmllint (libxml2-utils) to validate JUnit reports and prove (perl) to read TAP; the other lab
# targets' stacks: user-mode-linux, runsc (gVisor; util-linux for unshare), liblwip-dev (with gcc
# to build build/lwip-lab) and slirp4netns; chromium, the headless browser the HTML report tests
# drive (through puppeteer-core).
APT_PKGS := libpcap-dev netcat-openbsd nftables iproute2 procps ethtool tshark tcpdump libxml2-utils perl \
	user-mode-linux runsc util-linux liblwip-dev gcc libc6-dev slirp4netns chromium
SRC := $(shell find src -name '*.ts' 2>/dev/null)

.PHONY: all setup deps build test test-unit demo clean help bench bench-deps flake slow soak findings requirements schemas learn-deps learn

# The lab `make demo` builds, replays against and removes.
DEMO_LAB := tcdemo
TCPCRAFT := node bin/tcpcraft.js

all: build

help:
	@echo "make demo   - set up, build, replay the netcat seed against a real nc in a two-namespace lab"
	@echo "make test   - set up, build, run every test (unit and live; live tests need root)"
	@echo "make setup  - install missing Debian packages and npm dependencies (safe to run twice)"
	@echo "make build  - compile TypeScript to dist/"
	@echo "make clean  - remove build output and any lab left behind"
	@echo "make test-unit - only the tests that need no root"
	@echo "make bench  - benchmarks side by side with scapy, hping3, nping, C and the kernel (root)"
	@echo "make flake  - the conformance suite 20 times, listing any verdict that changed, then make soak and the @flake tests (root)"
	@echo "make soak   - 10^6 mutated frames through the parser and 10^3 through a run's receive path: no throw, memory flat (no root)"
	@echo "make findings - rewrite the 'where the stacks differ' table from a matrix over every lab target (root)"
	@echo "make slow   - the conformance scenarios that take minutes (scenarios/conformance/slow), once (root)"
	@echo "make schemas - rewrite schemas/*.json (the JSON reports' schemas) from src/report/schemas.ts (no root)"
	@echo "make learn-deps - a Python venv (.venv/learn) with AALpy, the learner the @aalpy tests hold ours against (make test makes it)"
	@echo "make learn  - learn every lab target's TCP state machine (server role, full alphabet) and compare each with the reference (root; about an hour)"
	@echo "make requirements - rewrite scenarios/conformance/REQUIREMENTS.md (RFC 9293 Appendix B vs the scenarios; no root)"

# The lwip lab target's server: the lab's services on lwIP's own TCP (see lab/lwip/lwip-lab.c).
LWIP_LAB := build/lwip-lab
# The lab applications Node cannot write (small receive buffer, urgent data): lab/apps.c.
LAB_APPS := build/lab-apps
# The puppet: socket calls on command for a scenario's app() steps (lab/puppet.c).
LAB_PUPPET := build/lab-puppet
# Hands a tap to a program as fd 3 (the reference target's lab/reference-lab.mjs): lab/tap-exec.c.
LAB_TAP_EXEC := build/lab-tap-exec

setup: deps node_modules/.installed $(LWIP_LAB) $(LAB_APPS) $(LAB_PUPPET) $(LAB_TAP_EXEC)

$(LAB_TAP_EXEC): lab/tap-exec.c | deps
	@mkdir -p build
	gcc -O2 -Wall -Wextra -o $@ $<

$(LAB_APPS): lab/apps.c | deps
	@mkdir -p build
	gcc -O2 -Wall -Wextra -o $@ $<

$(LAB_PUPPET): lab/puppet.c | deps
	@mkdir -p build
	gcc -O2 -Wall -Wextra -pthread -o $@ $<

$(LWIP_LAB): lab/lwip/lwip-lab.c | deps
	@mkdir -p build
	gcc -O2 -Wall -Wextra -I/usr/include/lwip -o $@ $< -llwip -lpthread

# Installs only the Debian packages of $(1) that are missing (needs root the first time);
# $(2) names the target to run again with sudo.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "make $(2): missing Debian packages:$$missing; run 'sudo make $(2)'" >&2; exit 2; fi; \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 2; \
	fi
endef

deps:
	$(call apt_install,$(APT_PKGS),setup)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

dist/.built: node_modules/.installed tsconfig.json $(SRC)
	$(NODE_BIN)/tsc -p tsconfig.json
	@touch $@

build: setup dist/.built

test: build learn-deps
	$(NODE_BIN)/tsc -p test/tsconfig.json
	$(NODE_BIN)/mocha --grep '@flake' --invert

test-unit: build learn-deps
	$(NODE_BIN)/mocha --grep '@live' --invert

# AALpy (PyPI, MIT), the reference learner test/learn/aalpy.test.ts (@aalpy) holds our L# against,
# in a venv of its own. Optional: without it those tests are skipped, and say so. The stamp names
# the version, so a second run does nothing and changing the pin makes the venv again. pydot and
# pyparsing are AALpy's dependencies, pinned at the versions installed with it.
AALPY_VERSION := 2.0.0
LEARN_VENV := .venv/learn
LEARN_STAMP := $(LEARN_VENV)/.aalpy-$(AALPY_VERSION)

learn-deps: $(LEARN_STAMP)

# Debian's python3 has the venv module but not ensurepip (python3-venv), without which
# `python3 -m venv` fails (`python3 -m venv --help` still works, so it is no test): install
# python3-venv only when ensurepip is missing.
$(LEARN_STAMP):
	@if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then echo "make learn-deps: python3 cannot make a venv (no ensurepip); run 'sudo make learn-deps' to install python3-venv" >&2; exit 2; fi; \
	  echo "installing: python3-venv"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null || exit 2; \
	fi
	rm -rf $(LEARN_VENV)
	python3 -m venv $(LEARN_VENV)
	$(LEARN_VENV)/bin/pip install --quiet --disable-pip-version-check aalpy==$(AALPY_VERSION) pydot==4.0.1 pyparsing==3.3.3
	@touch $@

# Build the two-namespace lab, replay the netcat seed against the real nc in it, show what nc
# received, write demo.pcap, and tear the lab down whatever happens.
demo: build
	@if [ "$$(id -u)" != 0 ]; then echo "make demo needs root (namespaces, raw sockets): run 'sudo make demo'" >&2; exit 2; fi
	@trap '$(TCPCRAFT) lab down --name $(DEMO_LAB) >/dev/null' EXIT; \
	set -e; \
	$(TCPCRAFT) lab up --name $(DEMO_LAB); echo; \
	$(TCPCRAFT) lab exec --name $(DEMO_LAB) client -- $(TCPCRAFT) run scenarios/netcat-5000.ts --pcap demo.pcap; \
	echo; echo "what nc received in the server namespace:"; \
	$(TCPCRAFT) lab received --name $(DEMO_LAB); \
	echo; echo "wrote demo.pcap (open it in Wireshark, or: tshark -r demo.pcap)"

clean:
	-@node bin/tcpcraft.js cleanup 2>/dev/null || true
	rm -rf dist build demo.pcap

# Benchmarks (never part of `make test`): tcpcraft side by side with scapy, hping3, nping, a C
# reference and the kernel, in a lab of their own that is removed afterwards. Prints one table
# and writes bench/results.json. Needs root. See bench/harness.ts.
BENCH_PKGS := python3-scapy hping3 nmap gcc libc6-dev

bench-deps:
	$(call apt_install,$(BENCH_PKGS),bench-deps)

bench: build bench-deps
	@if [ "$$(id -u)" != 0 ]; then echo "make bench needs root (namespaces, raw sockets): run 'sudo make bench'" >&2; exit 2; fi
	timeout -k 10 900 node --import tsx bench/harness.ts

# Flakiness check (never part of `make test`): brings up a lab of its own, runs the conformance
# suite FLAKE_RUNS times in a row in it (each run bounded to 10 minutes), lists every scenario
# whose verdict changed between runs (exit 1 if any did), and tears the lab down whatever happens;
# then runs the tests tagged @flake (the mutated twins on every lab target, the serial suite, the bench smoke).
# Each run's output and JSON report stay in the directory it prints. Needs root.
FLAKE_LAB := tcflake
FLAKE_RUNS := 20
FLAKE_DIR := scenarios/conformance

flake: build
	@if [ "$$(id -u)" != 0 ]; then echo "make flake needs root (namespaces, raw sockets): run 'sudo make flake'" >&2; exit 2; fi
	@trap '$(TCPCRAFT) lab down --name $(FLAKE_LAB) >/dev/null' EXIT; trap 'exit 130' INT TERM; \
	set -e; out=$$(mktemp -d /tmp/tcpcraft-flake.XXXXXX); \
	$(TCPCRAFT) lab up --name $(FLAKE_LAB) >/dev/null; \
	echo "$(FLAKE_RUNS) runs of $(FLAKE_DIR) in lab $(FLAKE_LAB); outputs in $$out"; \
	for i in $$(seq 1 $(FLAKE_RUNS)); do \
	  rc=0; timeout -k 10 600 $(TCPCRAFT) lab exec --name $(FLAKE_LAB) client -- \
	    $(TCPCRAFT) suite $(FLAKE_DIR) --lab $(FLAKE_LAB) --json $$out/run-$$i.json >$$out/run-$$i.txt 2>&1 || rc=$$?; \
	  echo "run $$i: $$(grep -E '^[0-9]+ passed' $$out/run-$$i.txt || echo 'no summary') (exit $$rc)"; \
	done; \
	node -e 'import("./dist/suite/flake.js").then((m) => { process.exitCode = m.flakeMain(process.argv.slice(1)); })' \
	  $$(for i in $$(seq 1 $(FLAKE_RUNS)); do echo $$out/run-$$i.json; done) || exit $$?; \
	echo "the soak (hostile frames, memory):"; $(MAKE) --no-print-directory soak || exit $$?; \
	echo "and the tests tagged @flake (every mutated twin on every lab target, the serial suite, the bench smoke):"; \
	$(NODE_BIN)/mocha --grep '@flake'

# Hostile input for a while (never part of `make test`; about 5 s): 10^6 random, truncated and
# mutated frames through the frame parser and 10^3 through the whole receive path of a run; fails
# on any exception or on heap growth. Prints the peak RSS. No root needed.
soak: build
	timeout -k 10 600 node --expose-gc --import tsx bench/soak.ts

# Learning (never part of `make test`): every lab target's TCP state machine, server role, full
# alphabet, LEARN_RUNS times each (LEARN_PARALLEL targets at a time, 1 by default; each run in labs of its own, bounded to
# LEARN_BOUND_MIN minutes), beside the reference's and the published anchors; each difference
# from the reference written as scenarios both ways and replayed with the verdict it claims.
# Writes bench/learn/results.json and bench/learn/README.md. Needs root. See bench/learn.ts.
LEARN_RUNS ?= 3

learn: build
	@if [ "$$(id -u)" != 0 ]; then echo "make learn needs root (namespaces, raw sockets): run 'sudo make learn'" >&2; exit 2; fi
	LEARN_RUNS=$(LEARN_RUNS) timeout -k 10 28800 node --import tsx bench/learn.ts

# The JSON Schemas shipped in schemas/, from their source in src/report/schemas.ts (a test checks
# the files are current).
schemas: node_modules/.installed
	node --import tsx scripts/schemas.ts

# The slow conformance set (never part of `make test`): scenarios that wait for timers of
# minutes (R2 for data, 3 minutes of SYN retransmissions), run once in a lab of their own,
# removed whatever happens. Then the whole suite again against the host's Linux changed in ways
# the RFCs allow (a 1280-byte MTU on the server's link, an initial window of 4): no verdict may
# turn into a FAIL at any level (a scenario that cannot test its rule there says N/A). About 5
# minutes. Needs root.
SLOW_LAB := tcslow

slow: build
	@if [ "$$(id -u)" != 0 ]; then echo "make slow needs root (namespaces, raw sockets): run 'sudo make slow'" >&2; exit 2; fi
	@trap '$(TCPCRAFT) lab down --name $(SLOW_LAB) >/dev/null' EXIT; trap 'exit 130' INT TERM; \
	set -e; $(TCPCRAFT) lab up --name $(SLOW_LAB) >/dev/null; \
	timeout -k 10 900 $(TCPCRAFT) lab exec --name $(SLOW_LAB) client -- $(TCPCRAFT) suite scenarios/conformance/slow --lab $(SLOW_LAB); \
	$(TCPCRAFT) lab down --name $(SLOW_LAB) >/dev/null; \
	$(TCPCRAFT) lab up --name $(SLOW_LAB) --server-mtu 1280 --initcwnd 4; \
	timeout -k 10 300 $(TCPCRAFT) lab exec --name $(SLOW_LAB) client -- $(TCPCRAFT) suite scenarios/conformance --lab $(SLOW_LAB) --fail-on may

# The RFC 9293 Appendix B table: for every requirement, the scenarios whose rfc: field names it,
# or why none can (src/suite/requirements.ts). Exits 1 when a row has neither. No root needed.
requirements: build
	$(TCPCRAFT) suite scenarios/conformance scenarios/conformance/slow --requirements scenarios/conformance/REQUIREMENTS.md

# The "where the stacks differ" table of scenarios/conformance/README.md, made from a matrix run
# over every lab target (about a minute; never part of `make test`). Needs root.
findings: build
	@if [ "$$(id -u)" != 0 ]; then echo "make findings needs root (namespaces, raw sockets): run 'sudo make findings'" >&2; exit 2; fi
	@out=$$(mktemp /tmp/tcpcraft-findings.XXXXXX); trap 'rm -f $$out' EXIT; \
	$(TCPCRAFT) matrix scenarios/conformance --json $$out || true; \
	node dist/suite/findings.js $$out scenarios/conformance/README.md
