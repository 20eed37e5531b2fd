/* SPDX-License-Identifier: Apache-2.0 */
#include "vtepd/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "lib/util.h"

static char *pidfile_path;
static int pidfile_fd = -1;
static int ready_fd = -1;

int
daemon_pidfile_create(const char *path, struct ds *err)
{
    char buf[32];
    int fd, n;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        int error = errno;

        ds_put_format(err, "%s: cannot create pid file (%s)", path,
                      strerror(error));
        return -error;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int error = errno;
        ssize_t len = read(fd, buf, sizeof buf - 1);

        buf[len > 0 ? len : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        ds_put_format(err, "%s: already locked by a running daemon (pid %s)",
                      path, *buf ? buf : "unknown");
        close(fd);
        return error == EWOULDBLOCK ? -EBUSY : -error;
    }
    n = snprintf(buf, sizeof buf, "%ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t) n) != n) {
        int error = errno;

        ds_put_format(err, "%s: cannot write pid file (%s)", path,
                      strerror(error));
        close(fd);
        return -error;
    }
    pidfile_fd = fd;
    free(pidfile_path);
    pidfile_path = xstrdup(path);
    return 0;
}

void
daemon_pidfile_remove(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        free(pidfile_path);
        pidfile_path = NULL;
    }
    if (pidfile_fd >= 0) {
        close(pidfile_fd);
        pidfile_fd = -1;
    }
}

void
daemon_detach_start(void)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0) {
        xabort("pipe failed (%s)", strerror(errno));
    }
    pid = fork();
    if (pid < 0) {
        xabort("fork failed (%s)", strerror(errno));
    }
    if (pid > 0) {
        char c;
        int status;

        close(fds[1]);
        if (read(fds[0], &c, 1) == 1) {
            _exit(0);
        }
        /* The child exited (or crashed) before it was ready. */
        if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
            _exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
        }
        _exit(1);
    }
    close(fds[0]);
    ready_fd = fds[1];
    setsid();
}

void
daemon_ready(void)
{
    int null_fd;

    if (ready_fd < 0) {
        return;
    }
    null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
        if (null_fd > STDERR_FILENO) {
            close(null_fd);
        }
    }
    vlog_set_level(VLD_CONSOLE, VLL_OFF);
    if (write(ready_fd, "", 1) != 1) {
        /* The parent died; nothing to tell. */
    }
    close(ready_fd);
    ready_fd = -1;
}

/* Busy polling.
 *
 * Three watchers.  'check' runs first after every poll and notes whether
 * the iteration delivered anything besides 'idle'.  'prepare' runs last
 * before the loop would block: while the last work is less than 'window'
 * old it keeps 'idle' started, and an active idle watcher makes libev poll
 * with a zero timeout instead of sleeping.
 *
 * Spinning only pays while this process has its CPU to itself.  If the
 * kernel preempted it while it spun (its involuntary context switches
 * went up: something else wanted the CPU, perhaps the very client it is
 * waiting for), it stops spinning for a while, twice as long each time it
 * happens again, and starts afresh after a clean spell. */
#define BUSY_CHECK_NS 1000000LL          /* Look for preemption this often. */
#define BUSY_BACKOFF_MIN_NS 10000000LL   /* First pause after preemption. */
#define BUSY_BACKOFF_MAX_NS 1000000000LL /* Longest pause. */

struct busy_poll {
    ev_check check_w;
    ev_prepare prepare_w;
    ev_idle idle_w;
    int64_t window_ns;
    int64_t last_work_ns;
    bool worked;

    long nivcsw;           /* Involuntary switches when last looked at. */
    int64_t next_check_ns; /* When to look again while spinning. */
    int64_t backoff_ns;    /* The next pause. */
    int64_t resume_ns;     /* No spinning before this. */
};

static struct busy_poll busy_poll;

static int64_t
monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long
involuntary_switches(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_THREAD, &ru) ? 0 : ru.ru_nivcsw;
}

/* True if the kernel preempted us since the last call. */
static bool
busy_preempted(struct busy_poll *bp)
{
    long n = involuntary_switches();
    bool preempted = n != bp->nivcsw;

    bp->nivcsw = n;
    return preempted;
}

static void
busy_check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
    struct busy_poll *bp = container_of(w, struct busy_poll, check_w);
    unsigned int others = ev_pending_count(loop);

    if (ev_is_pending(&bp->idle_w)) {
        others--;
    }
    if (others) {
        bp->worked = true;
    }
}

/* Stops spinning; pauses it if we were 'preempted' meanwhile. */
static void
busy_stop(struct ev_loop *loop, struct busy_poll *bp, int64_t now,
          bool preempted)
{
    ev_idle_stop(loop, &bp->idle_w);
    if (preempted) {
        bp->resume_ns = now + bp->backoff_ns;
        bp->backoff_ns = MIN(bp->backoff_ns * 2, BUSY_BACKOFF_MAX_NS);
    } else {
        bp->backoff_ns = BUSY_BACKOFF_MIN_NS;
    }
}

static void
busy_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct busy_poll *bp = container_of(w, struct busy_poll, prepare_w);
    int64_t now = monotonic_ns();
    bool spinning = ev_is_active(&bp->idle_w);

    if (bp->worked) {
        bp->worked = false;
        bp->last_work_ns = now;
    }
    if (now - bp->last_work_ns >= bp->window_ns || now < bp->resume_ns) {
        if (spinning) {
            busy_stop(loop, bp, now, busy_preempted(bp));
        }
    } else if (!spinning) {
        ev_idle_start(loop, &bp->idle_w);
        bp->nivcsw = involuntary_switches();
        bp->next_check_ns = now + BUSY_CHECK_NS;
    } else if (now >= bp->next_check_ns) {
        /* Spinning for long: requests keep coming.  Still alone? */
        if (busy_preempted(bp)) {
            busy_stop(loop, bp, now, true);
        } else {
            bp->backoff_ns = BUSY_BACKOFF_MIN_NS;
            bp->next_check_ns = now + BUSY_CHECK_NS;
        }
    }
}

static void
busy_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
    /* Being active is its job: the loop does not block meanwhile. */
}

void
daemon_busy_poll(struct ev_loop *loop, unsigned int usec)
{
    struct busy_poll *bp = &busy_poll;

    if (ev_is_active(&bp->check_w)) {
        ev_check_stop(loop, &bp->check_w);
        ev_prepare_stop(loop, &bp->prepare_w);
        ev_idle_stop(loop, &bp->idle_w);
    }
    if (!usec) {
        return;
    }
    bp->window_ns = (int64_t) usec * 1000;
    bp->worked = false;
    bp->last_work_ns = 0;
    bp->backoff_ns = BUSY_BACKOFF_MIN_NS;
    bp->resume_ns = 0;
    ev_check_init(&bp->check_w, busy_check_cb);
    ev_set_priority(&bp->check_w, EV_MAXPRI);
    ev_check_start(loop, &bp->check_w);
    ev_prepare_init(&bp->prepare_w, busy_prepare_cb);
    ev_set_priority(&bp->prepare_w, EV_MINPRI);
    ev_prepare_start(loop, &bp->prepare_w);
    ev_idle_init(&bp->idle_w, busy_idle_cb);
}
