/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "lib/ds.h"

static const char *const level_names[VLL_N_LEVELS] = {
    "OFF", "EMER", "ERR", "WARN", "INFO", "DBG",
};

static const int syslog_priorities[VLL_N_LEVELS] = {
    LOG_DEBUG, LOG_ALERT, LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG,
};

static enum vlog_level levels[VLD_N_DESTINATIONS] = {
    [VLD_CONSOLE] = VLL_INFO,
    [VLD_SYSLOG] = VLL_OFF,
    [VLD_FILE] = VLL_OFF,
};
static bool file_level_set;

static struct vlog_module *modules;
static char *log_file_name;
static int log_fd = -1;
static bool syslog_open;
static unsigned int seqno;

void
vlog_register_module(struct vlog_module *module)
{
    struct vlog_module **p = &modules;

    while (*p && strcmp((*p)->name, module->name) < 0) {
        p = &(*p)->next;
    }
    module->next = *p;
    *p = module;
}

void
vlog_for_each_module(void (*cb)(const struct vlog_module *, void *aux),
                     void *aux)
{
    const struct vlog_module *m;

    for (m = modules; m; m = m->next) {
        cb(m, aux);
    }
}

const char *
vlog_level_to_string(enum vlog_level level)
{
    return level < VLL_N_LEVELS ? level_names[level] : "?";
}

enum vlog_level
vlog_level_from_string(const char *s)
{
    int i;

    for (i = 0; i < VLL_N_LEVELS; i++) {
        if (!strcasecmp(s, level_names[i])) {
            return (enum vlog_level) i;
        }
    }
    if (!strcasecmp(s, "debug")) {
        return VLL_DBG;
    }
    if (!strcasecmp(s, "warning")) {
        return VLL_WARN;
    }
    return VLL_N_LEVELS;
}

void
vlog_set_level(enum vlog_destination dest, enum vlog_level level)
{
    if (dest < VLD_N_DESTINATIONS && level < VLL_N_LEVELS) {
        levels[dest] = level;
        if (dest == VLD_FILE) {
            file_level_set = true;
        }
    }
}

enum vlog_level
vlog_get_level(enum vlog_destination dest)
{
    return dest < VLD_N_DESTINATIONS ? levels[dest] : VLL_OFF;
}

int
vlog_set_module_level(const char *name, enum vlog_level level)
{
    struct vlog_module *m;

    for (m = modules; m; m = m->next) {
        if (!strcmp(m->name, name)) {
            m->level = level < VLL_N_LEVELS ? (int) level : -1;
            return 0;
        }
    }
    return -ENOENT;
}

int
vlog_open_log_file(const char *path)
{
    int fd;

    if (!path) {
        path = log_file_name;
        if (!path) {
            return -EINVAL;
        }
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -errno;
    }
    if (log_fd >= 0) {
        close(log_fd);
    }
    log_fd = fd;
    if (path != log_file_name) {
        free(log_file_name);
        log_file_name = xstrdup(path);
    }
    if (!file_level_set) {
        levels[VLD_FILE] = VLL_INFO;
    }
    return 0;
}

int
vlog_reopen_log_file(void)
{
    return log_file_name ? vlog_open_log_file(NULL) : 0;
}

const char *
vlog_get_log_file(void)
{
    return log_file_name;
}

void
vlog_open_syslog(const char *ident)
{
    openlog(ident ? ident : program_name, LOG_NDELAY | LOG_PID, LOG_DAEMON);
    syslog_open = true;
    if (levels[VLD_SYSLOG] == VLL_OFF) {
        levels[VLD_SYSLOG] = VLL_INFO;
    }
}

void
vlog_close(void)
{
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
    free(log_file_name);
    log_file_name = NULL;
    if (syslog_open) {
        closelog();
        syslog_open = false;
    }
}

static enum vlog_level
module_level(const struct vlog_module *module, enum vlog_destination dest)
{
    return module->level >= 0 ? (enum vlog_level) module->level : levels[dest];
}

static bool
destination_enabled(const struct vlog_module *module,
                    enum vlog_destination dest, enum vlog_level level)
{
    if (dest == VLD_FILE && log_fd < 0) {
        return false;
    }
    if (dest == VLD_SYSLOG && !syslog_open) {
        return false;
    }
    return level != VLL_OFF && level <= module_level(module, dest);
}

bool
vlog_is_enabled(const struct vlog_module *module, enum vlog_level level)
{
    int d;

    for (d = 0; d < VLD_N_DESTINATIONS; d++) {
        if (destination_enabled(module, (enum vlog_destination) d, level)) {
            return true;
        }
    }
    return false;
}

static void
format_timestamp(struct ds *s)
{
    struct timeval tv;
    struct tm tm;
    char buf[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    ds_put_format(s, "%s.%03ldZ", buf, (long) (tv.tv_usec / 1000));
}

static void
write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        p += w;
        n -= (size_t) w;
    }
}

void
vlog_valist(const struct vlog_module *module, enum vlog_level level,
            const char *format, va_list args)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    size_t body;

    format_timestamp(&line);
    ds_put_format(&line, "|%05u|%s|%s|", ++seqno, module->name,
                  vlog_level_to_string(level));
    body = line.length;
    ds_put_format_valist(&line, format, args);
    ds_put_char(&line, '\n');

    if (destination_enabled(module, VLD_CONSOLE, level)) {
        write_all(STDERR_FILENO, line.string, line.length);
    }
    if (destination_enabled(module, VLD_FILE, level)) {
        write_all(log_fd, line.string, line.length);
    }
    if (destination_enabled(module, VLD_SYSLOG, level)) {
        syslog(syslog_priorities[level], "%s|%s|%.*s", module->name,
               vlog_level_to_string(level), (int) (line.length - body - 1),
               line.string + body);
    }
    ds_destroy(&line);
}

void
vlog(const struct vlog_module *module, enum vlog_level level,
     const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vlog_valist(module, level, format, args);
    va_end(args);
}

int64_t
time_msec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool
vlog_should_drop(const struct vlog_module *module, enum vlog_level level,
                 struct vlog_rate_limit *rl)
{
    int64_t now = time_msec();

    if (!vlog_is_enabled(module, level)) {
        return true;
    }
    if (rl->tokens < rl->burst && rl->per_minute) {
        int64_t per_token_ms = 60000 / rl->per_minute;
        int64_t elapsed = now - rl->last_fill_ms;

        if (per_token_ms < 1) {
            per_token_ms = 1;
        }
        if (elapsed >= per_token_ms) {
            int64_t add = elapsed / per_token_ms;

            rl->tokens =
                (unsigned int) MIN((int64_t) rl->burst, rl->tokens + add);
            rl->last_fill_ms = now;
        }
    } else if (rl->tokens >= rl->burst) {
        rl->last_fill_ms = now;
    }
    if (!rl->tokens) {
        rl->suppressed++;
        return true;
    }
    rl->tokens--;
    return false;
}

void
vlog_rl(const struct vlog_module *module, enum vlog_level level,
        struct vlog_rate_limit *rl, const char *format, ...)
{
    va_list args;

    if (vlog_should_drop(module, level, rl)) {
        return;
    }
    if (rl->suppressed) {
        vlog(module, level,
             "Dropped %u log messages in the last interval "
             "due to excessive rate",
             rl->suppressed);
        rl->suppressed = 0;
    }
    va_start(args, format);
    vlog_valist(module, level, format, args);
    va_end(args);
}
