/* Models as JSON (cJSON):
 *
 *   { "format": "libcxm-model", "format_version": 1, "library_version": "0.1.0",
 *     "kind": "bgnbd", "state": "fitted",
 *     "parameters": { "r": 0.2426, "alpha": 4.414, "a": 0.7929, "b": 2.426 },
 *     "fit": { "log_likelihood": -9582.43, "observations": 2357, "rows": 2357,
 *              "penalty": 0, "aic": ..., "bic": ..., "standard_errors": { ... },
 *              "covariance": [[...], ...], "iterations": 7, "evaluations": 9,
 *              "gradient_norm": 1e-12, "reason": "converged", "message": "..." } }
 *
 * A model with static covariates adds "covariates": { "purchase": ["gender"],
 * "dropout": ["channel"] }, and its effects are parameters named
 * "purchase.gender", "dropout.channel" after the kind's own.
 *
 * Numbers are written so that they read back to the same doubles. cJSON's
 * own allocations use the C library allocator (its hooks are process-wide);
 * everything handed to the caller comes from cxm__malloc. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clv/model_engine.h"
#include "core/file.h"
#include "core/internal.h"
#include "core/json.h"

#define FORMAT_NAME "libcxm-model"
#define FORMAT_VERSION 1

static const char *state_name(int state)
{
    return state == CXM_MODEL_FITTED ? "fitted" : state == CXM_MODEL_GIVEN ? "given" : "empty";
}

/* A number as the shortest text that reads back to the same double (cJSON's
 * own printer accepts 15 digits when they are merely close). JSON has no
 * infinities or NaN: those become null. */
static cJSON *exact_number(double value)
{
    char text[40];
    if (!isfinite(value))
        return cJSON_CreateNull();
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, value);
        if (strtod(text, NULL) == value)
            break;
    }
    return cJSON_CreateRaw(text);
}

static int add_number(cJSON *object, const char *name, double value)
{
    cJSON *item = exact_number(value);
    if (item == NULL)
        return 0;
    cJSON_AddItemToObject(object, name, item);
    return 1;
}

/* "covariates": {"purchase": [names], "dropout": [names][, "shared": [names]]}:
 * the effects' parameters are "<set>.<name>" (a shared one "shared.<name>")
 * after the kind's own. */
static int add_covariates(cJSON *root, const cxm_model *model)
{
    size_t count[2];
    if (cxm_model_covariate_count(&count[0], &count[1], model) != CXM_OK)
        return 0;
    if (count[0] + count[1] == 0)
        return 1;
    cJSON *cov = cJSON_AddObjectToObject(root, "covariates");
    cJSON *shared = cov ? cJSON_CreateArray() : NULL;
    int ok = shared != NULL;
    for (int set = 0; ok && set < 2; set++) {
        cJSON *names = cJSON_AddArrayToObject(cov, set == 0 ? "purchase" : "dropout");
        ok = names != NULL;
        for (size_t i = 0; ok && i < count[set]; i++) {
            int is_shared;
            const char *text = cxm__covariate(model, set, i, &is_shared);
            cJSON *name = cJSON_CreateString(text), *again = is_shared ? cJSON_CreateString(text) : NULL;
            ok = name != NULL && (!is_shared || again != NULL);
            if (name)
                cJSON_AddItemToArray(names, name);
            if (again)
                cJSON_AddItemToArray(shared, again);
        }
    }
    if (shared && cJSON_GetArraySize(shared) > 0)
        cJSON_AddItemToObject(cov, "shared", shared);
    else
        cJSON_Delete(shared);
    return ok;
}

/* The names of one set of covariates: an array of strings (absent: none). */
static int covariate_names(const cJSON *cov, const char *set, const char **names, size_t *n)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(cov, set);
    *n = 0;
    if (list == NULL)
        return CXM_OK;
    if (!cJSON_IsArray(list))
        return cxm__fail(CXM_EPARSE, "model JSON: 'covariates'.'%s' must be an array of names", set);
    for (const cJSON *item = list->child; item; item = item->next) {
        if (!cJSON_IsString(item))
            return cxm__fail(CXM_EPARSE, "model JSON: 'covariates'.'%s'[%zu] is not a name", set,
                             *n);
        if (*n == CXM__MAX_PARAMS)
            return cxm__fail(CXM_EPARSE, "model JSON: 'covariates'.'%s' has more than %d names",
                             set, CXM__MAX_PARAMS);
        names[(*n)++] = item->valuestring;
    }
    return CXM_OK;
}

/* A model file's covariates, set on the new model before its parameters. */
static int read_covariates(cxm_model *model, const cJSON *root)
{
    const cJSON *cov = cJSON_GetObjectItemCaseSensitive(root, "covariates");
    if (cov == NULL)
        return CXM_OK;
    if (!cJSON_IsObject(cov))
        return cxm__fail(CXM_EPARSE, "model JSON: 'covariates' must be an object");
    const char *purchase[CXM__MAX_PARAMS], *dropout[CXM__MAX_PARAMS], *shared[CXM__MAX_PARAMS];
    size_t kp, kd, ks;
    int status = covariate_names(cov, "purchase", purchase, &kp);
    if (status == CXM_OK)
        status = covariate_names(cov, "dropout", dropout, &kd);
    if (status == CXM_OK)
        status = covariate_names(cov, "shared", shared, &ks);
    if (status == CXM_OK)
        status = cxm_model_set_covariates(model, kp, purchase, kd, dropout);
    if (status == CXM_OK && ks > 0)
        status = cxm_model_share_covariates(model, ks, shared);
    return status == CXM_OK ? status : cxm__fail_prefix_status(CXM_EPARSE, "model JSON: ");
}

static cJSON *build(const cxm_model *model)
{
    const cxm__kind *kind = model->kind;
    size_t p = kind->nparams;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    int ok = cJSON_AddStringToObject(root, "format", FORMAT_NAME) != NULL &&
             cJSON_AddNumberToObject(root, "format_version", FORMAT_VERSION) != NULL &&
             cJSON_AddStringToObject(root, "library_version", cxm_version_string()) != NULL &&
             cJSON_AddStringToObject(root, "kind", kind->name) != NULL &&
             cJSON_AddStringToObject(root, "state", state_name(model->state)) != NULL;
    ok = ok && add_covariates(root, model);
    cJSON *params = ok ? cJSON_AddObjectToObject(root, "parameters") : NULL;
    ok = ok && params != NULL;
    for (size_t i = 0; ok && i < p && model->state != CXM_MODEL_EMPTY; i++)
        ok = add_number(params, kind->param_names[i], model->params[i]);
    if (ok && model->state == CXM_MODEL_FITTED) {
        cJSON *fit = cJSON_AddObjectToObject(root, "fit");
        ok = fit != NULL;
        double aic = 0.0, bic = 0.0;
        ok = ok && cxm_model_aic(&aic, model) == CXM_OK && cxm_model_bic(&bic, model) == CXM_OK;
        ok = ok && add_number(fit, "log_likelihood", model->log_likelihood) &&
             add_number(fit, "observations", model->fitted.observations) &&
             add_number(fit, "rows", model->fitted.rows) &&
             add_number(fit, "penalty", model->penalty) &&
             (model->effect_penalty[0] == 0.0 ||
              add_number(fit, "purchase_penalty", model->effect_penalty[0])) &&
             (model->effect_penalty[1] == 0.0 ||
              add_number(fit, "dropout_penalty", model->effect_penalty[1])) &&
             add_number(fit, "aic", aic) &&
             add_number(fit, "bic", bic);
        cJSON *se = ok ? cJSON_AddObjectToObject(fit, "standard_errors") : NULL;
        ok = ok && se != NULL;
        for (size_t i = 0; ok && i < p; i++)
            ok = add_number(se, kind->param_names[i], sqrt(model->covariance[i * p + i]));
        cJSON *cov = ok ? cJSON_AddArrayToObject(fit, "covariance") : NULL;
        ok = ok && cov != NULL;
        for (size_t i = 0; ok && i < p; i++) {
            cJSON *row = cJSON_CreateArray();
            ok = row != NULL;
            if (ok)
                cJSON_AddItemToArray(cov, row);
            for (size_t j = 0; ok && j < p; j++) {
                cJSON *item = exact_number(model->covariance[i * p + j]);
                ok = item != NULL;
                if (ok)
                    cJSON_AddItemToArray(row, item);
            }
        }
        ok = ok && add_number(fit, "iterations", model->fitted.iterations) &&
             add_number(fit, "evaluations", model->fitted.evaluations) &&
             add_number(fit, "gradient_norm", model->fitted.gradient_norm) &&
             cJSON_AddStringToObject(fit, "reason", cxm__fit_reason_name(model->fitted.reason)) !=
                 NULL &&
             cJSON_AddStringToObject(fit, "message", model->fitted_message) != NULL;
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int cxm_model_to_json(char **out, const cxm_model *model)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cJSON *root = build(model);
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory writing the model as JSON");
    size_t length = strlen(text);
    char *copy = cxm__malloc(length + 2);
    if (copy != NULL) {
        memcpy(copy, text, length);
        copy[length] = '\n';
        copy[length + 1] = '\0';
    }
    cJSON_free(text);
    if (copy == NULL)
        return CXM_ENOMEM;
    *out = copy;
    return CXM_OK;
}

/* ------------------------------------------------------------------ reading */

static int number_field(const cJSON *object, const char *name, const char *where, double *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
        return cxm__fail(CXM_EPARSE, "model JSON: %s lacks the number '%s'", where, name);
    *out = item->valuedouble;
    return CXM_OK;
}

/* A key that may be absent (then *out keeps its default), but when present
 * is a number. */
static int optional_number(const cJSON *object, const char *name, const char *where, double *out)
{
    if (cJSON_GetObjectItemCaseSensitive(object, name) == NULL)
        return CXM_OK;
    return number_field(object, name, where, out);
}

/* Iterations and evaluations are counted in unsigned integers. */
static int count_field(const cJSON *fit, const char *name, unsigned *out)
{
    double value = 0.0;
    int status = optional_number(fit, name, "'fit'", &value);
    if (status != CXM_OK)
        return status;
    if (!(value >= 0.0 && value <= UINT_MAX) || value != floor(value))
        return cxm__fail(CXM_EPARSE, "model JSON: 'fit': %s %g must be a whole number >= 0", name,
                         value);
    *out = (unsigned)value;
    return CXM_OK;
}

/* The "fit" object: the report, the penalty and the covariance. */
static int parse_fit(cxm_model *model, const cJSON *fit)
{
    const cxm__kind *kind = model->kind;
    size_t p = kind->nparams;
    cxm_fit_report report = CXM_FIT_REPORT_INIT;
    double penalty = 0.0, effect_penalty[2] = { 0.0, 0.0 };
    report.reason = CXM_FIT_CONVERGED;
    int status = number_field(fit, "log_likelihood", "'fit'", &report.log_likelihood);
    if (status == CXM_OK)
        status = number_field(fit, "observations", "'fit'", &report.observations);
    if (status == CXM_OK)
        status = number_field(fit, "rows", "'fit'", &report.rows);
    if (status == CXM_OK)
        status = optional_number(fit, "penalty", "'fit'", &penalty);
    if (status == CXM_OK)
        status = optional_number(fit, "purchase_penalty", "'fit'", &effect_penalty[0]);
    if (status == CXM_OK)
        status = optional_number(fit, "dropout_penalty", "'fit'", &effect_penalty[1]);
    if (status == CXM_OK)
        status = optional_number(fit, "gradient_norm", "'fit'", &report.gradient_norm);
    if (status == CXM_OK)
        status = count_field(fit, "iterations", &report.iterations);
    if (status == CXM_OK)
        status = count_field(fit, "evaluations", &report.evaluations);
    if (status != CXM_OK)
        return status;
    if (cxm__check_fit_numbers(&report) != CXM_OK ||
        cxm__check_nonnegative(penalty, "penalty") != CXM_OK ||
        cxm__check_nonnegative(effect_penalty[0], "purchase_penalty") != CXM_OK ||
        cxm__check_nonnegative(effect_penalty[1], "dropout_penalty") != CXM_OK)
        return cxm__fail_prefix_status(CXM_EPARSE, "model JSON: 'fit': ");
    const cJSON *cov = cJSON_GetObjectItemCaseSensitive(fit, "covariance");
    if (!cJSON_IsArray(cov) || (size_t)cJSON_GetArraySize(cov) != p)
        return cxm__fail(CXM_EPARSE, "model JSON: 'covariance' must be a %zu×%zu array", p, p);
    for (size_t i = 0; i < p; i++) {
        const cJSON *row = cJSON_GetArrayItem(cov, (int)i);
        if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != p)
            return cxm__fail(CXM_EPARSE, "model JSON: 'covariance' row %zu must have %zu numbers",
                             i, p);
        for (size_t j = 0; j < p; j++) {
            const cJSON *v = cJSON_GetArrayItem(row, (int)j);
            if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
                return cxm__fail(CXM_EPARSE, "model JSON: 'covariance'[%zu][%zu] is not a number",
                                 i, j);
            model->covariance[i * p + j] = v->valuedouble;
        }
    }
    for (size_t i = 0; i < p; i++)
        if (!(model->covariance[i * p + i] >= 0.0))
            return cxm__fail(CXM_EPARSE, "model JSON: the variance of %s is negative",
                             kind->param_names[i]);
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(fit, "message");
    if (cJSON_IsString(message))
        snprintf(model->message, sizeof model->message, "%s", message->valuestring);
    model->log_likelihood = report.log_likelihood;
    model->penalty = penalty;
    model->effect_penalty[0] = effect_penalty[0];
    model->effect_penalty[1] = effect_penalty[1];
    model->report = report;
    model->fitted = report;
    memcpy(model->fitted_message, model->message, sizeof model->message);
    model->state = CXM_MODEL_FITTED;
    return CXM_OK;
}

static int parse(cxm_model *model, const cJSON *root)
{
    const cxm__kind *kind = model->kind;
    size_t p = kind->nparams;
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "state");
    const char *state_text = cJSON_IsString(state) ? state->valuestring : "given";
    int target;
    if (strcmp(state_text, "fitted") == 0)
        target = CXM_MODEL_FITTED;
    else if (strcmp(state_text, "given") == 0)
        target = CXM_MODEL_GIVEN;
    else if (strcmp(state_text, "empty") == 0)
        return CXM_OK;
    else
        return cxm__fail(CXM_EPARSE, "model JSON: state '%s' is not fitted, given or empty",
                         state_text);

    const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
    if (!cJSON_IsObject(params))
        return cxm__fail(CXM_EPARSE, "model JSON: no 'parameters' object");
    double theta[CXM__MAX_PARAMS];
    for (size_t i = 0; i < p; i++) {
        int status = number_field(params, kind->param_names[i], "'parameters'", theta + i);
        if (status != CXM_OK)
            return status;
    }
    for (const cJSON *item = params->child; item; item = item->next) {
        size_t index;
        if (cxm__param_index(kind, item->string ? item->string : "", &index) != CXM_OK)
            return cxm__fail(CXM_EPARSE, "model JSON: the %s model has no parameter '%s'",
                             kind->title, item->string ? item->string : "");
    }
    if (cxm__check_kind_params(kind, theta) != CXM_OK)
        return cxm__fail_prefix_status(CXM_EPARSE, "model JSON: 'parameters': ");
    int status = cxm_model_set_params(model, theta, p);
    if (status != CXM_OK || target == CXM_MODEL_GIVEN)
        return status;

    const cJSON *fit = cJSON_GetObjectItemCaseSensitive(root, "fit");
    if (!cJSON_IsObject(fit))
        return cxm__fail(CXM_EPARSE, "model JSON: a fitted model needs a 'fit' object");
    return parse_fit(model, fit);
}

int cxm_model_from_json(cxm_model **out, const char *json)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = NULL;
    if (status == CXM_OK)
        status = cxm__check_pointer(json, "json");
    if (status != CXM_OK)
        return status;
    cJSON *root;
    status = cxm__json_parse(&root, json, strlen(json), "model JSON");
    if (status != CXM_OK)
        return status;
    cxm_model *model = NULL;
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "format_version");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    cxm_model_kind k;
    if (!cJSON_IsObject(root) || !cJSON_IsString(format) ||
        strcmp(format->valuestring, FORMAT_NAME) != 0)
        status = cxm__fail(CXM_EPARSE, "model JSON: 'format' is not \"%s\"", FORMAT_NAME);
    else if (!cJSON_IsNumber(version) || version->valuedouble > FORMAT_VERSION ||
             version->valuedouble < 1)
        status = cxm__fail(CXM_EPARSE,
                           "model JSON: format_version %g is not supported by libcxm %s "
                           "(it reads version %d)",
                           cJSON_IsNumber(version) ? version->valuedouble : 0.0,
                           cxm_version_string(), FORMAT_VERSION);
    else if (!cJSON_IsString(kind))
        status = cxm__fail(CXM_EPARSE, "model JSON: no 'kind'");
    else if (cxm__kind_from_name(kind->valuestring, &k) != CXM_OK)
        status = cxm__fail(CXM_EPARSE, "model JSON: unknown kind '%s'", kind->valuestring);
    else
        status = cxm_model_create(&model, k);
    if (status == CXM_OK)
        status = read_covariates(model, root);
    if (status == CXM_OK)
        status = parse(model, root);
    cJSON_Delete(root);
    if (status != CXM_OK) {
        cxm_model_free(model);
        return status;
    }
    *out = model;
    return CXM_OK;
}

int cxm_model_save(const cxm_model *model, const char *path)
{
    char *json = NULL;
    int status = cxm__check_pointer(path, "path");
    if (status == CXM_OK)
        status = cxm_model_to_json(&json, model);
    if (status != CXM_OK)
        return status;
    cxm__file file;
    status = cxm__file_open(&file, path);
    if (status == CXM_OK) {
        fputs(json, file.stream);
        status = cxm__file_commit(&file);
    }
    cxm__free(json);
    return status;
}

int cxm_model_load(cxm_model **out, const char *path)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        *out = NULL;
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return cxm__fail(CXM_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t capacity = 4096, length = 0;
    char *text = cxm__malloc(capacity);
    while (text != NULL) {
        length += fread(text + length, 1, capacity - length - 1, file);
        if (length < capacity - 1)
            break;
        if (capacity > ((size_t)64 << 20)) {
            cxm__free(text);
            fclose(file);
            return cxm__fail(CXM_EPARSE, "%s: larger than 64 MB: not a model file", path);
        }
        char *bigger = cxm__realloc(text, capacity * 2);
        if (bigger == NULL) {
            cxm__free(text);
            text = NULL;
            break;
        }
        text = bigger;
        capacity *= 2;
    }
    int read_error = ferror(file);
    fclose(file);
    if (text == NULL)
        return CXM_ENOMEM;
    if (read_error) {
        cxm__free(text);
        return cxm__fail(CXM_EIO, "%s: read failed", path);
    }
    text[length] = '\0';
    status = cxm_model_from_json(out, text);
    cxm__free(text);
    if (status != CXM_OK)
        cxm__fail_prefix("%s: ", path);
    return status;
}
