# SPDX-License-Identifier: Apache-2.0
# Shared by the firmware's boot script, supervisor and DHCP hook (busybox
# sh).  Sourced, not run.

VTEP_TOR_RUN=/run/vtepd     # where vtep-cli and the Debian package look too
VTEP_TOR_STATE=/var/lib/vtep-tor
VTEP_TOR_LOG=/var/log/vtep-tor.log

# log MESSAGE...: one line on the serial console and in the log file.
log() {
    local up
    read -r up _ </proc/uptime
    echo "vtep-tor: [$up] $*" >/dev/console
    echo "[$up] $*" >>"$VTEP_TOR_LOG"
}

# is_ipv4 S: whether S is a dotted-quad IPv4 address.
is_ipv4() {
    local IFS=. a b c d extra
    case $1 in *[!0-9.]* | .* | *. | *..*) return 1 ;; esac
    set -- $1
    [ $# -eq 4 ] || return 1
    for a; do
        [ ${#a} -le 3 ] && [ "$a" -le 255 ] || return 1
    done
}

# is_ipv4_prefix S: whether S is IPv4/LEN with LEN in 0..32.
is_ipv4_prefix() {
    case $1 in */*) ;; *) return 1 ;; esac
    local len=${1#*/}
    is_ipv4 "${1%/*}" || return 1
    case $len in '' | *[!0-9]*) return 1 ;; esac
    [ ${#len} -le 2 ] && [ "$len" -le 32 ]
}

is_port_number() {
    case $1 in '' | *[!0-9]*) return 1 ;; esac
    [ ${#1} -le 5 ] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

# is_manager_target S: tcp:IP:PORT, ssl:IP:PORT, ptcp:PORT[:IP] or
# pssl:PORT[:IP], as OVSDB Manager targets are written (IPv4 here).
is_manager_target() {
    local rest=${1#*:} ip port
    case $1 in
    tcp:* | ssl:*)
        ip=${rest%:*} port=${rest##*:}
        [ "$ip" != "$rest" ] && is_ipv4 "$ip" && is_port_number "$port"
        ;;
    ptcp:* | pssl:*)
        port=${rest%%:*}
        is_port_number "$port" || return 1
        [ "$port" = "$rest" ] || is_ipv4 "${rest#*:}"
        ;;
    *) return 1 ;;
    esac
}

# is_pem_base64 S: whether S is base64 whose decoding is a PEM file.
is_pem_base64() {
    case $1 in '' | *[!A-Za-z0-9+/=]*) return 1 ;; esac
    echo "$1" | base64 -d 2>/dev/null | grep -q -- '^-----BEGIN '
}

# is_ssh_key S: whether S is an OpenSSH public key line: TYPE BASE64
# [COMMENT], the comment of letters, digits and @._:+-.
is_ssh_key() {
    local type blob comment
    set -f
    set -- $1
    set +f
    type=$1 blob=${2-} comment=${3-}
    [ $# -le 3 ] || return 1
    case $type in
    ssh-ed25519 | ssh-rsa | ecdsa-sha2-nistp256 | ecdsa-sha2-nistp384 | ecdsa-sha2-nistp521) ;;
    *) return 1 ;;
    esac
    case $blob in '' | *[!A-Za-z0-9+/=]*) return 1 ;; esac
    case $comment in *[!A-Za-z0-9@._:+-]*) return 1 ;; esac
    echo "$blob" | base64 -d 2>/dev/null | grep -q "$type"
}

# is_platform S: whether S is a --platform vtepd takes: a built-in asic
# profile, an absolute path to an asic JSON profile that exists, or the
# netdev backend's acl_ingress_entries=N[,acl_egress_entries=N].  Prints
# why not.
is_platform() {
    local item n
    case $1 in
    trident2 | tomahawk | lab) return 0 ;;
    /*)
        case $1 in
        *[!A-Za-z0-9._/-]* | *..*) echo "expected a file name of letters, digits, '.', '_', '-' and '/'" ;;
        *) [ -f "$1" ] || echo "no such file on the switch" ;;
        esac
        return 0
        ;;
    *=*)
        for item in $(echo "$1" | tr , ' '); do
            n=${item#*=}
            case ${item%%=*} in
            acl_ingress_entries | acl_egress_entries) ;;
            *)
                echo "expected acl_ingress_entries=N or acl_egress_entries=N, not '${item%%=*}'"
                return 0
                ;;
            esac
            case $n in
            '' | *[!0-9]*)
                echo "${item%%=*}=$n: expected a number"
                return 0
                ;;
            esac
            if [ ${#n} -gt 8 ] || [ "$n" -gt 16777216 ]; then
                echo "${item%%=*}=$n: more than 16777216"
                return 0
            fi
        done
        ;;
    *) echo "expected trident2, tomahawk, lab, /PATH/TO/PROFILE.json (asic) or acl_ingress_entries=N,acl_egress_entries=N (netdev)" ;;
    esac
    return 0
}

# config_check_value KEY VALUE: prints why VALUE is unusable for KEY
# (nothing when it is usable); returns 2 for an unknown key.
config_check_value() {
    case $1 in
    switch-name)
        case $2 in
        '' | *[!A-Za-z0-9._:-]*) echo "expected a name of letters, digits, '.', '_', ':' or '-'" ;;
        *) [ ${#2} -le 63 ] || echo "longer than 63 characters" ;;
        esac
        ;;
    tunnel-ip) is_ipv4_prefix "$2" || echo "expected an IPv4 address/prefix, e.g. 10.99.0.2/24" ;;
    uplink)
        case $2 in
        swp[1-9] | swp[1-9][0-9] | swp[1-9][0-9][0-9])
            [ -e "/sys/class/net/$2" ] || echo "no front-panel port $2 on this VM"
            ;;
        *) echo "expected a front-panel port name swpN" ;;
        esac
        ;;
    gateway | management-gateway) is_ipv4 "$2" || echo "expected an IPv4 address" ;;
    management)
        [ "$2" = dhcp ] || is_ipv4_prefix "$2" ||
            echo "expected dhcp or an IPv4 address/prefix"
        ;;
    manager)
        is_manager_target "$2" ||
            echo "expected tcp:IP:PORT, ssl:IP:PORT, ptcp:PORT[:IP] or pssl:PORT[:IP]"
        ;;
    backend)
        case $2 in netdev | asic) ;; *) echo "expected netdev or asic" ;; esac
        ;;
    platform) is_platform "$2" ;;
    dataplane-thread)
        case $2 in off | idle | batch | normal) ;; *) echo "expected off, idle, batch or normal" ;; esac
        ;;
    image-trial-watchdog)
        # Seconds; the i6300esb takes up to 2046.
        case $2 in
        '' | *[!0-9]*) echo "expected seconds, 30 to 2040" ;;
        *) [ ${#2} -le 4 ] && [ "$2" -ge 30 ] && [ "$2" -le 2040 ] || echo "expected seconds, 30 to 2040" ;;
        esac
        ;;
    ssh-authorized-key)
        is_ssh_key "$2" ||
            echo "expected a public key line: ssh-ed25519|ssh-rsa|ecdsa-sha2-* BASE64 [COMMENT]"
        ;;
    ssl-private-key | ssl-certificate | ssl-ca-cert | image-signing-key | image-ca-cert)
        is_pem_base64 "$2" ||
            echo "expected a PEM file encoded on one line by 'base64 -w0 FILE'"
        ;;
    *) return 2 ;;
    esac
    return 0
}

# config_parse FILE NAME OUT: checks the key=value config FILE (called NAME
# in messages) and writes it to OUT as shell assignments (CFG_switch_name=
# and so on).  On the first unusable line, logs the line's number and why,
# writes nothing and returns 1.
config_parse() {
    local file=$1 name=$2 out=$3 n=0 line key value why seen=" " tmp
    local backend=netdev platform= platform_line=
    tmp=$out.new
    : >"$tmp"
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        line=${line%%#*}
        line=$(echo "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
        [ -z "$line" ] && continue
        case $line in
        *=*) ;;
        *)
            config_refuse "$name" "$n" "expected key=value, got '$line'"
            return 1
            ;;
        esac
        key=$(echo "${line%%=*}" | sed 's/[[:space:]]*$//')
        value=$(echo "${line#*=}" | sed 's/^[[:space:]]*//')
        why=$(config_check_value "$key" "$value")
        if [ $? -eq 2 ]; then
            config_refuse "$name" "$n" "unknown key '$key'"
            return 1
        fi
        if [ -n "$why" ]; then
            config_refuse "$name" "$n" "$key=$value: $why"
            return 1
        fi
        case "$key:$seen" in
        manager:* | ssh-authorized-key:* | image-signing-key:*) ;;
        *" $key "*)
            config_refuse "$name" "$n" "$key given twice"
            return 1
            ;;
        esac
        seen="$seen$key "
        case $key in
        backend) backend=$value ;;
        platform) platform=$value platform_line=$n ;;
        esac
        key=$(echo "$key" | tr - _)
        if [ "$key" = manager ]; then
            echo "CFG_managers=\"\$CFG_managers $value\"" >>"$tmp"
        elif [ "$key" = ssh_authorized_key ]; then
            # One key a line; checked to hold no quote or '$'.
            echo "CFG_ssh_keys=\"\${CFG_ssh_keys}$value|\"" >>"$tmp"
        elif [ "$key" = image_signing_key ]; then
            # Base64, one PEM public key (or several) each.
            echo "CFG_image_signing_keys=\"\${CFG_image_signing_keys}$value \"" >>"$tmp"
        else
            echo "CFG_$key='$value'" >>"$tmp"
        fi
    done <"$file"
    # TLS takes the three files or none.
    n=0
    for key in ssl-private-key ssl-certificate ssl-ca-cert; do
        case $seen in *" $key "*) n=$((n + 1)) ;; esac
    done
    if [ $n -ne 0 ] && [ $n -ne 3 ]; then
        log "config $name: ssl-private-key, ssl-certificate and ssl-ca-cert go together: refused; the previous config stays in force"
        return 1
    fi
    # A platform is the backend's: asic profiles or netdev ACL sizes.
    why=
    case $platform in
    '') ;;
    *=*) [ "$backend" = netdev ] || why="netdev ACL sizes, and this config's backend is $backend (give a profile: trident2, tomahawk, lab or a JSON file)" ;;
    *) [ "$backend" = asic ] || why="an asic profile, and this config's backend is $backend (add backend=asic)" ;;
    esac
    if [ -n "$platform" ] && [ -n "$why" ]; then
        config_refuse "$name" "$platform_line" "platform=$platform: $why"
        return 1
    fi
    mv "$tmp" "$out"
}

config_refuse() {
    log "config $1 line $2: $3: refused; the previous config stays in force"
}
