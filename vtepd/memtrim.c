/* SPDX-License-Identifier: Apache-2.0 */
/* Heap trimming after bursts of database changes. */
#include "vtepd/memtrim.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/transaction.h"

VLOG_DEFINE_THIS_MODULE(memtrim);

/* Rows a burst must change to be worth a trim. */
#define TRIM_MIN_ROWS 1000
/* Seconds without a commit after which a burst is over. */
#define TRIM_QUIET 1.0

struct vtepd_memtrim {
    struct ev_loop *loop;
    struct ovsdb_db *db;
    struct ovsdb_commit_hook *hook;
    ev_timer quiet_w;
    size_t n_changes; /* Rows changed since the last trim. */
    unsigned long long n_trims;
};

static void
on_commit(const struct ovsdb_changeset *cs, void *t_)
{
    struct vtepd_memtrim *t = t_;

    t->n_changes += cs->n_changes;
    if (t->n_changes >= TRIM_MIN_ROWS) {
        /* (Re)starts the timer: it fires TRIM_QUIET after the last
         * commit. */
        ev_timer_again(t->loop, &t->quiet_w);
    }
}

static void
quiet_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct vtepd_memtrim *t = container_of(w, struct vtepd_memtrim, quiet_w);

    ev_timer_stop(loop, w);
#if defined(__GLIBC__)
    ev_tstamp start = ev_time();
    int released = malloc_trim(0);

    VLOG_DBG("trimmed the heap after %zu changed rows in %.3f ms%s",
             t->n_changes, (ev_time() - start) * 1000,
             released ? "" : " (nothing to give back)");
#endif
    t->n_changes = 0;
    t->n_trims++;
}

struct vtepd_memtrim *
vtepd_memtrim_create(struct ev_loop *loop, struct ovsdb_db *db)
{
    struct vtepd_memtrim *t = xzalloc(sizeof *t);

    t->loop = loop;
    t->db = db;
    ev_init(&t->quiet_w, quiet_cb);
    t->quiet_w.repeat = TRIM_QUIET;
    t->hook = ovsdb_db_add_commit_hook(db, on_commit, t);
    /* Reading the database file was a burst too. */
    ev_timer_again(loop, &t->quiet_w);
    return t;
}

void
vtepd_memtrim_destroy(struct vtepd_memtrim *t)
{
    if (t) {
        ev_timer_stop(t->loop, &t->quiet_w);
        ovsdb_db_remove_commit_hook(t->db, t->hook);
        free(t);
    }
}

unsigned long long
vtepd_memtrim_count(const struct vtepd_memtrim *t)
{
    return t->n_trims;
}
