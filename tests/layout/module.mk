# SPDX-License-Identifier: Apache-2.0
# The tree's own shape: layering of includes, file sizes, licence lines.
SCRIPT_TESTS += tests/layout/layering.sh
