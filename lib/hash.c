/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/hash.h"

#include <string.h>

uint32_t
hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const uint8_t *p = p_;
    uint32_t hash = basis;
    size_t orig_n = n;

    while (n >= 4) {
        uint32_t word;

        memcpy(&word, p, 4);
        hash = hash_add(hash, word);
        p += 4;
        n -= 4;
    }
    if (n) {
        uint32_t word = 0;

        memcpy(&word, p, n);
        hash = hash_add(hash, word);
    }
    return hash_finish(hash, (uint32_t) orig_n);
}

uint32_t
hash_string(const char *s, uint32_t basis)
{
    return hash_bytes(s, strlen(s), basis);
}
