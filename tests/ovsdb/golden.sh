#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Golden tests of the OVSDB engine: tests/ovsdb-golden/*.txn run through
# build/tests/ovsdb-transact must give the replies ovsdb-tool gave (*.out).
. tests/lib.sh

if [ ! -x /usr/bin/python3 ]; then
    skip "ovsdb golden tests (no /usr/bin/python3)"
    exit 0
fi
/usr/bin/python3 tests/ovsdb/ovsdb_golden.py check \
    "$BUILD/tests/ovsdb-transact" tests/ovsdb-golden
