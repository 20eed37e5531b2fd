/* SPDX-License-Identifier: Apache-2.0 */
/* UUIDs: generation, parsing, formatting. */
#include "lib/uuid.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lib/hash.h"
#include "lib/util.h"

/* xorshift128+ state; zero until first use. */
static uint64_t state[2];

void
uuid_set_seed(uint64_t seed)
{
    /* splitmix64 spreads a small seed over both state words. */
    for (int i = 0; i < 2; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        state[i] = z ^ (z >> 31);
    }
    if (!state[0] && !state[1]) {
        state[0] = 1;
    }
}

static uint64_t
next_random(void)
{
    if (!state[0] && !state[1]) {
        uint64_t seed;

        if (getrandom(&seed, sizeof seed, 0) != sizeof seed) {
            seed = (uint64_t) (uintptr_t) &seed ^ 0x5deece66dULL;
        }
        uuid_set_seed(seed);
    }

    uint64_t s1 = state[0];
    const uint64_t s0 = state[1];
    state[0] = s0;
    s1 ^= s1 << 23;
    state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return state[1] + s0;
}

void
uuid_generate(struct uuid *uuid)
{
    uint64_t hi = next_random();
    uint64_t lo = next_random();

    uuid->parts[0] = (uint32_t) (hi >> 32);
    /* Version 4 in the high nibble of the third group. */
    uuid->parts[1] = ((uint32_t) hi & 0xffff0fff) | 0x00004000;
    /* Variant 10x in the top bits of the fourth group. */
    uuid->parts[2] = ((uint32_t) (lo >> 32) & 0x3fffffff) | 0x80000000;
    uuid->parts[3] = (uint32_t) lo;
}

void
uuid_zero(struct uuid *uuid)
{
    memset(uuid, 0, sizeof *uuid);
}

bool
uuid_is_zero(const struct uuid *uuid)
{
    return !(uuid->parts[0] | uuid->parts[1] | uuid->parts[2]
             | uuid->parts[3]);
}

bool
uuid_equals(const struct uuid *a, const struct uuid *b)
{
    return !memcmp(a, b, sizeof *a);
}

int
uuid_compare(const struct uuid *a, const struct uuid *b)
{
    for (int i = 0; i < 4; i++) {
        if (a->parts[i] != b->parts[i]) {
            return a->parts[i] < b->parts[i] ? -1 : 1;
        }
    }
    return 0;
}

uint32_t
uuid_hash(const struct uuid *uuid)
{
    /* Random UUIDs are already well mixed. */
    return uuid->parts[0];
}

/* One more than the value of each hexadecimal digit; 0 for other bytes. */
static const unsigned char hex_plus_one[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
    ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
    ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
    ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Reads 'n' hex digits at 's' into '*value'.  Stops at the first byte that
 * is not one, so a shorter string is never read past its NUL. */
static bool
parse_hex(const char *s, int n, uint32_t *value)
{
    uint32_t v = 0;

    for (int i = 0; i < n; i++) {
        unsigned int h = hex_plus_one[(unsigned char) s[i]];

        if (!h) {
            return false;
        }
        v = (v << 4) | (h - 1);
    }
    *value = v;
    return true;
}

bool
uuid_from_string(struct uuid *uuid, const char *s)
{
    uint32_t a, b, c, d;

    if (parse_hex(s, 8, &uuid->parts[0]) && s[8] == '-'
        && parse_hex(s + 9, 4, &a) && s[13] == '-' && parse_hex(s + 14, 4, &b)
        && s[18] == '-' && parse_hex(s + 19, 4, &c) && s[23] == '-'
        && parse_hex(s + 24, 4, &d) && parse_hex(s + 28, 8, &uuid->parts[3])) {
        uuid->parts[1] = (a << 16) | b;
        uuid->parts[2] = (c << 16) | d;
        return true;
    }
    uuid_zero(uuid);
    return false;
}

/* Returns the eight lowercase hex digits of 'x', most significant first,
 * as the bytes of a 64-bit word in memory order: made all at once, a byte
 * per nibble, rather than digit by digit. */
static inline uint64_t
hex8(uint32_t x)
{
    uint64_t v = x;
    uint64_t ge10;

    /* Spread the nibbles out, the most significant into the top byte. */
    v = (v & 0xffff0000u) << 16 | (v & 0x0000ffffu);
    v = (v & UINT64_C(0x0000ff000000ff00)) << 8
        | (v & UINT64_C(0x000000ff000000ff));
    v = (v & UINT64_C(0x00f000f000f000f0)) << 4
        | (v & UINT64_C(0x000f000f000f000f));
    /* '0' + nibble, or 'a' - 10 + nibble for nibbles of 10 and more. */
    ge10 = ((v + UINT64_C(0x0606060606060606)) >> 4)
           & UINT64_C(0x0101010101010101);
    v += UINT64_C(0x3030303030303030) + ge10 * ('a' - '0' - 10);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* Formats by hand rather than with snprintf(): every UUID in every reply,
 * update and log record passes through here, and printf's format parsing
 * cost more than the rest of the conversion (see docs/benchmarks.md). */
void
uuid_to_string(const struct uuid *uuid, char buf[UUID_LEN + 1])
{
    uint64_t d[4];

    for (int i = 0; i < 4; i++) {
        d[i] = hex8(uuid->parts[i]);
    }
    /* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */
    memcpy(buf, &d[0], 8);
    buf[8] = '-';
    memcpy(buf + 9, &d[1], 4);
    buf[13] = '-';
    memcpy(buf + 14, (char *) &d[1] + 4, 4);
    buf[18] = '-';
    memcpy(buf + 19, &d[2], 4);
    buf[23] = '-';
    memcpy(buf + 24, (char *) &d[2] + 4, 4);
    memcpy(buf + 28, &d[3], 8);
    buf[36] = '\0';
}
