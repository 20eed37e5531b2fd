/* SPDX-License-Identifier: Apache-2.0 */
/* Daemon plumbing: pid files, detaching from the terminal, and busy
 * polling of the event loop. */
#ifndef VTEPD_DAEMON_H
#define VTEPD_DAEMON_H 1

#include <ev.h>

#include "lib/ds.h"

/* Creates the pid file 'path' holding this process's pid and keeps it
 * locked for the life of the process, so that a second daemon using the
 * same file refuses to start.  Returns 0, or a negative errno with the
 * reason appended to 'err'. */
int daemon_pidfile_create(const char *path, struct ds *err);
/* Removes the pid file created above, if any. */
void daemon_pidfile_remove(void);

/* Forks.  The parent stays in the foreground until the child calls
 * daemon_ready() and then exits 0; if the child exits first, the parent
 * exits with the child's status, so start-up errors reach the caller. */
void daemon_detach_start(void);
/* Tells the waiting parent (if any) that start-up succeeded, and points
 * stdin, stdout and stderr at /dev/null. */
void daemon_ready(void);

/* Adaptive busy polling.  After an iteration of 'loop' that handled
 * anything (a request, a reply to flush, a timer), the loop keeps polling
 * without blocking for 'usec' microseconds more before it may sleep, and
 * starts the window again whenever something arrives in it.  A peer that
 * answers within the window then finds vtepd awake, which saves the
 * wake-up of a sleeping CPU (tens of microseconds on a VM) on each round
 * trip.  The price is CPU: up to 'usec' of spinning after each burst of
 * work, and 100% of a CPU while requests keep arriving less than 'usec'
 * apart.  An idle daemon sleeps as before.  0 disables it; so does
 * calling this again with 0. */
void daemon_busy_poll(struct ev_loop *loop, unsigned int usec);

#endif /* vtepd/daemon.h */
