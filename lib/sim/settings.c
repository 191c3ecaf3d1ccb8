/* Settings of a simulated world: the built-in example, JSON in and out
 * (schema: docs/simulation.md), and the what-if setters. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "core/json.h"
#include "cxm/model.h"
#include "journey/internal.h"
#include "sim/internal.h"

/* ------------------------------------------------------------------ the built-in world */

/* Northwind Coffee sells beans online and in a small shop. Customers find it
 * through search ads, social posts, the website and the newsletter, buy at
 * the online checkout, get deliveries and call customer service, and some
 * review or refer it. The checkout was designed well (7.6) but delivers
 * 5.2: the pain point the demo finds, and whose repair it prices. */
static const char default_settings[] =
    "{\"version\": 1, \"name\": \"Northwind Coffee\", \"seed\": 2024, \"customers\": 4000,"
    " \"start\": \"2024-01-01\", \"acquisition_days\": 182, \"calibration_days\": 364,"
    " \"observation_days\": 546, \"time_unit_days\": 7, \"days_between_touches\": 2,"
    " \"segments\": [{\"name\": \"online\", \"share\": 0.6, \"expectations\": 0.3},"
    "                {\"name\": \"shop\", \"share\": 0.4, \"expectations\": -0.45}],"
    " \"expectations\": {\"mean\": 7.0, \"sd\": 1.0},"
    " \"perception\": {\"assimilation\": 0.3, \"noise\": 1.0},"
    " \"decisions\": {\"explore\": {\"advance\": -0.6, \"sensitivity\": 0.55, \"continue\": 0.55},"
    "                 \"buy\": {\"continue\": 0.5},"
    "                 \"promote\": {\"threshold\": 8.3, \"noise\": 0.8}},"
    " \"chain\": {\"emotion\": {\"disconfirmation\": 1.0, \"noise\": 0.6},"
    "            \"satisfaction\": {\"intercept\": 2.9, \"expectations\": 0.2, \"perceptions\": 0.5,"
    "                             \"emotion\": 0.6, \"noise\": 0.5},"
    "            \"promote\": {\"intercept\": 3.5, \"satisfaction\": 0.6, \"emotion\": 0.3, \"noise\": 0.7},"
    "            \"complain\": {\"intercept\": 8.6, \"satisfaction\": -0.7, \"noise\": 0.8},"
    "            \"stay\": {\"intercept\": 3.2, \"satisfaction\": 0.6, \"complain\": -0.2, \"noise\": 0.7}},"
    " \"purchases\": {\"model\": \"bgnbd\", \"params\": {\"r\": 1.2, \"alpha\": 8.0, \"a\": 0.7, \"b\": 4.0},"
    "                \"satisfaction_link\": 0.4, \"reference\": 7.0},"
    " \"spend\": {\"p\": 6.0, \"q\": 4.0, \"gamma\": 15.0},"
    " \"ratings\": {\"share\": 0.6},"
    " \"survey\": {\"response_rate\": 0.5, \"item_noise\": 0.5, \"delay_days\": 3},"
    " \"employees\": {\"count\": 8, \"bias\": 1.0, \"noise\": 0.6},"
    " \"journey_map\": {\"version\": 1, \"name\": \"Northwind Coffee\", \"rating_scale\": [1, 5],"
    "   \"conversion\": \"BUY\", \"touchpoints\": ["
    "   {\"id\": \"search_ad\", \"name\": \"Search ad\", \"channel\": \"search\","
    "    \"department\": \"Marketing\", \"decision\": \"EXPLORE\", \"rung\": \"KNOW\", \"importance\": 3.2},"
    "   {\"id\": \"social\", \"name\": \"Social post\", \"channel\": \"social\","
    "    \"department\": \"Marketing\", \"decision\": \"EXPLORE\", \"rung\": \"DO\", \"importance\": 2.8},"
    "   {\"id\": \"website\", \"name\": \"Website\", \"channel\": \"web\","
    "    \"department\": \"Digital\", \"decision\": \"EXPLORE\", \"rung\": \"DO\", \"importance\": 4.0},"
    "   {\"id\": \"newsletter\", \"name\": \"Newsletter\", \"channel\": \"email\","
    "    \"department\": \"CRM\", \"decision\": \"EXPLORE\", \"rung\": \"SUGGEST\", \"importance\": 2.6},"
    "   {\"id\": \"checkout\", \"name\": \"Online checkout\", \"channel\": \"web\","
    "    \"department\": \"E-commerce\", \"decision\": \"BUY\", \"rung\": \"DO\", \"importance\": 4.6},"
    "   {\"id\": \"delivery\", \"name\": \"Delivery\", \"channel\": \"logistics\","
    "    \"department\": \"Operations\", \"decision\": \"BUY\", \"rung\": \"CREATE\", \"importance\": 4.4},"
    "   {\"id\": \"support\", \"name\": \"Customer service\", \"channel\": \"phone\","
    "    \"department\": \"Service\", \"decision\": \"BUY\", \"rung\": \"SUGGEST\", \"importance\": 3.8},"
    "   {\"id\": \"review\", \"name\": \"Product review\", \"channel\": \"web\","
    "    \"department\": \"Marketing\", \"decision\": \"PROMOTE\", \"rung\": \"CREATE\", \"importance\": 3.0},"
    "   {\"id\": \"referral\", \"name\": \"Refer a friend\", \"channel\": \"referral\","
    "    \"department\": \"CRM\", \"decision\": \"PROMOTE\", \"rung\": \"CREATE\", \"importance\": 3.4}]},"
    " \"touchpoints\": {"
    "   \"search_ad\": {\"quality\": 7.0, \"entry\": 3, \"follow\": 1},"
    "   \"social\": {\"quality\": 7.4, \"entry\": 2, \"follow\": 1},"
    "   \"website\": {\"quality\": 7.8, \"weight\": 1.5, \"entry\": 2, \"follow\": 3},"
    "   \"newsletter\": {\"quality\": 7.2, \"entry\": 1, \"follow\": 1.5},"
    "   \"checkout\": {\"quality\": 5.2, \"designed\": 7.6, \"weight\": 3, \"entry\": 1, \"follow\": 0,"
    "                \"employees\": 12},"
    "   \"delivery\": {\"quality\": 7.6, \"weight\": 2, \"entry\": 0, \"follow\": 2},"
    "   \"support\": {\"quality\": 6.8, \"weight\": 1.5, \"entry\": 0, \"follow\": 1},"
    "   \"review\": {\"quality\": 7.5, \"entry\": 2},"
    "   \"referral\": {\"quality\": 8.0, \"entry\": 1}}}";

/* ------------------------------------------------------------------ the descriptor table */

/* QUALITY: the 0-10 scale of what a touchpoint delivers (docs/simulation.md). */
enum check { ANY, POSITIVE, NONNEG, PROB, PROB_OPEN, COUNT, COUNT_POSITIVE, QUALITY };

typedef struct field {
    const char *section; /* "" for the top level, "decisions.explore", ... */
    const char *key;
    size_t offset;       /* into cxm__sim_params */
    enum check check;
} field;

#define F(section, key, member, check) { section, key, offsetof(cxm__sim_params, member), check }
static const field fields[] = {
    F("", "customers", customers, COUNT_POSITIVE),
    F("", "acquisition_days", acquisition_days, NONNEG),
    F("", "calibration_days", calibration_days, POSITIVE),
    F("", "observation_days", observation_days, POSITIVE),
    F("", "time_unit_days", time_unit_days, POSITIVE),
    F("", "days_between_touches", days_between_touches, NONNEG),
    F("expectations", "mean", expectation_mean, ANY),
    F("expectations", "sd", expectation_sd, NONNEG),
    F("perception", "assimilation", assimilation, ANY),
    F("perception", "noise", perception_noise, NONNEG),
    F("decisions.explore", "advance", explore_advance, ANY),
    F("decisions.explore", "sensitivity", explore_sensitivity, ANY),
    F("decisions.explore", "continue", explore_continue, PROB_OPEN),
    F("decisions.buy", "continue", buy_continue, PROB_OPEN),
    F("decisions.promote", "threshold", promote_threshold, ANY),
    F("decisions.promote", "noise", promote_noise, NONNEG),
    F("chain.emotion", "disconfirmation", emotion_disconfirmation, ANY),
    F("chain.emotion", "noise", emotion_noise, NONNEG),
    F("chain.satisfaction", "intercept", sat_intercept, ANY),
    F("chain.satisfaction", "expectations", sat_expectations, ANY),
    F("chain.satisfaction", "perceptions", sat_perceptions, ANY),
    F("chain.satisfaction", "emotion", sat_emotion, ANY),
    F("chain.satisfaction", "noise", sat_noise, NONNEG),
    F("chain.promote", "intercept", pro_intercept, ANY),
    F("chain.promote", "satisfaction", pro_satisfaction, ANY),
    F("chain.promote", "emotion", pro_emotion, ANY),
    F("chain.promote", "noise", pro_noise, NONNEG),
    F("chain.complain", "intercept", com_intercept, ANY),
    F("chain.complain", "satisfaction", com_satisfaction, ANY),
    F("chain.complain", "noise", com_noise, NONNEG),
    F("chain.stay", "intercept", stay_intercept, ANY),
    F("chain.stay", "satisfaction", stay_satisfaction, ANY),
    F("chain.stay", "complain", stay_complain, ANY),
    F("chain.stay", "noise", stay_noise, NONNEG),
    F("purchases", "satisfaction_link", satisfaction_link, ANY),
    F("purchases", "reference", link_reference, ANY),
    F("spend", "p", spend_p, POSITIVE),
    F("spend", "q", spend_q, POSITIVE),
    F("spend", "gamma", spend_gamma, POSITIVE),
    F("ratings", "share", rating_share, PROB),
    F("survey", "response_rate", response_rate, PROB),
    F("survey", "item_noise", item_noise, NONNEG),
    F("survey", "delay_days", survey_delay_days, NONNEG),
    F("employees", "count", employees, COUNT),
    F("employees", "bias", employee_bias, ANY),
    F("employees", "noise", employee_noise, NONNEG),
};
#undef F
enum { NFIELDS = sizeof fields / sizeof fields[0] };

/* Touchpoint parameters by key. */
typedef struct tp_field {
    const char *key;
    size_t offset;
    enum check check;
} tp_field;
#define T(key, member, check) { key, offsetof(cxm__sim_touchpoint, member), check }
static const tp_field tp_fields[] = {
    T("quality", quality, QUALITY),   T("designed", designed, QUALITY),
    T("noise", noise, NONNEG),        T("weight", weight, NONNEG),
    T("entry", entry, NONNEG),        T("follow", follow, NONNEG),
    T("employee_bias", employee_bias, ANY), T("employees", employees, COUNT),
};
#undef T
enum { NTP_FIELDS = sizeof tp_fields / sizeof tp_fields[0] };

static double *param_at(cxm__sim_params *p, size_t offset)
{
    return (double *)((char *)p + offset);
}

static double param_get(const cxm__sim_params *p, size_t offset)
{
    return *(const double *)((const char *)p + offset);
}

/* ------------------------------------------------------------------ errors */

typedef struct ctx {
    const char *source;
} ctx;

static int bad(const ctx *c, const char *where, const char *fmt, ...) CXM_PRINTF(3, 4);
static int bad(const ctx *c, const char *where, const char *fmt, ...)
{
    char text[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (where && where[0])
        return cxm__fail(CXM_EPARSE, "%s: %s: %s", c->source, where, text);
    return cxm__fail(CXM_EPARSE, "%s: %s", c->source, text);
}

/* A failed library check inside the settings: its message, with the source
 * and the place in front. */
static int bad_prefix(const ctx *c, const char *where, const char *key)
{
    if (where && where[0])
        return cxm__fail_prefix_status(CXM_EPARSE, "%s: %s: key '%s': ", c->source, where, key);
    return cxm__fail_prefix_status(CXM_EPARSE, "%s: key '%s': ", c->source, key);
}

static const char *type_name(const cJSON *item)
{
    if (cJSON_IsString(item)) return "a string";
    if (cJSON_IsNumber(item)) return "a number";
    if (cJSON_IsBool(item)) return "a boolean";
    if (cJSON_IsNull(item)) return "null";
    if (cJSON_IsArray(item)) return "an array";
    if (cJSON_IsObject(item)) return "an object";
    return "invalid";
}

static int check_value(const ctx *c, const char *where, const char *key, enum check check,
                       const cJSON *item, double *out)
{
    if (!cJSON_IsNumber(item))
        return bad(c, where, "key '%s' must be a number, got %s", key, type_name(item));
    double v = item->valuedouble;
    if (!isfinite(v))
        return bad(c, where, "key '%s' must be finite", key);
    switch (check) {
    case ANY: break;
    case POSITIVE:
        if (!(v > 0))
            return bad(c, where, "key '%s' must be > 0, got %g", key, v);
        break;
    case NONNEG:
        if (!(v >= 0))
            return bad(c, where, "key '%s' must be >= 0, got %g", key, v);
        break;
    case PROB:
        if (!(v >= 0 && v <= 1))
            return bad(c, where, "key '%s' must be in [0, 1], got %g", key, v);
        break;
    case PROB_OPEN:
        if (!(v >= 0 && v < 1))
            return bad(c, where, "key '%s' must be in [0, 1), got %g", key, v);
        break;
    case QUALITY:
        if (!(v >= 0 && v <= 10))
            return bad(c, where, "key '%s' must be in [0, 10] (the quality scale), got %g", key, v);
        break;
    case COUNT:
    case COUNT_POSITIVE:
        if (!(v >= (check == COUNT ? 0 : 1)) || v != floor(v) || v > 1e9)
            return bad(c, where, "key '%s' must be a whole number >= %d, got %g", key,
                       check == COUNT ? 0 : 1, v);
        break;
    }
    *out = v;
    return CXM_OK;
}

/* Is `section` a strict prefix path of some field's section ("decisions" of
 * "decisions.explore")? Then it is an object to descend into. */
static int is_parent_section(const char *section)
{
    size_t n = strlen(section);
    for (size_t i = 0; i < NFIELDS; i++) {
        const char *s = fields[i].section;
        if (n == 0 ? s[0] != '\0' : strncmp(s, section, n) == 0 && s[n] == '.')
            return 1;
    }
    return 0;
}

static void allowed_keys(const char *section, const char *const *extra, char *list, size_t cap)
{
    size_t used = 0, n = strlen(section);
    list[0] = '\0';
    for (size_t i = 0; extra && extra[i]; i++)
        used += (size_t)snprintf(list + used, cap - used, "%s%s", used ? ", " : "", extra[i]);
    for (size_t i = 0; i < NFIELDS && used + 40 < cap; i++) {
        const char *s = fields[i].section, *key = NULL;
        char child[64];
        if (strcmp(s, section) == 0) {
            key = fields[i].key;
        } else if (n == 0 || (strncmp(s, section, n) == 0 && s[n] == '.')) {
            const char *rest = n == 0 ? s : s + n + 1;
            size_t len = strcspn(rest, ".");
            snprintf(child, sizeof child, "%.*s", (int)len, rest);
            key = child;
        }
        if (key == NULL || key[0] == '\0' || strstr(list, key) != NULL)
            continue; /* crude de-duplication: keys are distinct words here */
        used += (size_t)snprintf(list + used, cap - used, "%s%s", used ? ", " : "", key);
    }
}

/* Apply an object of section `section` (its scalar fields and sub-objects). */
static int apply_section(cxm__sim_params *p, const ctx *c, const char *section, const cJSON *obj,
                         const char *const *special)
{
    const char *where = section[0] ? section : "";
    if (!cJSON_IsObject(obj))
        return bad(c, "", "key '%s' must be an object, got %s", section, type_name(obj));
    for (const cJSON *item = obj->child; item; item = item->next) {
        int handled = 0;
        for (size_t i = 0; special && special[i]; i++)
            if (strcmp(special[i], item->string) == 0)
                handled = 1;
        if (handled)
            continue;
        for (size_t i = 0; i < NFIELDS && !handled; i++)
            if (strcmp(fields[i].section, section) == 0 && strcmp(fields[i].key, item->string) == 0) {
                int status = check_value(c, where, item->string, fields[i].check, item,
                                         param_at(p, fields[i].offset));
                if (status != CXM_OK)
                    return status;
                handled = 1;
            }
        if (handled)
            continue;
        char child[128];
        snprintf(child, sizeof child, "%s%s%s", section, section[0] ? "." : "", item->string);
        int has_fields = 0;
        for (size_t i = 0; i < NFIELDS; i++)
            if (strcmp(fields[i].section, child) == 0)
                has_fields = 1;
        if (has_fields || is_parent_section(child)) {
            int status = apply_section(p, c, child, item, NULL);
            if (status != CXM_OK)
                return status;
            continue;
        }
        char list[700];
        allowed_keys(section, special, list, sizeof list);
        return bad(c, where, "unknown key '%s' (allowed: %s)", item->string, list);
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ life cycle */

static void free_contents(cxm_sim_settings *s)
{
    cxm__free(s->name);
    cxm__free(s->model_name);
    for (size_t i = 0; i < CXM__SIM_MAX_PARAMS; i++)
        cxm__free(s->param_names[i]);
    cxm__free(s->link_parameter);
    cxm_journey_map_free(s->map);
    cxm__free(s->map_json);
    cxm__free(s->tp);
    for (size_t i = 0; i < s->nsegments; i++)
        cxm__free(s->segments[i].name);
    cxm__free(s->segments);
}

void cxm_sim_settings_free(cxm_sim_settings *settings)
{
    if (settings == NULL)
        return;
    free_contents(settings);
    cxm__free(settings);
}

static int set_text(char **slot, const char *text)
{
    char *copy = cxm__strdup(text);
    if (copy == NULL)
        return CXM_ENOMEM;
    cxm__free(*slot);
    *slot = copy;
    return CXM_OK;
}

/* Touchpoint defaults: quality 7, designed = quality, noise = the
 * perception noise, weight 1, entry 1 and follow 1, the global employee
 * bias and count. */
static void touchpoint_defaults(cxm__sim_touchpoint *t, const cxm__sim_params *p)
{
    t->quality = 7.0;
    t->designed = NAN; /* = quality unless given */
    t->noise = NAN;    /* = perception noise unless given */
    t->weight = 1.0;
    t->entry = 1.0;
    t->follow = 1.0;
    t->employee_bias = NAN;
    t->employees = NAN;
    (void)p;
}

static int apply_map(cxm_sim_settings *s, const ctx *c, const cJSON *map_item)
{
    if (!cJSON_IsObject(map_item))
        return bad(c, "", "key 'journey_map' must be an object, got %s", type_name(map_item));
    char *text = cJSON_PrintUnformatted(map_item);
    if (text == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory");
    char source[300];
    snprintf(source, sizeof source, "%s: journey_map", c->source);
    cxm_journey_map *map = NULL;
    int status = cxm_journey_map_parse_json(&map, text, strlen(text), source);
    char *copy = status == CXM_OK ? cxm__strdup(text) : NULL;
    cJSON_free(text);
    if (status != CXM_OK)
        return status;
    if (copy == NULL) {
        cxm_journey_map_free(map);
        return CXM_ENOMEM;
    }
    size_t n = cxm_journey_map_count(map);
    cxm__sim_touchpoint *tp = cxm__calloc(n, sizeof *tp);
    if (tp == NULL) {
        cxm_journey_map_free(map);
        cxm__free(copy);
        return CXM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        touchpoint_defaults(&tp[i], &s->p);
    cxm_journey_map_free(s->map);
    cxm__free(s->map_json);
    cxm__free(s->tp);
    s->map = map;
    s->map_json = copy;
    s->tp = tp;
    return CXM_OK;
}

static int apply_touchpoints(cxm_sim_settings *s, const ctx *c, const cJSON *obj)
{
    if (!cJSON_IsObject(obj))
        return bad(c, "", "key 'touchpoints' must be an object keyed by touchpoint id, got %s",
                   type_name(obj));
    for (const cJSON *item = obj->child; item; item = item->next) {
        char where[200];
        snprintf(where, sizeof where, "touchpoints.%s", item->string);
        uint32_t index;
        if (!cxm__strtab_find(&s->map->ids, item->string, strlen(item->string), &index))
            return bad(c, "touchpoints", "'%s' is not a touchpoint of the journey map",
                       item->string);
        if (!cJSON_IsObject(item))
            return bad(c, where, "must be an object, got %s", type_name(item));
        for (const cJSON *key = item->child; key; key = key->next) {
            int found = 0;
            for (size_t f = 0; f < NTP_FIELDS; f++)
                if (strcmp(tp_fields[f].key, key->string) == 0) {
                    double *slot = (double *)((char *)&s->tp[index] + tp_fields[f].offset);
                    int status = check_value(c, where, key->string, tp_fields[f].check, key, slot);
                    if (status != CXM_OK)
                        return status;
                    found = 1;
                }
            if (!found)
                return bad(c, where,
                           "unknown key '%s' (allowed: quality, designed, noise, weight, entry, "
                           "follow, employee_bias, employees)",
                           key->string);
        }
    }
    return CXM_OK;
}

static int apply_segments(cxm_sim_settings *s, const ctx *c, const cJSON *arr)
{
    if (!cJSON_IsArray(arr))
        return bad(c, "", "key 'segments' must be an array, got %s", type_name(arr));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    cxm__sim_segment *seg = cxm__calloc(n ? n : 1, sizeof *seg);
    if (seg == NULL)
        return CXM_ENOMEM;
    int status = CXM_OK;
    size_t i = 0;
    for (const cJSON *item = arr->child; item && status == CXM_OK; item = item->next, i++) {
        char where[64];
        snprintf(where, sizeof where, "segments[%zu]", i);
        seg[i].share = 1.0;
        if (!cJSON_IsObject(item)) {
            status = bad(c, where, "must be an object, got %s", type_name(item));
            break;
        }
        for (const cJSON *key = item->child; key && status == CXM_OK; key = key->next) {
            if (strcmp(key->string, "name") == 0) {
                if (!cJSON_IsString(key) || key->valuestring[0] == '\0')
                    status = bad(c, where, "key 'name' must be a non-empty string");
                else if ((seg[i].name = cxm__strdup(key->valuestring)) == NULL)
                    status = CXM_ENOMEM;
            } else if (strcmp(key->string, "share") == 0) {
                status = check_value(c, where, "share", POSITIVE, key, &seg[i].share);
            } else if (strcmp(key->string, "expectations") == 0) {
                status = check_value(c, where, "expectations", ANY, key, &seg[i].expectations);
            } else {
                status = bad(c, where, "unknown key '%s' (allowed: name, share, expectations)",
                             key->string);
            }
        }
        if (status == CXM_OK && seg[i].name == NULL)
            status = bad(c, where, "key 'name' is missing");
        for (size_t j = 0; status == CXM_OK && j < i; j++)
            if (strcmp(seg[j].name, seg[i].name) == 0)
                status = bad(c, where, "segment '%s' is already defined", seg[i].name);
    }
    if (status != CXM_OK) {
        for (size_t j = 0; j < n; j++)
            cxm__free(seg[j].name);
        cxm__free(seg);
        return status;
    }
    for (size_t j = 0; j < s->nsegments; j++)
        cxm__free(s->segments[j].name);
    cxm__free(s->segments);
    s->segments = seg;
    s->nsegments = n;
    return CXM_OK;
}

/* The purchase model: kind and parameters, validated by the engine. */
static int apply_purchases_model(cxm_sim_settings *s, const ctx *c, const cJSON *purchases)
{
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(purchases, "model");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(purchases, "params");
    const cJSON *link = cJSON_GetObjectItemCaseSensitive(purchases, "link_parameter");
    if (model == NULL && params == NULL && link == NULL)
        return CXM_OK;
    if (model && (!cJSON_IsString(model) || model->valuestring == NULL))
        return bad(c, "purchases", "key 'model' must be a string, got %s", type_name(model));
    if (link && (!cJSON_IsString(link) || link->valuestring == NULL))
        return bad(c, "purchases", "key 'link_parameter' must be a string, got %s",
                   type_name(link));
    const char *name = model ? model->valuestring : s->model_name;
    int changed = model && strcmp(name, s->model_name) != 0;
    if (changed && params == NULL)
        return bad(c, "purchases", "a new model '%s' needs its 'params'", name);
    cxm_model *m = NULL;
    int status = cxm_model_create_named(&m, name);
    if (status == CXM_EINVAL || status == CXM_ENOTFOUND)
        return bad_prefix(c, "purchases", "model");
    if (status != CXM_OK)
        return status;
    cxm_model_kind kind = cxm_model_get_kind(m);
    size_t np = cxm_model_param_count(m);
    if (kind == CXM_MODEL_GAMMA_GAMMA || kind == CXM_MODEL_SBG || kind == CXM_MODEL_BGBB ||
        np > CXM__SIM_MAX_PARAMS) {
        cxm_model_free(m);
        return bad(c, "purchases", "key 'model': '%s' is not a continuous-time purchase model "
                   "(use bgnbd or mbgnbd)", name);
    }
    double values[CXM__SIM_MAX_PARAMS];
    for (size_t i = 0; i < np; i++)
        values[i] = changed ? NAN : s->params[i];
    if (params) {
        if (!cJSON_IsObject(params)) {
            cxm_model_free(m);
            return bad(c, "purchases", "key 'params' must be an object, got %s",
                       type_name(params));
        }
        for (const cJSON *item = params->child; item && status == CXM_OK; item = item->next) {
            size_t k = np;
            for (size_t i = 0; i < np; i++)
                if (strcmp(cxm_model_param_name(m, i), item->string) == 0)
                    k = i;
            if (k == np)
                status = bad(c, "purchases.params", "'%s' is not a parameter of %s", item->string,
                             name);
            else
                status = check_value(c, "purchases.params", item->string, POSITIVE, item,
                                     &values[k]);
        }
    }
    for (size_t i = 0; status == CXM_OK && i < np; i++)
        if (isnan(values[i]))
            status = bad(c, "purchases.params", "parameter '%s' is missing",
                         cxm_model_param_name(m, i));
    if (status == CXM_OK) {
        status = cxm_model_set_params(m, values, np);
        if (status != CXM_OK)
            status = status == CXM_ENOMEM ? status : bad_prefix(c, "purchases", "params");
    }
    const char *link_name = link ? link->valuestring
                            : changed || s->link_parameter == NULL
                                ? (kind == CXM_MODEL_PARETO_NBD ? "beta" : "b")
                                : s->link_parameter;
    size_t link_index = np;
    for (size_t i = 0; status == CXM_OK && i < np; i++)
        if (strcmp(cxm_model_param_name(m, i), link_name) == 0)
            link_index = i;
    if (status == CXM_OK && link_index == np)
        status = bad(c, "purchases", "key 'link_parameter': '%s' is not a parameter of %s",
                     link_name, name);
    char *names[CXM__SIM_MAX_PARAMS] = { NULL };
    char *model_copy = NULL, *link_copy = NULL;
    if (status == CXM_OK) {
        model_copy = cxm__strdup(cxm_model_kind_name(kind));
        link_copy = cxm__strdup(link_name);
        if (model_copy == NULL || link_copy == NULL)
            status = CXM_ENOMEM;
        for (size_t i = 0; status == CXM_OK && i < np; i++)
            if ((names[i] = cxm__strdup(cxm_model_param_name(m, i))) == NULL)
                status = CXM_ENOMEM;
    }
    cxm_model_free(m);
    if (status != CXM_OK) {
        cxm__free(model_copy);
        cxm__free(link_copy);
        for (size_t i = 0; i < np; i++)
            cxm__free(names[i]);
        return status;
    }
    cxm__free(s->model_name);
    cxm__free(s->link_parameter);
    for (size_t i = 0; i < CXM__SIM_MAX_PARAMS; i++) {
        cxm__free(s->param_names[i]);
        s->param_names[i] = i < np ? names[i] : NULL;
        s->params[i] = i < np ? values[i] : 0.0;
    }
    s->model_name = model_copy;
    s->link_parameter = link_copy;
    s->nparams = np;
    s->link_index = link_index;
    return CXM_OK;
}

/* Apply a parsed document on top of s (the built-in world or a copy). */
static int apply_document(cxm_sim_settings *s, const ctx *c, const cJSON *doc)
{
    if (!cJSON_IsObject(doc))
        return bad(c, "", "the document must be a JSON object, got %s", type_name(doc));
    static const char *const special[] = { "version", "name", "seed", "start", "segments",
                                           "journey_map", "touchpoints", "purchases", NULL };
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "version");
    if (version && (!cJSON_IsNumber(version) || version->valuedouble != 1))
        return bad(c, "", "key 'version' must be 1 (the only version), got %s",
                   cJSON_IsNumber(version) ? "another number" : type_name(version));
    int status = apply_section(&s->p, c, "", doc, special);
    if (status != CXM_OK)
        return status;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(doc, "name");
    if (item) {
        if (!cJSON_IsString(item))
            return bad(c, "", "key 'name' must be a string, got %s", type_name(item));
        if ((status = set_text(&s->name, item->valuestring)) != CXM_OK)
            return status;
    }
    item = cJSON_GetObjectItemCaseSensitive(doc, "seed");
    if (item) {
        double v = item->valuedouble;
        if (!cJSON_IsNumber(item) || !(v >= 0) || v != floor(v) || v >= 9007199254740992.0)
            return bad(c, "", "key 'seed' must be a whole number in [0, 2^53), got %s",
                       cJSON_IsNumber(item) ? "another number" : type_name(item));
        s->seed = (unsigned long long)v;
    }
    item = cJSON_GetObjectItemCaseSensitive(doc, "start");
    if (item) {
        double t;
        if (!cJSON_IsString(item))
            return bad(c, "", "key 'start' must be a date string, got %s", type_name(item));
        if (cxm_time_parse(&t, item->valuestring, NULL) != CXM_OK)
            return bad_prefix(c, "", "start");
        s->start = t;
    }
    item = cJSON_GetObjectItemCaseSensitive(doc, "segments");
    if (item && (status = apply_segments(s, c, item)) != CXM_OK)
        return status;
    item = cJSON_GetObjectItemCaseSensitive(doc, "journey_map");
    if (item && (status = apply_map(s, c, item)) != CXM_OK)
        return status;
    item = cJSON_GetObjectItemCaseSensitive(doc, "touchpoints");
    if (item && (status = apply_touchpoints(s, c, item)) != CXM_OK)
        return status;
    item = cJSON_GetObjectItemCaseSensitive(doc, "purchases");
    if (item) {
        static const char *const purchase_special[] = { "model", "params", "link_parameter",
                                                        NULL };
        if (!cJSON_IsObject(item))
            return bad(c, "", "key 'purchases' must be an object, got %s", type_name(item));
        if ((status = apply_section(&s->p, c, "purchases", item, purchase_special)) != CXM_OK)
            return status;
        if ((status = apply_purchases_model(s, c, item)) != CXM_OK)
            return status;
    }
    return CXM_OK;
}

/* Checks across keys, once the document is applied. */
static int validate(const cxm_sim_settings *s, const ctx *c)
{
    const cxm__sim_params *p = &s->p;
    if (p->calibration_days > p->observation_days)
        return bad(c, "", "calibration_days (%g) is after observation_days (%g)",
                   p->calibration_days, p->observation_days);
    if (p->acquisition_days >= p->observation_days)
        return bad(c, "", "acquisition_days (%g) must be shorter than observation_days (%g)",
                   p->acquisition_days, p->observation_days);
    if (!(p->spend_q > 1))
        return bad(c, "spend", "key 'q' must be > 1 for a finite mean spend, got %g", p->spend_q);
    const cxm_journey_map *m = s->map;
    double entry[3] = { 0, 0, 0 };
    for (size_t i = 0; i < m->count; i++)
        entry[m->touchpoints[i].decision] += s->tp[i].entry;
    if (!(entry[CXM_DECISION_EXPLORE] > 0))
        return bad(c, "touchpoints", "no EXPLORE touchpoint has a positive 'entry' weight: "
                   "customers could not start a journey");
    if (!(entry[CXM_DECISION_BUY] > 0))
        return bad(c, "touchpoints", "no BUY touchpoint has a positive 'entry' weight: customers "
                   "could not buy");
    return CXM_OK;
}

static int parse_into(cxm_sim_settings *s, const char *text, size_t length, const char *source)
{
    ctx c = { source ? source : "settings" };
    cJSON *doc;
    int status = cxm__json_parse(&doc, text, length, c.source);
    if (status == CXM_OK)
        status = apply_document(s, &c, doc);
    cJSON_Delete(doc);
    return status;
}

int cxm_sim_settings_default(cxm_sim_settings **out)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_sim_settings *s = cxm__calloc(1, sizeof *s);
    if (s == NULL)
        return CXM_ENOMEM;
    s->name = cxm__strdup("");
    s->model_name = cxm__strdup("bgnbd");
    status = s->name && s->model_name ? CXM_OK : CXM_ENOMEM;
    if (status == CXM_OK)
        status = parse_into(s, default_settings, sizeof default_settings - 1, "built-in settings");
    if (status == CXM_OK)
        status = validate(s, &(ctx){ "built-in settings" });
    if (status != CXM_OK) {
        cxm_sim_settings_free(s);
        return status;
    }
    *out = s;
    return CXM_OK;
}

int cxm_sim_settings_parse_json(cxm_sim_settings **out, const char *text, size_t length,
                                const char *source)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(text, "text");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_sim_settings *s;
    status = cxm_sim_settings_default(&s);
    if (status != CXM_OK)
        return status;
    status = parse_into(s, text, length, source);
    if (status == CXM_OK)
        status = validate(s, &(ctx){ source ? source : "settings" });
    if (status != CXM_OK) {
        cxm_sim_settings_free(s);
        return status;
    }
    *out = s;
    return CXM_OK;
}

int cxm_sim_settings_load_json(cxm_sim_settings **out, const char *filename)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(filename, "filename");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    FILE *f = fopen(filename, "rb");
    if (f == NULL)
        return cxm__fail(CXM_EIO, "%s: cannot open: %s", filename, strerror(errno));
    char *text = NULL;
    size_t length = 0, cap = 0;
    status = CXM_OK;
    for (;;) {
        if (length + 4096 > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *grown = cxm__realloc(text, ncap);
            if (grown == NULL) {
                status = CXM_ENOMEM;
                break;
            }
            text = grown;
            cap = ncap;
        }
        size_t got = fread(text + length, 1, cap - length, f);
        length += got;
        if (got == 0)
            break;
    }
    if (status == CXM_OK && ferror(f))
        status = cxm__fail(CXM_EIO, "%s: cannot read: %s", filename, strerror(errno));
    fclose(f);
    if (status == CXM_OK)
        status = cxm_sim_settings_parse_json(out, text, length, filename);
    cxm__free(text);
    return status;
}

/* ------------------------------------------------------------------ copies */

int cxm__sim_settings_clone(cxm_sim_settings **out, const cxm_sim_settings *settings)
{
    *out = NULL;
    cxm_sim_settings *s = cxm__calloc(1, sizeof *s);
    if (s == NULL)
        return CXM_ENOMEM;
    const cxm_sim_settings *o = settings;
    s->seed = o->seed;
    s->start = o->start;
    s->p = o->p;
    s->nparams = o->nparams;
    s->link_index = o->link_index;
    memcpy(s->params, o->params, sizeof s->params);
    size_t ntp = cxm_journey_map_count(o->map);
    int status = CXM_OK;
    if ((s->name = cxm__strdup(o->name)) == NULL ||
        (s->model_name = cxm__strdup(o->model_name)) == NULL ||
        (s->link_parameter = cxm__strdup(o->link_parameter)) == NULL ||
        (s->map_json = cxm__strdup(o->map_json)) == NULL ||
        (s->tp = cxm__calloc(ntp ? ntp : 1, sizeof *s->tp)) == NULL)
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < o->nparams; i++)
        if ((s->param_names[i] = cxm__strdup(o->param_names[i])) == NULL)
            status = CXM_ENOMEM;
    if (status == CXM_OK)
        status = cxm__journey_map_clone(&s->map, o->map);
    if (status == CXM_OK && o->nsegments) {
        s->segments = cxm__calloc(o->nsegments, sizeof *s->segments);
        if (s->segments == NULL)
            status = CXM_ENOMEM;
        for (size_t i = 0; status == CXM_OK && i < o->nsegments; i++) {
            s->segments[i] = o->segments[i];
            s->segments[i].name = NULL;
            s->nsegments = i + 1;
            if ((s->segments[i].name = cxm__strdup(o->segments[i].name)) == NULL)
                status = CXM_ENOMEM;
        }
    }
    if (status != CXM_OK) {
        cxm_sim_settings_free(s);
        return status;
    }
    memcpy(s->tp, o->tp, ntp * sizeof *s->tp);
    *out = s;
    return CXM_OK;
}

/* ------------------------------------------------------------------ JSON out */

static cJSON *section_object(cJSON *root, const char *section)
{
    cJSON *obj = root;
    char part[64];
    const char *p = section;
    while (*p) {
        size_t len = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        cJSON *child = cJSON_GetObjectItemCaseSensitive(obj, part);
        if (child == NULL) {
            child = cJSON_AddObjectToObject(obj, part);
            if (child == NULL)
                return NULL;
        }
        obj = child;
        p += len;
        if (*p == '.')
            p++;
    }
    return obj;
}

/* The effective value of an unset touchpoint parameter. */
static double tp_value(const cxm_sim_settings *s, size_t i, size_t offset)
{
    const cxm__sim_touchpoint *t = &s->tp[i];
    double v = *(const double *)((const char *)t + offset);
    if (!isnan(v))
        return v;
    if (offset == offsetof(cxm__sim_touchpoint, designed))
        return t->quality;
    if (offset == offsetof(cxm__sim_touchpoint, noise))
        return s->p.perception_noise;
    if (offset == offsetof(cxm__sim_touchpoint, employee_bias))
        return s->p.employee_bias;
    if (offset == offsetof(cxm__sim_touchpoint, employees))
        return s->p.employees;
    return v;
}

double cxm__sim_tp(const cxm_sim_settings *s, size_t i, size_t offset)
{
    return tp_value(s, i, offset);
}

int cxm_sim_settings_to_json(char **out, const cxm_sim_settings *settings)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(settings, "settings");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    const cxm_sim_settings *s = settings;
    cJSON *root = cJSON_CreateObject();
    int ok = root != NULL;
    char date[32];
    ok = ok && cJSON_AddNumberToObject(root, "version", 1) != NULL;
    ok = ok && cJSON_AddStringToObject(root, "name", s->name) != NULL;
    ok = ok && cJSON_AddNumberToObject(root, "seed", (double)s->seed) != NULL;
    ok = ok && cxm_time_format(date, sizeof date, s->start) == CXM_OK &&
         cJSON_AddStringToObject(root, "start", date) != NULL;
    for (size_t i = 0; ok && i < NFIELDS; i++) {
        cJSON *obj = section_object(root, fields[i].section);
        ok = obj && cJSON_AddNumberToObject(obj, fields[i].key,
                                            param_get(&s->p, fields[i].offset)) != NULL;
        if (ok && strcmp(fields[i].section, "") == 0 && strcmp(fields[i].key, "customers") == 0) {
            cJSON *seg = cJSON_AddArrayToObject(root, "segments");
            ok = seg != NULL;
            for (size_t k = 0; ok && k < s->nsegments; k++) {
                cJSON *o = cJSON_CreateObject();
                ok = o && cJSON_AddItemToArray(seg, o);
                ok = ok && cJSON_AddStringToObject(o, "name", s->segments[k].name) &&
                     cJSON_AddNumberToObject(o, "share", s->segments[k].share) &&
                     cJSON_AddNumberToObject(o, "expectations", s->segments[k].expectations);
            }
        }
    }
    cJSON *purchases = ok ? section_object(root, "purchases") : NULL;
    ok = ok && purchases && cJSON_AddStringToObject(purchases, "model", s->model_name) &&
         cJSON_AddStringToObject(purchases, "link_parameter", s->link_parameter);
    cJSON *params = ok ? cJSON_AddObjectToObject(purchases, "params") : NULL;
    ok = ok && params;
    for (size_t i = 0; ok && i < s->nparams; i++)
        ok = cJSON_AddNumberToObject(params, s->param_names[i], s->params[i]) != NULL;
    cJSON *map = ok ? cJSON_Parse(s->map_json) : NULL;
    ok = ok && map && cJSON_AddItemToObject(root, "journey_map", map);
    cJSON *tps = ok ? cJSON_AddObjectToObject(root, "touchpoints") : NULL;
    ok = ok && tps;
    for (size_t i = 0; ok && i < s->map->count; i++) {
        cJSON *o = cJSON_AddObjectToObject(tps, s->map->touchpoints[i].id);
        ok = o != NULL;
        for (size_t f = 0; ok && f < NTP_FIELDS; f++)
            ok = cJSON_AddNumberToObject(o, tp_fields[f].key,
                                         tp_value(s, i, tp_fields[f].offset)) != NULL;
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory while writing the settings as JSON");
    *out = cxm__strdup(text);
    cJSON_free(text);
    return *out ? CXM_OK : CXM_ENOMEM;
}

/* ------------------------------------------------------------------ setters */

int cxm_sim_settings_set_customers(cxm_sim_settings *settings, size_t customers)
{
    int status = cxm__check_pointer(settings, "settings");
    if (status != CXM_OK)
        return status;
    if (customers < 1 || customers > 1000000000)
        return cxm__fail(CXM_EINVAL, "customers %zu is not in 1..10^9", customers);
    settings->p.customers = (double)customers;
    return CXM_OK;
}

int cxm_sim_settings_set_seed(cxm_sim_settings *settings, unsigned long long seed)
{
    int status = cxm__check_pointer(settings, "settings");
    if (status != CXM_OK)
        return status;
    if (seed >= (1ULL << 53)) /* JSON numbers hold it exactly below 2^53 */
        return cxm__fail(CXM_EINVAL, "seed %llu is not below 2^53", seed);
    settings->seed = seed;
    return CXM_OK;
}

static int find_tp(const cxm_sim_settings *s, const char *touchpoint, size_t *index)
{
    int status = cxm__check_pointer(s, "settings");
    if (status == CXM_OK)
        status = cxm__check_pointer(touchpoint, "touchpoint");
    if (status != CXM_OK)
        return status;
    uint32_t i;
    if (!cxm__strtab_find(&s->map->ids, touchpoint, strlen(touchpoint), &i))
        return cxm__fail(CXM_ENOTFOUND, "'%s' is not a touchpoint of the journey map", touchpoint);
    *index = i;
    return CXM_OK;
}

int cxm_sim_settings_set_quality(cxm_sim_settings *settings, const char *touchpoint,
                                 double quality)
{
    size_t i;
    int status = find_tp(settings, touchpoint, &i);
    if (status == CXM_OK)
        status = cxm__check_finite(quality, "quality");
    if (status != CXM_OK)
        return status;
    if (!(quality >= 0.0 && quality <= 10.0))
        return cxm__fail(CXM_EINVAL, "quality %g of touchpoint '%s' is outside the 0-10 scale",
                         quality, touchpoint);
    if (isnan(settings->tp[i].designed))
        settings->tp[i].designed = settings->tp[i].quality; /* employees keep the design */
    settings->tp[i].quality = quality;
    return CXM_OK;
}

int cxm_sim_settings_quality(double *out, const cxm_sim_settings *settings,
                             const char *touchpoint)
{
    size_t i;
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = find_tp(settings, touchpoint, &i);
    if (status != CXM_OK)
        return status;
    *out = settings->tp[i].quality;
    return CXM_OK;
}

size_t cxm_sim_settings_customers(const cxm_sim_settings *settings)
{
    return settings ? (size_t)settings->p.customers : 0;
}

