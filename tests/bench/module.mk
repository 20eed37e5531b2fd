# Benchmarks (make bench, make bench-quick) and their helper programs.
TEST_PROGRAMS += ovsdb-load
ovsdb-load_SRCS := tests/bench/ovsdb-load.c
ovsdb-load_LIBS := lib
ovsdb-load_PKGS := jansson

# vtepd against Debian's ovsdb-server on identical loads; the smoke run of
# the harness (tiny loads, no timing) is part of 'make check'.
BENCH_SCRIPTS += tests/bench/ovsdb-load.sh
SCRIPT_TESTS += tests/bench/ovsdb-load-smoke.sh

.PHONY: bench-quick
# The harness end to end in seconds: every load, tiny, both servers.
bench-quick: tests
	BUILD=$(BUILD) bash tests/bench/ovsdb-load.sh --quick
