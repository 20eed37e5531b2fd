/* SPDX-License-Identifier: Apache-2.0 */
/* BFD control packets (RFC 5880 4.1), the names of states and diagnostics,
 * and the parsing of the Tunnel table's bfd_params. */
#include "lib/bfd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static uint32_t
get_be32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

enum bfd_drop
bfd_msg_decode(const uint8_t *buf, size_t len, struct bfd_msg *msg)
{
    if (len < BFD_PACKET_LEN) {
        return BFD_DROP_SHORT;
    }
    msg->version = buf[0] >> 5;
    msg->diag = buf[0] & 0x1f;
    msg->state = buf[1] >> 6;
    msg->flags = buf[1] & 0x3f;
    msg->detect_mult = buf[2];
    msg->length = buf[3];
    msg->my_disc = get_be32(buf + 4);
    msg->your_disc = get_be32(buf + 8);
    msg->min_tx = get_be32(buf + 12);
    msg->min_rx = get_be32(buf + 16);
    msg->min_echo_rx = get_be32(buf + 20);

    if (msg->version != 1) {
        return BFD_DROP_VERSION;
    }
    if (msg->length < (msg->flags & BFD_FLAG_AUTH ? 26 : BFD_PACKET_LEN)) {
        return BFD_DROP_LENGTH;
    }
    if (msg->length > len) {
        return BFD_DROP_SHORT;
    }
    if (!msg->detect_mult) {
        return BFD_DROP_DETECT_MULT;
    }
    if (msg->flags & BFD_FLAG_MULTIPOINT) {
        return BFD_DROP_MULTIPOINT;
    }
    if (!msg->my_disc) {
        return BFD_DROP_MY_DISC;
    }
    if (!msg->your_disc && msg->state != BFD_STATE_DOWN
        && msg->state != BFD_STATE_ADMIN_DOWN) {
        return BFD_DROP_YOUR_DISC;
    }
    if (msg->flags & BFD_FLAG_AUTH) {
        return BFD_DROP_AUTH;
    }
    return BFD_DROP_NONE;
}

void
bfd_msg_encode(const struct bfd_msg *msg, uint8_t *buf)
{
    buf[0] = (uint8_t) ((1 << 5) | (msg->diag & 0x1f));
    buf[1] = (uint8_t) (((unsigned) msg->state << 6) | (msg->flags & 0x3f));
    buf[2] = msg->detect_mult;
    buf[3] = BFD_PACKET_LEN;
    put_be32(buf + 4, msg->my_disc);
    put_be32(buf + 8, msg->your_disc);
    put_be32(buf + 12, msg->min_tx);
    put_be32(buf + 16, msg->min_rx);
    put_be32(buf + 20, msg->min_echo_rx);
}

const char *
bfd_state_to_string(enum bfd_state state)
{
    switch (state) {
    case BFD_STATE_ADMIN_DOWN:
        return "admin_down";
    case BFD_STATE_DOWN:
        return "down";
    case BFD_STATE_INIT:
        return "init";
    case BFD_STATE_UP:
        return "up";
    }
    return "invalid";
}

const char *
bfd_diag_to_string(enum bfd_diag diag)
{
    static const char *const names[] = {
        [BFD_DIAG_NONE] = "No Diagnostic",
        [BFD_DIAG_CTL_DETECT_EXPIRED] = "Control Detection Time Expired",
        [BFD_DIAG_ECHO_FAILED] = "Echo Function Failed",
        [BFD_DIAG_NEIGHBOR_DOWN] = "Neighbor Signaled Session Down",
        [BFD_DIAG_FWD_PLANE_RESET] = "Forwarding Plane Reset",
        [BFD_DIAG_PATH_DOWN] = "Path Down",
        [BFD_DIAG_CONCAT_PATH_DOWN] = "Concatenated Path Down",
        [BFD_DIAG_ADMIN_DOWN] = "Administratively Down",
        [BFD_DIAG_REV_CONCAT_PATH_DOWN] = "Reverse Concatenated Path Down",
    };
    return (unsigned) diag < ARRAY_SIZE(names) ? names[diag]
                                               : "Unknown Diagnostic";
}

const char *
bfd_drop_to_string(enum bfd_drop drop)
{
    static const char *const names[] = {
        [BFD_DROP_NONE] = "accepted",
        [BFD_DROP_SHORT] = "short",
        [BFD_DROP_VERSION] = "version",
        [BFD_DROP_LENGTH] = "length",
        [BFD_DROP_DETECT_MULT] = "detect_mult",
        [BFD_DROP_MULTIPOINT] = "multipoint",
        [BFD_DROP_MY_DISC] = "my_disc",
        [BFD_DROP_YOUR_DISC] = "your_disc",
        [BFD_DROP_AUTH] = "auth",
        [BFD_DROP_ADMIN_DOWN] = "admin_down",
    };
    return (unsigned) drop < ARRAY_SIZE(names) ? names[drop] : "invalid";
}

void
bfd_settings_init(struct bfd_settings *s)
{
    memset(s, 0, sizeof *s);
    s->min_tx = 100;
    s->min_rx = 1000;
    s->detect_mult = 3;
}

/* The largest interval in ms whose microseconds fit the 32-bit field. */
#define BFD_MAX_INTERVAL_MS (UINT32_MAX / 1000)

static char *
parse_ms(const char *key, const char *value, uint32_t min, uint32_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(value, &end, 10);
    if (!*value || *end || value[0] == '-' || errno) {
        return xasprintf("bfd_params:%s: \"%s\" is not a number of "
                         "milliseconds",
                         key, value);
    }
    if (v < min || v > BFD_MAX_INTERVAL_MS) {
        return xasprintf("bfd_params:%s: %llu is out of range %u to %u ms",
                         key, v, min, BFD_MAX_INTERVAL_MS);
    }
    *out = (uint32_t) v;
    return NULL;
}

static char *
parse_bool(const char *key, const char *value, bool *out)
{
    if (!strcmp(value, "true")) {
        *out = true;
    } else if (!strcmp(value, "false")) {
        *out = false;
    } else {
        return xasprintf("bfd_params:%s: \"%s\" is not true or false", key,
                         value);
    }
    return NULL;
}

static char *
parse_one(struct bfd_settings *s, const char *key, const char *value)
{
    if (!strcmp(key, "enable")) {
        return parse_bool(key, value, &s->enable);
    } else if (!strcmp(key, "min_tx")) {
        return parse_ms(key, value, 1, &s->min_tx);
    } else if (!strcmp(key, "min_rx")) {
        return parse_ms(key, value, 1, &s->min_rx);
    } else if (!strcmp(key, "decay_min_rx")) {
        return parse_ms(key, value, 0, &s->decay_min_rx);
    } else if (!strcmp(key, "forwarding_if_rx")) {
        return parse_bool(key, value, &s->forwarding_if_rx);
    } else if (!strcmp(key, "cpath_down")) {
        return parse_bool(key, value, &s->cpath_down);
    } else if (!strcmp(key, "check_tnl_key")) {
        return parse_bool(key, value, &s->check_tnl_key);
    }
    return xasprintf("bfd_params: unknown key \"%s\" ignored", key);
}

char *
bfd_settings_parse(struct bfd_settings *s, const char *const *keys,
                   const char *const *values, size_t n)
{
    char *first = NULL;

    bfd_settings_init(s);
    for (size_t i = 0; i < n; i++) {
        char *error = parse_one(s, keys[i], values[i]);

        if (error && !first) {
            first = error;
        } else {
            free(error);
        }
    }
    if (s->decay_min_rx && s->decay_min_rx < s->min_rx) {
        /* As in OVS: decay never asks for packets faster than min_rx. */
        s->decay_min_rx = s->min_rx;
    }
    return first;
}
