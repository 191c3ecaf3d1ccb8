/* PLS path models: the handle, JSON in and out, presets (ACSI, ECSI, the
 * libcxm chain). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain/pls.h"
#include "core/internal.h"
#include "core/json.h"

void cxm_pls_options_init(cxm_pls_options *options)
{
    if (options != NULL) {
        cxm_pls_options defaults = CXM_PLS_OPTIONS_INIT;
        *options = defaults;
    }
}

int cxm_pls_model_create(cxm_pls_model **out)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_pls_model *m = cxm__calloc(1, sizeof *m);
    if (m == NULL)
        return CXM_ENOMEM;
    cxm_pls_options_init(&m->options);
    *out = m;
    return CXM_OK;
}

void cxm_pls_model_free(cxm_pls_model *model)
{
    if (model == NULL)
        return;
    for (size_t j = 0; j < model->n_constructs; j++) {
        cxm__free(model->constructs[j].name);
        cxm__free(model->constructs[j].items);
    }
    for (size_t i = 0; i < model->n_items; i++)
        cxm__free(model->items[i]);
    cxm__free(model->constructs);
    cxm__free(model->items);
    cxm__free(model->path_from);
    cxm__free(model->path_to);
    cxm__free(model->name);
    cxm__free(model->target);
    cxm__free(model);
}

/* Grow an array of `size`-byte elements to hold at least `need`. */
static int grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return CXM_OK;
    size_t next = *cap ? 2 * *cap : 8;
    while (next < need)
        next *= 2;
    void *p = cxm__reallocarray(*array, next, size);
    if (p == NULL)
        return CXM_ENOMEM;
    *array = p;
    *cap = next;
    return CXM_OK;
}

static int find_construct(const cxm_pls_model *m, const char *name, size_t *index)
{
    for (size_t j = 0; j < m->n_constructs; j++)
        if (strcmp(m->constructs[j].name, name) == 0) {
            *index = j;
            return CXM_OK;
        }
    return cxm__fail(CXM_ENOTFOUND, "the model has no construct '%s'", name);
}

static int check_name(const char *name, const char *what)
{
    int status = cxm__check_pointer(name, what);
    if (status == CXM_OK && name[0] == '\0')
        status = cxm__fail(CXM_EINVAL, "%s must not be empty", what);
    return status;
}

int cxm_pls_model_add_construct(cxm_pls_model *model, const char *name, cxm_pls_mode mode)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = check_name(name, "construct name");
    if (status != CXM_OK)
        return status;
    if (mode != CXM_PLS_MODE_A && mode != CXM_PLS_MODE_B)
        return cxm__fail(CXM_EINVAL, "construct '%s': mode %d is neither A (0) nor B (1)", name,
                         (int)mode);
    size_t existing;
    if (find_construct(model, name, &existing) == CXM_OK)
        return cxm__fail(CXM_EINVAL, "the model already has a construct '%s'", name);
    cxm_error_clear();
    status = grow((void **)&model->constructs, &model->cap_constructs, model->n_constructs + 1,
                  sizeof *model->constructs);
    if (status != CXM_OK)
        return status;
    char *copy = cxm__strdup(name);
    if (copy == NULL)
        return CXM_ENOMEM;
    pls_construct *c = &model->constructs[model->n_constructs++];
    memset(c, 0, sizeof *c);
    c->name = copy;
    c->mode = mode;
    c->scale_min = c->scale_max = NAN;
    return CXM_OK;
}

int cxm_pls_model_add_item(cxm_pls_model *model, const char *construct, const char *item)
{
    size_t j = 0;
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = check_name(construct, "construct name");
    if (status == CXM_OK)
        status = check_name(item, "item name");
    if (status == CXM_OK)
        status = find_construct(model, construct, &j);
    if (status != CXM_OK)
        return status;
    size_t i = 0;
    while (i < model->n_items && strcmp(model->items[i], item) != 0)
        i++;
    pls_construct *c = &model->constructs[j];
    for (size_t k = 0; k < c->n_items; k++)
        if (c->items[k] == i)
            return cxm__fail(CXM_EINVAL, "construct '%s' already has item '%s'", construct, item);
    status = grow((void **)&c->items, &c->cap_items, c->n_items + 1, sizeof *c->items);
    if (status == CXM_OK && i == model->n_items) {
        status = grow((void **)&model->items, &model->cap_items, model->n_items + 1,
                      sizeof *model->items);
        char *copy = status == CXM_OK ? cxm__strdup(item) : NULL;
        if (status == CXM_OK && copy == NULL)
            status = CXM_ENOMEM;
        if (status == CXM_OK)
            model->items[model->n_items++] = copy;
    }
    if (status == CXM_OK)
        c->items[c->n_items++] = i;
    return status;
}

int cxm_pls_model_set_scale(cxm_pls_model *model, const char *construct, double scale_min,
                            double scale_max)
{
    size_t j = 0;
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = check_name(construct, "construct name");
    if (status == CXM_OK)
        status = find_construct(model, construct, &j);
    if (status == CXM_OK)
        status = cxm__check_finite(scale_min, "scale_min");
    if (status == CXM_OK)
        status = cxm__check_finite(scale_max, "scale_max");
    if (status == CXM_OK && !(scale_max > scale_min))
        status = cxm__fail(CXM_EINVAL, "construct '%s': scale_max %g must exceed scale_min %g",
                           construct, scale_max, scale_min);
    if (status == CXM_OK) {
        model->constructs[j].scale_min = scale_min;
        model->constructs[j].scale_max = scale_max;
    }
    return status;
}

/* Is `to` reachable from `from` along the paths? */
static int reaches(const cxm_pls_model *m, size_t from, size_t to, unsigned char *seen)
{
    if (from == to)
        return 1;
    seen[from] = 1;
    for (size_t k = 0; k < m->n_paths; k++)
        if (m->path_from[k] == from && !seen[m->path_to[k]] && reaches(m, m->path_to[k], to, seen))
            return 1;
    return 0;
}

int cxm_pls_model_add_path(cxm_pls_model *model, const char *from, const char *to)
{
    size_t a = 0, b = 0;
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = check_name(from, "path origin");
    if (status == CXM_OK)
        status = check_name(to, "path destination");
    if (status == CXM_OK)
        status = find_construct(model, from, &a);
    if (status == CXM_OK)
        status = find_construct(model, to, &b);
    if (status != CXM_OK)
        return status;
    if (a == b)
        return cxm__fail(CXM_EINVAL, "a path from '%s' to itself is not allowed", from);
    for (size_t k = 0; k < model->n_paths; k++)
        if (model->path_from[k] == a && model->path_to[k] == b)
            return cxm__fail(CXM_EINVAL, "the path '%s' -> '%s' is already in the model", from, to);
    unsigned char *seen = cxm__calloc(model->n_constructs, 1);
    if (seen == NULL)
        return CXM_ENOMEM;
    int cycle = reaches(model, b, a, seen);
    cxm__free(seen);
    if (cycle)
        return cxm__fail(CXM_EINVAL,
                         "the path '%s' -> '%s' would close a cycle: PLS needs a recursive model",
                         from, to);
    size_t cap = model->cap_paths;
    status = grow((void **)&model->path_from, &cap, model->n_paths + 1, sizeof(size_t));
    if (status == CXM_OK) {
        cap = model->cap_paths;
        status = grow((void **)&model->path_to, &cap, model->n_paths + 1, sizeof(size_t));
    }
    if (status != CXM_OK)
        return status;
    model->cap_paths = cap;
    model->path_from[model->n_paths] = a;
    model->path_to[model->n_paths++] = b;
    return CXM_OK;
}

int cxm_pls_model_set_target(cxm_pls_model *model, const char *construct)
{
    size_t j = 0;
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = check_name(construct, "target");
    if (status == CXM_OK)
        status = find_construct(model, construct, &j);
    if (status != CXM_OK)
        return status;
    char *copy = cxm__strdup(construct);
    if (copy == NULL)
        return CXM_ENOMEM;
    cxm__free(model->target);
    model->target = copy;
    return CXM_OK;
}

static int set_name(cxm_pls_model *model, const char *name)
{
    char *copy = cxm__strdup(name);
    if (copy == NULL)
        return CXM_ENOMEM;
    cxm__free(model->name);
    model->name = copy;
    return CXM_OK;
}

/* ------------------------------------------------------------------ accessors */

size_t cxm_pls_model_construct_count(const cxm_pls_model *model)
{
    return model ? model->n_constructs : 0;
}

const char *cxm_pls_model_construct_name(const cxm_pls_model *model, size_t j)
{
    return model && j < model->n_constructs ? model->constructs[j].name : NULL;
}

int cxm_pls_model_find(size_t *out, const cxm_pls_model *model, const char *name)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(name, "name");
    if (status == CXM_OK)
        status = find_construct(model, name, out);
    return status;
}

int cxm_pls_model_target(size_t *out, const cxm_pls_model *model)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status != CXM_OK)
        return status;
    if (model->target == NULL)
        return cxm__fail(CXM_ENOTFOUND, "the model has no target construct");
    return find_construct(model, model->target, out);
}

size_t cxm_pls_model_item_count(const cxm_pls_model *model)
{
    return model ? model->n_items : 0;
}

const char *cxm_pls_model_item_name(const cxm_pls_model *model, size_t i)
{
    return model && i < model->n_items ? model->items[i] : NULL;
}

size_t cxm_pls_model_indicator_count(const cxm_pls_model *model)
{
    size_t q = 0;
    for (size_t j = 0; model && j < model->n_constructs; j++)
        q += model->constructs[j].n_items;
    return q;
}

/* Construct and position within it of indicator k. */
static int locate_indicator(const cxm_pls_model *model, size_t k, size_t *construct, size_t *pos)
{
    for (size_t j = 0; model && j < model->n_constructs; j++) {
        if (k < model->constructs[j].n_items) {
            *construct = j;
            *pos = k;
            return 1;
        }
        k -= model->constructs[j].n_items;
    }
    return 0;
}

const char *cxm_pls_model_indicator_name(const cxm_pls_model *model, size_t k)
{
    size_t j, pos;
    if (!locate_indicator(model, k, &j, &pos))
        return NULL;
    return model->items[model->constructs[j].items[pos]];
}

size_t cxm_pls_model_indicator_construct(const cxm_pls_model *model, size_t k)
{
    size_t j, pos;
    return locate_indicator(model, k, &j, &pos) ? j : cxm_pls_model_construct_count(model);
}

size_t cxm_pls_model_path_count(const cxm_pls_model *model)
{
    return model ? model->n_paths : 0;
}

int cxm_pls_model_path(size_t *from, size_t *to, const cxm_pls_model *model, size_t k)
{
    int status = cxm__check_pointer(from, "from");
    if (status == CXM_OK)
        status = cxm__check_pointer(to, "to");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && k >= model->n_paths)
        status = cxm__fail(CXM_EINVAL, "path %zu does not exist (the model has %zu)", k,
                           model->n_paths);
    if (status == CXM_OK) {
        *from = model->path_from[k];
        *to = model->path_to[k];
    }
    return status;
}

int cxm_pls_model_options(cxm_pls_options *out, const cxm_pls_model *model)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        *out = model->options;
    return status;
}

/* ------------------------------------------------------------------ JSON in */

static const char *const scheme_names[] = { "path", "centroid", "factorial" };
static const char *const missing_names[] = { "listwise", "mean" };

static int json_error(const char *where, const char *what)
{
    return cxm__fail(CXM_EINVAL, "model JSON: %s %s", where, what);
}

static int unknown_keys(const cJSON *object, const char *const *known, const char *where)
{
    for (const cJSON *item = object->child; item; item = item->next) {
        int ok = 0;
        for (size_t k = 0; known[k]; k++)
            ok |= strcmp(item->string, known[k]) == 0;
        if (!ok)
            return cxm__fail(CXM_EINVAL, "model JSON: %s has an unknown key '%s'", where,
                             item->string);
    }
    return CXM_OK;
}

static int json_scale(const cJSON *value, double *low, double *high, const char *where)
{
    if (!cJSON_IsArray(value) || cJSON_GetArraySize(value) != 2 ||
        !cJSON_IsNumber(cJSON_GetArrayItem(value, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(value, 1)))
        return json_error(where, "must be [min, max]");
    *low = cJSON_GetArrayItem(value, 0)->valuedouble;
    *high = cJSON_GetArrayItem(value, 1)->valuedouble;
    if (!(*high > *low) || !isfinite(*low) || !isfinite(*high))
        return json_error(where, "must have max > min");
    return CXM_OK;
}

static int json_whole(const cJSON *value, double max, double *out, const char *where)
{
    if (!cJSON_IsNumber(value) || !(value->valuedouble >= 0) || value->valuedouble > max ||
        value->valuedouble != floor(value->valuedouble))
        return json_error(where, "must be a whole number >= 0");
    *out = value->valuedouble;
    return CXM_OK;
}

static int json_choice(const cJSON *value, const char *const *names, size_t n, int *out,
                       const char *where)
{
    if (cJSON_IsString(value))
        for (size_t k = 0; k < n; k++)
            if (strcmp(value->valuestring, names[k]) == 0) {
                *out = (int)k;
                return CXM_OK;
            }
    char text[160];
    size_t used = 0;
    for (size_t k = 0; k < n && used < sizeof text; k++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s\"%s\"", k ? ", " : "", names[k]);
    return cxm__fail(CXM_EINVAL, "model JSON: %s must be one of %s", where, text);
}

static int json_estimation(cxm_pls_options *o, const cJSON *e)
{
    static const char *const known[] = { "scheme", "tolerance", "max_iterations", "bootstrap",
                                         "seed", "level", "threads", "missing", NULL };
    if (!cJSON_IsObject(e))
        return json_error("\"estimation\"", "must be an object");
    int status = unknown_keys(e, known, "\"estimation\"");
    const cJSON *v;
    double whole;
    int choice;
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "scheme")) != NULL &&
        (status = json_choice(v, scheme_names, 3, &choice, "estimation.scheme")) == CXM_OK)
        o->scheme = (cxm_pls_scheme)choice;
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "missing")) != NULL &&
        (status = json_choice(v, missing_names, 2, &choice, "estimation.missing")) == CXM_OK)
        o->missing = (cxm_pls_missing)choice;
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "tolerance")) != NULL) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || !isfinite(v->valuedouble))
            status = json_error("estimation.tolerance", "must be a positive number");
        else
            o->tolerance = v->valuedouble;
    }
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "level")) != NULL) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble > 0 && v->valuedouble < 1))
            status = json_error("estimation.level", "must be a number in (0, 1)");
        else
            o->level = v->valuedouble;
    }
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "max_iterations")) != NULL &&
        (status = json_whole(v, 1e9, &whole, "estimation.max_iterations")) == CXM_OK)
        o->max_iterations = (size_t)whole;
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "bootstrap")) != NULL &&
        (status = json_whole(v, 1e9, &whole, "estimation.bootstrap")) == CXM_OK)
        o->bootstrap = (size_t)whole;
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "threads")) != NULL &&
        (status = json_whole(v, 1024, &whole, "estimation.threads")) == CXM_OK)
        o->threads = (size_t)whole;
    if (status == CXM_OK && (v = cJSON_GetObjectItemCaseSensitive(e, "seed")) != NULL &&
        (status = json_whole(v, 9007199254740992.0, &whole, "estimation.seed")) == CXM_OK)
        o->seed = (unsigned long long)whole;
    return status;
}

/* A JSON string or array of strings: call add(model, name, other) for each. */
static int json_names(const cJSON *value, const char *where, cxm_pls_model *m, const char *other,
                      int reversed)
{
    char place[96];
    if (cJSON_IsString(value))
        return reversed ? cxm_pls_model_add_path(m, other, value->valuestring)
                        : cxm_pls_model_add_path(m, value->valuestring, other);
    if (!cJSON_IsArray(value) || cJSON_GetArraySize(value) == 0)
        return json_error(where, "must be a construct name or a list of names");
    int k = 0;
    for (const cJSON *v = value->child; v; v = v->next, k++) {
        snprintf(place, sizeof place, "%s[%d]", where, k);
        if (!cJSON_IsString(v))
            return json_error(place, "must be a construct name");
        int status = reversed ? cxm_pls_model_add_path(m, other, v->valuestring)
                              : cxm_pls_model_add_path(m, v->valuestring, other);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

static int json_paths(cxm_pls_model *m, const cJSON *paths)
{
    char where[32];
    if (!cJSON_IsArray(paths))
        return json_error("\"paths\"", "must be a list");
    int k = 0;
    for (const cJSON *p = paths->child; p; p = p->next, k++) {
        snprintf(where, sizeof where, "paths[%d]", k);
        int status;
        if (cJSON_IsArray(p)) {
            const cJSON *from = cJSON_GetArrayItem(p, 0), *to = cJSON_GetArrayItem(p, 1);
            if (cJSON_GetArraySize(p) != 2 || !cJSON_IsString(from) || !cJSON_IsString(to))
                return json_error(where, "must be [from, to] or {\"from\": ..., \"to\": ...}");
            status = cxm_pls_model_add_path(m, from->valuestring, to->valuestring);
        } else if (cJSON_IsObject(p)) {
            static const char *const known[] = { "from", "to", NULL };
            const cJSON *from = cJSON_GetObjectItemCaseSensitive(p, "from");
            const cJSON *to = cJSON_GetObjectItemCaseSensitive(p, "to");
            status = unknown_keys(p, known, where);
            if (status != CXM_OK)
                return status;
            if (from == NULL || to == NULL)
                return json_error(where, "needs \"from\" and \"to\"");
            /* Expand the product of the two lists. */
            if (cJSON_IsString(from)) {
                char place[96];
                snprintf(place, sizeof place, "%s.to", where);
                status = json_names(to, place, m, from->valuestring, 1);
            } else if (cJSON_IsArray(from)) {
                status = CXM_OK;
                int i = 0;
                for (const cJSON *f = from->child; f && status == CXM_OK; f = f->next, i++) {
                    char place[96];
                    snprintf(place, sizeof place, "%s.from[%d]", where, i);
                    if (!cJSON_IsString(f))
                        return json_error(place, "must be a construct name");
                    snprintf(place, sizeof place, "%s.to", where);
                    status = json_names(to, place, m, f->valuestring, 1);
                }
                if (i == 0)
                    return json_error(where, "has an empty \"from\" list");
            } else {
                return json_error(where, "\"from\" must be a construct name or a list of names");
            }
        } else {
            return json_error(where, "must be [from, to] or {\"from\": ..., \"to\": ...}");
        }
        if (status != CXM_OK)
            return status == CXM_ENOMEM ? status : cxm__fail_prefix("model JSON: %s: ", where);
    }
    return CXM_OK;
}

static int json_constructs(cxm_pls_model *m, const cJSON *constructs, int has_scale, double low,
                           double high)
{
    static const char *const known[] = { "name", "items", "mode", "scale", "description", NULL };
    char where[64], place[96];
    if (!cJSON_IsArray(constructs) || cJSON_GetArraySize(constructs) == 0)
        return json_error("\"constructs\"", "must be a non-empty list");
    int k = 0;
    for (const cJSON *c = constructs->child; c; c = c->next, k++) {
        snprintf(where, sizeof where, "constructs[%d]", k);
        if (!cJSON_IsObject(c))
            return json_error(where, "must be an object");
        int status = unknown_keys(c, known, where);
        if (status != CXM_OK)
            return status;
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(c, "items");
        const cJSON *mode = cJSON_GetObjectItemCaseSensitive(c, "mode");
        const cJSON *scale = cJSON_GetObjectItemCaseSensitive(c, "scale");
        if (!cJSON_IsString(name) || name->valuestring[0] == '\0')
            return json_error(where, "needs a \"name\"");
        cxm_pls_mode m_mode = CXM_PLS_MODE_A;
        if (mode != NULL) {
            const char *s = cJSON_IsString(mode) ? mode->valuestring : "";
            if (strcmp(s, "A") == 0 || strcmp(s, "a") == 0 || strcmp(s, "reflective") == 0)
                m_mode = CXM_PLS_MODE_A;
            else if (strcmp(s, "B") == 0 || strcmp(s, "b") == 0 || strcmp(s, "formative") == 0)
                m_mode = CXM_PLS_MODE_B;
            else {
                snprintf(place, sizeof place, "%s.mode", where);
                return json_error(place, "must be \"A\" (reflective) or \"B\" (formative)");
            }
        }
        status = cxm_pls_model_add_construct(m, name->valuestring, m_mode);
        if (status != CXM_OK)
            return status == CXM_ENOMEM ? status : cxm__fail_prefix("model JSON: %s: ", where);
        if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0) {
            snprintf(place, sizeof place, "%s.items", where);
            return json_error(place, "must be a non-empty list of column names");
        }
        int i = 0;
        for (const cJSON *item = items->child; item; item = item->next, i++) {
            snprintf(place, sizeof place, "%s.items[%d]", where, i);
            if (!cJSON_IsString(item) || item->valuestring[0] == '\0')
                return json_error(place, "must be a column name");
            status = cxm_pls_model_add_item(m, name->valuestring, item->valuestring);
            if (status != CXM_OK)
                return status == CXM_ENOMEM ? status : cxm__fail_prefix("model JSON: %s: ", place);
        }
        double c_low = low, c_high = high;
        if (scale != NULL) {
            snprintf(place, sizeof place, "%s.scale", where);
            status = json_scale(scale, &c_low, &c_high, place);
            if (status != CXM_OK)
                return status;
        }
        if (scale != NULL || has_scale)
            status = cxm_pls_model_set_scale(m, name->valuestring, c_low, c_high);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

static int model_from_cjson(cxm_pls_model *m, const cJSON *root)
{
    static const char *const known[] = { "name", "description", "scale", "constructs", "paths",
                                         "target", "estimation", NULL };
    if (!cJSON_IsObject(root))
        return cxm__fail(CXM_EINVAL, "model JSON: the document must be an object");
    int status = unknown_keys(root, known, "the model");
    if (status != CXM_OK)
        return status;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(root, "scale");
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(root, "paths");
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(root, "target");
    const cJSON *estimation = cJSON_GetObjectItemCaseSensitive(root, "estimation");
    if (name != NULL) {
        if (!cJSON_IsString(name))
            return json_error("\"name\"", "must be a string");
        status = set_name(m, name->valuestring);
    }
    double low = NAN, high = NAN;
    if (status == CXM_OK && scale != NULL)
        status = json_scale(scale, &low, &high, "\"scale\"");
    if (status == CXM_OK)
        status = json_constructs(m, cJSON_GetObjectItemCaseSensitive(root, "constructs"),
                                 scale != NULL, low, high);
    if (status == CXM_OK) {
        if (paths == NULL)
            status = json_error("the model", "needs \"paths\"");
        else
            status = json_paths(m, paths);
    }
    if (status == CXM_OK && target != NULL) {
        if (!cJSON_IsString(target))
            status = json_error("\"target\"", "must be a construct name");
        else if ((status = cxm_pls_model_set_target(m, target->valuestring)) != CXM_OK &&
                 status != CXM_ENOMEM)
            cxm__fail_prefix("model JSON: \"target\": ");
    }
    if (status == CXM_OK && estimation != NULL)
        status = json_estimation(&m->options, estimation);
    return status;
}

int cxm_pls_model_from_json(cxm_pls_model **out, const char *json)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(json, "json");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cJSON *root;
    status = cxm__json_parse(&root, json, strlen(json), "model JSON");
    if (status != CXM_OK)
        return status;
    cxm_pls_model *m = NULL;
    status = cxm_pls_model_create(&m);
    if (status == CXM_OK)
        status = model_from_cjson(m, root);
    cJSON_Delete(root);
    if (status != CXM_OK) {
        if (status == CXM_ENOTFOUND)
            status = CXM_EINVAL; /* a name the model itself refers to */
        cxm_pls_model_free(m);
        return status;
    }
    *out = m;
    return CXM_OK;
}

/* ------------------------------------------------------------------ JSON out */

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

cJSON *cxm__pls_model_cjson(const cxm_pls_model *model)
{
    cJSON *root = cJSON_CreateObject(), *constructs, *paths, *est;
    if (root == NULL)
        return NULL;
    int ok = 1;
    if (model->name)
        ok &= cJSON_AddStringToObject(root, "name", model->name) != NULL;
    ok &= (constructs = cJSON_AddArrayToObject(root, "constructs")) != NULL;
    for (size_t j = 0; ok && j < model->n_constructs; j++) {
        const pls_construct *c = &model->constructs[j];
        cJSON *o = cJSON_CreateObject(), *items;
        ok &= o != NULL && cJSON_AddItemToArray(constructs, o);
        if (!ok) {
            cJSON_Delete(o);
            break;
        }
        ok &= cJSON_AddStringToObject(o, "name", c->name) != NULL;
        ok &= cJSON_AddStringToObject(o, "mode", c->mode == CXM_PLS_MODE_B ? "B" : "A") != NULL;
        ok &= (items = cJSON_AddArrayToObject(o, "items")) != NULL;
        for (size_t k = 0; ok && k < c->n_items; k++) {
            cJSON *s = cJSON_CreateString(model->items[c->items[k]]);
            ok &= s != NULL && cJSON_AddItemToArray(items, s);
        }
        if (ok && !isnan(c->scale_min)) {
            const double scale[2] = { c->scale_min, c->scale_max };
            cJSON *a = cJSON_CreateDoubleArray(scale, 2);
            ok &= a != NULL && cJSON_AddItemToObject(o, "scale", a);
        }
    }
    ok &= (paths = cJSON_AddArrayToObject(root, "paths")) != NULL;
    for (size_t k = 0; ok && k < model->n_paths; k++) {
        const char *pair[2] = { model->constructs[model->path_from[k]].name,
                                model->constructs[model->path_to[k]].name };
        cJSON *a = cJSON_CreateStringArray(pair, 2);
        ok &= a != NULL && cJSON_AddItemToArray(paths, a);
    }
    if (ok && model->target)
        ok &= cJSON_AddStringToObject(root, "target", model->target) != NULL;
    ok &= (est = cJSON_AddObjectToObject(root, "estimation")) != NULL;
    if (ok) {
        const cxm_pls_options *o = &model->options;
        ok &= cJSON_AddStringToObject(est, "scheme", scheme_names[o->scheme]) != NULL;
        ok &= cJSON_AddNumberToObject(est, "tolerance", o->tolerance) != NULL;
        ok &= cJSON_AddNumberToObject(est, "max_iterations", (double)o->max_iterations) != NULL;
        ok &= cJSON_AddNumberToObject(est, "bootstrap", (double)o->bootstrap) != NULL;
        ok &= cJSON_AddNumberToObject(est, "seed", (double)o->seed) != NULL;
        ok &= cJSON_AddNumberToObject(est, "level", o->level) != NULL;
        ok &= cJSON_AddNumberToObject(est, "threads", (double)o->threads) != NULL;
        ok &= cJSON_AddStringToObject(est, "missing", missing_names[o->missing]) != NULL;
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int cxm_pls_model_to_json(char **out, const cxm_pls_model *model)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status != CXM_OK)
        return status;
    cJSON *root = cxm__pls_model_cjson(model);
    if (root == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory while writing JSON");
    char *printed = cJSON_Print(root);
    cJSON_Delete(root);
    return cxm__json_take(out, printed);
}

/* ------------------------------------------------------------------ presets */

static const char *const preset_acsi =
    "{\"name\": \"ACSI\", \"scale\": [1, 10], \"target\": \"Satisfaction\", \"constructs\": ["
    "{\"name\": \"Expectations\", \"items\": [\"CUEX1\", \"CUEX2\", \"CUEX3\"]},"
    "{\"name\": \"Quality\", \"items\": [\"PERQ1\", \"PERQ2\", \"PERQ3\"]},"
    "{\"name\": \"Value\", \"items\": [\"PERV1\", \"PERV2\"]},"
    "{\"name\": \"Satisfaction\", \"items\": [\"CUSA1\", \"CUSA2\", \"CUSA3\"]},"
    "{\"name\": \"Complaints\", \"items\": [\"CUSCO\"]},"
    "{\"name\": \"Loyalty\", \"items\": [\"CUSL1\", \"CUSL2\"]}],"
    "\"paths\": ["
    "{\"from\": \"Expectations\", \"to\": [\"Quality\", \"Value\", \"Satisfaction\"]},"
    "{\"from\": \"Quality\", \"to\": [\"Value\", \"Satisfaction\"]},"
    "{\"from\": \"Value\", \"to\": \"Satisfaction\"},"
    "{\"from\": \"Satisfaction\", \"to\": [\"Complaints\", \"Loyalty\"]},"
    "{\"from\": \"Complaints\", \"to\": \"Loyalty\"}]}";

static const char *const preset_ecsi =
    "{\"name\": \"ECSI\", \"scale\": [1, 10], \"target\": \"Satisfaction\", \"constructs\": ["
    "{\"name\": \"Image\", \"items\": [\"IMAG1\", \"IMAG2\", \"IMAG3\", \"IMAG4\", \"IMAG5\"]},"
    "{\"name\": \"Expectation\", \"items\": [\"CUEX1\", \"CUEX2\", \"CUEX3\"]},"
    "{\"name\": \"Quality\", \"items\": [\"PERQ1\", \"PERQ2\", \"PERQ3\", \"PERQ4\", \"PERQ5\", "
    "\"PERQ6\", \"PERQ7\"]},"
    "{\"name\": \"Value\", \"items\": [\"PERV1\", \"PERV2\"]},"
    "{\"name\": \"Satisfaction\", \"items\": [\"CUSA1\", \"CUSA2\", \"CUSA3\"]},"
    "{\"name\": \"Complaints\", \"items\": [\"CUSCO\"]},"
    "{\"name\": \"Loyalty\", \"items\": [\"CUSL1\", \"CUSL2\", \"CUSL3\"]}],"
    "\"paths\": ["
    "{\"from\": \"Image\", \"to\": [\"Expectation\", \"Satisfaction\", \"Loyalty\"]},"
    "{\"from\": \"Expectation\", \"to\": [\"Quality\", \"Value\", \"Satisfaction\"]},"
    "{\"from\": \"Quality\", \"to\": [\"Value\", \"Satisfaction\"]},"
    "{\"from\": \"Value\", \"to\": \"Satisfaction\"},"
    "{\"from\": \"Satisfaction\", \"to\": [\"Complaints\", \"Loyalty\"]},"
    "{\"from\": \"Complaints\", \"to\": \"Loyalty\"}]}";

static const char *const preset_chain =
    "{\"name\": \"libcxm chain\", \"scale\": [1, 10], \"target\": \"Satisfaction\", "
    "\"constructs\": ["
    "{\"name\": \"Expectations\", \"items\": [\"EXPE1\", \"EXPE2\", \"EXPE3\"]},"
    "{\"name\": \"Perceptions\", \"items\": [\"PERC1\", \"PERC2\", \"PERC3\", \"PERC4\"]},"
    "{\"name\": \"Emotion\", \"items\": [\"EMOT1\", \"EMOT2\", \"EMOT3\"]},"
    "{\"name\": \"Satisfaction\", \"items\": [\"SATI1\", \"SATI2\", \"SATI3\"]},"
    "{\"name\": \"Promote\", \"items\": [\"PROM1\", \"PROM2\"]},"
    "{\"name\": \"Complain\", \"items\": [\"COMP1\"]},"
    "{\"name\": \"Stay\", \"items\": [\"STAY1\", \"STAY2\"]}],"
    "\"paths\": ["
    "{\"from\": \"Expectations\", \"to\": [\"Perceptions\", \"Satisfaction\"]},"
    "{\"from\": \"Perceptions\", \"to\": [\"Emotion\", \"Satisfaction\"]},"
    "{\"from\": \"Emotion\", \"to\": [\"Satisfaction\", \"Promote\"]},"
    "{\"from\": \"Satisfaction\", \"to\": [\"Promote\", \"Complain\", \"Stay\"]},"
    "{\"from\": \"Complain\", \"to\": \"Stay\"}]}";

int cxm_pls_model_preset(cxm_pls_model **out, const char *name)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(name, "name");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    const char *json = strcmp(name, "acsi") == 0    ? preset_acsi
                       : strcmp(name, "ecsi") == 0  ? preset_ecsi
                       : strcmp(name, "chain") == 0 ? preset_chain
                                                    : NULL;
    if (json == NULL)
        return cxm__fail(CXM_ENOTFOUND, "no preset model '%s' (there are acsi, ecsi and chain)",
                         name);
    return cxm_pls_model_from_json(out, json);
}

int cxm__pls_model_copy(cxm_pls_model **out, const cxm_pls_model *model)
{
    cxm_pls_model *m = NULL;
    int status = cxm_pls_model_create(&m);
    if (status == CXM_OK && model->name)
        status = set_name(m, model->name);
    /* Items first, so that they keep their order (data columns follow it). */
    if (status == CXM_OK)
        status = grow((void **)&m->items, &m->cap_items, model->n_items + 1, sizeof *m->items);
    for (size_t i = 0; status == CXM_OK && i < model->n_items; i++) {
        m->items[i] = cxm__strdup(model->items[i]);
        if (m->items[i] == NULL)
            status = CXM_ENOMEM;
        else
            m->n_items++;
    }
    for (size_t j = 0; status == CXM_OK && j < model->n_constructs; j++) {
        const pls_construct *c = &model->constructs[j];
        status = cxm_pls_model_add_construct(m, c->name, c->mode);
        for (size_t k = 0; status == CXM_OK && k < c->n_items; k++)
            status = cxm_pls_model_add_item(m, c->name, model->items[c->items[k]]);
        if (status == CXM_OK) {
            m->constructs[j].scale_min = c->scale_min;
            m->constructs[j].scale_max = c->scale_max;
        }
    }
    for (size_t k = 0; status == CXM_OK && k < model->n_paths; k++)
        status = cxm_pls_model_add_path(m, model->constructs[model->path_from[k]].name,
                                        model->constructs[model->path_to[k]].name);
    if (status == CXM_OK && model->target)
        status = cxm_pls_model_set_target(m, model->target);
    if (status != CXM_OK) {
        cxm_pls_model_free(m);
        return status;
    }
    m->options = model->options;
    *out = m;
    return CXM_OK;
}
