/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB data: atoms, datums (sorted sets and maps of atoms), their JSON
 * forms (RFC 7047 section 5.1) and named-uuid symbol tables.
 *
 * Strings are interned and reference counted: equal strings share one
 * 'struct ovsdb_str', so comparing two string atoms for equality is a
 * pointer comparison and a datum copy costs no string copies.  Every
 * function that copies or destroys atoms takes the atomic type, because
 * only string atoms own anything. */
#ifndef VTEPD_OVSDB_DATUM_H
#define VTEPD_OVSDB_DATUM_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/uuid.h"
#include "vtepd/ovsdb/type.h"

/* An interned string.  Never modify one; 's' is NUL-terminated. */
struct ds;

struct ovsdb_str {
    struct ovsdb_str *next; /* In its bucket of the intern table. */
    uint32_t hash;          /* Of 's'. */
    uint32_t refcnt;
    uint32_t len; /* Bytes, not counting the NUL. */
    char s[];     /* At offset 20: a 17-byte MAC fits a 48-byte chunk. */
};

/* Returns the interned string for 'len' bytes at 's' (new reference). */
struct ovsdb_str *ovsdb_str_intern(const char *s, size_t len);
/* Interning in steps, for a caller that can start fetching the string's
 * slot in the intern table (a cache miss once there are many strings) and
 * do other work before ovsdb_str_intern_hashed(), which returns what
 * ovsdb_str_intern() would; 'hash' must be ovsdb_str_hash(s, len). */
uint32_t ovsdb_str_hash(const char *s, size_t len);
void ovsdb_str_prefetch(uint32_t hash);
struct ovsdb_str *ovsdb_str_intern_hashed(const char *s, size_t len,
                                          uint32_t hash);
struct ovsdb_str *ovsdb_str_ref(struct ovsdb_str *);
void ovsdb_str_unref(struct ovsdb_str *); /* NULL is a no-op. */
/* Number of distinct live strings (for tests and memory reports). */
size_t ovsdb_str_count(void);

union ovsdb_atom {
    int64_t integer;
    double real;
    bool boolean;
    struct ovsdb_str *string;
    struct uuid uuid;
};

/* A set (values == NULL) or map of 'n' atoms, sorted by key, keys unique.
 * 'keys' and 'values' are owned heap arrays (NULL when n == 0). */
struct ovsdb_datum {
    union ovsdb_atom *keys;
    union ovsdb_atom *values;
    unsigned int n;
};

/* Named UUIDs of one transaction ("uuid-name" and ["named-uuid", N]). */
struct ovsdb_symbol {
    struct hmap_node node;
    struct uuid uuid;
    bool created; /* Defined by an "insert" with this uuid-name. */
    char name[];
};

struct ovsdb_symbol_table {
    struct hmap symbols;
};

/* Atoms. */
void ovsdb_atom_init_default(union ovsdb_atom *, enum ovsdb_atomic_type);
void ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                      enum ovsdb_atomic_type);
void ovsdb_atom_destroy(union ovsdb_atom *, enum ovsdb_atomic_type);
int ovsdb_atom_compare(const union ovsdb_atom *, const union ovsdb_atom *,
                       enum ovsdb_atomic_type);
bool ovsdb_atom_equals(const union ovsdb_atom *, const union ovsdb_atom *,
                       enum ovsdb_atomic_type);
uint32_t ovsdb_atom_hash(const union ovsdb_atom *, enum ovsdb_atomic_type,
                         uint32_t basis);

/* Parses an atom of 'base' from JSON (borrowed), checking its constraints.
 * 'symtab' resolves ["named-uuid", N] (NULL forbids it). */
struct ovsdb_error *
ovsdb_atom_from_json(union ovsdb_atom *, const struct ovsdb_base_type *base,
                     const json_t *,
                     struct ovsdb_symbol_table *symtab) WARN_UNUSED_RESULT;
/* Returns a new two-element array [a, b], taking ownership of both: the
 * shape of ["uuid", ...], ["set", ...] and map pairs, built without
 * json_pack(), which cost more than the rest of the encoding. */
json_t *ovsdb_json_pair(json_t *a, json_t *b);
/* Returns the JSON form (new reference). */
json_t *ovsdb_atom_to_json(const union ovsdb_atom *, enum ovsdb_atomic_type);
/* Appends the JSON text of ovsdb_atom_to_json()'s value to 'out', the same
 * bytes json_text_encode() would write for it, without building it. */
void ovsdb_atom_to_text(const union ovsdb_atom *, enum ovsdb_atomic_type,
                        struct ds *out);
/* Checks enum, range and length constraints of 'base'. */
struct ovsdb_error *ovsdb_atom_check_constraints(
    const union ovsdb_atom *,
    const struct ovsdb_base_type *base) WARN_UNUSED_RESULT;

/* Datums. */
void ovsdb_datum_init_empty(struct ovsdb_datum *);
/* The value a column has when an insert does not set it. */
void ovsdb_datum_init_default(struct ovsdb_datum *, const struct ovsdb_type *);
void ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                       const struct ovsdb_type *);
void ovsdb_datum_destroy(struct ovsdb_datum *, const struct ovsdb_type *);
void ovsdb_datum_swap(struct ovsdb_datum *, struct ovsdb_datum *);

/* Parses a datum of 'type' from JSON (borrowed), checking every constraint
 * except the set size, which callers check with
 * ovsdb_datum_check_size() when the whole value is known. */
struct ovsdb_error *
ovsdb_datum_from_json(struct ovsdb_datum *, const struct ovsdb_type *type,
                      const json_t *,
                      struct ovsdb_symbol_table *symtab) WARN_UNUSED_RESULT;
/* Returns the RFC 7047 JSON form (new reference). */
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *,
                            const struct ovsdb_type *);
/* Appends the JSON text of ovsdb_datum_to_json()'s value to 'out', byte
 * for byte what json_text_encode() would write for it. */
void ovsdb_datum_to_text(const struct ovsdb_datum *, const struct ovsdb_type *,
                         struct ds *out);

/* Append the OVSDB "string" syntax of a value, as ovsdb-server writes it
 * in error details and ovs-vsctl prints it: 7, x, "a b", [a, b], {k=v}.
 * Strings are quoted only when they would not read back as themselves. */
void ovsdb_atom_to_string(const union ovsdb_atom *, enum ovsdb_atomic_type,
                          struct ds *out);
void ovsdb_datum_to_string(const struct ovsdb_datum *,
                           const struct ovsdb_type *, struct ds *out);

struct ovsdb_error *
ovsdb_datum_check_size(const struct ovsdb_datum *,
                       const struct ovsdb_type *) WARN_UNUSED_RESULT;
struct ovsdb_error *
ovsdb_datum_check_constraints(const struct ovsdb_datum *,
                              const struct ovsdb_type *) WARN_UNUSED_RESULT;

/* Sorts 'datum' by key; returns an error if two keys are equal. */
struct ovsdb_error *
ovsdb_datum_sort(struct ovsdb_datum *,
                 const struct ovsdb_type *) WARN_UNUSED_RESULT;

bool ovsdb_datum_equals(const struct ovsdb_datum *, const struct ovsdb_datum *,
                        const struct ovsdb_type *);
int ovsdb_datum_compare(const struct ovsdb_datum *, const struct ovsdb_datum *,
                        const struct ovsdb_type *);
uint32_t ovsdb_datum_hash(const struct ovsdb_datum *,
                          const struct ovsdb_type *, uint32_t basis);

/* Returns the index of 'key' in 'datum', or UINT_MAX (binary search). */
unsigned int ovsdb_datum_find_key(const struct ovsdb_datum *,
                                  const union ovsdb_atom *key,
                                  enum ovsdb_atomic_type);
/* True if every element (key, or key/value pair of a map) of 'b' is in 'a'
 * ("includes"); ovsdb_datum_excludes_all() if none is. */
bool ovsdb_datum_includes_all(const struct ovsdb_datum *a,
                              const struct ovsdb_datum *b,
                              const struct ovsdb_type *);
bool ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
                              const struct ovsdb_datum *b,
                              const struct ovsdb_type *);
/* Adds to 'a' the elements of 'b' whose keys 'a' lacks. */
void ovsdb_datum_union(struct ovsdb_datum *a, const struct ovsdb_datum *b,
                       const struct ovsdb_type *);
/* Removes from 'a' the elements matching 'b'.  'b' is a set of keys (for a
 * map, 'b_type' says whether 'b' is keys only or key/value pairs). */
void ovsdb_datum_subtract(struct ovsdb_datum *a, const struct ovsdb_type *,
                          const struct ovsdb_datum *b,
                          const struct ovsdb_type *b_type);
/* Removes element 'idx' of 'datum', keeping it sorted. */
void ovsdb_datum_remove(struct ovsdb_datum *, unsigned int idx,
                        const struct ovsdb_type *);

/* Symbol tables. */
void ovsdb_symbol_table_init(struct ovsdb_symbol_table *);
void ovsdb_symbol_table_destroy(struct ovsdb_symbol_table *);
struct ovsdb_symbol *ovsdb_symbol_table_find(struct ovsdb_symbol_table *,
                                             const char *name);
/* Returns the symbol 'name', creating it with a fresh UUID if needed. */
struct ovsdb_symbol *ovsdb_symbol_table_insert(struct ovsdb_symbol_table *,
                                               const char *name);

#endif /* vtepd/ovsdb/datum.h */
