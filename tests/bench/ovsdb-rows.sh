#!/usr/bin/env bash
# Resident heap per Ucast_Macs_Remote row in the vtepd OVSDB engine.
BUILD=${BUILD:-build}
"$BUILD/tests/bench-ovsdb-rows" "${ROWS:-100000}"
