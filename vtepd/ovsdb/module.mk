# vtepd/ovsdb/: the network half of the OVSDB server: streams (unix, tcp),
# JSON-RPC framing, sessions and the server that dispatches methods.
LIBRARIES += ovsdb-net
ovsdb-net_SRCS := vtepd/ovsdb/stream.c vtepd/ovsdb/stream-fd.c \
                  vtepd/ovsdb/reconnect.c vtepd/ovsdb/jsonrpc.c \
                  vtepd/ovsdb/jsonrpc-server.c
ovsdb-net_PKGS := jansson libev

UNIT_TESTS += test-ovsdb-stream test-ovsdb-reconnect test-ovsdb-jsonrpc
test-ovsdb-stream_SRCS := tests/unit/test-stream.c
test-ovsdb-stream_LIBS := ovsdb-net lib
test-ovsdb-stream_PKGS := cmocka
test-ovsdb-reconnect_SRCS := tests/unit/test-reconnect.c
test-ovsdb-reconnect_LIBS := ovsdb-net lib
test-ovsdb-reconnect_PKGS := cmocka
test-ovsdb-jsonrpc_SRCS := tests/unit/test-jsonrpc.c
test-ovsdb-jsonrpc_LIBS := ovsdb-net lib
test-ovsdb-jsonrpc_PKGS := cmocka
