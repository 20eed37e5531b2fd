/* SPDX-License-Identifier: Apache-2.0 */
/* vtepd's forwarding side: the HAL backend chosen with --hal, the VTEP
 * reconciler between it and the database, the software dataplane that
 * moves the asic backend's frames on --port interfaces, and the control
 * commands that show the forwarding state (hal/dump-fdb and friends). */
#ifndef VTEPD_FORWARDING_H
#define VTEPD_FORWARDING_H 1

#include <ev.h>
#include <stdbool.h>

struct hal;
struct ovsdb_db;
struct vtep;
struct vtepd_forwarding;
struct vtepd_options;

/* Makes the backends compiled into vtepd available (call once, before
 * option parsing, so the options know which features exist). */
void vtepd_forwarding_init(void);

/* Opens the backend 'opts->hal' (which must not be "none"), starts the
 * reconciler on 'db' (borrowed; it must outlive the result) and, for the
 * asic backend with --port, the software dataplane.  Returns NULL after
 * logging why on failure. */
struct vtepd_forwarding *vtepd_forwarding_start(struct ev_loop *,
                                                const struct vtepd_options *,
                                                struct ovsdb_db *db);
/* The same in two steps, for client mode: vtepd_forwarding_open() opens
 * the backend and starts the dataplane, so that the switch forwards with
 * what the backend already holds (the asic's tables kept for a warm
 * restart, the kernel's bridges) while the database is still out of
 * reach; vtepd_forwarding_attach() then starts the reconciler on 'db'
 * (borrowed), which replays it into the backend as a warm restart does,
 * removing only what the database no longer holds.  Open returns NULL
 * after logging why on failure; attach returns false after logging why
 * (the caller then stops 'fw'). */
struct vtepd_forwarding *vtepd_forwarding_open(struct ev_loop *,
                                               const struct vtepd_options *);
bool vtepd_forwarding_attach(struct vtepd_forwarding *fw,
                             const struct vtepd_options *,
                             struct ovsdb_db *db);
/* Stops everything; the backend's tables persist for a warm restart.
 * NULL is a no-op. */
void vtepd_forwarding_stop(struct vtepd_forwarding *);

/* The backend and the reconciler (borrowed: they live until
 * vtepd_forwarding_stop()), for the metrics. */
struct hal *vtepd_forwarding_get_hal(const struct vtepd_forwarding *);
struct vtep *vtepd_forwarding_get_vtep(const struct vtepd_forwarding *);

#endif /* vtepd/forwarding.h */
