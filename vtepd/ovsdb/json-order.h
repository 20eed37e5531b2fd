/* SPDX-License-Identifier: Apache-2.0 */
/* Compatibility with ovsdb-server's JSON object member order.
 *
 * ovsdb-server reads the columns of a row object in the order of its string
 * hash table, not in the order they were written, and that order decides
 * which error a transaction with several bad columns reports.  The engine
 * visits row members in the same order so that it gives the same answer. */
#ifndef VTEPD_OVSDB_JSON_ORDER_H
#define VTEPD_OVSDB_JSON_ORDER_H 1

#include <jansson.h>
#include <stddef.h>

/* Stores the member names of object 'json' (borrowed, as are the names) in
 * 'keys', which has room for json_object_size(json) entries, in the order
 * ovsdb-server visits them.  Returns their number. */
size_t ovsdb_json_member_order(const json_t *json, const char **keys);

/* Takes object 'json', whose members were added in the order ovsdb-server's
 * code adds them, and returns a new object with the same members in the
 * order ovsdb-server writes them out.  For replies whose bytes should
 * match ovsdb-server's, e.g. error objects. */
json_t *ovsdb_json_ovs_ordered(json_t *json);

#endif /* vtepd/ovsdb/json-order.h */
