# SPDX-License-Identifier: Apache-2.0
SCRIPT_TESTS += tests/firmware/config.sh tests/firmware/bundle.sh tests/firmware/boot.sh tests/firmware/datapath.sh \
                tests/firmware/persist.sh tests/firmware/routing.sh \
                tests/firmware/asic.sh
