/* Daemon plumbing: pid files and detaching from the terminal. */
#ifndef VTEPD_DAEMON_H
#define VTEPD_DAEMON_H 1

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

#endif /* vtepd/daemon.h */
