/* SPDX-License-Identifier: Apache-2.0 */
/* Whole reads and writes at an offset, and directory names and syncs: the
 * file plumbing the database log and the daemon share. */
#include "lib/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/util.h"

int
file_pread_all(int fd, void *buf, size_t n, off_t offset, size_t *n_read)
{
    size_t done = 0;

    while (done < n) {
        ssize_t r =
            pread(fd, (char *) buf + done, n - done, offset + (off_t) done);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (!r) {
            break;
        }
        done += (size_t) r;
    }
    *n_read = done;
    return 0;
}

int
file_pwrite_all(int fd, const void *buf, size_t n, off_t offset)
{
    size_t done = 0;

    while (done < n) {
        ssize_t r = pwrite(fd, (const char *) buf + done, n - done,
                           offset + (off_t) done);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        done += (size_t) r;
    }
    return 0;
}

int
file_pwritev_all(int fd, struct iovec *iov, int n, off_t offset)
{
    while (n > 0) {
        ssize_t r = pwritev(fd, iov, n, offset);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        offset += (off_t) r;
        while (n > 0 && (size_t) r >= iov->iov_len) {
            r -= (ssize_t) iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *) iov->iov_base + r;
            iov->iov_len -= (size_t) r;
        }
    }
    return 0;
}

char *
file_dir_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash) {
        return xstrdup(".");
    }
    return slash == path ? xstrdup("/")
                         : xstrndup(path, (size_t) (slash - path));
}

int
file_sync_dir(const char *path)
{
    char *dir = file_dir_name(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int error = 0;

    if (fd < 0 || fsync(fd)) {
        error = -errno;
    }
    if (fd >= 0) {
        close(fd);
    }
    free(dir);
    return error;
}
