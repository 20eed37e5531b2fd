# SPDX-License-Identifier: Apache-2.0
# Interop tests: real OVS clients and servers against vtepd's code.
TEST_PROGRAMS += test-jsonrpc-server
test-jsonrpc-server_SRCS := tests/programs/test-jsonrpc-server.c tests/programs/port-file.c
test-jsonrpc-server_LIBS := jsonrpc lib

SCRIPT_TESTS += tests/interop/unixctl.sh tests/interop/jsonrpc.sh
SCRIPT_TESTS += tests/interop/vtepd-database.sh
SCRIPT_TESTS += tests/interop/full-disk.sh tests/interop/chip-space.sh
SCRIPT_TESTS += tests/interop/fd-limit.sh
SCRIPT_TESTS += tests/interop/relative-names.sh
SCRIPT_TESTS += tests/interop/ovn-vtep.sh
SCRIPT_TESTS += tests/interop/vtepd-hal.sh tests/interop/bfd-tunnels.sh
SCRIPT_TESTS += tests/interop/raw-controller.sh
SCRIPT_TESTS += tests/interop/managers.sh
SCRIPT_TESTS += tests/interop/damaged-log.sh
SCRIPT_TESTS += tests/interop/ovsdb-convert.sh
SCRIPT_TESTS += tests/interop/monitor-since-restart.sh
SCRIPT_TESTS += tests/interop/client-mode.sh tests/interop/cluster.sh
SCRIPT_TESTS += tests/interop/client-mode-ssl.sh
