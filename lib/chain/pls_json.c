/* PLS as JSON (cJSON): models in and out (cxm_pls_model_from_json,
 * cxm_pls_model_to_json, the "model" member of a result), and results out
 * (cxm_pls_result_to_json). cJSON's own allocations use the C library
 * allocator; everything handed to the caller comes from cxm__malloc. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain/pls.h"
#include "chain/pls_quality.h"
#include "core/internal.h"
#include "core/json.h"

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

/* An optional true/false key of e into *dst (1 or 0). */
static int json_flag(int *dst, const cJSON *e, const char *key, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    if (v == NULL)
        return CXM_OK;
    if (!cJSON_IsBool(v))
        return json_error(where, "must be true or false");
    *dst = cJSON_IsTrue(v);
    return CXM_OK;
}

static int json_estimation(cxm_pls_options *o, const cJSON *e)
{
    static const char *const known[] = { "scheme", "tolerance", "max_iterations", "bootstrap",
                                         "seed", "level", "threads", "missing", "bca",
                                         "consistent", NULL };
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
    if (status == CXM_OK)
        status = json_flag(&o->bca, e, "bca", "estimation.bca");
    if (status == CXM_OK)
        status = json_flag(&o->consistent, e, "consistent", "estimation.consistent");
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
        status = cxm__pls_model_set_name(m, name->valuestring);
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
        if (o->bca)
            ok &= cJSON_AddBoolToObject(est, "bca", 1) != NULL;
        ok &= cJSON_AddBoolToObject(est, "consistent", o->consistent) != NULL;
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

/* ------------------------------------------------------------------ results out */

static int add_number(cJSON *object, const char *key, double value)
{
    cJSON *item = isfinite(value) ? cJSON_CreateNumber(value) : cJSON_CreateNull();
    return item != NULL && cJSON_AddItemToObject(object, key, item);
}

/* Estimate and, with resamples, bootstrap statistics of one value. */
static int add_estimate(cJSON *object, const cxm_pls_result *r, cxm_pls_quantity q, size_t k,
                        const char *key)
{
    size_t at, size, total = r->layout.total, stride = r->stride;
    cxm__pls_quantity_span(r, (int)q, &at, &size);
    at += k;
    int ok = add_number(object, key, at < total ? r->estimate[at] : r->extra[at - total]);
    if (r->info.resamples > 0) {
        ok &= add_number(object, "std_error", r->boot[CXM_PLS_BOOT_STD_ERROR * stride + at]);
        ok &= add_number(object, "lower", r->boot[CXM_PLS_BOOT_LOWER * stride + at]);
        ok &= add_number(object, "upper", r->boot[CXM_PLS_BOOT_UPPER * stride + at]);
        ok &= add_number(object, "t_value", r->boot[CXM_PLS_BOOT_T_VALUE * stride + at]);
        ok &= add_number(object, "p_value", r->boot[CXM_PLS_BOOT_P_VALUE * stride + at]);
    }
    if (r->info.resamples > 0 && r->bca) {
        ok &= add_number(object, "bca_lower", r->boot[CXM_PLS_BOOT_BCA_LOWER * stride + at]);
        ok &= add_number(object, "bca_upper", r->boot[CXM_PLS_BOOT_BCA_UPPER * stride + at]);
    }
    return ok;
}

/* A new object appended to array arr; NULL when out of memory. */
static cJSON *append_object(cJSON *arr)
{
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        o = NULL;
    }
    return o;
}

static int add_estimation(cJSON *root, const cxm_pls_result *r)
{
    static const char *const schemes[] = { "path", "centroid", "factorial" };
    cJSON *info = cJSON_AddObjectToObject(root, "estimation");
    int ok = info != NULL;
    if (ok) {
        ok &= add_number(info, "rows", (double)r->info.rows);
        ok &= add_number(info, "rows_dropped", (double)r->info.rows_dropped);
        ok &= add_number(info, "iterations", (double)r->info.iterations);
        ok &= cJSON_AddStringToObject(info, "scheme", schemes[r->info.scheme]) != NULL;
        ok &= add_number(info, "resamples", (double)r->info.resamples);
        ok &= add_number(info, "resamples_failed", (double)r->info.resamples_failed);
        ok &= add_number(info, "level", r->info.level);
        ok &= cJSON_AddBoolToObject(info, "bca", r->bca) != NULL;
        if (r->bca)
            ok &= add_number(info, "jackknife_failed", (double)r->jackknife_failed);
        ok &= cJSON_AddBoolToObject(info, "consistent", r->plan.consistent) != NULL;
    }
    return ok;
}

static int add_constructs(cJSON *root, const cxm_pls_result *r)
{
    const cxm_pls_model *m = r->model;
    cJSON *arr = cJSON_AddArrayToObject(root, "constructs");
    int ok = arr != NULL;
    for (size_t j = 0; ok && j < r->plan.c; j++) {
        cJSON *o = append_object(arr), *sub;
        ok = o != NULL;
        ok &= ok && cJSON_AddStringToObject(o, "name", m->constructs[j].name) != NULL;
        if (ok && !isnan(r->estimate[r->layout.offset[CXM_PLS_R_SQUARED] + j]))
            ok &= (sub = cJSON_AddObjectToObject(o, "r_squared")) != NULL &&
                  add_estimate(sub, r, CXM_PLS_R_SQUARED, j, "estimate");
        ok &= ok && (sub = cJSON_AddObjectToObject(o, "index")) != NULL &&
              add_estimate(sub, r, CXM_PLS_INDICES, j, "estimate");
    }
    return ok;
}

static int add_indicators(cJSON *root, const cxm_pls_result *r)
{
    const cxm_pls_model *m = r->model;
    cJSON *arr = cJSON_AddArrayToObject(root, "indicators");
    int ok = arr != NULL;
    for (size_t h = 0; ok && h < r->plan.q; h++) {
        cJSON *o = append_object(arr), *sub;
        ok = o != NULL;
        if (!ok)
            break;
        ok &= cJSON_AddStringToObject(o, "construct", m->constructs[r->plan.construct[h]].name) != NULL;
        ok &= cJSON_AddStringToObject(o, "item", m->items[r->plan.item[h]]) != NULL;
        ok &= (sub = cJSON_AddObjectToObject(o, "weight")) != NULL &&
              add_estimate(sub, r, CXM_PLS_WEIGHTS, h, "estimate");
        ok &= add_number(o, "unstandardized_weight",
                         r->estimate[r->layout.offset[CXM_PLS_WEIGHTS_UNSTANDARDIZED] + h]);
        ok &= add_number(o, "index_weight", r->estimate[r->layout.offset[CXM_PLS_INDEX_WEIGHTS] + h]);
        ok &= (sub = cJSON_AddObjectToObject(o, "loading")) != NULL &&
              add_estimate(sub, r, CXM_PLS_LOADINGS, h, "estimate");
        ok &= add_number(o, "mean", r->estimate[r->layout.offset[CXM_PLS_INDICATOR_MEANS] + h]);
        ok &= add_number(o, "std_dev", r->estimate[r->layout.offset[CXM_PLS_INDICATOR_STD_DEVS] + h]);
    }
    return ok;
}

/* The specific indirect effects, one per route through the inner model. */
static int add_indirect(cJSON *root, const cxm_pls_result *r)
{
    const cxm_pls_model *m = r->model;
    const pls_routes *routes = &r->routes;
    cJSON *arr = cJSON_AddArrayToObject(root, "indirect_effects");
    int ok = arr != NULL;
    for (size_t k = 0; ok && k < routes->count; k++) {
        cJSON *o = append_object(arr), *path = NULL;
        ok = o != NULL && (path = cJSON_AddArrayToObject(o, "path")) != NULL;
        for (size_t u = routes->start[k]; ok && u < routes->start[k + 1]; u++) {
            cJSON *name = cJSON_CreateString(m->constructs[routes->node[u]].name);
            ok = name != NULL && cJSON_AddItemToArray(path, name);
        }
        ok &= ok && add_estimate(o, r, CXM_PLS_SPECIFIC_INDIRECT_EFFECTS, k, "estimate");
    }
    return ok;
}

/* The paths, then the nonzero total effects (with their indirect part). */
static int add_effects(cJSON *root, const cxm_pls_result *r)
{
    const cxm_pls_model *m = r->model;
    size_t c = r->plan.c;
    cJSON *arr = cJSON_AddArrayToObject(root, "paths");
    int ok = arr != NULL;
    for (size_t k = 0; ok && k < m->n_paths; k++) {
        size_t from = m->path_from[k], to = m->path_to[k];
        cJSON *o = append_object(arr);
        ok = o != NULL;
        ok &= ok && cJSON_AddStringToObject(o, "from", m->constructs[from].name) != NULL;
        ok &= ok && cJSON_AddStringToObject(o, "to", m->constructs[to].name) != NULL;
        ok &= ok && add_estimate(o, r, CXM_PLS_PATHS, from * c + to, "estimate");
    }
    ok &= (arr = cJSON_AddArrayToObject(root, "total_effects")) != NULL;
    const double *total = r->estimate + r->layout.offset[CXM_PLS_TOTAL_EFFECTS];
    const double *total_index = r->estimate + r->layout.offset[CXM_PLS_TOTAL_EFFECTS_INDEX];
    for (size_t i = 0; ok && i < c; i++)
        for (size_t j = 0; ok && j < c; j++) {
            if (total[i * c + j] == 0)
                continue;
            cJSON *o = append_object(arr);
            ok = o != NULL;
            ok &= ok && cJSON_AddStringToObject(o, "from", m->constructs[i].name) != NULL;
            ok &= ok && cJSON_AddStringToObject(o, "to", m->constructs[j].name) != NULL;
            ok &= ok && add_estimate(o, r, CXM_PLS_TOTAL_EFFECTS, i * c + j, "estimate");
            ok &= ok && add_number(o, "index_points", total_index[i * c + j]);
            cJSON *indirect = NULL;
            if (r->extra[i * c + j] != 0) /* the part through other constructs */
                ok &= ok && (indirect = cJSON_AddObjectToObject(o, "indirect")) != NULL &&
                      add_estimate(indirect, r, CXM_PLS_INDIRECT_EFFECTS, i * c + j, "estimate");
        }
    return ok && add_indirect(root, r);
}

/* With resamples, quality.htmt_intervals: each pair of constructs' HTMT with
 * its bootstrap statistics. */
static int add_htmt_intervals(cJSON *root, const cxm_pls_result *r)
{
    if (r->info.resamples == 0)
        return 1;
    const cxm_pls_model *m = r->model;
    size_t c = m->n_constructs;
    cJSON *quality = cJSON_GetObjectItemCaseSensitive(root, "quality");
    cJSON *arr = quality != NULL ? cJSON_AddArrayToObject(quality, "htmt_intervals") : NULL;
    int ok = arr != NULL;
    for (size_t i = 0; ok && i < c; i++)
        for (size_t j = i + 1; ok && j < c; j++) {
            cJSON *o = append_object(arr);
            ok = o != NULL && cJSON_AddStringToObject(o, "from", m->constructs[i].name) != NULL &&
                 cJSON_AddStringToObject(o, "to", m->constructs[j].name) != NULL &&
                 add_estimate(o, r, CXM_PLS_HETEROTRAIT_MONOTRAIT, i * c + j, "estimate");
        }
    return ok;
}

/* Drivers of the target ranked by importance (index-scale total effect),
 * in quadrants split at the mean importance and performance (Martilla &
 * James 1977). */
static int add_importance_performance(cJSON *root, const cxm_pls_result *r, size_t target)
{
    const cxm_pls_model *m = r->model;
    size_t c = r->plan.c;
    const double *total = r->estimate + r->layout.offset[CXM_PLS_TOTAL_EFFECTS];
    const double *total_index = r->estimate + r->layout.offset[CXM_PLS_TOTAL_EFFECTS_INDEX];
    const double *indices = r->estimate + r->layout.offset[CXM_PLS_INDICES];
    cJSON *ipma = cJSON_AddObjectToObject(root, "importance_performance"), *arr = NULL;
    int ok = ipma != NULL && cJSON_AddStringToObject(ipma, "target", m->target) != NULL;
    ok &= ipma != NULL && (arr = cJSON_AddArrayToObject(ipma, "drivers")) != NULL;
    unsigned char *used = ok ? cxm__calloc(c, 1) : NULL;
    ok &= used != NULL;
    double mean_i = 0, mean_p = 0, drivers = 0;
    for (size_t j = 0; ok && j < c; j++)
        if (j != target && total[j * c + target] != 0) {
            mean_i += total_index[j * c + target];
            mean_p += indices[j];
            drivers += 1;
        }
    mean_i /= drivers > 0 ? drivers : 1;
    mean_p /= drivers > 0 ? drivers : 1;
    for (;;) {
        size_t best = c;
        for (size_t j = 0; ok && j < c; j++)
            if (!used[j] && j != target && total[j * c + target] != 0 &&
                (best == c || total_index[j * c + target] > total_index[best * c + target]))
                best = j;
        if (!ok || best == c)
            break;
        used[best] = 1;
        cJSON *o = append_object(arr);
        if (!(ok = o != NULL))
            break;
        double importance = total_index[best * c + target], performance = indices[best];
        const char *quadrant = importance > mean_i
                                   ? (performance > mean_p ? "keep up the good work"
                                                           : "concentrate here")
                                   : (performance > mean_p ? "possible overkill"
                                                           : "low priority");
        ok &= cJSON_AddStringToObject(o, "construct", m->constructs[best].name) != NULL;
        ok &= add_number(o, "importance", importance);
        ok &= add_number(o, "total_effect", total[best * c + target]);
        ok &= add_number(o, "performance", performance);
        ok &= cJSON_AddStringToObject(o, "quadrant", quadrant) != NULL;
    }
    cxm__free(used);
    return ok;
}

int cxm_pls_result_to_json(char **out, const cxm_pls_result *result)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(result, "result");
    if (status != CXM_OK)
        return status;
    cJSON *root = cJSON_CreateObject();
    int ok = root != NULL;
    cJSON *model = ok ? cxm__pls_model_cjson(result->model) : NULL;
    ok &= model != NULL && cJSON_AddItemToObject(root, "model", model);
    if (!ok)
        cJSON_Delete(model);
    ok = ok && add_estimation(root, result) && add_constructs(root, result) &&
         add_indicators(root, result) && add_effects(root, result) &&
         cxm__pls_quality_json(root, result) && add_htmt_intervals(root, result);
    size_t target;
    if (ok && result->model->target && cxm_pls_model_target(&target, result->model) == CXM_OK)
        ok = add_importance_performance(root, result, target);
    if (!ok) {
        cJSON_Delete(root);
        return cxm__fail(CXM_ENOMEM, "out of memory while writing JSON");
    }
    char *printed = cJSON_Print(root);
    cJSON_Delete(root);
    return cxm__json_take(out, printed);
}
