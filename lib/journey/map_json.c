/* Journey maps from JSON (schema: docs/journey-map.md), with errors that say
 * which key of which touchpoint is wrong. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "core/json.h"
#include "journey/internal.h"

typedef struct ctx {
    const char *source;
    char where[256]; /* "touchpoints[2] ('cart')" or "" for the top level */
} ctx;

static int bad(const ctx *c, const char *fmt, ...) CXM_PRINTF(2, 3);
static int bad(const ctx *c, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (c->where[0])
        return cxm__fail(CXM_EPARSE, "%s: %s: %s", c->source, c->where, text);
    return cxm__fail(CXM_EPARSE, "%s: %s", c->source, text);
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

/* Every key of obj must be in allowed (NULL-terminated) and appear once. */
static int check_keys(const ctx *c, const cJSON *obj, const char *const *allowed)
{
    for (const cJSON *item = obj->child; item; item = item->next) {
        int known = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(item->string, allowed[i]) == 0)
                known = 1;
        if (!known) {
            char list[300] = "";
            size_t used = 0;
            for (size_t i = 0; allowed[i] && used < sizeof list - 40; i++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                         allowed[i]);
            return bad(c, "unknown key '%s' (allowed: %s)", item->string, list);
        }
    }
    return CXM_OK;
}

static int get_string(const ctx *c, const cJSON *obj, const char *key, int required,
                      const char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (item == NULL)
        return required ? bad(c, "key '%s' is missing", key) : CXM_OK;
    if (!cJSON_IsString(item) || item->valuestring == NULL)
        return bad(c, "key '%s' must be a string, got %s", key, type_name(item));
    *out = item->valuestring;
    return CXM_OK;
}

static int get_enum(const ctx *c, const cJSON *obj, const char *key, const char *const *names,
                    size_t n, const char *list, int *out)
{
    const char *text;
    int status = get_string(c, obj, key, 1, &text);
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(text, names[i]) == 0) {
            *out = (int)i;
            return CXM_OK;
        }
    return bad(c, "key '%s' must be one of %s, got '%s'", key, list, text);
}

static const char *const decisions[] = { "EXPLORE", "BUY", "PROMOTE" };
static const char *const rungs[] = { "KNOW", "DO", "SUGGEST", "CREATE" };

static int parse_touchpoint(cxm_journey_map *map, ctx *c, const cJSON *tp, size_t index)
{
    snprintf(c->where, sizeof c->where, "touchpoints[%zu]", index);
    if (!cJSON_IsObject(tp))
        return bad(c, "must be an object, got %s", type_name(tp));
    const char *id;
    int status = get_string(c, tp, "id", 1, &id);
    if (status != CXM_OK)
        return status;
    snprintf(c->where, sizeof c->where, "touchpoints[%zu] ('%s')", index, id);
    static const char *const allowed[] = { "id", "name", "channel", "department", "decision",
                                           "rung", "importance", "employee_ratings",
                                           "conversion", "description", NULL };
    status = check_keys(c, tp, allowed);
    if (status != CXM_OK)
        return status;
    if (id[0] == '\0')
        return bad(c, "key 'id' must not be empty");
    const char *name, *channel, *department;
    int decision = 0, rung = 0;
    status = get_string(c, tp, "name", 0, &name);
    if (status == CXM_OK)
        status = get_string(c, tp, "channel", 0, &channel);
    if (status == CXM_OK)
        status = get_string(c, tp, "department", 0, &department);
    if (status == CXM_OK)
        status = get_enum(c, tp, "decision", decisions, 3, "EXPLORE, BUY, PROMOTE", &decision);
    if (status == CXM_OK)
        status = get_enum(c, tp, "rung", rungs, 4, "KNOW, DO, SUGGEST, CREATE", &rung);
    if (status != CXM_OK)
        return status;
    uint32_t existing;
    if (cxm__strtab_find(&map->ids, id, strlen(id), &existing))
        return bad(c, "id '%s' is already used by touchpoints[%u]", id, (unsigned)existing);
    status = cxm_journey_map_add_touchpoint(map, id, name, channel, department,
                                            (cxm_decision)decision, (cxm_rung)rung);
    if (status != CXM_OK)
        return status;
    const cJSON *imp = cJSON_GetObjectItemCaseSensitive(tp, "importance");
    if (imp) {
        if (!cJSON_IsNumber(imp) || !isfinite(imp->valuedouble))
            return bad(c, "key 'importance' must be a number, got %s", type_name(imp));
        map->touchpoints[map->count - 1].importance = imp->valuedouble;
    }
    const cJSON *ratings = cJSON_GetObjectItemCaseSensitive(tp, "employee_ratings");
    if (ratings) {
        if (!cJSON_IsArray(ratings))
            return bad(c, "key 'employee_ratings' must be an array of numbers, got %s",
                       type_name(ratings));
        size_t k = 0;
        for (const cJSON *r = ratings->child; r; r = r->next, k++) {
            if (!cJSON_IsNumber(r) || !isfinite(r->valuedouble))
                return bad(c, "employee_ratings[%zu] must be a number, got %s", k, type_name(r));
            double v = r->valuedouble;
            status = cxm_journey_map_add_employee_ratings(map, id, 1, &v);
            if (status != CXM_OK)
                return status;
        }
    }
    const cJSON *conv = cJSON_GetObjectItemCaseSensitive(tp, "conversion");
    if (conv) {
        if (!cJSON_IsBool(conv))
            return bad(c, "key 'conversion' must be true or false, got %s", type_name(conv));
        status = cxm_journey_map_set_conversion_touchpoint(map, id, cJSON_IsTrue(conv));
    }
    return status;
}

static int parse_conversion(cxm_journey_map *map, ctx *c, const cJSON *conv)
{
    snprintf(c->where, sizeof c->where, "conversion");
    int decision = 0;
    if (cJSON_IsString(conv)) {
        for (int i = 0; i < 3; i++)
            if (strcasecmp(conv->valuestring, decisions[i]) == 0)
                return cxm_journey_map_set_conversion_decision(map, (cxm_decision)i);
        return bad(c, "must be one of EXPLORE, BUY, PROMOTE or an object, got '%s'",
                   conv->valuestring);
    }
    if (!cJSON_IsObject(conv))
        return bad(c, "must be a decision name or an object, got %s", type_name(conv));
    static const char *const allowed[] = { "decision", "touchpoints", NULL };
    int status = check_keys(c, conv, allowed);
    if (status != CXM_OK)
        return status;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(conv, "touchpoints");
    if (cJSON_GetObjectItemCaseSensitive(conv, "decision")) {
        if (list)
            return bad(c, "give either 'decision' or 'touchpoints', not both");
        status = get_enum(c, conv, "decision", decisions, 3, "EXPLORE, BUY, PROMOTE", &decision);
        if (status == CXM_OK)
            status = cxm_journey_map_set_conversion_decision(map, (cxm_decision)decision);
        return status;
    }
    if (list == NULL)
        return bad(c, "needs a key 'decision' or 'touchpoints'");
    if (!cJSON_IsArray(list) || list->child == NULL)
        return bad(c, "key 'touchpoints' must be a non-empty array of touchpoint ids");
    size_t k = 0;
    for (const cJSON *item = list->child; item; item = item->next, k++) {
        if (!cJSON_IsString(item))
            return bad(c, "touchpoints[%zu] must be a touchpoint id, got %s", k, type_name(item));
        uint32_t index;
        if (!cxm__strtab_find(&map->ids, item->valuestring, strlen(item->valuestring), &index))
            return bad(c, "touchpoints[%zu]: '%s' is not a touchpoint of the map", k,
                       item->valuestring);
        status = cxm_journey_map_set_conversion_touchpoint(map, item->valuestring, 1);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

static int parse_document(cxm_journey_map *map, ctx *c, const cJSON *root)
{
    c->where[0] = '\0';
    if (!cJSON_IsObject(root))
        return bad(c, "the journey map must be a JSON object, got %s", type_name(root));
    static const char *const allowed[] = { "version", "name", "description", "rating_scale",
                                           "conversion", "touchpoints", NULL };
    int status = check_keys(c, root, allowed);
    if (status != CXM_OK)
        return status;
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (version && !(cJSON_IsNumber(version) && version->valuedouble == 1))
        return bad(c, "key 'version' must be 1 (the only schema version so far)");
    const char *name;
    status = get_string(c, root, "name", 0, &name);
    if (status != CXM_OK)
        return status;
    if (name) {
        map->name = cxm__strdup(name);
        if (map->name == NULL)
            return CXM_ENOMEM;
    }
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(root, "rating_scale");
    if (scale) {
        if (!cJSON_IsArray(scale) || cJSON_GetArraySize(scale) != 2 ||
            !cJSON_IsNumber(scale->child) || !cJSON_IsNumber(scale->child->next))
            return bad(c, "key 'rating_scale' must be [min, max], two numbers");
        status = cxm_journey_map_set_rating_scale(map, scale->child->valuedouble,
                                                  scale->child->next->valuedouble);
        if (status != CXM_OK) /* the map's own check says what is wrong */
            return cxm__fail_prefix_status(CXM_EPARSE, "%s: key 'rating_scale': ", c->source);
    }
    const cJSON *tps = cJSON_GetObjectItemCaseSensitive(root, "touchpoints");
    if (tps == NULL)
        return bad(c, "key 'touchpoints' is missing");
    if (!cJSON_IsArray(tps))
        return bad(c, "key 'touchpoints' must be an array, got %s", type_name(tps));
    if (tps->child == NULL)
        return bad(c, "key 'touchpoints' is empty: a journey map needs at least one touchpoint");
    size_t k = 0;
    for (const cJSON *tp = tps->child; status == CXM_OK && tp; tp = tp->next, k++)
        status = parse_touchpoint(map, c, tp, k);
    if (status != CXM_OK)
        return status;
    const cJSON *conv = cJSON_GetObjectItemCaseSensitive(root, "conversion");
    if (conv) {
        if (map->conversion_touchpoints > 0) {
            c->where[0] = '\0';
            return bad(c, "conversion is given both at the top level and on touchpoints");
        }
        status = parse_conversion(map, c, conv);
    }
    return status;
}

int cxm_journey_map_parse_json(cxm_journey_map **out, const char *text, size_t length,
                               const char *source)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(text, "text");
    if (status != CXM_OK)
        return status;
    ctx c;
    c.source = source ? source : "journey map";
    c.where[0] = '\0';
    cJSON *root;
    status = cxm__json_parse(&root, text, length, c.source);
    if (status != CXM_OK)
        return status;
    cxm_journey_map *map = NULL;
    status = cxm_journey_map_create(&map);
    if (status == CXM_OK)
        status = parse_document(map, &c, root);
    cJSON_Delete(root);
    if (status != CXM_OK) {
        cxm_journey_map_free(map);
        return status;
    }
    *out = map;
    return CXM_OK;
}

int cxm_journey_map_load_json(cxm_journey_map **out, const char *filename)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(filename, "filename");
    if (status != CXM_OK)
        return status;
    FILE *f = fopen(filename, "rb");
    if (f == NULL)
        return cxm__fail(CXM_EIO, "%s: cannot open: %s", filename, strerror(errno));
    char *text = NULL;
    size_t length = 0, cap = 0;
    for (;;) {
        status = cxm__grow((void **)&text, &cap, length + 65536, 1);
        if (status != CXM_OK)
            break;
        size_t got = fread(text + length, 1, cap - length, f);
        length += got;
        if (got == 0) {
            if (ferror(f))
                status = cxm__fail(CXM_EIO, "%s: read error: %s", filename, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (status == CXM_OK)
        status = cxm_journey_map_parse_json(out, text, length, filename);
    cxm__free(text);
    return status;
}
