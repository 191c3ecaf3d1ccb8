/* Versioned structs across the ABI: one rule for every options struct and
 * report (internal.h, docs/ABI.md). */
#include "config.h"

#include <string.h>

#include "core/internal.h"

static int check_version(unsigned version, unsigned current, const char *what)
{
    if (version < 1 || version > current)
        return cxm__fail(CXM_EINVAL, "%s version %u is not supported (this library knows 1..%u)",
                         what, version, current);
    return CXM_OK;
}

int cxm__options_read(void *dst, const void *given, const size_t *sizes, unsigned current,
                      const char *what)
{
    if (given == NULL)
        return CXM_OK;
    unsigned version;
    memcpy(&version, given, sizeof version);
    int status = check_version(version, current, what);
    if (status != CXM_OK)
        return status;
    memcpy(dst, given, sizes[version - 1]);
    memcpy(dst, &current, sizeof current);
    return CXM_OK;
}

int cxm__options_write(void *caller, const void *full, const size_t *sizes, unsigned current,
                       const char *what)
{
    unsigned version;
    memcpy(&version, caller, sizeof version);
    int status = check_version(version, current, what);
    if (status != CXM_OK)
        return status;
    memcpy(caller, full, sizes[version - 1]);
    memcpy(caller, &version, sizeof version);
    return CXM_OK;
}
