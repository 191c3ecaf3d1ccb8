/* PLS path models: the handle and presets (ACSI, ECSI, the libcxm chain);
 * their JSON is in pls_json.c. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chain/pls.h"
#include "core/internal.h"


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

int cxm__pls_model_set_name(cxm_pls_model *model, const char *name)
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
    /* The size of each version of cxm_pls_options (docs/ABI.md). */
    static const size_t option_sizes[CXM_PLS_OPTIONS_VERSION] = {
        CXM__FIELDS_END(cxm_pls_options, missing),
        CXM__FIELDS_END(cxm_pls_options, bca),
        CXM__FIELDS_END(cxm_pls_options, consistent),
    };
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__options_write(out, &model->options, option_sizes, CXM_PLS_OPTIONS_VERSION,
                                    "cxm_pls_options");
    return status;
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
        status = cxm__pls_model_set_name(m, model->name);
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

int cxm_pls_model_construct_mode(cxm_pls_mode *out, const cxm_pls_model *model, size_t j)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(model, "model");
    if (status == CXM_OK && j >= model->n_constructs)
        status = cxm__fail(CXM_EINVAL, "construct %zu does not exist (the model has %zu)", j,
                           model->n_constructs);
    if (status == CXM_OK)
        *out = model->constructs[j].mode;
    return status;
}
