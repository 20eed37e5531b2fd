#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: file2c.sh FILE
# Prints FILE as the body of a C string literal, one source line per line
# of FILE, for #include inside a string initialiser.
set -e
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$1"
