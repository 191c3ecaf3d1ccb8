/* The journey map: touchpoints, what they serve, and what counts as conversion. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"

int cxm_journey_map_create(cxm_journey_map **out)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_journey_map *m = cxm__calloc(1, sizeof *m);
    if (m == NULL)
        return CXM_ENOMEM;
    cxm__strtab_init(&m->ids);
    m->conversion_decision = CXM_DECISION_BUY;
    m->scale_min = m->scale_max = NAN;
    *out = m;
    return CXM_OK;
}

static void touchpoint_free(cxm__touchpoint *t)
{
    cxm__free(t->id);
    cxm__free(t->name);
    cxm__free(t->channel);
    cxm__free(t->department);
    cxm__free(t->ratings);
}

void cxm_journey_map_free(cxm_journey_map *map)
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->count; i++)
        touchpoint_free(&map->touchpoints[i]);
    cxm__free(map->touchpoints);
    cxm__strtab_free(&map->ids);
    cxm__free(map->name);
    cxm__free(map);
}

size_t cxm_journey_map_count(const cxm_journey_map *map)
{
    return map ? map->count : 0;
}

static int valid_decision(cxm_decision d)
{
    return d == CXM_DECISION_EXPLORE || d == CXM_DECISION_BUY || d == CXM_DECISION_PROMOTE;
}

static int valid_rung(cxm_rung r)
{
    return r == CXM_RUNG_KNOW || r == CXM_RUNG_DO || r == CXM_RUNG_SUGGEST ||
           r == CXM_RUNG_CREATE;
}

int cxm_journey_map_add_touchpoint(cxm_journey_map *map, const char *id, const char *name,
                                   const char *channel, const char *department,
                                   cxm_decision decision, cxm_rung rung)
{
    int status = cxm__check_pointer(map, "map");
    if (status == CXM_OK)
        status = cxm__check_pointer(id, "id");
    if (status != CXM_OK)
        return status;
    if (id[0] == '\0')
        return cxm__fail(CXM_EINVAL, "a touchpoint id must not be empty");
    if (!valid_decision(decision))
        return cxm__fail(CXM_EINVAL,
                         "touchpoint '%s': decision %d is not EXPLORE, BUY or PROMOTE", id,
                         (int)decision);
    if (!valid_rung(rung))
        return cxm__fail(CXM_EINVAL,
                         "touchpoint '%s': rung %d is not KNOW, DO, SUGGEST or CREATE", id,
                         (int)rung);
    uint32_t existing;
    if (cxm__strtab_find(&map->ids, id, strlen(id), &existing))
        return cxm__fail(CXM_EINVAL, "touchpoint '%s' is already in the map", id);
    status = cxm__grow((void **)&map->touchpoints, &map->capacity, map->count + 1,
                       sizeof *map->touchpoints);
    if (status != CXM_OK)
        return status;
    cxm__touchpoint t;
    memset(&t, 0, sizeof t);
    t.decision = decision;
    t.rung = rung;
    t.importance = NAN;
    t.id = cxm__strdup(id);
    t.name = cxm__strdup((name && name[0]) ? name : id);
    t.channel = cxm__strdup((channel && channel[0]) ? channel : id);
    t.department = cxm__strdup(department ? department : "");
    if (t.id == NULL || t.name == NULL || t.channel == NULL || t.department == NULL) {
        touchpoint_free(&t);
        return CXM_ENOMEM;
    }
    uint32_t index;
    status = cxm__strtab_intern(&map->ids, id, strlen(id), &index);
    if (status != CXM_OK) {
        touchpoint_free(&t);
        return status;
    }
    map->touchpoints[map->count++] = t;
    return CXM_OK;
}

static int find(const cxm_journey_map *map, const char *id, size_t *index)
{
    int status = cxm__check_pointer(map, "map");
    if (status == CXM_OK)
        status = cxm__check_pointer(id, "id");
    if (status != CXM_OK)
        return status;
    uint32_t i;
    if (!cxm__strtab_find(&map->ids, id, strlen(id), &i))
        return cxm__fail(CXM_ENOTFOUND, "touchpoint '%s' is not in the journey map", id);
    *index = i;
    return CXM_OK;
}

int cxm_journey_map_set_importance(cxm_journey_map *map, const char *id, double importance)
{
    size_t i;
    int status = find(map, id, &i);
    if (status == CXM_OK)
        status = cxm__check_finite(importance, "importance");
    if (status != CXM_OK)
        return status;
    map->touchpoints[i].importance = importance;
    return CXM_OK;
}

int cxm_journey_map_add_employee_ratings(cxm_journey_map *map, const char *id, size_t n,
                                         const double *ratings)
{
    size_t i;
    int status = find(map, id, &i);
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(ratings, "ratings");
    for (size_t k = 0; status == CXM_OK && k < n; k++) {
        status = cxm__check_finite(ratings[k], "rating");
        if (status != CXM_OK)
            cxm__fail_prefix("touchpoint '%s': employee rating %zu: ", id, k);
    }
    if (status != CXM_OK)
        return status;
    cxm__touchpoint *t = &map->touchpoints[i];
    status = cxm__grow((void **)&t->ratings, &t->ratings_cap, t->ratings_n + n, sizeof *t->ratings);
    if (status != CXM_OK)
        return status;
    if (n > 0)
        memcpy(t->ratings + t->ratings_n, ratings, n * sizeof *ratings);
    t->ratings_n += n;
    return CXM_OK;
}

int cxm_journey_map_set_conversion_decision(cxm_journey_map *map, cxm_decision decision)
{
    int status = cxm__check_pointer(map, "map");
    if (status != CXM_OK)
        return status;
    if (!valid_decision(decision))
        return cxm__fail(CXM_EINVAL, "conversion decision %d is not EXPLORE, BUY or PROMOTE",
                         (int)decision);
    map->conversion_decision = decision;
    return CXM_OK;
}

int cxm_journey_map_set_conversion_touchpoint(cxm_journey_map *map, const char *id,
                                              int is_conversion)
{
    size_t i;
    int status = find(map, id, &i);
    if (status != CXM_OK)
        return status;
    int flag = is_conversion != 0;
    if (map->touchpoints[i].is_conversion != flag) {
        map->touchpoints[i].is_conversion = flag;
        if (flag)
            map->conversion_touchpoints++;
        else
            map->conversion_touchpoints--;
    }
    return CXM_OK;
}

int cxm_journey_map_set_rating_scale(cxm_journey_map *map, double min, double max)
{
    int status = cxm__check_pointer(map, "map");
    if (status == CXM_OK)
        status = cxm__check_finite(min, "scale minimum");
    if (status == CXM_OK)
        status = cxm__check_finite(max, "scale maximum");
    if (status == CXM_OK && !(max > min))
        status = cxm__fail(CXM_EINVAL, "the rating scale [%g, %g] is empty", min, max);
    if (status != CXM_OK)
        return status;
    map->scale_min = min;
    map->scale_max = max;
    return CXM_OK;
}

int cxm__journey_map_converts(const cxm_journey_map *map, size_t t)
{
    if (map->conversion_touchpoints > 0)
        return map->touchpoints[t].is_conversion;
    return map->touchpoints[t].decision >= map->conversion_decision;
}

int cxm__journey_map_clone(cxm_journey_map **out, const cxm_journey_map *map)
{
    cxm_journey_map *m;
    int status = cxm_journey_map_create(&m);
    if (status != CXM_OK)
        return status;
    for (size_t i = 0; status == CXM_OK && i < map->count; i++) {
        const cxm__touchpoint *t = &map->touchpoints[i];
        status = cxm_journey_map_add_touchpoint(m, t->id, t->name, t->channel, t->department,
                                                t->decision, t->rung);
        if (status == CXM_OK)
            status = cxm_journey_map_add_employee_ratings(m, t->id, t->ratings_n, t->ratings);
        if (status == CXM_OK) {
            m->touchpoints[i].importance = t->importance;
            m->touchpoints[i].is_conversion = t->is_conversion;
        }
    }
    if (status == CXM_OK && map->name) {
        m->name = cxm__strdup(map->name);
        if (m->name == NULL)
            status = CXM_ENOMEM;
    }
    if (status != CXM_OK) {
        cxm_journey_map_free(m);
        return status;
    }
    m->conversion_decision = map->conversion_decision;
    m->conversion_touchpoints = map->conversion_touchpoints;
    m->scale_min = map->scale_min;
    m->scale_max = map->scale_max;
    *out = m;
    return CXM_OK;
}

int cxm_journey_map_touchpoints(cxm_table **out, const cxm_journey_map *map)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(map, "map");
    if (status != CXM_OK)
        return status;
    cxm_table *t = NULL;
    size_t c_id = 0, c_name = 0, c_channel = 0, c_dept = 0, c_dec = 0, c_rung = 0;
    double *d_imp = NULL, *d_n = NULL, *d_mean = NULL, *d_conv = NULL;
    status = cxm__table_create(&t, map->count);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "id", &c_id);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "name", &c_name);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "channel", &c_channel);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "department", &c_dept);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "decision", &c_dec);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "rung", &c_rung);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "importance", &d_imp);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "employee_ratings", &d_n);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "employee_mean", &d_mean);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "conversion", &d_conv);
    for (size_t i = 0; status == CXM_OK && i < map->count; i++) {
        const cxm__touchpoint *tp = &map->touchpoints[i];
        status = cxm__table_set_text(t, c_id, i, tp->id);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_name, i, tp->name);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_channel, i, tp->channel);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_dept, i, tp->department);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_dec, i, cxm_decision_name(tp->decision));
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_rung, i, cxm_rung_name(tp->rung));
        d_imp[i] = tp->importance;
        d_n[i] = (double)tp->ratings_n;
        double sum = 0;
        for (size_t k = 0; k < tp->ratings_n; k++)
            sum += tp->ratings[k];
        d_mean[i] = tp->ratings_n ? sum / (double)tp->ratings_n : NAN;
        d_conv[i] = cxm__journey_map_converts(map, i);
    }
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "scale_min", map->scale_min);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "scale_max", map->scale_max);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}
