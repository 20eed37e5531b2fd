/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB databases and commit hooks. */
#include "vtepd/ovsdb/db.h"

#include <stdlib.h>
#include <string.h>

struct ovsdb_commit_hook {
    struct list list_node; /* In ovsdb_db's 'hooks'. */
    ovsdb_commit_cb *cb;
    void *aux;
};

struct ovsdb_db *
ovsdb_db_create(struct ovsdb_schema *schema)
{
    struct ovsdb_db *db = xzalloc(sizeof *db);

    db->schema = schema;
    db->tables = xcalloc(schema->n_tables + 1, sizeof *db->tables);
    for (unsigned int i = 0; i < schema->n_tables; i++) {
        db->tables[i] = ovsdb_table_create(schema->tables[i]);
    }
    list_init(&db->hooks);
    return db;
}

void
ovsdb_db_destroy(struct ovsdb_db *db)
{
    struct ovsdb_commit_hook *hook, *next;

    if (!db) {
        return;
    }
    LIST_FOR_EACH_SAFE(hook, next, list_node, &db->hooks) {
        list_remove(&hook->list_node);
        free(hook);
    }
    for (unsigned int i = 0; i < db->schema->n_tables; i++) {
        ovsdb_table_destroy(db->tables[i]);
    }
    free(db->tables);
    ovsdb_schema_destroy(db->schema);
    free(db);
}

struct ovsdb_table *
ovsdb_db_find_table(const struct ovsdb_db *db, const char *name)
{
    const struct ovsdb_table_schema *ts;

    ts = ovsdb_schema_find_table(db->schema, name);
    return ts ? db->tables[ts->index] : NULL;
}

struct ovsdb_commit_hook *
ovsdb_db_add_commit_hook(struct ovsdb_db *db, ovsdb_commit_cb *cb, void *aux)
{
    struct ovsdb_commit_hook *hook = xmalloc(sizeof *hook);

    hook->cb = cb;
    hook->aux = aux;
    list_push_back(&db->hooks, &hook->list_node);
    return hook;
}

void
ovsdb_db_remove_commit_hook(struct ovsdb_db *db,
                            struct ovsdb_commit_hook *hook)
{
    if (hook) {
        list_remove(&hook->list_node);
        free(hook);
    }
}

void
ovsdb_db_set_commit_prepare(struct ovsdb_db *db, ovsdb_commit_prepare_cb *cb,
                            void *aux)
{
    db->prepare = cb;
    db->prepare_aux = aux;
}

struct ovsdb_error *
ovsdb_db_prepare_commit(struct ovsdb_db *db,
                        const struct ovsdb_changeset *changes)
{
    return db->prepare ? db->prepare(changes, db->prepare_aux) : NULL;
}

void
ovsdb_db_run_commit_hooks(struct ovsdb_db *db,
                          const struct ovsdb_changeset *changes)
{
    struct ovsdb_commit_hook *hook;

    LIST_FOR_EACH(hook, list_node, &db->hooks) {
        hook->cb(changes, hook->aux);
    }
}
