/* SPDX-License-Identifier: Apache-2.0 */
/* Logging: one line per event, "TIMESTAMP|SEQ|MODULE|LEVEL|message", to the
 * console (stderr), a log file and/or syslog, each with its own level.
 *
 * Each .c file that logs says VLOG_DEFINE_THIS_MODULE(name) once and then
 * uses VLOG_ERR(), VLOG_WARN(), VLOG_INFO() and VLOG_DBG().  Messages caused
 * by peers use the _RL variants with a 'struct vlog_rate_limit', so that a
 * misbehaving client cannot flood the log. */
#ifndef LIB_VLOG_H
#define LIB_VLOG_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"

enum vlog_level {
    VLL_OFF,
    VLL_EMER,
    VLL_ERR,
    VLL_WARN,
    VLL_INFO,
    VLL_DBG,
    VLL_N_LEVELS
};

enum vlog_destination {
    VLD_CONSOLE,
    VLD_SYSLOG,
    VLD_FILE,
    VLD_N_DESTINATIONS
};

struct vlog_module {
    const char *name;
    int level;                /* Override for every destination, or -1. */
    struct vlog_module *next; /* In the registry of all modules. */
};

void vlog_register_module(struct vlog_module *);

#define VLOG_DEFINE_THIS_MODULE(NAME)                                         \
    static struct vlog_module this_vlog_module = { #NAME, -1, NULL };         \
    static void vlog_register_this_module(void) __attribute__((constructor)); \
    static void vlog_register_this_module(void)                               \
    {                                                                         \
        vlog_register_module(&this_vlog_module);                              \
    }

/* Configuration.  By default the console logs INFO and above and the other
 * destinations are closed. */
void vlog_set_level(enum vlog_destination, enum vlog_level);
enum vlog_level vlog_get_level(enum vlog_destination);
/* Sets the level of module 'name' for all destinations (VLL_N_LEVELS clears
 * the override).  Returns 0, or -ENOENT if no such module exists. */
int vlog_set_module_level(const char *name, enum vlog_level);
/* Opens (or, with NULL, reopens after rotation) the log file; logs at INFO
 * unless already set.  Returns 0 or a negative errno. */
int vlog_open_log_file(const char *path);
int vlog_reopen_log_file(void);
const char *vlog_get_log_file(void);
void vlog_open_syslog(const char *ident);
void vlog_close(void);

const char *vlog_level_to_string(enum vlog_level);
/* Returns the level named 's' (case-insensitive), or VLL_N_LEVELS. */
enum vlog_level vlog_level_from_string(const char *s);

bool vlog_is_enabled(const struct vlog_module *, enum vlog_level);
void vlog(const struct vlog_module *, enum vlog_level, const char *format, ...)
    PRINTF_FORMAT(3, 4);
void vlog_valist(const struct vlog_module *, enum vlog_level,
                 const char *format, va_list) PRINTF_FORMAT(3, 0);

#define VLOG_(LEVEL, ...)                                \
    do {                                                 \
        if (vlog_is_enabled(&this_vlog_module, LEVEL)) { \
            vlog(&this_vlog_module, LEVEL, __VA_ARGS__); \
        }                                                \
    } while (0)
#define VLOG_EMER(...) VLOG_(VLL_EMER, __VA_ARGS__)
#define VLOG_ERR(...) VLOG_(VLL_ERR, __VA_ARGS__)
#define VLOG_WARN(...) VLOG_(VLL_WARN, __VA_ARGS__)
#define VLOG_INFO(...) VLOG_(VLL_INFO, __VA_ARGS__)
#define VLOG_DBG(...) VLOG_(VLL_DBG, __VA_ARGS__)

/* A token bucket: at most 'burst' messages at once, refilled at 'per_minute'
 * messages a minute.  Suppressed messages are counted and reported with the
 * next one that gets through. */
struct vlog_rate_limit {
    unsigned int per_minute;
    unsigned int burst;
    unsigned int tokens;
    int64_t last_fill_ms;
    unsigned int suppressed;
};

#define VLOG_RATE_LIMIT_INIT(PER_MINUTE, BURST) \
    {                                           \
        PER_MINUTE, BURST, BURST, 0, 0          \
    }

bool vlog_should_drop(const struct vlog_module *, enum vlog_level,
                      struct vlog_rate_limit *);
void vlog_rl(const struct vlog_module *, enum vlog_level,
             struct vlog_rate_limit *, const char *format, ...)
    PRINTF_FORMAT(4, 5);

#define VLOG_RL_(RL, LEVEL, ...)                                \
    do {                                                        \
        if (vlog_is_enabled(&this_vlog_module, LEVEL)) {        \
            vlog_rl(&this_vlog_module, LEVEL, RL, __VA_ARGS__); \
        }                                                       \
    } while (0)
#define VLOG_ERR_RL(RL, ...) VLOG_RL_(RL, VLL_ERR, __VA_ARGS__)
#define VLOG_WARN_RL(RL, ...) VLOG_RL_(RL, VLL_WARN, __VA_ARGS__)
#define VLOG_INFO_RL(RL, ...) VLOG_RL_(RL, VLL_INFO, __VA_ARGS__)
#define VLOG_DBG_RL(RL, ...) VLOG_RL_(RL, VLL_DBG, __VA_ARGS__)

/* Calls 'cb' for each registered module, in name order. */
void vlog_for_each_module(void (*cb)(const struct vlog_module *, void *aux),
                          void *aux);

/* Monotonic milliseconds, for rate limits and timers. */
int64_t time_msec(void);

/* The same clock in microseconds, for budgets and waits shorter than a
 * millisecond. */
int64_t time_usec(void);

#endif /* lib/log.h */
