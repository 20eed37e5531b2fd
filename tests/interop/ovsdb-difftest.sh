#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Differential test: seeded random transaction streams over hardware_vtep
# and a schema with weak references, garbage collection, indexes and
# maxRows, run by the real "ovsdb-tool transact" and by vtepd's engine;
# replies must match.  DIFFTEST_SEEDS (default 3) and DIFFTEST_TXNS
# (default 150) set the length; "make difftest SEEDS=N" runs longer.
. tests/lib.sh

if ! command -v ovsdb-tool >/dev/null || [ ! -x /usr/bin/python3 ]; then
    skip "ovsdb differential test (needs ovsdb-tool and /usr/bin/python3)"
    exit 0
fi
tmp=$(make_tmpdir)
seeds=${DIFFTEST_SEEDS:-3}
txns=${DIFFTEST_TXNS:-150}
total=0
for schema in schema/vtep.ovsschema tests/interop/difftest.ovsschema; do
    for seed in $(seq 1 "$seeds"); do
        name="difftest $(basename "$schema" .ovsschema) seed $seed"
        if /usr/bin/python3 tests/interop/ovsdb_difftest.py \
            "$BUILD/tests/ovsdb-transact" "$schema" "$seed" "$txns" "$tmp"; then
            pass "$name ($txns transactions)"
        else
            fail "$name"
        fi
        total=$((total + txns))
    done
done
echo "compared $total transactions"
finish
