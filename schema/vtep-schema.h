/* SPDX-License-Identifier: Apache-2.0 */
/* The hardware_vtep schema built into the binaries, so that vtepd needs no
 * files at run time.  The OVSDB engine serves any schema; only the daemon,
 * the reconciler and tests pick this one. */
#ifndef SCHEMA_VTEP_SCHEMA_H
#define SCHEMA_VTEP_SCHEMA_H 1

/* Returns the text of schema/vtep.ovsschema, a static string. */
const char *vtep_schema_text(void);

#endif /* SCHEMA_VTEP_SCHEMA_H */
