/* SPDX-License-Identifier: Apache-2.0 */
/* A provider module built for another HAL ABI: the loader must refuse it
 * before touching its provider. */
#include "hal/hal-provider.h"

__attribute__((visibility("default")))
const struct hal_provider_module hal_provider_module = {
    HAL_PROVIDER_ABI_VERSION + 1, sizeof(struct hal_provider), NULL
};
