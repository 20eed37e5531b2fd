# Benchmarks (make bench, make bench-quick) and their helper programs.
TEST_PROGRAMS += ovsdb-load
ovsdb-load_SRCS := tests/bench/ovsdb-load.c
ovsdb-load_LIBS := lib
ovsdb-load_PKGS := jansson
