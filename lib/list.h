/* SPDX-License-Identifier: Apache-2.0 */
/* Intrusive circular doubly-linked list.  A 'struct list' serves both as
 * the head of a list and as the node embedded in each element. */
#ifndef LIB_LIST_H
#define LIB_LIST_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

struct list {
    struct list *prev;
    struct list *next;
};

#define LIST_INITIALIZER(LIST) \
    {                          \
        LIST, LIST             \
    }

static inline void
list_init(struct list *list)
{
    list->prev = list->next = list;
}

/* Inserts 'elem' just before 'before'. */
static inline void
list_insert(struct list *before, struct list *elem)
{
    elem->prev = before->prev;
    elem->next = before;
    before->prev->next = elem;
    before->prev = elem;
}

static inline void
list_push_back(struct list *list, struct list *elem)
{
    list_insert(list, elem);
}

static inline void
list_push_front(struct list *list, struct list *elem)
{
    list_insert(list->next, elem);
}

/* Removes 'elem' from its list and returns the element that followed it.
 * 'elem' is left dangling; list_init() it before reuse as a head. */
static inline struct list *
list_remove(struct list *elem)
{
    struct list *next = elem->next;

    elem->prev->next = elem->next;
    elem->next->prev = elem->prev;
    return next;
}

static inline bool
list_is_empty(const struct list *list)
{
    return list->next == list;
}

static inline struct list *
list_pop_front(struct list *list)
{
    struct list *front = list->next;

    list_remove(front);
    return front;
}

static inline struct list *
list_front(const struct list *list)
{
    return list->next;
}

static inline struct list *
list_back(const struct list *list)
{
    return list->prev;
}

/* Moves all elements of 'from' to the end of 'to', leaving 'from' empty. */
static inline void
list_splice_tail(struct list *to, struct list *from)
{
    if (!list_is_empty(from)) {
        from->next->prev = to->prev;
        from->prev->next = to;
        to->prev->next = from->next;
        to->prev = from->prev;
        list_init(from);
    }
}

size_t list_size(const struct list *list);

#define LIST_FOR_EACH(ITER, MEMBER, LIST)                      \
    for (ITER = OBJECT_CONTAINING((LIST)->next, ITER, MEMBER); \
         &(ITER)->MEMBER != (LIST);                            \
         ITER = OBJECT_CONTAINING((ITER)->MEMBER.next, ITER, MEMBER))

#define LIST_FOR_EACH_REVERSE(ITER, MEMBER, LIST)              \
    for (ITER = OBJECT_CONTAINING((LIST)->prev, ITER, MEMBER); \
         &(ITER)->MEMBER != (LIST);                            \
         ITER = OBJECT_CONTAINING((ITER)->MEMBER.prev, ITER, MEMBER))

/* Safe against removal (and freeing) of ITER inside the loop body. */
#define LIST_FOR_EACH_SAFE(ITER, NEXT, MEMBER, LIST)                          \
    for (ITER = OBJECT_CONTAINING((LIST)->next, ITER, MEMBER);                \
         (&(ITER)->MEMBER != (LIST) ? (                                       \
              NEXT = OBJECT_CONTAINING((ITER)->MEMBER.next, ITER, MEMBER), 1) \
                                    : 0);                                     \
         ITER = NEXT)

#endif /* lib/list.h */
