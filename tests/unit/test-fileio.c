/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/fileio: whole reads and writes, directory names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/fileio.h"
#include "lib/util.h"

static void
expect_dir(const char *path, const char *dir)
{
    char *d = file_dir_name(path);

    assert_string_equal(d, dir);
    free(d);
}

static void
test_dir_name(void **state)
{
    (void) state;
    expect_dir("vtep.db", ".");
    expect_dir("run/vtep.db", "run");
    expect_dir("/vtep.db", "/");
    expect_dir("/a/b/c.db", "/a/b");
}

/* Writes at an offset in pieces and reads back past the end of the file:
 * the read stops there and says how much it got. */
static void
test_read_write(void **state)
{
    char path[] = "/tmp/test-fileio.XXXXXX";
    int fd = mkstemp(path);
    char a[] = "hello, ", b[] = "world", buf[64];
    struct iovec iov[2] = { { a, strlen(a) }, { b, strlen(b) } };
    size_t n;

    (void) state;
    assert_true(fd >= 0);
    assert_int_equal(file_pwritev_all(fd, iov, 2, 3), 0);
    assert_int_equal(file_pwrite_all(fd, "abc", 3, 0), 0);
    assert_int_equal(file_pread_all(fd, buf, sizeof buf, 0, &n), 0);
    assert_int_equal(n, 15);
    assert_memory_equal(buf, "abchello, world", 15);
    assert_int_equal(file_pread_all(fd, buf, 4, 11, &n), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "orld", 4);
    assert_int_equal(file_sync_dir(path), 0);
    close(fd);
    unlink(path);
    assert_int_equal(file_pwrite_all(fd, "x", 1, 0), -EBADF);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dir_name),
        cmocka_unit_test(test_read_write),
    };

    return cmocka_run_group_tests_name("lib/fileio", tests, NULL, NULL);
}
