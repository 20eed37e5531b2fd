/* SPDX-License-Identifier: Apache-2.0 */
/* The order in which ovsdb-server visits the members of a JSON object: its
 * string hash table's order (Open vSwitch's murmur-based hash_string(),
 * which lib/hash.h's hash_string() with basis 0 is, step for step, and its
 * hmap bucket layout), reproduced here. */
#include "vtepd/ovsdb/json-order.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"

static size_t
ovs_calc_mask(size_t capacity)
{
    size_t mask = capacity / 2;

    for (unsigned int shift = 1; shift < 64; shift *= 2) {
        mask |= mask >> shift;
    }
    return mask | (mask & 1) << 1;
}

struct ovs_node {
    const char *key;
    uint32_t hash;
    struct ovs_node *next;
};

/* Moves every node of 'buckets' (mask 'mask') into a new bucket array with
 * 'new_mask', as Open vSwitch's hmap resize does. */
static struct ovs_node **
ovs_resize(struct ovs_node **buckets, size_t mask, size_t new_mask)
{
    struct ovs_node **new = xcalloc(new_mask + 1, sizeof *new);

    for (size_t i = 0; i <= mask; i++) {
        struct ovs_node *node, *next;

        for (node = buckets[i]; node; node = next) {
            next = node->next;
            node->next = new[node->hash & new_mask];
            new[node->hash & new_mask] = node;
        }
    }
    free(buckets);
    return new;
}

size_t
ovsdb_json_member_order(const json_t *json, const char **keys)
{
    size_t n = json_object_size(json), mask = 0, k = 0;
    struct ovs_node *nodes = xcalloc(n + 1, sizeof *nodes);
    struct ovs_node **buckets = xcalloc(1, sizeof *buckets);
    const char *key;
    json_t *value;

    json_object_foreach((json_t *) json, key, value) {
        struct ovs_node *node = &nodes[k++];

        node->key = key;
        node->hash = hash_string(key, 0);
        node->next = buckets[node->hash & mask];
        buckets[node->hash & mask] = node;
        if (k / 2 > mask && ovs_calc_mask(k) > mask) {
            size_t new_mask = ovs_calc_mask(k);

            buckets = ovs_resize(buckets, mask, new_mask);
            mask = new_mask;
        }
    }
    k = 0;
    for (size_t i = 0; i <= mask; i++) {
        for (const struct ovs_node *node = buckets[i]; node;
             node = node->next) {
            keys[k++] = node->key;
        }
    }
    free(buckets);
    free(nodes);
    return k;
}

json_t *
ovsdb_json_ovs_ordered(json_t *json)
{
    size_t n = json_object_size(json);
    const char **keys = xmalloc((n + 1) * sizeof *keys);
    json_t *ordered = json_object();

    n = ovsdb_json_member_order(json, keys);
    for (size_t i = 0; i < n; i++) {
        json_object_set(ordered, keys[i], json_object_get(json, keys[i]));
    }
    free(keys);
    json_decref(json);
    return ordered;
}
