/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *program_name = "vtepd";

void
set_program_name(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

    program_name = slash ? slash + 1 : argv0 ? argv0 : "vtepd";
}

void
out_of_memory(void)
{
    xabort("virtual memory exhausted");
}

void
xabort(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xzalloc(size_t size)
{
    return xcalloc(1, size);
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = n && size ? calloc(n, size) : calloc(1, 1);

    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xmemdup(const void *p, size_t size)
{
    void *q = xmalloc(size);

    if (size) { /* memcpy() from NULL is undefined even for 0 bytes. */
        memcpy(q, p, size);
    }
    return q;
}

char *
xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *q = xmalloc(len + 1);

    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *
xvasprintf(const char *format, va_list args)
{
    va_list args2;
    int needed;
    char *s;

    va_copy(args2, args);
    needed = vsnprintf(NULL, 0, format, args);
    if (needed < 0) {
        xabort("vsnprintf failed for \"%s\"", format);
    }
    s = xmalloc((size_t) needed + 1);
    vsnprintf(s, (size_t) needed + 1, format, args2);
    va_end(args2);
    return s;
}

char *
xasprintf(const char *format, ...)
{
    va_list args;
    char *s;

    va_start(args, format);
    s = xvasprintf(format, args);
    va_end(args);
    return s;
}

void *
x2nrealloc(void *array, size_t *allocated, size_t n, size_t elem_size)
{
    size_t cap = *allocated;

    if (n <= cap) {
        return array;
    }
    if (!cap) {
        cap = 8;
    }
    while (cap < n) {
        if (cap > SIZE_MAX / 2 / elem_size) {
            out_of_memory();
        }
        cap *= 2;
    }
    *allocated = cap;
    return xrealloc(array, cap * elem_size);
}
