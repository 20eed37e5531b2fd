#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The layering of docs/ARCHITECTURE.md, checked on every #include of the
# tree: each folder may include only itself and the folders below it.
# Also: no source file outside tests/ over 1,000 lines, and an SPDX line in
# every source file.
. tests/lib.sh

# allowed FOLDER: the folders FOLDER's sources may include from.
allowed() {
    case $1 in
    lib) echo "lib" ;;
    schema) echo "schema" ;;
    vtepd/jsonrpc) echo "vtepd/jsonrpc lib" ;;
    vtepd/ovsdb) echo "vtepd/ovsdb vtepd/jsonrpc lib" ;;
    hal) echo "hal lib" ;;
    # The conformance kit's program registers the built-in backends it
    # tests, as vtepd does; its cases see only the HAL.
    hal/conformance) echo "hal/conformance hal/asic hal/netdev hal lib" ;;
    hal/*) echo "$1 hal lib" ;;
    sim) echo "sim hal/asic hal lib" ;;
    vtepd/vtep) echo "vtepd/vtep vtepd/ovsdb hal lib" ;;
    # vtep-cli is a client of vtepd: streams and messages, never the
    # engine or the reconciler.
    cli) echo "cli vtepd/jsonrpc lib" ;;
    vtepd) echo "vtepd vtepd/vtep vtepd/ovsdb vtepd/jsonrpc schema sim hal hal/asic hal/netdev lib" ;;
    *) echo "*" ;;
    esac
}

# The folder an included path belongs to (the longest known prefix).
folder_of() {
    case $1 in
    vtepd/jsonrpc/*) echo vtepd/jsonrpc ;;
    vtepd/ovsdb/*) echo vtepd/ovsdb ;;
    vtepd/vtep/*) echo vtepd/vtep ;;
    vtepd/*) echo vtepd ;;
    hal/asic/*) echo hal/asic ;;
    hal/netdev/*) echo hal/netdev ;;
    hal/conformance/*) echo hal/conformance ;;
    hal/*) echo hal ;;
    *) echo "${1%%/*}" ;;
    esac
}

bad=()
while IFS= read -r file; do
    dir=$(dirname "$file")
    ok=$(allowed "$dir")
    [ "$ok" = "*" ] && continue
    while IFS= read -r inc; do
        f=$(folder_of "$inc")
        [[ " $ok " == *" $f "* ]] || bad+=("$file includes $inc")
    done < <(sed -n 's/^#include "\([^"]*\/[^"]*\)".*/\1/p' "$file")
done < <(git ls-files '*.c' '*.h' | grep -v '^tests/')

if [ ${#bad[@]} -eq 0 ]; then
    pass "every include goes down the layers (lib < jsonrpc < ovsdb < vtep, hal < daemon)"
else
    printf '  %s\n' "${bad[@]}"
    fail "includes that go up or across the layers: ${#bad[@]}"
fi

long=$(git ls-files '*.c' '*.h' | grep -v '^tests/' | xargs wc -l |
    awk '$2 != "total" && $1 > 1000 { print $2 " (" $1 " lines)" }')
check "no source file outside tests/ is over 1,000 lines${long:+: $long}" \
    test -z "$long"

nospdx=$(git ls-files '*.c' '*.h' '*.sh' '*.py' '*.mk' Makefile |
    xargs grep -L 'SPDX-License-Identifier: Apache-2.0' 2>/dev/null)
check "every source file has an SPDX line${nospdx:+ (missing: $nospdx)}" \
    test -z "$nospdx"
check "LICENSE is the Apache License 2.0" \
    grep -q 'Apache License' LICENSE

finish
