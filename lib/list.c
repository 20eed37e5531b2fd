/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/list.h"

size_t
list_size(const struct list *list)
{
    const struct list *e;
    size_t n = 0;

    for (e = list->next; e != list; e = e->next) {
        n++;
    }
    return n;
}
