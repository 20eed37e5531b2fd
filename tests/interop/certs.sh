# SPDX-License-Identifier: Apache-2.0
# Test certificates made with the openssl CLI; source after tests/lib.sh
# with 'tmp' set to the directory that holds them.

# make_cert NAME CN [CA]: a P-256 key and a certificate in $tmp, self-signed
# when CA is empty, else signed by $tmp/CA.{key,crt}.
make_cert() {
    local name=$1 cn=$2 ca=$3
    if [ -z "$ca" ]; then
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -nodes -keyout "$tmp/$name.key" -out "$tmp/$name.crt" \
            -subj "/CN=$cn" -days 2 2>/dev/null
    else
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -nodes -keyout "$tmp/$name.key" -out "$tmp/$name.csr" \
            -subj "/CN=$cn" 2>/dev/null &&
            openssl x509 -req -in "$tmp/$name.csr" -CA "$tmp/$ca.crt" \
                -CAkey "$tmp/$ca.key" -CAcreateserial -out "$tmp/$name.crt" \
                -days 2 2>/dev/null
    fi
}
