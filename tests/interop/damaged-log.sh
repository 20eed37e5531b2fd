#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A database file with a damaged record in the middle, opened by the real
# ovsdb-server and by vtepd: both start, serve the records before the
# damage and say so in their log; vtepd cuts the rest off at once (saving
# it beside the file) where ovsdb-server cuts it at its first write.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs || ! command -v ovsdb-client >/dev/null; then
    skip "damaged database files (Open vSwitch is not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
cat >"$tmp/schema" <<'EOF'
{"name":"t","version":"1.0.0","tables":{"A":{"columns":{"name":{"type":"string"}}}}}
EOF

# craft FILE KIND: a database with rows "one" (good), then a damaged
# record ("bad": wrong checksum; "unknown": names a table the schema does
# not have), then a good record inserting "two".
craft() {
    ovsdb-tool create "$1" "$tmp/schema" &&
    ovsdb-tool transact "$1" \
        '["t",{"op":"insert","table":"A","row":{"name":"one"}}]' >/dev/null &&
    $PY - "$1" "$2" <<'EOF'
import hashlib, json, sys
def record(obj, bad_sum=False):
    data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
    digest = "0" * 40 if bad_sum else hashlib.sha1(data).hexdigest()
    return b"OVSDB JSON %d %s\n" % (len(data), digest.encode()) + data
path, kind = sys.argv[1], sys.argv[2]
with open(path, "ab") as f:
    if kind == "bad":
        f.write(record({"A": {"11111111-1111-4111-8111-111111111111":
                              {"name": "bad"}}, "_date": 1}, True))
    else:
        f.write(record({"Nope": {"11111111-1111-4111-8111-111111111111":
                                 {"x": 1}}, "_date": 1}))
    f.write(record({"A": {"22222222-2222-4222-8222-222222222222":
                          {"name": "two"}}, "_date": 2}))
EOF
}

names() {
    ovsdb-client --timeout=5 query unix:"$1/db.sock" \
        '["t",{"op":"select","table":"A","where":[],"columns":["name"]}]' 2>&1 |
        $PY -c 'import json,sys; print(" ".join(sorted(r["name"] for r in json.load(sys.stdin)[0]["rows"])))'
}

insert_three() {
    ovsdb-client --timeout=5 transact unix:"$1/db.sock" \
        '["t",{"op":"insert","table":"A","row":{"name":"three"}}]' >/dev/null
}

for kind in bad unknown; do
    ref=$tmp/$kind-ref vtepd=$tmp/$kind-vtepd
    mkdir -p "$ref" "$vtepd"
    craft "$ref/ref.db" $kind && cp "$ref/ref.db" "$vtepd/vtep.db"
    size=$(stat -c %s "$ref/ref.db")
    ovsdb-server --remote=punix:"$ref/db.sock" --unixctl="$ref/ctl" \
        --pidfile="$ref/pid" --log-file="$ref/log" --detach "$ref/ref.db"
    on_exit "kill \$(cat '$ref/pid' 2>/dev/null) 2>/dev/null"
    start_vtepd "$vtepd" --schema="$tmp/schema"
    check "$kind record: vtepd starts" test -S "$vtepd/db.sock"
    check "$kind record: ovsdb-server starts" test -S "$ref/db.sock"
    check "$kind record: ovsdb-server logs it as an error" \
        grep -q '|ERR|' "$ref/log"
    check "$kind record: vtepd logs it as an error" \
        grep -q '|ERR|.*cutting off' "$vtepd/log"
    check "$kind record: vtepd serves the rows before it" \
        test "$(names "$vtepd")" = "one"
    if [ $kind = bad ]; then
        check "$kind record: as ovsdb-server does" \
            test "$(names "$ref")" = "$(names "$vtepd")"
    else
        # ovsdb-server 3.1.0 means to stop there too, but its log reader
        # reads on past the "unread" record; report what it serves.
        echo "INFO: ovsdb-server 3.1.0 serves: $(names "$ref")"
    fi
    check "$kind record: vtepd cut the file at the damaged record" \
        test "$(stat -c %s "$vtepd/vtep.db")" -lt "$size"
    check "$kind record: and saved what it cut off" \
        bash -c "cat '$vtepd'/vtep.db '$vtepd'/vtep.db.damaged-* | cmp -s - '$ref/ref.db'"
    insert_three "$vtepd"
    insert_three "$ref"
    stop "$vtepd"
    check "$kind record: vtepd's file reads in ovsdb-tool after a write" \
        bash -c "ovsdb-tool query '$vtepd/vtep.db' \
            '[\"t\",{\"op\":\"select\",\"table\":\"A\",\"where\":[]}]' |
            grep -q three"
    check "$kind record: no damaged record is left in vtepd's file" \
        bash -c "! grep -q -e Nope -e '\"bad\"' '$vtepd/vtep.db'"
    if [ $kind = bad ]; then
        ovs-appctl -t "$ref/ctl" exit
        check "$kind record: ovsdb-server also cut it at its first write" \
            bash -c "! grep -q '\"bad\"' '$ref/ref.db'"
    fi
done
finish
