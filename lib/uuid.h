/* SPDX-License-Identifier: Apache-2.0 */
/* Universally unique identifiers (RFC 4122 version 4) as OVSDB uses them:
 * row identities, row versions and the wire form "xxxxxxxx-xxxx-...". */
#ifndef LIB_UUID_H
#define LIB_UUID_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uuid {
    uint32_t parts[4];
};

/* Length of the textual form, without the terminating NUL. */
#define UUID_LEN 36

/* Fills 'uuid' with a random version 4 UUID.  The generator is seeded once
 * from the kernel's random source and is not cryptographic. */
void uuid_generate(struct uuid *uuid);

/* Makes uuid_generate() deterministic from now on (for tests). */
void uuid_set_seed(uint64_t seed);

void uuid_zero(struct uuid *uuid);
bool uuid_is_zero(const struct uuid *uuid);
bool uuid_equals(const struct uuid *a, const struct uuid *b);
int uuid_compare(const struct uuid *a, const struct uuid *b);
uint32_t uuid_hash(const struct uuid *uuid);

/* Parses exactly 36 characters of 's' in the canonical form (hex digits of
 * either case).  Returns true on success; 'uuid' is zeroed on failure. */
bool uuid_from_string(struct uuid *uuid, const char *s);

/* Writes the canonical lower-case form and a NUL into 'buf'. */
void uuid_to_string(const struct uuid *uuid, char buf[UUID_LEN + 1]);

#endif /* lib/uuid.h */
