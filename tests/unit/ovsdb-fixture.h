/* SPDX-License-Identifier: Apache-2.0 */
/* A one-table schema for the engine's unit tests, and rows made from JSON
 * text.  cmocka asserts stop the test on anything malformed. */
#ifndef TESTS_UNIT_OVSDB_FIXTURE_H
#define TESTS_UNIT_OVSDB_FIXTURE_H 1

struct ovsdb_row;
struct ovsdb_schema;
struct ovsdb_table_schema;

struct ovsdb_fixture {
    struct ovsdb_schema *schema;
    const struct ovsdb_table_schema *ts; /* Its table "T". */
};

/* Parses 'schema_text', which must have a table "T".  Returns a new
 * fixture that ovsdb_fixture_destroy() frees. */
struct ovsdb_fixture *ovsdb_fixture_create(const char *schema_text);
void ovsdb_fixture_destroy(struct ovsdb_fixture *);

/* Returns a new row of 'ts' with the columns of the JSON object 'text'
 * ("_uuid" sets the row's UUID). */
struct ovsdb_row *ovsdb_fixture_row(const struct ovsdb_table_schema *ts,
                                    const char *text);

#endif /* tests/unit/ovsdb-fixture.h */
