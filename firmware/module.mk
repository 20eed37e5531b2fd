# SPDX-License-Identifier: Apache-2.0
# The firmware image: vtepd on Debian's kernel, booted in a VM (see
# docs/firmware.md).  'make deps' fetches the Debian packages it is made of
# into FIRMWARE_CACHE (outside build/, so 'make clean' keeps them); 'make
# firmware' builds the image from them, without root.

FIRMWARE_CACHE ?= $(HOME)/.cache/vtep-tor
FIRMWARE_DIR := $(BUILD)/firmware
FIRMWARE_FILES := $(shell find firmware/rootfs -type f 2>/dev/null)

.PHONY: firmware firmware-deps
deps: firmware-deps
firmware-deps:
	@firmware/fetch-debs.sh $(FIRMWARE_CACHE) || \
	    echo "firmware: the image's Debian packages are missing: 'make firmware' will fail" >&2

firmware: $(FIRMWARE_DIR)/vmlinuz $(FIRMWARE_DIR)/initrd.img

$(FIRMWARE_DIR)/vmlinuz: $(FIRMWARE_CACHE)/kernel-package
	@mkdir -p $(@D)
	@echo "  KERNEL  $@"
	$(Q)cp $(FIRMWARE_CACHE)/root/boot/vmlinuz-$$(sed 's/^linux-image-//' $<) $@

$(FIRMWARE_DIR)/initrd.img: $(BUILD)/bin/vtepd $(BUILD)/bin/vtep-cli $(BUILD)/bin/vtep-tor-bundle firmware/mkinitrd.sh $(FIRMWARE_FILES) \
                            $(FIRMWARE_CACHE)/kernel-package
	@mkdir -p $(@D)
	@echo "  INITRD  $@"
	$(Q)firmware/mkinitrd.sh $(FIRMWARE_CACHE) $(BUILD)/bin/vtepd $(FIRMWARE_DIR)/root $@

$(FIRMWARE_CACHE)/kernel-package:
	@echo "firmware: no Debian packages in $(FIRMWARE_CACHE): run 'make deps'" >&2
	@false

# The firmware tests boot the image: build it with the tests when its
# packages are there (the tests SKIP, saying why, when they are not).
# Sanitizer builds set NO_FIRMWARE=1: their vtepd needs the sanitizer's
# runtime, which the image does not carry, and the image's tests are
# 'make check's to run.
ifeq ($(NO_FIRMWARE),)
ifneq ($(wildcard $(FIRMWARE_CACHE)/kernel-package),)
tests: firmware
endif
endif

# The upgrade bundle, named after vtepd's version; the disk's first slot
# is this bundle.
FIRMWARE_VERSION := $(shell sed -n 's/^\#define VTEPD_VERSION "\(.*\)"/\1/p' vtepd/options.h)
FIRMWARE_BUNDLE := $(FIRMWARE_DIR)/vtep-tor-$(FIRMWARE_VERSION).bin
firmware: $(FIRMWARE_BUNDLE) $(FIRMWARE_DIR)/vtep-tor.qcow2

$(FIRMWARE_BUNDLE): $(FIRMWARE_DIR)/vmlinuz $(FIRMWARE_DIR)/initrd.img firmware/mkbundle.sh
	@echo "  BUNDLE  $@"
	$(Q)firmware/mkbundle.sh $(FIRMWARE_DIR)/vmlinuz $(FIRMWARE_DIR)/initrd.img \
	    $(FIRMWARE_VERSION) $$(sed 's/^linux-image-//' $(FIRMWARE_CACHE)/kernel-package) $@

$(FIRMWARE_DIR)/vtep-tor.qcow2: $(FIRMWARE_BUNDLE) firmware/mkdisk.sh \
                                firmware/rootfs/usr/sbin/vtep-tor-image
	@echo "  DISK    $@"
	$(Q)firmware/mkdisk.sh $(FIRMWARE_BUNDLE) $(FIRMWARE_DIR)/disk $@

# Signs a bundle for switches with image-signing-key= in their config
# (docs/firmware.md, "Signed bundles"): make firmware-sign KEY=signing.key
# [BUNDLE=...], the bundle built here by default.
.PHONY: firmware-sign
BUNDLE ?= $(FIRMWARE_BUNDLE)
firmware-sign: $(BUNDLE)
	@test -n "$(KEY)" || { echo "firmware-sign: KEY=PRIVATE-KEY.pem (Ed25519) is needed" >&2; exit 2; }
	$(Q)tools/sign-bundle.sh $(KEY) $(BUNDLE)

# The hardware-VTEP labs on firmware VMs, left running (docs/firmware.md):
# LAB=basic (the default), multi or trunk.  firmware-lab-check brings up
# each in turn, checks it and removes it (it boots several VMs: not part of
# 'make check').
LAB ?= basic
.PHONY: firmware-lab firmware-lab-clean firmware-lab-check
firmware-lab: firmware
	@BUILD=$(BUILD) firmware/lab.sh up $(LAB)
firmware-lab-clean:
	@BUILD=$(BUILD) firmware/lab.sh down
firmware-lab-check: firmware
	@rc=0; for lab in basic multi trunk; do \
	    BUILD=$(BUILD) firmware/lab.sh up $$lab || rc=1; \
	    BUILD=$(BUILD) firmware/lab.sh down; \
	done; \
	if [ $$rc = 0 ]; then echo "firmware-lab-check: every lab passed"; \
	else echo "firmware-lab-check: FAILED" >&2; fi; exit $$rc
