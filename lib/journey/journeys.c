/* Journeys from an event log: per-customer journeys, funnel, decision chain,
 * paths for attribution, the two-perspective gaps, experience map, ladder. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "cxm/chain.h"
#include "journey/internal.h"
#include "numeric/stats.h"

typedef struct event {
    uint32_t customer, touchpoint, segment; /* segment UINT32_MAX: none */
    double time, value, rating, valence;
} event;

struct cxm_journeys {
    cxm_journey_map *map;
    cxm__strtab customers, segments;
    event *events;
    size_t n, cap;
    unsigned long long skipped; /* bad rows skipped by cxm_journeys_read_csv() */
    char **messages;
    size_t nmessages;
};

size_t cxm__journeys_event_count(const cxm_journeys *j)
{
    return j->n;
}

void cxm__journeys_note_skipped(cxm_journeys *j, unsigned long long skipped, char **messages,
                                size_t n)
{
    j->skipped += skipped;
    for (size_t i = 0; i < n; i++) {
        if (j->nmessages < 10) {
            char **grown = cxm__reallocarray(j->messages, j->nmessages + 1, sizeof *grown);
            if (grown != NULL) {
                j->messages = grown;
                j->messages[j->nmessages++] = messages[i];
                continue;
            }
        }
        cxm__free(messages[i]);
    }
    cxm__free(messages);
}

unsigned long long cxm_journeys_skipped(const cxm_journeys *j)
{
    return j ? j->skipped : 0;
}

const char *cxm_journeys_skipped_message(const cxm_journeys *j, size_t i)
{
    return (j && i < j->nmessages) ? j->messages[i] : NULL;
}

int cxm_journeys_create(cxm_journeys **out, const cxm_journey_map *map)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(map, "map");
    if (status == CXM_OK && map->count == 0)
        status = cxm__fail(CXM_EINVAL, "the journey map has no touchpoints");
    if (status != CXM_OK)
        return status;
    cxm_journeys *j = cxm__calloc(1, sizeof *j);
    if (j == NULL)
        return CXM_ENOMEM;
    cxm__strtab_init(&j->customers);
    cxm__strtab_init(&j->segments);
    status = cxm__journey_map_clone(&j->map, map);
    if (status != CXM_OK) {
        cxm__free(j);
        return status;
    }
    *out = j;
    return CXM_OK;
}

void cxm_journeys_free(cxm_journeys *j)
{
    if (j == NULL)
        return;
    cxm_journey_map_free(j->map);
    cxm__strtab_free(&j->customers);
    cxm__strtab_free(&j->segments);
    cxm__free(j->events);
    for (size_t i = 0; i < j->nmessages; i++)
        cxm__free(j->messages[i]);
    cxm__free(j->messages);
    cxm__free(j);
}

size_t cxm_journeys_customer_count(const cxm_journeys *j)
{
    return j ? j->customers.count : 0;
}

static int check_optional(double x, const char *name)
{
    if (isnan(x))
        return CXM_OK;
    return cxm__check_finite(x, name);
}

int cxm_journeys_add_event(cxm_journeys *j, const char *customer, double time,
                           const char *touchpoint, double value, double rating, double valence,
                           const char *segment)
{
    int status = cxm__check_pointer(j, "journeys");
    if (status == CXM_OK)
        status = cxm__check_pointer(customer, "customer");
    if (status == CXM_OK)
        status = cxm__check_pointer(touchpoint, "touchpoint");
    if (status == CXM_OK && customer[0] == '\0')
        status = cxm__fail(CXM_EINVAL, "the customer id is empty");
    if (status == CXM_OK)
        status = cxm__check_finite(time, "time");
    if (status == CXM_OK)
        status = check_optional(value, "value");
    if (status == CXM_OK)
        status = check_optional(rating, "rating");
    if (status == CXM_OK)
        status = check_optional(valence, "valence");
    if (status != CXM_OK)
        return status;
    uint32_t tp;
    if (!cxm__strtab_find(&j->map->ids, touchpoint, strlen(touchpoint), &tp))
        return cxm__fail(CXM_ENOTFOUND, "touchpoint '%s' is not in the journey map", touchpoint);
    status = cxm__grow((void **)&j->events, &j->cap, j->n + 1, sizeof *j->events);
    if (status != CXM_OK)
        return status;
    event *e = &j->events[j->n];
    e->touchpoint = tp;
    e->time = time;
    e->value = value;
    e->rating = rating;
    e->valence = valence;
    e->segment = UINT32_MAX;
    if (segment && segment[0]) {
        status = cxm__strtab_intern(&j->segments, segment, strlen(segment), &e->segment);
        if (status != CXM_OK)
            return status;
    }
    status = cxm__strtab_intern(&j->customers, customer, strlen(customer), &e->customer);
    if (status != CXM_OK)
        return status;
    j->n++;
    return CXM_OK;
}

int cxm_journeys_add_events(cxm_journeys *j, size_t n, const char *const *customers,
                            const double *times, const char *const *touchpoints,
                            const double *values, const double *ratings, const double *valences,
                            const char *const *segments)
{
    int status = cxm__check_pointer(j, "journeys");
    if (status == CXM_OK && n > 0) {
        status = cxm__check_pointer(customers, "customers");
        if (status == CXM_OK)
            status = cxm__check_pointer(times, "times");
        if (status == CXM_OK)
            status = cxm__check_pointer(touchpoints, "touchpoints");
    }
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm_journeys_add_event(j, customers[i], times[i], touchpoints[i],
                                        values ? values[i] : NAN, ratings ? ratings[i] : NAN,
                                        valences ? valences[i] : NAN,
                                        segments ? segments[i] : NULL);
        if (status != CXM_OK)
            cxm__fail_prefix("event %zu: ", i);
    }
    return status;
}


/* The size of each version of cxm_journey_options (docs/ABI.md). */
static const size_t option_sizes[CXM_JOURNEY_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_journey_options, by_channel),
};

static int read_options(cxm_journey_options *o, const cxm_journey_options *given)
{
    cxm_journey_options_init(o);
    int status = cxm__options_read(o, given, option_sizes, CXM_JOURNEY_OPTIONS_VERSION,
                                   "cxm_journey_options");
    if (status != CXM_OK)
        return status;
    if (!(o->level > 0 && o->level < 1))
        return cxm__fail(CXM_EINVAL, "confidence level %g is outside (0, 1)", o->level);
    if (o->importance < CXM_IMPORTANCE_AUTO || o->importance > CXM_IMPORTANCE_PROMOTE)
        return cxm__fail(CXM_EINVAL, "importance source %d is unknown", (int)o->importance);
    return CXM_OK;
}

/* ------------------------------------------------------------------ the per-customer view */

typedef struct cust {
    size_t first, end;           /* range in view.order */
    int furthest;                /* highest decision touched (0..2) */
    int highest_rung;
    unsigned rungs;              /* bit per rung touched */
    double reached[3];           /* first time a decision >= d was touched */
    int converted;
    size_t conversion_at;        /* position of the first conversion touch */
    double conversion_time, value, conversion_value;
    uint32_t segment;
} cust;

typedef struct view {
    size_t *order;               /* events sorted by customer, time, input order */
    cust *c;
    size_t ncust;
} view;

/* Events of one customer in time order; ties keep the input order. */
static int time_before(const event *ev, size_t x, size_t y)
{
    if (ev[x].time != ev[y].time)
        return ev[x].time < ev[y].time;
    return x < y;
}

static void view_free(view *v)
{
    cxm__free(v->order);
    cxm__free(v->c);
}

static int build_view(const cxm_journeys *j, view *v)
{
    memset(v, 0, sizeof *v);
    size_t nc = j->customers.count;
    v->ncust = nc;
    v->order = cxm__malloc((j->n ? j->n : 1) * sizeof *v->order);
    v->c = cxm__calloc(nc ? nc : 1, sizeof *v->c);
    if (v->order == NULL || v->c == NULL) {
        view_free(v);
        return CXM_ENOMEM;
    }
    /* counting sort by customer (stable), insertion-merge by time */
    for (size_t i = 0; i < j->n; i++)
        v->c[j->events[i].customer].end++;
    size_t at = 0;
    for (size_t k = 0; k < nc; k++) {
        size_t count = v->c[k].end;
        v->c[k].first = at;
        v->c[k].end = at;
        at += count;
    }
    for (size_t i = 0; i < j->n; i++)
        v->order[v->c[j->events[i].customer].end++] = i;
    size_t *tmp = NULL;
    for (size_t k = 0; k < nc; k++) {
        size_t *o = v->order + v->c[k].first, m = v->c[k].end - v->c[k].first;
        int sorted = 1;
        for (size_t i = 1; i < m && sorted; i++)
            sorted = !time_before(j->events, o[i], o[i - 1]);
        if (sorted)
            continue;
        if (tmp == NULL && (tmp = cxm__malloc(j->n * sizeof *tmp)) == NULL) {
            view_free(v);
            return CXM_ENOMEM;
        }
        /* stable bottom-up merge sort by time */
        for (size_t width = 1; width < m; width *= 2) {
            for (size_t lo = 0; lo < m; lo += 2 * width) {
                size_t mid = lo + width < m ? lo + width : m;
                size_t hi = lo + 2 * width < m ? lo + 2 * width : m;
                size_t a = lo, b = mid, w = lo;
                while (a < mid && b < hi)
                    tmp[w++] = time_before(j->events, o[b], o[a]) ? o[b++] : o[a++];
                while (a < mid)
                    tmp[w++] = o[a++];
                while (b < hi)
                    tmp[w++] = o[b++];
            }
            memcpy(o, tmp, m * sizeof *o);
        }
    }
    cxm__free(tmp);
    const cxm_journey_map *map = j->map;
    for (size_t k = 0; k < nc; k++) {
        cust *c = &v->c[k];
        c->furthest = -1;
        c->highest_rung = -1;
        c->segment = UINT32_MAX;
        c->conversion_time = NAN;
        for (int d = 0; d < 3; d++)
            c->reached[d] = NAN;
        for (size_t p = c->first; p < c->end; p++) {
            const event *e = &j->events[v->order[p]];
            const cxm__touchpoint *tp = &map->touchpoints[e->touchpoint];
            int d = (int)tp->decision;
            if (d > c->furthest)
                c->furthest = d;
            for (int q = 0; q <= d; q++)
                if (isnan(c->reached[q]))
                    c->reached[q] = e->time;
            if ((int)tp->rung > c->highest_rung)
                c->highest_rung = (int)tp->rung;
            c->rungs |= 1u << tp->rung;
            if (c->segment == UINT32_MAX)
                c->segment = e->segment;
            if (!isnan(e->value))
                c->value += e->value;
            if (cxm__journey_map_converts(map, e->touchpoint)) {
                if (!c->converted) {
                    c->converted = 1;
                    c->conversion_at = p;
                    c->conversion_time = e->time;
                }
                if (!isnan(e->value))
                    c->conversion_value += e->value;
            }
        }
    }
    return CXM_OK;
}

static double scale_mid(const cxm_journey_map *map)
{
    return isfinite(map->scale_min) ? 0.5 * (map->scale_min + map->scale_max) : 0.0;
}

static int start(cxm_table **out, const cxm_journeys *j, cxm_journey_options *o,
                 const cxm_journey_options *given, view *v)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(j, "journeys");
    if (status == CXM_OK)
        status = read_options(o, given);
    if (status == CXM_OK && j->n == 0)
        status = cxm__fail(CXM_EDOMAIN, "there are no events");
    if (status == CXM_OK)
        status = build_view(j, v);
    return status;
}

static int finish(cxm_table **out, cxm_table *t, view *v, int status)
{
    view_free(v);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

/* Add number columns by name; pointers in the same order. */
static int add_numbers(cxm_table *t, const char *const *names, double **cols, size_t n)
{
    int status = CXM_OK;
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        status = cxm__table_add_numbers(t, names[i], &cols[i]);
    return status;
}

/* ------------------------------------------------------------------ customers */

static double remembered_score(const cxm_journeys *j, const view *v, const cust *c, int valence,
                               double mid, double *scratch)
{
    size_t n = 0;
    for (size_t p = c->first; p < c->end; p++) {
        const event *e = &j->events[v->order[p]];
        double x = valence ? e->valence : e->rating;
        if (!isnan(x))
            scratch[n++] = x - mid;
    }
    double r;
    if (n == 0 || cxm_peak_end(&r, n, scratch) != CXM_OK)
        return NAN;
    return mid + r;
}

int cxm_journeys_customers(cxm_table **out, const cxm_journeys *j)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, NULL, &v);
    if (status != CXM_OK)
        return status;
    cxm_table *t = NULL;
    enum { TOUCHES, FIRST, LAST, T_EXPLORE, T_BUY, T_PROMOTE, TO_BUY, TO_PROMOTE, CONVERTED,
           CONV_TIME, VALUE, RATING, REMEMBERED, VALENCE, NCOL };
    static const char *const names[NCOL] = {
        "touches", "first_time", "last_time", "explore_time", "buy_time", "promote_time",
        "time_to_buy", "time_to_promote", "converted", "conversion_time", "value",
        "rating_mean", "remembered", "valence_peak_end" };
    double *d[NCOL];
    size_t c_cust = 0, c_seg = 0, c_journey = 0, c_dec = 0, c_rung = 0;
    double *scratch = cxm__malloc((j->n ? j->n : 1) * sizeof *scratch);
    char *text = NULL;
    size_t text_cap = 0;
    if (scratch == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK)
        status = cxm__table_create(&t, v.ncust);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "customer", &c_cust);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "segment", &c_seg);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "journey", &c_journey);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "furthest_decision", &c_dec);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "highest_rung", &c_rung);
    if (status == CXM_OK)
        status = add_numbers(t, names, d, NCOL);
    double mid = scale_mid(j->map);
    for (size_t k = 0; status == CXM_OK && k < v.ncust; k++) {
        const cust *c = &v.c[k];
        status = cxm__table_set_text(t, c_cust, k, j->customers.names[k]);
        if (status == CXM_OK && c->segment != UINT32_MAX)
            status = cxm__table_set_text(t, c_seg, k, j->segments.names[c->segment]);
        /* the journey as "id > id > ..." */
        size_t len = 0;
        for (size_t p = c->first; p < c->end; p++)
            len += strlen(j->map->touchpoints[j->events[v.order[p]].touchpoint].id) + 3;
        if (status == CXM_OK)
            status = cxm__grow((void **)&text, &text_cap, len + 1, 1);
        if (status == CXM_OK) {
            size_t at = 0;
            for (size_t p = c->first; p < c->end; p++) {
                const char *id = j->map->touchpoints[j->events[v.order[p]].touchpoint].id;
                size_t idlen = strlen(id);
                if (p > c->first) {
                    memcpy(text + at, " > ", 3);
                    at += 3;
                }
                memcpy(text + at, id, idlen);
                at += idlen;
            }
            status = cxm__table_set_text_n(t, c_journey, k, text, at);
        }
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_dec, k, cxm_decision_name((cxm_decision)c->furthest));
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_rung, k, cxm_rung_name((cxm_rung)c->highest_rung));
        d[TOUCHES][k] = (double)(c->end - c->first);
        d[FIRST][k] = j->events[v.order[c->first]].time;
        d[LAST][k] = j->events[v.order[c->end - 1]].time;
        d[T_EXPLORE][k] = c->reached[0];
        d[T_BUY][k] = c->reached[1];
        d[T_PROMOTE][k] = c->reached[2];
        d[TO_BUY][k] = c->reached[1] - c->reached[0];
        d[TO_PROMOTE][k] = c->reached[2] - c->reached[1];
        d[CONVERTED][k] = c->converted;
        d[CONV_TIME][k] = c->conversion_time;
        d[VALUE][k] = c->value;
        double sum = 0;
        size_t nr = 0;
        for (size_t p = c->first; p < c->end; p++) {
            double r = j->events[v.order[p]].rating;
            if (!isnan(r)) {
                sum += r;
                nr++;
            }
        }
        d[RATING][k] = nr ? sum / (double)nr : NAN;
        d[REMEMBERED][k] = remembered_score(j, &v, c, 0, mid, scratch);
        d[VALENCE][k] = remembered_score(j, &v, c, 1, 0.0, scratch);
    }
    cxm__free(scratch);
    cxm__free(text);
    return finish(out, t, &v, status);
}

/* ------------------------------------------------------------------ funnel */

int cxm_journeys_funnel(cxm_table **out, const cxm_journeys *j, const cxm_journey_options *options)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, options, &v);
    if (status != CXM_OK)
        return status;
    size_t nseg = j->segments.count;
    size_t groups = 1 + nseg, rows = 3 * groups;
    cxm_table *t = NULL;
    enum { CUSTOMERS, SHARE, RATE, LOWER, UPPER, DROP, DROP_RATE, NEXT_N, NEXT_MEAN, Q25, MEDIAN,
           Q75, Q90, NCOL };
    static const char *const names[NCOL] = { "customers", "share", "rate", "rate_lower",
                                             "rate_upper", "drop_off", "drop_off_rate", "next_n",
                                             "next_mean", "next_q25", "next_median", "next_q75",
                                             "next_q90" };
    double *d[NCOL];
    size_t c_seg = 0, c_dec = 0;
    double *times = cxm__malloc((v.ncust ? v.ncust : 1) * sizeof *times);
    if (times == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK)
        status = cxm__table_create(&t, rows);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "segment", &c_seg);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "decision", &c_dec);
    if (status == CXM_OK)
        status = add_numbers(t, names, d, NCOL);
    for (size_t g = 0; status == CXM_OK && g < groups; g++) {
        /* group 0: everyone; group g: segment g - 1 */
        double reached[3] = { 0, 0, 0 }, all = 0;
        for (size_t k = 0; k < v.ncust; k++) {
            const cust *c = &v.c[k];
            if (g > 0 && c->segment != g - 1)
                continue;
            all++;
            for (int dd = 0; dd <= c->furthest; dd++)
                reached[dd]++;
        }
        for (int dd = 0; status == CXM_OK && dd < 3; dd++) {
            size_t r = g * 3 + (size_t)dd;
            status = cxm__table_set_text(t, c_seg, r, g == 0 ? "(all)" : j->segments.names[g - 1]);
            if (status == CXM_OK)
                status = cxm__table_set_text(t, c_dec, r, cxm_decision_name((cxm_decision)dd));
            double base = dd == 0 ? all : reached[dd - 1];
            d[CUSTOMERS][r] = reached[dd];
            d[SHARE][r] = all > 0 ? reached[dd] / all : NAN;
            d[RATE][r] = base > 0 ? reached[dd] / base : NAN;
            if (base > 0)
                cxm__wilson_interval(reached[dd], base, o.level, &d[LOWER][r], &d[UPPER][r]);
            if (dd < 2) {
                d[DROP][r] = reached[dd] - reached[dd + 1];
                d[DROP_RATE][r] = reached[dd] > 0 ? d[DROP][r] / reached[dd] : NAN;
                size_t m = 0;
                for (size_t k = 0; k < v.ncust; k++) {
                    const cust *c = &v.c[k];
                    if ((g > 0 && c->segment != g - 1) || c->furthest < dd + 1)
                        continue;
                    times[m++] = c->reached[dd + 1] - c->reached[dd];
                }
                double sum = 0;
                for (size_t i = 0; i < m; i++)
                    sum += times[i];
                cxm__sort_doubles(times, m);
                d[NEXT_N][r] = (double)m;
                d[NEXT_MEAN][r] = m ? sum / (double)m : NAN;
                d[Q25][r] = cxm__quantile_sorted(times, m, 0.25);
                d[MEDIAN][r] = cxm__quantile_sorted(times, m, 0.5);
                d[Q75][r] = cxm__quantile_sorted(times, m, 0.75);
                d[Q90][r] = cxm__quantile_sorted(times, m, 0.9);
            } else {
                d[NEXT_N][r] = 0;
            }
        }
    }
    cxm__free(times);
    return finish(out, t, &v, status);
}

/* ------------------------------------------------------------------ decision chain */

int cxm_journeys_decision_chain(cxm_table **out, const cxm_journeys *j)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, NULL, &v);
    if (status != CXM_OK)
        return status;
    double counts[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
    for (size_t k = 0; k < v.ncust; k++) {
        const cust *c = &v.c[k];
        int state = -1;
        for (size_t p = c->first; p < c->end; p++) {
            int d = (int)j->map->touchpoints[j->events[v.order[p]].touchpoint].decision;
            if (state >= 0)
                counts[state * 4 + d]++;
            if (d == CXM_DECISION_PROMOTE) {
                state = -1;
                break;
            }
            state = d;
        }
        if (state >= 0)
            counts[state * 4 + CXM_DECISION_LEAVE]++;
    }
    cxm_table *t = NULL;
    status = cxm__decision_chain_table(&t, counts, 1);
    static const char *const names[4] = { "count_explore", "count_buy", "count_promote",
                                          "count_leave" };
    for (int col = 0; status == CXM_OK && col < 4; col++) {
        double *d;
        status = cxm__table_add_numbers(t, names[col], &d);
        if (status == CXM_OK)
            for (int r = 0; r < 2; r++)
                d[r] = counts[r * 4 + col];
    }
    return finish(out, t, &v, status);
}

/* ------------------------------------------------------------------ paths */

int cxm_journeys_paths(cxm_paths **out, const cxm_journeys *j, const cxm_journey_options *options)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_journey_options o;
    view v;
    cxm_table *unused = NULL;
    status = start(&unused, j, &o, options, &v);
    if (status != CXM_OK)
        return status;
    cxm_paths *paths = NULL;
    const char **touches = cxm__malloc((j->n ? j->n : 1) * sizeof *touches);
    double *ages = cxm__malloc((j->n ? j->n : 1) * sizeof *ages);
    if (touches == NULL || ages == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK)
        status = cxm_paths_create(&paths, NULL);
    for (size_t k = 0; status == CXM_OK && k < v.ncust; k++) {
        const cust *c = &v.c[k];
        size_t stop = c->converted ? c->conversion_at : c->end, n = 0;
        double when = c->converted ? c->conversion_time : j->events[v.order[c->end - 1]].time;
        for (size_t p = c->first; p < stop; p++) {
            const event *e = &j->events[v.order[p]];
            const cxm__touchpoint *tp = &j->map->touchpoints[e->touchpoint];
            touches[n] = o.by_channel ? tp->channel : tp->id;
            ages[n] = when - e->time;
            n++;
        }
        if (n == 0) {
            touches[0] = "(direct)";
            ages[0] = 0.0;
            n = 1;
        }
        status = cxm_paths_add_touches(paths, n, touches, ages, c->converted ? 1.0 : 0.0,
                                       c->converted ? 0.0 : 1.0,
                                       c->converted ? c->conversion_value : 0.0);
        if (status != CXM_OK)
            cxm__fail_prefix("customer '%s': ", j->customers.names[k]);
    }
    cxm__free(touches);
    cxm__free(ages);
    view_free(&v);
    if (status != CXM_OK) {
        cxm_paths_free(paths);
        return status;
    }
    *out = paths;
    return CXM_OK;
}

/* ------------------------------------------------------------------ the gap per touchpoint */

typedef struct moments {
    double n, mean, m2;
} moments;

static void moments_add(moments *m, double x)
{
    m->n += 1;
    double delta = x - m->mean;
    m->mean += delta / m->n;
    m->m2 += delta * (x - m->mean);
}

static double moments_var(const moments *m)
{
    return m->n > 1 ? m->m2 / (m->n - 1) : NAN;
}

static void employee_moments(const cxm__touchpoint *tp, moments *m)
{
    memset(m, 0, sizeof *m);
    for (size_t k = 0; k < tp->ratings_n; k++)
        moments_add(m, tp->ratings[k]);
}

int cxm_journeys_touchpoint_gap(cxm_table **out, const cxm_journeys *j,
                                const cxm_journey_options *options)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, options, &v);
    if (status != CXM_OK)
        return status;
    size_t nt = j->map->count;
    moments *cust_m = cxm__calloc(nt, sizeof *cust_m);
    cxm_table *t = NULL;
    enum { EN, EMEAN, CN, CMEAN, DIFF, SE, DF, T, P, LO, HI, NCOL };
    static const char *const names[NCOL] = { "employee_n", "employee_mean", "customer_n",
                                             "customer_mean", "difference", "std_error", "df",
                                             "t", "p_value", "lower", "upper" };
    double *d[NCOL];
    size_t c_tp = 0, c_dept = 0;
    if (cust_m == NULL)
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < j->n; i++)
        if (!isnan(j->events[i].rating))
            moments_add(&cust_m[j->events[i].touchpoint], j->events[i].rating);
    if (status == CXM_OK)
        status = cxm__table_create(&t, nt);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "touchpoint", &c_tp);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "department", &c_dept);
    if (status == CXM_OK)
        status = add_numbers(t, names, d, NCOL);
    for (size_t i = 0; status == CXM_OK && i < nt; i++) {
        const cxm__touchpoint *tp = &j->map->touchpoints[i];
        status = cxm__table_set_text(t, c_tp, i, tp->id);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_dept, i, tp->department);
        moments em;
        employee_moments(tp, &em);
        const moments *cm = &cust_m[i];
        d[EN][i] = em.n;
        d[EMEAN][i] = em.n > 0 ? em.mean : NAN;
        d[CN][i] = cm->n;
        d[CMEAN][i] = cm->n > 0 ? cm->mean : NAN;
        d[DIFF][i] = d[EMEAN][i] - d[CMEAN][i];
        double ve = moments_var(&em), vc = moments_var(cm);
        if (em.n >= 2 && cm->n >= 2 && ve / em.n + vc / cm->n > 0) {
            cxm_welch w;
            if (cxm__welch_test(&w, em.mean, ve, em.n, cm->mean, vc, cm->n, o.level) == CXM_OK) {
                d[SE][i] = w.std_error;
                d[DF][i] = w.df;
                d[T][i] = w.t;
                d[P][i] = w.p_value;
                d[LO][i] = w.lower;
                d[HI][i] = w.upper;
            }
        }
    }
    cxm__free(cust_m);
    return finish(out, t, &v, status);
}

/* ------------------------------------------------------------------ the gap over journeys */

int cxm_journeys_remembered_gap(cxm_table **out, const cxm_journeys *j,
                                const cxm_journey_options *options)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, options, &v);
    if (status != CXM_OK)
        return status;
    size_t nt = j->map->count;
    double *claim = cxm__malloc(nt * sizeof *claim);
    size_t *stamp = cxm__malloc(nt * sizeof *stamp);
    double *scratch = cxm__malloc((j->n ? j->n : 1) * sizeof *scratch);
    double *rows = cxm__malloc((v.ncust ? v.ncust : 1) * 4 * sizeof *rows);
    size_t *who = cxm__malloc((v.ncust ? v.ncust : 1) * sizeof *who);
    if (!claim || !stamp || !scratch || !rows || !who)
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < nt; i++) {
        moments em;
        employee_moments(&j->map->touchpoints[i], &em);
        claim[i] = em.n > 0 ? em.mean : NAN;
        stamp[i] = SIZE_MAX;
    }
    double mid = scale_mid(j->map);
    size_t m = 0;
    double below = 0, sum_rem = 0, sum_parts = 0;
    for (size_t k = 0; status == CXM_OK && k < v.ncust; k++) {
        const cust *c = &v.c[k];
        double remembered = remembered_score(j, &v, c, 0, mid, scratch);
        if (isnan(remembered))
            continue;
        double parts = 0, lowest = INFINITY;
        size_t nparts = 0;
        for (size_t p = c->first; p < c->end; p++) {
            uint32_t tp = j->events[v.order[p]].touchpoint;
            if (stamp[tp] == k || isnan(claim[tp]))
                continue;
            stamp[tp] = k;
            parts += claim[tp];
            lowest = fmin(lowest, claim[tp]);
            nparts++;
        }
        if (nparts == 0)
            continue;
        parts /= (double)nparts;
        who[m] = k;
        rows[4 * m + 0] = remembered;
        rows[4 * m + 1] = parts;
        rows[4 * m + 2] = lowest;
        rows[4 * m + 3] = remembered < lowest;
        below += remembered < lowest;
        sum_rem += remembered;
        sum_parts += parts;
        m++;
    }
    cxm_table *t = NULL;
    size_t c_cust = 0;
    static const char *const names[5] = { "remembered", "parts_mean", "lowest_claim", "gap",
                                          "below_all" };
    double *d[5];
    if (status == CXM_OK)
        status = cxm__table_create(&t, m);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "customer", &c_cust);
    if (status == CXM_OK)
        status = add_numbers(t, names, d, 5);
    for (size_t r = 0; status == CXM_OK && r < m; r++) {
        status = cxm__table_set_text(t, c_cust, r, j->customers.names[who[r]]);
        d[0][r] = rows[4 * r + 0];
        d[1][r] = rows[4 * r + 1];
        d[2][r] = rows[4 * r + 2];
        d[3][r] = rows[4 * r + 0] - rows[4 * r + 1];
        d[4][r] = rows[4 * r + 3];
    }
    double lo = NAN, hi = NAN;
    if (m > 0)
        cxm__wilson_interval(below, (double)m, o.level, &lo, &hi);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "customers", (double)m);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "share_below_all", m ? below / (double)m : NAN);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "share_lower", lo);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "share_upper", hi);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "remembered_mean", m ? sum_rem / (double)m : NAN);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "parts_mean", m ? sum_parts / (double)m : NAN);
    cxm__free(claim);
    cxm__free(stamp);
    cxm__free(scratch);
    cxm__free(rows);
    cxm__free(who);
    return finish(out, t, &v, status);
}

/* ------------------------------------------------------------------ experience map */

int cxm_journeys_experience_map(cxm_table **out, const cxm_journeys *j,
                                const cxm_journey_options *options)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, options, &v);
    if (status != CXM_OK)
        return status;
    const cxm_journey_map *map = j->map;
    size_t nt = map->count;
    cxm_importance_source source = o.importance;
    if (source == CXM_IMPORTANCE_AUTO) {
        source = CXM_IMPORTANCE_STATED;
        for (size_t i = 0; i < nt; i++)
            if (isnan(map->touchpoints[i].importance))
                source = CXM_IMPORTANCE_BUY;
    }
    /* per touchpoint: rating moments, traffic, touches, drop-off; per
     * (customer, touchpoint) the mean rating for derived importance */
    moments *perf = cxm__calloc(nt, sizeof *perf);
    double *traffic = cxm__calloc(nt, sizeof *traffic);
    double *touches = cxm__calloc(nt, sizeof *touches);
    double *drop = cxm__calloc(nt, sizeof *drop);
    size_t *stamp = cxm__malloc(nt * sizeof *stamp);
    /* regression sums per touchpoint: n, Σx, Σy, Σxx, Σxy */
    double *reg = cxm__calloc(nt * 5, sizeof *reg);
    moments *mine = cxm__calloc(nt, sizeof *mine);
    if (!perf || !traffic || !touches || !drop || !stamp || !reg || !mine)
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < nt; i++)
        stamp[i] = SIZE_MAX;
    for (size_t k = 0; status == CXM_OK && k < v.ncust; k++) {
        const cust *c = &v.c[k];
        double y = source == CXM_IMPORTANCE_PROMOTE ? (c->furthest >= CXM_DECISION_PROMOTE)
                                                    : (c->furthest >= CXM_DECISION_BUY);
        for (size_t p = c->first; p < c->end; p++) {
            const event *e = &j->events[v.order[p]];
            uint32_t tp = e->touchpoint;
            touches[tp]++;
            if (stamp[tp] != k) {
                stamp[tp] = k;
                traffic[tp]++;
                memset(&mine[tp], 0, sizeof mine[tp]);
            }
            if (!isnan(e->rating)) {
                moments_add(&perf[tp], e->rating);
                moments_add(&mine[tp], e->rating);
            }
        }
        const event *last = &j->events[v.order[c->end - 1]];
        if (!c->converted)
            drop[last->touchpoint]++;
        /* each rated touchpoint of this customer adds one (x, y) point */
        for (size_t p = c->first; p < c->end; p++) {
            uint32_t tp = j->events[v.order[p]].touchpoint;
            if (stamp[tp] != k || mine[tp].n == 0)
                continue;
            double x = mine[tp].mean;
            double *r = reg + 5 * tp;
            r[0] += 1;
            r[1] += x;
            r[2] += y;
            r[3] += x * x;
            r[4] += x * y;
            stamp[tp] = SIZE_MAX - 1; /* counted */
        }
    }
    double *imp = cxm__malloc((nt ? nt : 1) * sizeof *imp);
    double *pf = cxm__malloc((nt ? nt : 1) * sizeof *pf);
    if (status == CXM_OK && (!imp || !pf))
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < nt; i++) {
        pf[i] = perf[i].n > 0 ? perf[i].mean : NAN;
        if (source == CXM_IMPORTANCE_STATED) {
            imp[i] = map->touchpoints[i].importance;
        } else {
            const double *r = reg + 5 * i;
            double n = r[0], sxx = r[3] - r[1] * r[1] / (n > 0 ? n : 1);
            double sxy = r[4] - r[1] * r[2] / (n > 0 ? n : 1);
            imp[i] = (n >= 2 && sxx > 1e-12 * fmax(1.0, r[3])) ? sxy / sxx : NAN;
        }
    }
    cxm_table *t = NULL;
    enum { IMP, PERF, PRIORITY, RANK, TRAFFIC, TOUCHES, DROP, DROP_RATE, NCOL };
    static const char *const names[NCOL] = { "importance", "performance", "priority", "rank",
                                             "traffic", "touches", "drop_off", "drop_off_rate" };
    double *d[NCOL];
    size_t c_tp = 0, c_name = 0, c_quad = 0;
    if (status == CXM_OK)
        status = cxm__table_create(&t, nt);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "touchpoint", &c_tp);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "name", &c_name);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "quadrant", &c_quad);
    if (status == CXM_OK)
        status = add_numbers(t, names, d, NCOL);
    for (size_t i = 0; status == CXM_OK && i < nt; i++) {
        status = cxm__table_set_text(t, c_tp, i, map->touchpoints[i].id);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_name, i, map->touchpoints[i].name);
        d[IMP][i] = imp[i];
        d[PERF][i] = pf[i];
        d[TRAFFIC][i] = traffic[i];
        d[TOUCHES][i] = touches[i];
        d[DROP][i] = drop[i];
        d[DROP_RATE][i] = traffic[i] > 0 ? drop[i] / traffic[i] : NAN;
    }
    double means[2] = { NAN, NAN };
    if (status == CXM_OK)
        status = cxm__ipa_fill(t, nt, imp, pf, c_quad, d[PRIORITY], d[RANK], means);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "importance_mean", means[0]);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "performance_mean", means[1]);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "derived", source != CXM_IMPORTANCE_STATED);
    cxm__free(perf);
    cxm__free(traffic);
    cxm__free(touches);
    cxm__free(drop);
    cxm__free(stamp);
    cxm__free(reg);
    cxm__free(mine);
    cxm__free(imp);
    cxm__free(pf);
    return finish(out, t, &v, status);
}

/* ------------------------------------------------------------------ ladder coverage */

int cxm_journeys_ladder(cxm_table **out, const cxm_journeys *j, const cxm_journey_options *options)
{
    cxm_journey_options o;
    view v;
    int status = start(out, j, &o, options, &v);
    if (status != CXM_OK)
        return status;
    enum { REACHED, SHARE, SLO, SHI, HIGHEST, BUY, BLO, BHI, PROM, PLO, PHI, CONV, NCOL };
    static const char *const names[NCOL] = {
        "reached", "share", "share_lower", "share_upper", "highest", "buy_rate", "buy_lower",
        "buy_upper", "promote_rate", "promote_lower", "promote_upper", "converted_rate" };
    double *d[NCOL];
    size_t c_rung = 0;
    cxm_table *t = NULL;
    status = cxm__table_create(&t, 4);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "rung", &c_rung);
    if (status == CXM_OK)
        status = add_numbers(t, names, d, NCOL);
    double all = (double)v.ncust;
    for (int r = 0; status == CXM_OK && r < 4; r++) {
        status = cxm__table_set_text(t, c_rung, (size_t)r, cxm_rung_name((cxm_rung)r));
        double reached = 0, highest = 0, buy = 0, promote = 0, conv = 0;
        for (size_t k = 0; k < v.ncust; k++) {
            const cust *c = &v.c[k];
            highest += c->highest_rung == r;
            if (!(c->rungs & (1u << r)))
                continue;
            reached++;
            buy += c->furthest >= CXM_DECISION_BUY;
            promote += c->furthest >= CXM_DECISION_PROMOTE;
            conv += c->converted;
        }
        d[REACHED][r] = reached;
        d[SHARE][r] = all > 0 ? reached / all : NAN;
        if (all > 0)
            cxm__wilson_interval(reached, all, o.level, &d[SLO][r], &d[SHI][r]);
        d[HIGHEST][r] = highest;
        if (reached > 0) {
            d[BUY][r] = buy / reached;
            cxm__wilson_interval(buy, reached, o.level, &d[BLO][r], &d[BHI][r]);
            d[PROM][r] = promote / reached;
            cxm__wilson_interval(promote, reached, o.level, &d[PLO][r], &d[PHI][r]);
            d[CONV][r] = conv / reached;
        }
    }
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "customers", all);
    return finish(out, t, &v, status);
}
