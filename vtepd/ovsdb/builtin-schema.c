/* The hardware_vtep schema, compiled in from schema/vtep.ovsschema. */
#include "vtepd/ovsdb/schema.h"

static const char vtep_schema[] =
#include "vtep-schema.inc"
    ;

const char *
ovsdb_builtin_vtep_schema(void)
{
    return vtep_schema;
}
