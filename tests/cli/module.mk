# SPDX-License-Identifier: Apache-2.0
SCRIPT_TESTS += tests/cli/vtepd-cli.sh
SCRIPT_TESTS += tests/cli/vtep-cli.sh
SCRIPT_TESTS += tests/cli/metrics.sh
SCRIPT_TESTS += tests/cli/learned.sh
