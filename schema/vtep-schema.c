/* SPDX-License-Identifier: Apache-2.0 */
/* The hardware_vtep schema, compiled in from schema/vtep.ovsschema (the
 * build turns the file into $(BUILD)/gen/vtep-schema.inc). */
#include "schema/vtep-schema.h"

#ifdef __CPPCHECK__
/* cppcheck does not see generated files. */
static const char vtep_schema[] = "{}";
#else
static const char vtep_schema[] =
#include "vtep-schema.inc"
    ;
#endif

const char *
vtep_schema_text(void)
{
    return vtep_schema;
}
