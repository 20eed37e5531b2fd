/* SPDX-License-Identifier: Apache-2.0 */
#include "vtepd/ovs-rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/paths.h"

VLOG_DEFINE_THIS_MODULE(ovs_rundir);

/* What this process published, to remove at exit: link names and the
 * targets they must still point at. */
struct published {
    char *name;
    char *target; /* NULL for a regular file (the pid file). */
};
static struct published *published;
static size_t n_published;

/* The published pid file stays open and locked: ovs-appctl only believes a
 * pid file that its process holds a POSIX write lock on. */
static int pid_fd = -1;

static const char *
rundir(void)
{
    const char *dir = getenv("OVS_RUNDIR");

    return dir && *dir ? dir : "/var/run/openvswitch";
}

static void
remember(const char *name, const char *target)
{
    published = xrealloc(published, (n_published + 1) * sizeof *published);
    published[n_published].name = xstrdup(name);
    published[n_published].target = target ? xstrdup(target) : NULL;
    n_published++;
}

/* Points RUNDIR/'name' at the absolute 'target', replacing what was there.
 * Returns 0 or a negative errno. */
static int
publish_link(const char *name, const char *target)
{
    char *link_path = xasprintf("%s/%s", rundir(), name);
    int error = vtepd_make_parent_dirs(link_path);

    if (!error) {
        unlink(link_path);
        if (symlink(target, link_path) < 0) {
            error = -errno;
        } else {
            remember(link_path, target);
        }
    }
    free(link_path);
    return error;
}

/* Returns the absolute form of the relative 'path', or NULL. */
static char *
absolute(const char *path)
{
    char cwd[PATH_MAX];

    if (path[0] == '/' || !getcwd(cwd, sizeof cwd)) {
        return NULL;
    }
    return xasprintf("%s/%s", cwd, path);
}

void
ovs_rundir_publish_socket(const char *path)
{
    char *target = absolute(path);
    int error;

    if (!target) {
        return;
    }
    error = publish_link(path, target);
    if (error) {
        VLOG_INFO("cannot publish %s in %s (%s): Open vSwitch tools need "
                  "its absolute name, %s",
                  path, rundir(), strerror(-error), target);
    }
    free(target);
}

/* Writes this process's pid to 'pid_path' and keeps it locked.  Returns 0
 * or a negative errno. */
static int
write_locked_pidfile(const char *pid_path)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    char buf[32];
    int fd, n;

    fd = open(pid_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -errno;
    }
    n = snprintf(buf, sizeof buf, "%ld\n", (long) getpid());
    if (fcntl(fd, F_SETLK, &lock) < 0 || write(fd, buf, (size_t) n) != n) {
        int error = -errno;

        close(fd);
        unlink(pid_path);
        return error;
    }
    if (pid_fd >= 0) {
        close(pid_fd);
    }
    pid_fd = fd;
    remember(pid_path, NULL);
    return 0;
}

void
ovs_rundir_publish_unixctl(const char *path)
{
    char *target = absolute(path);
    char *pid_name, *pid_path, *ctl_name;
    int error;

    if (!target) {
        return;
    }
    ctl_name = xasprintf("%s.%ld.ctl", path, (long) getpid());
    error = publish_link(ctl_name, target);
    pid_name = xasprintf("%s.pid", path);
    pid_path = xasprintf("%s/%s", rundir(), pid_name);
    if (!error) {
        error = write_locked_pidfile(pid_path);
    }
    if (error) {
        VLOG_INFO("cannot publish %s in %s (%s): use ovs-appctl -t %s", path,
                  rundir(), strerror(-error), target);
    }
    free(pid_path);
    free(pid_name);
    free(ctl_name);
    free(target);
}

/* True if 'p' is still ours: a link to our target, or our pid file. */
static bool
still_ours(const struct published *p)
{
    char buf[PATH_MAX];
    ssize_t n;
    long pid;
    FILE *f;

    if (p->target) {
        n = readlink(p->name, buf, sizeof buf - 1);
        if (n < 0) {
            return false;
        }
        buf[n] = '\0';
        return !strcmp(buf, p->target);
    }
    f = fopen(p->name, "r");
    if (!f) {
        return false;
    }
    n = fscanf(f, "%ld", &pid) == 1 && pid == (long) getpid();
    fclose(f);
    return n;
}

void
ovs_rundir_unpublish(void)
{
    for (size_t i = 0; i < n_published; i++) {
        if (still_ours(&published[i])) {
            unlink(published[i].name);
        }
        free(published[i].name);
        free(published[i].target);
    }
    free(published);
    published = NULL;
    n_published = 0;
    if (pid_fd >= 0) {
        close(pid_fd);
        pid_fd = -1;
    }
}
