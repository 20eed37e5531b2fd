# SPDX-License-Identifier: Apache-2.0
# schema/: the hardware_vtep schema, compiled in so that vtepd needs no
# files.  The engine (vtepd/ovsdb/) is schema-neutral and never links this.
LIBRARIES += vtep-schema
vtep-schema_SRCS := schema/vtep-schema.c

$(BUILD)/gen/vtep-schema.inc: schema/vtep.ovsschema schema/file2c.sh
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sh schema/file2c.sh $< > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/schema/vtep-schema.o: $(BUILD)/gen/vtep-schema.inc
