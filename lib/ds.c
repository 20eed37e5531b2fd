/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/ds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ds_init(struct ds *ds)
{
    ds->string = NULL;
    ds->length = 0;
    ds->allocated = 0;
}

void
ds_destroy(struct ds *ds)
{
    free(ds->string);
    ds_init(ds);
}

void
ds_clear(struct ds *ds)
{
    ds->length = 0;
    if (ds->string) {
        ds->string[0] = '\0';
    }
}

void
ds_truncate(struct ds *ds, size_t new_length)
{
    if (new_length < ds->length) {
        ds->length = new_length;
        ds->string[new_length] = '\0';
    }
}

void
ds_reserve(struct ds *ds, size_t min_length)
{
    if (min_length > ds->allocated || !ds->string) {
        size_t cap = MAX(min_length, ds->allocated * 2);

        cap = MAX(cap, 32);
        ds->string = xrealloc(ds->string, cap + 1);
        ds->allocated = cap;
        ds->string[ds->length] = '\0';
    }
}

char *
ds_put_uninit(struct ds *ds, size_t n)
{
    char *p;

    if (n > SIZE_MAX - ds->length - 1) {
        out_of_memory();
    }
    ds_reserve(ds, ds->length + n);
    p = &ds->string[ds->length];
    ds->length += n;
    ds->string[ds->length] = '\0';
    return p;
}

void
ds_put_char(struct ds *ds, char c)
{
    *ds_put_uninit(ds, 1) = c;
}

void
ds_put_buffer(struct ds *ds, const char *buf, size_t n)
{
    if (n) {
        memcpy(ds_put_uninit(ds, n), buf, n);
    }
}

void
ds_put_cstr(struct ds *ds, const char *s)
{
    ds_put_buffer(ds, s, strlen(s));
}

void
ds_put_format_valist(struct ds *ds, const char *format, va_list args)
{
    size_t avail;
    va_list args2;
    int needed;

    ds_reserve(ds, ds->length + 64);
    avail = ds->allocated - ds->length + 1;
    va_copy(args2, args);
    needed = vsnprintf(&ds->string[ds->length], avail, format, args);
    if (needed < 0) {
        /* cppcheck-suppress va_list_usedBeforeStarted ; va_copy() started it */
        va_end(args2);
        xabort("vsnprintf failed for \"%s\"", format);
    }
    if ((size_t) needed >= avail) {
        ds_reserve(ds, ds->length + (size_t) needed);
        /* cppcheck-suppress va_list_usedBeforeStarted ; va_copy() started it */
        vsnprintf(&ds->string[ds->length], (size_t) needed + 1, format, args2);
    }
    ds->length += (size_t) needed;
    /* cppcheck-suppress va_list_usedBeforeStarted ; va_copy() started it */
    va_end(args2);
}

void
ds_put_format(struct ds *ds, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    ds_put_format_valist(ds, format, args);
    va_end(args);
}

void
ds_chomp(struct ds *ds, char c)
{
    if (ds->length && ds->string[ds->length - 1] == c) {
        ds_truncate(ds, ds->length - 1);
    }
}

const char *
ds_cstr(struct ds *ds)
{
    if (!ds->string) {
        ds_reserve(ds, 0);
    }
    return ds->string;
}

char *
ds_steal_cstr(struct ds *ds)
{
    char *s;

    ds_cstr(ds);
    s = ds->string;
    ds_init(ds);
    return s;
}
