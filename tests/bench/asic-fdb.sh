#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bulk insertion of 100K remote FDB entries into the software ASIC
# (Trident2-like and Tomahawk-like profiles).  Prints figures; asserts
# nothing.
set -eu
build=${BUILD:-build}
"$build/tests/bench-asic-fdb" 100000 trident2 5
"$build/tests/bench-asic-fdb" 100000 tomahawk 5
