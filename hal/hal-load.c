/* SPDX-License-Identifier: Apache-2.0 */
/* Loadable providers: finding a provider module, checking its ABI and
 * registering it.  The contract is in hal-provider.h. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/hal-private.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Checks 'module' from 'path' against this build's ABI.  Returns 0 or
 * -ENOEXEC with a line in 'err'. */
static int
check_module(const char *path, const struct hal_provider_module *module,
             struct ds *err)
{
    if (module->abi_version != HAL_PROVIDER_ABI_VERSION) {
        ds_put_format(err,
                      "%s: built for HAL provider ABI %u, this program has "
                      "ABI %u: rebuild it against this version's "
                      "hal/hal-provider.h",
                      path, module->abi_version, HAL_PROVIDER_ABI_VERSION);
        return -ENOEXEC;
    }
    if (module->provider_size != sizeof(struct hal_provider)) {
        ds_put_format(err,
                      "%s: its struct hal_provider has %u bytes, this "
                      "program's %zu, under the same ABI %u: rebuild it "
                      "against this version's hal/hal-provider.h",
                      path, module->provider_size, sizeof(struct hal_provider),
                      HAL_PROVIDER_ABI_VERSION);
        return -ENOEXEC;
    }
    if (!module->provider || !module->provider->name
        || !module->provider->name[0] || !module->provider->open) {
        ds_put_format(err, "%s: its provider has no name or no open()", path);
        return -ENOEXEC;
    }
    return 0;
}

int
hal_provider_load(const char *path, const char **namep, struct ds *err)
{
    const struct hal_provider_module *module;
    void *handle;
    int error;

    *namep = NULL;
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        ds_put_format(err, "cannot load HAL provider: %s", dlerror());
        return -ENOEXEC;
    }
    module = dlsym(handle, HAL_PROVIDER_MODULE_SYMBOL);
    if (!module) {
        ds_put_format(err,
                      "%s: not a HAL provider (no symbol %s; define it with "
                      "HAL_PROVIDER_MODULE())",
                      path, HAL_PROVIDER_MODULE_SYMBOL);
        dlclose(handle);
        return -ENOEXEC;
    }
    error = check_module(path, module, err);
    if (!error) {
        error = hal_register_provider(module->provider);
        if (error) {
            ds_put_format(err, "%s: a backend named \"%s\" already exists",
                          path, module->provider->name);
        }
    }
    if (error) {
        dlclose(handle);
        return error;
    }
    /* Never closed: the provider must outlive every hal opened with it. */
    *namep = module->provider->name;
    return 0;
}

int
hal_provider_resolve(const char *spec, const char *dir, const char **namep,
                     struct ds *err)
{
    const struct hal_provider *builtin = hal_provider_find(spec);
    struct ds path = DS_EMPTY_INITIALIZER;
    int error;

    if (builtin) {
        *namep = builtin->name;
        return 0;
    }
    if (strchr(spec, '/')) {
        return hal_provider_load(spec, namep, err);
    }
    *namep = NULL;
    if (!spec[0] || strchr(spec, '.')) {
        ds_put_format(err, "\"%s\" is not a backend name", spec);
        return -EINVAL;
    }
    if (dir) {
        ds_put_format(&path, "%s/%s.so", dir, spec);
    }
    if (!dir || access(ds_cstr(&path), F_OK)) {
        ds_put_format(err, "no backend \"%s\": not built in (", spec);
        hal_provider_names(err);
        ds_put_format(err, "), and no %s.so in %s", spec,
                      dir ? dir : "(no provider directory)");
        ds_destroy(&path);
        return -ENOENT;
    }
    error = hal_provider_load(ds_cstr(&path), namep, err);
    ds_destroy(&path);
    return error;
}
