/* SPDX-License-Identifier: Apache-2.0 */
/* Whole reads and writes at an offset, and directory names and syncs. */
#ifndef LIB_FILEIO_H
#define LIB_FILEIO_H 1

#include <stddef.h>
#include <sys/types.h>

struct iovec;

/* Reads up to 'n' bytes at 'offset' into 'buf', retrying short reads and
 * EINTR; stores how many were read (fewer only at end of file) in
 * '*n_read'.  Returns 0 or a negative errno. */
int file_pread_all(int fd, void *buf, size_t n, off_t offset, size_t *n_read);
/* Writes all 'n' bytes of 'buf' at 'offset'.  Returns 0 or a negative
 * errno (the file may then hold part of them). */
int file_pwrite_all(int fd, const void *buf, size_t n, off_t offset);
/* Writes all of the 'n' buffers 'iov' at 'offset'; 'iov' is modified.
 * Returns 0 or a negative errno. */
int file_pwritev_all(int fd, struct iovec *iov, int n, off_t offset);

/* Returns the directory part of 'path' ("." if none, "/" for the root),
 * newly allocated. */
char *file_dir_name(const char *path);
/* Syncs the directory that holds 'path' (after a create or a rename in it).
 * Returns 0 or a negative errno. */
int file_sync_dir(const char *path);

#endif /* LIB_FILEIO_H */
