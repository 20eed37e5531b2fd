#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Resident heap per Ucast_Macs_Remote row in the vtepd OVSDB engine.
BUILD=${BUILD:-build}
"$BUILD/tests/bench-ovsdb-rows" "${ROWS:-100000}"
