# SPDX-License-Identifier: Apache-2.0
# cli/: vtep-cli, the operator's command line.  A client only: it talks to
# vtepd over the database and the control socket with the JSON-RPC streams
# and messages of vtepd/jsonrpc, and never links the engine or the
# reconciler.
PROGRAMS += vtep-cli
vtep-cli_SRCS := cli/vtep-cli.c cli/rpc.c cli/ovsdb.c cli/table.c \
                 cli/show.c cli/show-fwd.c cli/show-route.c \
                 cli/config.c cli/image.c
vtep-cli_SRCS += cli/show-acl.c
vtep-cli_LIBS := jsonrpc lib
vtep-cli_PKGS := jansson

$(call UNIT_TEST,test-cli,\
    tests/unit/test-cli.c cli/rpc.c cli/ovsdb.c cli/table.c,\
    jsonrpc lib,jansson)
