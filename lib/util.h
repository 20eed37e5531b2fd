/* SPDX-License-Identifier: Apache-2.0 */
/* Small, dependency-free helpers used everywhere: allocation that never
 * returns NULL, container_of, and a few arithmetic macros. */
#ifndef LIB_UTIL_H
#define LIB_UTIL_H 1

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(A) (sizeof(A) / sizeof((A)[0]))
#define MIN(A, B) ((A) < (B) ? (A) : (B))
#define MAX(A, B) ((A) > (B) ? (A) : (B))

/* Returns the struct of type TYPE that contains the member MEMBER at PTR. */
#define container_of(PTR, TYPE, MEMBER) \
    ((TYPE *) (void *) ((char *) (PTR) -offsetof(TYPE, MEMBER)))

/* Like container_of(), but the type comes from OBJECT, which need not be
 * initialised; used by the FOR_EACH macros of the intrusive containers.
 * cppcheck cannot follow __typeof__ of an unassigned pointer, so it gets a
 * plain cast that means the same to its analysis. */
#ifdef __CPPCHECK__
#define OBJECT_CONTAINING(PTR, OBJECT, MEMBER) ((void *) (PTR))
#else
#define OBJECT_CONTAINING(PTR, OBJECT, MEMBER)                \
    ((__typeof__(OBJECT)) (void *) ((char *) (PTR) -offsetof( \
        __typeof__(*(OBJECT)), MEMBER)))
#endif

#define PRINTF_FORMAT(FMT, ARG1) __attribute__((format(printf, FMT, ARG1)))
#define NO_RETURN __attribute__((noreturn))
#define WARN_UNUSED_RESULT __attribute__((warn_unused_result))

/* Allocation wrappers: they abort the process on out-of-memory, so callers
 * never check for NULL.  xmalloc(0) returns a unique non-NULL pointer. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xmemdup(const void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *format, ...) PRINTF_FORMAT(1, 2);
char *xvasprintf(const char *format, va_list args) PRINTF_FORMAT(1, 0);

/* Grows '*array' (of '*allocated' elements of 'elem_size' bytes) so that it
 * has room for at least 'n' elements, doubling to amortise.  Returns the
 * (possibly moved) array. */
void *x2nrealloc(void *array, size_t *allocated, size_t n, size_t elem_size);

/* Prints "PROGRAM: MESSAGE" to stderr and aborts; for broken invariants. */
void out_of_memory(void) NO_RETURN;
void xabort(const char *format, ...) PRINTF_FORMAT(1, 2) NO_RETURN;

#define ASSERT(COND)                                                         \
    do {                                                                     \
        if (!(COND)) {                                                       \
            xabort("%s:%d: assertion %s failed", __FILE__, __LINE__, #COND); \
        }                                                                    \
    } while (0)

/* The name the program was started as (for messages); set by main(). */
extern const char *program_name;
void set_program_name(const char *argv0);

/* Returns true if 's' starts with 'prefix'. */
static inline int
str_starts_with(const char *s, const char *prefix)
{
    while (*prefix) {
        if (*s++ != *prefix++) {
            return 0;
        }
    }
    return 1;
}

/* Returns the value of the hexadecimal digit 'c' (either case), or -1. */
static inline int
hexit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

#endif /* lib/util.h */
