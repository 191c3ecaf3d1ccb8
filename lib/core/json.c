/* Checks shared by every JSON reader. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"

/* `where` holds the path to `node`; `length` is its used part. */
static bool walk(const cJSON *node, char *where, size_t size, size_t length, const char **key)
{
    if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
        return false;
    size_t index = 0;
    for (const cJSON *child = node->child; child; child = child->next, index++) {
        if (cJSON_IsObject(node)) {
            for (const cJSON *earlier = node->child; earlier != child; earlier = earlier->next)
                if (strcmp(earlier->string, child->string) == 0) {
                    where[length] = '\0';
                    *key = child->string;
                    return true;
                }
        }
        int added = cJSON_IsObject(node)
                        ? snprintf(where + length, size - length, "%s%s", length ? "." : "",
                                   child->string)
                        : snprintf(where + length, size - length, "[%zu]", index);
        size_t next = added < 0 ? length : length + (size_t)added;
        if (next >= size)
            next = size - 1; /* a truncated place still names the start of the path */
        if (walk(child, where, size, next, key))
            return true;
    }
    where[length] = '\0';
    return false;
}

bool cxm__json_duplicate_key(const cJSON *root, char *where, size_t where_size,
                             const char **key)
{
    if (where_size == 0)
        return false;
    where[0] = '\0';
    return walk(root, where, where_size, 0, key);
}
