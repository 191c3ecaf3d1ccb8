/* Checks shared by every JSON reader, and a JSON writer's last step. */
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

/* Line and column (1-based) of text + offset. */
static void line_column(const char *text, size_t length, size_t offset, size_t *line,
                        size_t *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < length; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

/* Unclosed brackets or strings, and no bracket closed by the wrong kind:
 * the document was cut short. */
static int truncated(const char *text, size_t length)
{
    char open[1024]; /* cJSON refuses nesting deeper than 1000 */
    size_t depth = 0;
    int in_string = 0, escaped = 0;
    for (size_t i = 0; i < length; i++) {
        char ch = text[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (ch == '\\')
                escaped = 1;
            else if (ch == '"')
                in_string = 0;
        } else if (ch == '"') {
            in_string = 1;
        } else if (ch == '{' || ch == '[') {
            if (depth == sizeof open)
                return 0;
            open[depth++] = ch;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0 || open[depth - 1] != (ch == '}' ? '{' : '['))
                return 0;
            depth--;
        }
    }
    return in_string || depth > 0;
}

static int syntax_error(const char *text, size_t length, const char *end, const char *source)
{
    if (end == NULL)
        return cxm__fail(CXM_ENOMEM, "%s: out of memory while parsing JSON", source);
    int cut = truncated(text, length);
    size_t offset = cut ? length : (size_t)(end - text), line, column;
    line_column(text, length, offset, &line, &column);
    if (cut || offset >= length)
        return cxm__fail(CXM_EPARSE, "%s:%zu:%zu: the JSON document ends too early", source, line,
                         column);
    return cxm__fail(CXM_EPARSE, "%s:%zu:%zu: JSON syntax error at '%.20s'", source, line, column,
                     end);
}

int cxm__json_parse(cJSON **root, const char *text, size_t length, const char *source)
{
    *root = NULL;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, length, &end, 0);
    if (doc == NULL)
        return syntax_error(text, length, end, source);
    /* Only white space may follow the document: "{...} garbage" is not a document. */
    for (const char *p = end; p && p < text + length; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\0') {
            cJSON_Delete(doc);
            return cxm__fail(CXM_EPARSE, "%s: text after the JSON document: '%.20s'", source, p);
        }
    }
    char where[256];
    const char *key;
    int status = cxm__json_duplicate_key(doc, where, sizeof where, &key);
    if (status == CXM_OK && key != NULL)
        status = cxm__fail(CXM_EPARSE, "%s: %s%skey '%s' appears twice", source, where,
                           where[0] ? ": " : "", key);
    if (status != CXM_OK) {
        cJSON_Delete(doc);
        return status;
    }
    *root = doc;
    return CXM_OK;
}

int cxm__json_take(char **out, char *printed)
{
    if (printed == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory while writing JSON");
    char *copy = cxm__strdup(printed);
    cJSON_free(printed);
    if (copy == NULL)
        return CXM_ENOMEM;
    *out = copy;
    return CXM_OK;
}
