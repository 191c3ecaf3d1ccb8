#include "config.h"

#include "core/internal.h"

long cxm_version_number(void)
{
    return CXM_VERSION_NUMBER;
}

const char *cxm_version_string(void)
{
    return CXM_VERSION_STRING;
}
