/* SPDX-License-Identifier: Apache-2.0 */
/* vtepd's command line (the contract in docs/ARCHITECTURE.md). */
#ifndef VTEPD_OPTIONS_H
#define VTEPD_OPTIONS_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/ds.h"

#define VTEPD_VERSION "0.1.0"

enum vtepd_hal {
    VTEPD_HAL_ASIC,
    VTEPD_HAL_NETDEV,
    VTEPD_HAL_NONE,
    VTEPD_HAL_PROVIDER, /* A provider module: see 'hal_provider'. */
};

/* Where --hal=NAME looks for NAME.so when NAME is not built in and no
 * --hal-dir is given ($(libdir)/vtepd/hal). */
#ifndef VTEPD_HAL_DIR
#define VTEPD_HAL_DIR "/usr/local/lib/vtepd/hal"
#endif

/* --dataplane-thread: where the software dataplane runs
 * (docs/dataplane.md, "Threads"). */
enum vtepd_dp_thread {
    VTEPD_DP_THREAD_OFF,   /* In the control thread's loop. */
    VTEPD_DP_THREAD_IDLE,  /* A thread of its own, SCHED_IDLE. */
    VTEPD_DP_THREAD_BATCH, /* A thread of its own, SCHED_BATCH, nice 10. */
    VTEPD_DP_THREAD_NORMAL /* A thread of its own, SCHED_OTHER, nice 0. */
};

/* The default of --dataplane-thread: a thread that yields to the control
 * plane (docs/dataplane.md, "Threads"; issue 22). */
#define VTEPD_DEFAULT_DP_THREAD VTEPD_DP_THREAD_IDLE

/* Returns the --dataplane-thread name of 'mode' ("off", "idle", ...). */
const char *vtepd_dp_thread_name(enum vtepd_dp_thread mode);

struct vtepd_options {
    char *database; /* DATABASE, default "run/vtep.db". */
    char **remotes; /* --remote, in order given. */
    size_t n_remotes;
    bool default_remotes; /* True if no --remote was given. */
    char **db_remotes;    /* --db: client mode if nonempty (in order). */
    size_t n_db_remotes;
    char *private_key;
    char *certificate;
    char *ca_cert;
    enum vtepd_hal hal;
    bool hal_given; /* True if --hal was on the command line. */

    /* VTEPD_HAL_PROVIDER: the module's file (with a '/') or NAME. */
    char *hal_provider;
    /* --hal-dir, or NULL for VTEPD_HAL_DIR. */
    char *hal_dir;

    char *schema;      /* --schema, or NULL for the built-in one. */
    char *platform;    /* --platform, or NULL for the default. */
    char *switch_name; /* --switch-name, or NULL for the host name. */
    char *tunnel_ip;
    char *management_ip;
    char **ports; /* --port, in order given. */
    size_t n_ports;
    char *unixctl;      /* Control socket path (defaulted). */
    bool unixctl_given; /* True if --unixctl was on the command line. */
    char *pidfile;      /* NULL unless --pidfile. */
    bool detach;
    char *log_file;              /* NULL unless --log-file. */
    char *syslog_ident;          /* NULL unless --syslog. */
    int verbosity;               /* Number of -v. */
    unsigned int busy_poll_usec; /* --busy-poll, or the default. */
    size_t max_sessions;         /* --max-sessions, or 0 for the default (see
                          * vtepd_default_max_sessions()). */
    char *metrics;               /* --metrics target, or NULL. */
    /* --dataplane-thread, or VTEPD_DEFAULT_DP_THREAD. */
    enum vtepd_dp_thread dp_thread;
    /* --dataplane-rx-usecs as struct sim_config's rx_usecs: 0 for the
     * dataplane's default, SIM_RX_USECS_OFF (-1) for off. */
    int dp_rx_usecs;
};

/* The default of --busy-poll, in microseconds. */
#define VTEPD_DEFAULT_BUSY_POLL_USEC 0

/* The largest --max-sessions accepted. */
#define VTEPD_MAX_SESSIONS_LIMIT 1000000

/* Descriptors kept back from OVSDB sessions for the daemon itself (the
 * database file and its compaction, the chip, the log, listeners, the
 * control socket, netlink, dataplane ports): at most this many, and at
 * most half the limit. */
#define VTEPD_FD_RESERVE 64

/* The default --max-sessions for a descriptor limit (soft RLIMIT_NOFILE)
 * of 'fd_limit': the limit less the reserve, so that sessions alone can
 * never take the descriptors the daemon needs to keep working; at least
 * 1, at most VTEPD_MAX_SESSIONS_LIMIT. */
size_t vtepd_default_max_sessions(unsigned long long fd_limit);

enum vtepd_options_result {
    VTEPD_OPTIONS_RUN,        /* Start the daemon. */
    VTEPD_OPTIONS_EXIT_OK,    /* --help or --version: print 'out', exit 0. */
    VTEPD_OPTIONS_EXIT_ERROR, /* Print 'err', exit 1. */
};

/* Parses argc/argv into 'opts' (which it initialises), filling in every
 * default.  Output for --help/--version is appended to 'out', error messages
 * (one line, no program name) to 'err'. */
enum vtepd_options_result vtepd_options_parse(struct vtepd_options *opts,
                                              int argc, char *argv[],
                                              struct ds *out, struct ds *err);
void vtepd_options_destroy(struct vtepd_options *);

const char *vtepd_hal_name(enum vtepd_hal);

/* Returns NULL if everything 'opts' asks for exists in this build, otherwise
 * a description of the first thing that does not (e.g. "--remote=ssl:..."),
 * which the caller reports as "not implemented yet". */
const char *vtepd_options_unimplemented(const struct vtepd_options *opts);

/* Features that exist in this build, set by the modules that provide them
 * (before option parsing).  Each is false until its module lands. */
struct vtepd_features {
    bool ovsdb_server; /* punix:, ptcp:, unix:, tcp: remotes; database. */
    bool tls;          /* pssl:, ssl: and the key/cert options. */
    bool db_remotes;   /* db:DB,TABLE,COLUMN remotes. */
    bool unixctl;      /* The control socket. */
    bool hal_asic;
    bool hal_netdev;
    bool reconciler; /* The switch side: --switch-name, --tunnel-ip... */
    bool ports;      /* --port with the chosen backend. */
};
extern struct vtepd_features vtepd_features;

#endif /* vtepd/options.h */
