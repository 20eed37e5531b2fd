# SPDX-License-Identifier: Apache-2.0
# vtepd/jsonrpc/: the transport, knowing nothing of OVSDB: streams (unix,
# tcp, TLS), reconnect with backoff, JSON-RPC framing, sessions, remotes and
# the server that dispatches methods.  The OVSDB server and the control
# socket both sit on it.
LIBRARIES += jsonrpc
jsonrpc_SRCS := vtepd/jsonrpc/stream.c vtepd/jsonrpc/stream-fd.c \
                vtepd/jsonrpc/stream-ssl.c vtepd/jsonrpc/reconnect.c \
                vtepd/jsonrpc/jsonrpc.c vtepd/jsonrpc/jsonrpc-session.c \
                vtepd/jsonrpc/jsonrpc-remote.c vtepd/jsonrpc/jsonrpc-server.c
jsonrpc_PKGS := jansson libev openssl

$(call UNIT_TEST,test-jsonrpc-stream,tests/unit/test-jsonrpc-stream.c,jsonrpc lib)
$(call UNIT_TEST,test-jsonrpc-reconnect,\
    tests/unit/test-jsonrpc-reconnect.c,jsonrpc lib)
$(call UNIT_TEST,test-jsonrpc,tests/unit/test-jsonrpc.c,jsonrpc lib)
$(call UNIT_TEST,test-jsonrpc-remotes,\
    tests/unit/test-jsonrpc-remotes.c,jsonrpc lib,libev)
$(call UNIT_TEST,test-jsonrpc-ssl,tests/unit/test-jsonrpc-ssl.c,jsonrpc lib,libev)

# TLS streams against ovsdb-client and Python's ssl module.
TEST_PROGRAMS += test-ssl-server
test-ssl-server_SRCS := tests/programs/test-ssl-server.c tests/programs/port-file.c
test-ssl-server_LIBS := jsonrpc lib
SCRIPT_TESTS += tests/interop/ssl.sh
