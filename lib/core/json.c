/* Checks shared by every JSON reader. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/json.h"

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Set *key to a repeated key among an object's members (NULL when none).
 * Pairwise for the small objects of configuration files; sorted for large
 * ones, so that a document with a huge object cannot make the check
 * quadratic. */
static int repeated_key(const cJSON *object, const char **key)
{
    *key = NULL;
    size_t n = 0;
    for (const cJSON *child = object->child; child; child = child->next)
        n++;
    if (n <= 32) {
        for (const cJSON *child = object->child; child; child = child->next)
            for (const cJSON *earlier = object->child; earlier != child; earlier = earlier->next)
                if (strcmp(earlier->string, child->string) == 0) {
                    *key = child->string;
                    return CXM_OK;
                }
        return CXM_OK;
    }
    const char **names = cxm__malloc(n * sizeof *names);
    if (names == NULL)
        return CXM_ENOMEM;
    size_t k = 0;
    for (const cJSON *child = object->child; child; child = child->next)
        names[k++] = child->string;
    qsort(names, n, sizeof *names, compare_names);
    for (k = 1; k < n && *key == NULL; k++)
        if (strcmp(names[k - 1], names[k]) == 0)
            *key = names[k];
    cxm__free(names);
    return CXM_OK;
}

/* `where` holds the path to `node`; `length` is its used part. */
static int walk(const cJSON *node, char *where, size_t size, size_t length, const char **key)
{
    if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
        return CXM_OK;
    if (cJSON_IsObject(node)) {
        int status = repeated_key(node, key);
        if (status != CXM_OK || *key != NULL) {
            where[length] = '\0';
            return status;
        }
    }
    size_t index = 0;
    for (const cJSON *child = node->child; child; child = child->next, index++) {
        int added = cJSON_IsObject(node)
                        ? snprintf(where + length, size - length, "%s%s", length ? "." : "",
                                   child->string)
                        : snprintf(where + length, size - length, "[%zu]", index);
        size_t next = added < 0 ? length : length + (size_t)added;
        if (next >= size)
            next = size - 1; /* a truncated place still names the start of the path */
        int status = walk(child, where, size, next, key);
        if (status != CXM_OK || *key != NULL)
            return status;
    }
    where[length] = '\0';
    return CXM_OK;
}

int cxm__json_duplicate_key(const cJSON *root, char *where, size_t where_size, const char **key)
{
    *key = NULL;
    if (where_size == 0)
        return CXM_OK;
    where[0] = '\0';
    return walk(root, where, where_size, 0, key);
}
