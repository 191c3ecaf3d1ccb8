/* The simulated world: customers, journeys, the emotion chain, purchases
 * (through the model engine), ratings, survey answers and employees'
 * self-ratings. The process is described in include/cxm/sim.h and
 * docs/simulation.md. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/hash.h"
#include "core/internal.h"
#include "cxm/model.h"
#include "journey/internal.h"
#include "numeric/rng.h"
#include "sim/internal.h"

/* Survey items of the "chain" PLS preset, in construct order. */
enum { C_EXPE, C_PERC, C_EMOT, C_SATI, C_PROM, C_COMP, C_STAY, NCONSTRUCTS };
static const char *const item_names[] = { "EXPE1", "EXPE2", "EXPE3", "PERC1", "PERC2", "PERC3",
                                          "PERC4", "EMOT1", "EMOT2", "EMOT3", "SATI1", "SATI2",
                                          "SATI3", "PROM1", "PROM2", "COMP1", "STAY1", "STAY2" };
static const unsigned char item_construct[] = { C_EXPE, C_EXPE, C_EXPE, C_PERC, C_PERC, C_PERC,
                                                C_PERC, C_EMOT, C_EMOT, C_EMOT, C_SATI, C_SATI,
                                                C_SATI, C_PROM, C_PROM, C_COMP, C_STAY, C_STAY };
enum { NITEMS = sizeof item_names / sizeof item_names[0] };
/* recommend, csat, the items, then one rating per touchpoint */
enum { A_RECOMMEND = 0, A_CSAT = 1, A_ITEMS = 2 };

typedef struct event {
    uint32_t customer, touchpoint;
    double time, value, rating, valence;
} event;

typedef struct transaction {
    uint32_t customer;
    double time, amount;
} transaction;

typedef struct customer {
    uint32_t segment, touches;
    int furthest; /* cxm_decision reached: EXPLORE, BUY or PROMOTE */
    int bought, promoted, responded;
    double arrival, first, survey_date;
    double latent[NCONSTRUCTS];
    double link, x, t_x, T, revenue;
    size_t survey_row;
} customer;

struct cxm_sim {
    cxm_sim_settings *settings;
    cxm_journey_map *map; /* with employees' ratings */
    char *map_json;
    size_t ncustomers, id_width;
    char *ids; /* ncustomers ids of id_width + 1 bytes */
    customer *customers;
    event *events;
    size_t nevents, events_cap;
    transaction *tx;
    size_t ntx, tx_cap;
    size_t nrespondents, nanswers;
    double *answers; /* nrespondents × nanswers */
    size_t answers_cap;
    uint32_t *respondent; /* customer of each survey row */
    size_t respondent_cap;
    double observation_end, calibration_end;
    size_t buyers, promoters;
};

void cxm_sim_free(cxm_sim *sim)
{
    if (sim == NULL)
        return;
    cxm_sim_settings_free(sim->settings);
    cxm_journey_map_free(sim->map);
    cxm__free(sim->map_json);
    cxm__free(sim->ids);
    cxm__free(sim->customers);
    cxm__free(sim->events);
    cxm__free(sim->tx);
    cxm__free(sim->answers);
    cxm__free(sim->respondent);
    cxm__free(sim);
}

const cxm_sim_settings *cxm_sim_get_settings(const cxm_sim *sim)
{
    return sim ? sim->settings : NULL;
}

static const char *customer_id(const cxm_sim *sim, size_t i)
{
    return sim->ids + i * (sim->id_width + 1);
}

/* ------------------------------------------------------------------ random streams */

/* Independent streams per customer and purpose, from the seed alone. */
enum { S_EXPECT = 1, S_JOURNEY, S_CHAIN, S_ANSWERS, S_PURCHASES, S_SPEND, S_EMPLOYEES };

static uint64_t stream_seed(uint64_t seed, uint64_t index, uint64_t purpose)
{
    return cxm__mix64(seed ^ cxm__mix64(index * CXM__GOLDEN + purpose));
}

static void stream(cxm_rng *rng, uint64_t seed, uint64_t index, uint64_t purpose)
{
    cxm__rng_seed(rng, stream_seed(seed, index, purpose));
}

/* Index drawn with probability proportional to weights[i] among the
 * touchpoints serving `decision`; SIZE_MAX when every weight is 0. The
 * uniform u is always consumed by the caller, so streams stay aligned. */
static size_t pick(const cxm_journey_map *map, const double *weights, cxm_decision decision,
                   double u)
{
    double total = 0.0;
    for (size_t k = 0; k < map->count; k++)
        if (map->touchpoints[k].decision == decision)
            total += weights[k];
    if (!(total > 0.0))
        return SIZE_MAX;
    double target = u * total, run = 0.0;
    size_t last = SIZE_MAX;
    for (size_t k = 0; k < map->count; k++)
        if (map->touchpoints[k].decision == decision && weights[k] > 0.0) {
            run += weights[k];
            last = k;
            if (target < run)
                return k;
        }
    return last;
}

/* A 0-10 perception on the map's rating scale (0-10 without one), rounded. */
static double to_scale(const cxm_journey_map *map, double x)
{
    double lo = map->scale_min, hi = map->scale_max;
    if (isnan(lo) || isnan(hi)) {
        lo = 0.0;
        hi = 10.0;
    }
    double r = round(lo + (hi - lo) * x / 10.0);
    return fmin(hi, fmax(lo, r));
}

/* A time in whole seconds, as logs hold them. */
static double whole_seconds(double days)
{
    return round(days * 86400.0) / 86400.0;
}

static double clamp_round(double x, double lo, double hi)
{
    return fmin(hi, fmax(lo, round(x)));
}

/* ------------------------------------------------------------------ storage */

static int push_event(cxm_sim *w, uint32_t c, uint32_t tp, double time, double rating,
                      double valence)
{
    int status = cxm__grow((void **)&w->events, &w->events_cap, w->nevents + 1, sizeof *w->events);
    if (status != CXM_OK)
        return status;
    /* Whole seconds, as event logs hold them. */
    w->events[w->nevents++] = (event){ c, tp, whole_seconds(time), NAN, rating, valence };
    return CXM_OK;
}

static int push_tx(cxm_sim *w, uint32_t c, double time, double amount)
{
    int status = cxm__grow((void **)&w->tx, &w->tx_cap, w->ntx + 1, sizeof *w->tx);
    if (status != CXM_OK)
        return status;
    w->tx[w->ntx++] = (transaction){ c, time, amount };
    return CXM_OK;
}

/* ------------------------------------------------------------------ one customer */

typedef struct run_ctx {
    const cxm_sim_settings *s;
    const cxm_journey_map *map;
    size_t ntp;
    double *entry, *follow, *quality, *noise, *weight;
    cxm_model *purchases, *spend;
    double *times;           /* repeat purchase times of one customer */
    size_t times_cap;
    double *touch_rating;    /* last rating (0-10 perception) per touchpoint, NaN if unmet */
} run_ctx;

static int simulate_purchases(cxm_sim *w, run_ctx *r, uint32_t i, customer *c, size_t first_event)
{
    const cxm_sim_settings *s = r->s;
    const cxm__sim_params *p = &s->p;
    double params[CXM__SIM_MAX_PARAMS];
    memcpy(params, s->params, sizeof params);
    c->link = params[s->link_index] * exp(p->satisfaction_link *
                                          (c->latent[C_SATI] - p->link_reference));
    if (!isfinite(c->link) || !(c->link > 0))
        return cxm__fail(CXM_EINVAL, "customer %u: the satisfaction link gives %s = %g; lower "
                         "purchases.satisfaction_link", (unsigned)i, s->link_parameter, c->link);
    params[s->link_index] = c->link;
    int status = cxm_model_set_params(r->purchases, params, s->nparams);
    if (status != CXM_OK)
        return cxm__fail_prefix("customer %u: ", (unsigned)i);
    double T = (w->observation_end - c->first) / p->time_unit_days;
    if (T < 0)
        T = 0;
    uint64_t seed = stream_seed(s->seed, i, S_PURCHASES);
    double x = 0, t_x = 0;
    status = cxm_model_simulate(&x, &t_x, 1, r->purchases, &T, seed);
    if (status != CXM_OK)
        return status;
    size_t nx = (size_t)x;
    if (nx > r->times_cap) {
        double *grown = cxm__reallocarray(r->times, nx, sizeof *grown);
        if (grown == NULL)
            return CXM_ENOMEM;
        r->times = grown;
        r->times_cap = nx;
    }
    if (nx > 0 && (status = cxm_model_simulate_times(r->times, nx, r->purchases, 1, &T, seed)) !=
                      CXM_OK)
        return status;
    c->x = x;
    c->t_x = t_x;
    c->T = T;
    /* Amounts: the customer's mean over 1 + x purchases from the Gamma-Gamma
     * engine, split by Dirichlet(p, ..., p) proportions: given the spend
     * rate ν, values Gamma(p, ν) have a Gamma(p(1+x), ν) sum independent of
     * the Dirichlet proportions, so this is exactly the Gamma-Gamma model. */
    double count = 1.0 + x, mean = 0.0;
    uint64_t spend_seed = stream_seed(s->seed, i, S_SPEND);
    status = cxm_model_simulate_spend(&mean, 1, r->spend, &count, spend_seed);
    if (status != CXM_OK)
        return status;
    cxm_rng rng;
    cxm__rng_seed(&rng, cxm__mix64(spend_seed + 1));
    double total = 0.0;
    size_t first_tx = w->ntx;
    for (size_t j = 0; j <= nx; j++) {
        double g = cxm__rng_gamma(&rng, p->spend_p, 1.0);
        double when = j == 0 ? c->first : c->first + r->times[j - 1] * p->time_unit_days;
        when = fmin(w->observation_end, whole_seconds(when));
        if ((status = push_tx(w, i, when, g)) != CXM_OK)
            return status;
        total += g;
    }
    c->revenue = 0.0;
    for (size_t j = first_tx; j < w->ntx; j++) {
        double amount = round(100.0 * count * mean * w->tx[j].amount / total) / 100.0;
        w->tx[j].amount = fmax(0.01, amount);
        c->revenue += w->tx[j].amount;
    }
    /* The first purchase's amount is the value of the first BUY touch. */
    for (size_t e = first_event; e < w->nevents; e++)
        if (r->map->touchpoints[w->events[e].touchpoint].decision != CXM_DECISION_EXPLORE) {
            w->events[e].value = w->tx[first_tx].amount;
            break;
        }
    return CXM_OK;
}

/* The chain's latent values of a buyer from E and the perceptions. */
static void chain_latents(const cxm__sim_params *p, customer *c, double perception,
                          cxm_rng *rng)
{
    double E = c->latent[C_EXPE];
    double draws[5];
    for (int k = 0; k < 5; k++)
        draws[k] = cxm__rng_normal(rng);
    double emot = p->emotion_disconfirmation * (perception - E) + p->emotion_noise * draws[0];
    double sat = p->sat_intercept + p->sat_expectations * E + p->sat_perceptions * perception +
                 p->sat_emotion * emot + p->sat_noise * draws[1];
    double pro = p->pro_intercept + p->pro_satisfaction * sat + p->pro_emotion * emot +
                 p->pro_noise * draws[2];
    double com = p->com_intercept + p->com_satisfaction * sat + p->com_noise * draws[3];
    double stay = p->stay_intercept + p->stay_satisfaction * sat + p->stay_complain * com +
                  p->stay_noise * draws[4];
    c->latent[C_PERC] = perception;
    c->latent[C_EMOT] = emot;
    c->latent[C_SATI] = sat;
    c->latent[C_PROM] = pro;
    c->latent[C_COMP] = com;
    c->latent[C_STAY] = stay;
}

static int simulate_customer(cxm_sim *w, run_ctx *r, uint32_t i)
{
    const cxm_sim_settings *s = r->s;
    const cxm__sim_params *p = &s->p;
    const cxm_journey_map *map = r->map;
    customer *c = &w->customers[i];
    cxm_rng rng;
    for (size_t j = 0; j < NCONSTRUCTS; j++)
        c->latent[j] = NAN;
    c->first = c->survey_date = c->x = c->t_x = c->T = c->link = NAN;
    c->revenue = 0.0;

    /* Who: segment, arrival, expectation. */
    stream(&rng, s->seed, i, S_EXPECT);
    double u_segment = cxm__rng_uniform(&rng), u_arrival = cxm__rng_uniform(&rng);
    double z_expect = cxm__rng_normal(&rng);
    double shift = 0.0;
    if (s->nsegments > 0) {
        double total = 0.0, run = 0.0;
        for (size_t k = 0; k < s->nsegments; k++)
            total += s->segments[k].share;
        c->segment = (uint32_t)(s->nsegments - 1);
        for (size_t k = 0; k < s->nsegments; k++) {
            run += s->segments[k].share;
            if (u_segment * total < run) {
                c->segment = (uint32_t)k;
                break;
            }
        }
        shift = s->segments[c->segment].expectations;
    }
    c->arrival = whole_seconds(s->start + p->acquisition_days * u_arrival);
    double E = p->expectation_mean + shift + p->expectation_sd * z_expect;
    c->latent[C_EXPE] = E;

    /* The journey. */
    for (size_t k = 0; k < r->ntp; k++)
        r->touch_rating[k] = NAN;
    stream(&rng, s->seed, i, S_JOURNEY);
    cxm_decision stage = CXM_DECISION_EXPLORE;
    size_t k = pick(map, r->entry, CXM_DECISION_EXPLORE, cxm__rng_uniform(&rng));
    double t = c->arrival, wsum = 0.0, wp = 0.0, psum = 0.0;
    size_t first_event = w->nevents, nperc = 0;
    int done = 0, promote_now = 0;
    c->furthest = CXM_DECISION_EXPLORE;
    cxm_rng chain;
    stream(&chain, s->seed, i, S_CHAIN);
    while (!done && k != SIZE_MAX && t <= w->observation_end) {
        double z_perc = cxm__rng_normal(&rng), u_rate = cxm__rng_uniform(&rng);
        double z_decide = cxm__rng_normal(&rng), u_continue = cxm__rng_uniform(&rng);
        double u_pick = cxm__rng_uniform(&rng), gap = cxm__rng_exponential(&rng, 1.0);
        double P = r->quality[k] + p->assimilation * (E - p->expectation_mean) +
                   r->noise[k] * z_perc;
        double D = P - E;
        double rating = u_rate < p->rating_share ? to_scale(map, P) : NAN;
        double valence = round(10.0 * fmin(5.0, fmax(-5.0, p->emotion_disconfirmation * D))) / 10.0;
        int status = push_event(w, i, (uint32_t)k, t, rating, valence);
        if (status != CXM_OK)
            return status;
        c->touches++;
        r->touch_rating[k] = P;
        cxm_decision here = map->touchpoints[k].decision;
        if (here > (cxm_decision)c->furthest)
            c->furthest = (int)here;
        if (here != CXM_DECISION_PROMOTE) {
            wsum += r->weight[k];
            wp += r->weight[k] * P;
            psum += P;
            nperc++;
        }
        if (here == CXM_DECISION_BUY && !c->bought) {
            c->bought = 1;
            c->first = whole_seconds(t);
        }
        switch (stage) {
        case CXM_DECISION_EXPLORE:
            if (p->explore_advance + p->explore_sensitivity * D + z_decide > 0) {
                stage = CXM_DECISION_BUY;
                k = pick(map, r->entry, CXM_DECISION_BUY, u_pick);
            } else if (u_continue < p->explore_continue) {
                k = pick(map, r->follow, CXM_DECISION_EXPLORE, u_pick);
            } else {
                done = 1;
            }
            break;
        case CXM_DECISION_BUY:
            k = u_continue < p->buy_continue ? pick(map, r->follow, CXM_DECISION_BUY, u_pick)
                                             : SIZE_MAX;
            if (k == SIZE_MAX) {
                /* The buy phase is over: the chain, then whether to promote. */
                chain_latents(p, c, wsum > 0 ? wp / wsum : psum / (double)nperc, &chain);
                double z = cxm__rng_normal(&chain);
                promote_now = c->latent[C_PROM] + p->promote_noise * z > p->promote_threshold;
                stage = CXM_DECISION_PROMOTE;
                k = promote_now ? pick(map, r->entry, CXM_DECISION_PROMOTE, u_pick) : SIZE_MAX;
                c->promoted = promote_now && k != SIZE_MAX;
            }
            break;
        default:
            done = 1;
            break;
        }
        t += p->days_between_touches * gap;
    }
    if (c->bought && isnan(c->latent[C_PERC])) {
        /* The observation ended during the buy phase. */
        chain_latents(p, c, wsum > 0 ? wp / wsum : psum / (double)nperc, &chain);
        (void)cxm__rng_normal(&chain);
    }
    if (!c->bought)
        return CXM_OK;
    w->buyers++;
    w->promoters += (size_t)c->promoted;
    int status = simulate_purchases(w, r, i, c, first_event);
    if (status != CXM_OK)
        return status;

    /* The survey (every draw is made, answered or not, to keep streams aligned). */
    stream(&rng, s->seed, i, S_ANSWERS);
    double respond = cxm__rng_uniform(&rng), in = p->item_noise, fixed[A_ITEMS + NITEMS];
    double z0 = cxm__rng_normal(&rng), z1 = cxm__rng_normal(&rng);
    fixed[A_RECOMMEND] = clamp_round(c->latent[C_PROM] + in * z0, 0, 10);
    fixed[A_CSAT] = clamp_round(1.0 + 0.4 * (c->latent[C_SATI] + in * z1), 1, 5);
    for (size_t j = 0; j < NITEMS; j++) {
        double centre = item_construct[j] == C_EMOT ? 5.5 : 0.0;
        double z = cxm__rng_normal(&rng);
        fixed[A_ITEMS + j] = clamp_round(centre + c->latent[item_construct[j]] + in * z, 1, 10);
    }
    if (!(respond < p->response_rate))
        return CXM_OK;
    size_t na = w->nanswers, row = w->nrespondents;
    status = cxm__grow((void **)&w->respondent, &w->respondent_cap, row + 1,
                       sizeof *w->respondent);
    if (status == CXM_OK)
        status = cxm__grow((void **)&w->answers, &w->answers_cap, (row + 1) * na,
                           sizeof *w->answers);
    if (status != CXM_OK)
        return status;
    double *dst = w->answers + row * na;
    memcpy(dst, fixed, sizeof fixed);
    for (size_t j = 0; j < r->ntp; j++)
        dst[A_ITEMS + NITEMS + j] = isnan(r->touch_rating[j]) ? NAN
                                                              : to_scale(map, r->touch_rating[j]);
    w->respondent[row] = i;
    w->nrespondents++;
    c->responded = 1;
    c->survey_date = whole_seconds(t + p->survey_delay_days);
    c->survey_row = row;
    return CXM_OK;
}

/* ------------------------------------------------------------------ employees */

/* Each touchpoint's employees rate its designed quality plus their bias. */
static int rate_by_employees(cxm_sim *w)
{
    const cxm_sim_settings *s = w->settings;
    cxm_journey_map *map = w->map;
    cJSON *doc = cJSON_Parse(s->map_json);
    cJSON *tps = doc ? cJSON_GetObjectItemCaseSensitive(doc, "touchpoints") : NULL;
    if (tps == NULL) {
        cJSON_Delete(doc);
        return cxm__fail(CXM_ENOMEM, "out of memory while copying the journey map");
    }
    int status = CXM_OK;
    double *ratings = NULL;
    size_t cap = 0;
    for (size_t k = 0; status == CXM_OK && k < map->count; k++) {
        size_t n = (size_t)cxm__sim_tp(s, k, offsetof(cxm__sim_touchpoint, employees));
        double designed = cxm__sim_tp(s, k, offsetof(cxm__sim_touchpoint, designed));
        double bias = cxm__sim_tp(s, k, offsetof(cxm__sim_touchpoint, employee_bias));
        if (n > cap) {
            double *grown = cxm__reallocarray(ratings, n, sizeof *ratings);
            if (grown == NULL) {
                status = CXM_ENOMEM;
                break;
            }
            ratings = grown;
            cap = n;
        }
        cxm_rng rng;
        stream(&rng, s->seed, k, S_EMPLOYEES);
        for (size_t j = 0; j < n; j++)
            ratings[j] = to_scale(map, designed + bias + s->p.employee_noise * cxm__rng_normal(&rng));
        /* The employees' ratings replace any the settings' map held. */
        map->touchpoints[k].ratings_n = 0;
        if (n > 0)
            status = cxm_journey_map_add_employee_ratings(map, map->touchpoints[k].id, n, ratings);
        cJSON *tp = cJSON_GetArrayItem(tps, (int)k);
        if (status == CXM_OK && tp) {
            cJSON_DeleteItemFromObjectCaseSensitive(tp, "employee_ratings");
            cJSON *arr = cJSON_CreateDoubleArray(ratings, (int)n);
            if (arr == NULL || !cJSON_AddItemToObject(tp, "employee_ratings", arr)) {
                cJSON_Delete(arr);
                status = cxm__fail(CXM_ENOMEM, "out of memory while writing the journey map");
            }
        }
    }
    cxm__free(ratings);
    char *text = status == CXM_OK ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (status != CXM_OK)
        return status;
    if (text == NULL)
        return cxm__fail(CXM_ENOMEM, "out of memory while writing the journey map");
    w->map_json = cxm__strdup(text);
    cJSON_free(text);
    return w->map_json ? CXM_OK : CXM_ENOMEM;
}

/* ------------------------------------------------------------------ the run */

static void run_ctx_free(run_ctx *r)
{
    cxm__free(r->entry);
    cxm__free(r->follow);
    cxm__free(r->quality);
    cxm__free(r->noise);
    cxm__free(r->weight);
    cxm__free(r->times);
    cxm__free(r->touch_rating);
    cxm_model_free(r->purchases);
    cxm_model_free(r->spend);
}

static int run_ctx_init(run_ctx *r, const cxm_sim_settings *s)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->map = s->map;
    r->ntp = s->map->count;
    size_t n = r->ntp ? r->ntp : 1;
    r->entry = cxm__calloc(n, sizeof(double));
    r->follow = cxm__calloc(n, sizeof(double));
    r->quality = cxm__calloc(n, sizeof(double));
    r->noise = cxm__calloc(n, sizeof(double));
    r->weight = cxm__calloc(n, sizeof(double));
    r->touch_rating = cxm__calloc(n, sizeof(double));
    if (!r->entry || !r->follow || !r->quality || !r->noise || !r->weight || !r->touch_rating)
        return CXM_ENOMEM;
    for (size_t k = 0; k < r->ntp; k++) {
        r->entry[k] = s->tp[k].entry;
        r->follow[k] = s->tp[k].follow;
        r->quality[k] = s->tp[k].quality;
        r->weight[k] = s->tp[k].weight;
        r->noise[k] = cxm__sim_tp(s, k, offsetof(cxm__sim_touchpoint, noise));
    }
    int status = cxm_model_create_named(&r->purchases, s->model_name);
    if (status == CXM_OK)
        status = cxm_model_set_params(r->purchases, s->params, s->nparams);
    if (status == CXM_OK)
        status = cxm_model_set_threads(r->purchases, 1);
    if (status == CXM_OK)
        status = cxm_model_create(&r->spend, CXM_MODEL_GAMMA_GAMMA);
    double gg[3] = { s->p.spend_p, s->p.spend_q, s->p.spend_gamma };
    if (status == CXM_OK)
        status = cxm_model_set_params(r->spend, gg, 3);
    return status;
}

static int id_width(size_t n)
{
    int digits = 1;
    for (size_t v = n; v >= 10; v /= 10)
        digits++;
    return digits < 5 ? 5 : digits;
}

int cxm_sim_run(cxm_sim **out, const cxm_sim_settings *settings, const cxm_sim_options *options)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(settings, "settings");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_sim_options opt = CXM_SIM_OPTIONS_INIT;
    static const size_t option_sizes[CXM_SIM_OPTIONS_VERSION] = {
        CXM__FIELDS_END(cxm_sim_options, progress_data),
    };
    status = cxm__options_read(&opt, options, option_sizes, CXM_SIM_OPTIONS_VERSION,
                               "cxm_sim_options");
    if (status != CXM_OK)
        return status;
    cxm_sim *w = cxm__calloc(1, sizeof *w);
    if (w == NULL)
        return CXM_ENOMEM;
    status = cxm__sim_settings_clone(&w->settings, settings);
    const cxm_sim_settings *s = w->settings;
    size_t n = (size_t)settings->p.customers;
    w->ncustomers = n;
    w->id_width = (size_t)id_width(n) + 1;
    w->nanswers = A_ITEMS + NITEMS + settings->map->count;
    w->observation_end = settings->start + settings->p.observation_days;
    w->calibration_end = settings->start + settings->p.calibration_days;
    if (status == CXM_OK)
        status = cxm__journey_map_clone(&w->map, s->map);
    if (status == CXM_OK && ((w->customers = cxm__calloc(n, sizeof *w->customers)) == NULL ||
                             (w->ids = cxm__calloc(n, w->id_width + 1)) == NULL))
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        snprintf(w->ids + i * (w->id_width + 1), w->id_width + 1, "C%0*zu",
                 (int)w->id_width - 1, i + 1);
    if (status == CXM_OK)
        status = rate_by_employees(w);
    run_ctx r;
    memset(&r, 0, sizeof r);
    if (status == CXM_OK)
        status = run_ctx_init(&r, s);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = simulate_customer(w, &r, (uint32_t)i);
        if (opt.progress && ((i + 1) % 512 == 0 || i + 1 == n))
            opt.progress(i + 1, n, opt.progress_data);
    }
    run_ctx_free(&r);
    if (status != CXM_OK) {
        cxm_sim_free(w);
        return status;
    }
    *out = w;
    return CXM_OK;
}

/* ------------------------------------------------------------------ tables */

int cxm_sim_journey_map(cxm_journey_map **out, const cxm_sim *sim)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(sim, "sim");
    if (status != CXM_OK)
        return status;
    return cxm__journey_map_clone(out, sim->map);
}

int cxm_sim_journey_map_json(char **out, const cxm_sim *sim)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(sim, "sim");
    if (status != CXM_OK)
        return status;
    *out = cxm__strdup(sim->map_json);
    return *out ? CXM_OK : CXM_ENOMEM;
}

static int check_args(void *out, const cxm_sim *sim)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(sim, "sim");
    return status;
}

static const char *segment_name(const cxm_sim *sim, const customer *c)
{
    return sim->settings->nsegments ? sim->settings->segments[c->segment].name : "";
}

int cxm_sim_events(cxm_table **out, const cxm_sim *sim)
{
    int status = check_args(out, sim);
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_table *t;
    size_t n = sim->nevents, c_customer, c_touchpoint, c_segment;
    double *time, *value, *rating, *valence;
    if ((status = cxm__table_create(&t, n)) != CXM_OK)
        return status;
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "customer", &c_customer);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "timestamp", &time);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "touchpoint", &c_touchpoint);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "value", &value);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "rating", &rating);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "valence", &valence);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "segment", &c_segment);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        const event *e = &sim->events[i];
        time[i] = e->time;
        value[i] = e->value;
        rating[i] = e->rating;
        valence[i] = e->valence;
        status = cxm__table_set_text(t, c_customer, i, customer_id(sim, e->customer));
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_touchpoint, i, sim->map->touchpoints[e->touchpoint].id);
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_segment, i,
                                         segment_name(sim, &sim->customers[e->customer]));
    }
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

int cxm_sim_transactions(cxm_table **out, const cxm_sim *sim)
{
    int status = check_args(out, sim);
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_table *t;
    size_t n = sim->ntx, c_customer;
    double *date, *amount;
    if ((status = cxm__table_create(&t, n)) != CXM_OK)
        return status;
    status = cxm__table_add_texts(t, "customer_id", &c_customer);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "date", &date);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "amount", &amount);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        date[i] = sim->tx[i].time;
        amount[i] = sim->tx[i].amount;
        status = cxm__table_set_text(t, c_customer, i, customer_id(sim, sim->tx[i].customer));
    }
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

int cxm_sim_survey(cxm_table **out, const cxm_sim *sim)
{
    int status = check_args(out, sim);
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_table *t;
    size_t n = sim->nrespondents, na = sim->nanswers, c_resp, c_segment;
    double *date;
    if ((status = cxm__table_create(&t, n)) != CXM_OK)
        return status;
    status = cxm__table_add_texts(t, "respondent", &c_resp);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "segment", &c_segment);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "date", &date);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        const customer *c = &sim->customers[sim->respondent[i]];
        date[i] = c->survey_date;
        status = cxm__table_set_text(t, c_resp, i, customer_id(sim, sim->respondent[i]));
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_segment, i, segment_name(sim, c));
    }
    for (size_t j = 0; status == CXM_OK && j < na; j++) {
        char name[300];
        if (j == A_RECOMMEND)
            snprintf(name, sizeof name, "recommend");
        else if (j == A_CSAT)
            snprintf(name, sizeof name, "csat");
        else if (j < A_ITEMS + NITEMS)
            snprintf(name, sizeof name, "%s", item_names[j - A_ITEMS]);
        else
            snprintf(name, sizeof name, "rate_%s", sim->map->touchpoints[j - A_ITEMS - NITEMS].id);
        double *column;
        status = cxm__table_add_numbers(t, name, &column);
        for (size_t i = 0; status == CXM_OK && i < n; i++)
            column[i] = sim->answers[i * na + j];
    }
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

int cxm_sim_customers(cxm_table **out, const cxm_sim *sim)
{
    int status = check_args(out, sim);
    if (status != CXM_OK)
        return status;
    *out = NULL;
    static const char *const latent_names[NCONSTRUCTS] = {
        "expectation", "perception", "emotion", "satisfaction", "promote", "complain", "stay"
    };
    static const char *const decision_names[] = { "EXPLORE", "BUY", "PROMOTE" };
    const cxm_sim_settings *s = sim->settings;
    size_t n = sim->ncustomers, c_customer, c_segment, c_furthest;
    cxm_table *t;
    if ((status = cxm__table_create(&t, n)) != CXM_OK)
        return status;
    status = cxm__table_add_texts(t, "customer", &c_customer);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "segment", &c_segment);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "furthest", &c_furthest);
    enum { ARRIVAL, TOUCHES, BOUGHT, PROMOTED, RESPONDED, NFIXED };
    static const char *const fixed_names[NFIXED] = { "arrival", "touches", "bought", "promoted",
                                                     "responded" };
    enum { FIRST, LINK, X, TX, TT, REVENUE, NLATE };
    static const char *const late_names[NLATE] = { "first_purchase", "link_parameter",
                                                   "repeat_purchases", "recency", "T", "revenue" };
    double *fixed[NFIXED], *latent[NCONSTRUCTS], *late[NLATE];
    for (size_t j = 0; status == CXM_OK && j < NFIXED; j++)
        status = cxm__table_add_numbers(t, fixed_names[j], &fixed[j]);
    for (size_t j = 0; status == CXM_OK && j < NCONSTRUCTS; j++)
        status = cxm__table_add_numbers(t, latent_names[j], &latent[j]);
    for (size_t j = 0; status == CXM_OK && j < NLATE; j++)
        status = cxm__table_add_numbers(t, late_names[j], &late[j]);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        const customer *c = &sim->customers[i];
        fixed[ARRIVAL][i] = c->arrival;
        fixed[TOUCHES][i] = c->touches;
        fixed[BOUGHT][i] = c->bought;
        fixed[PROMOTED][i] = c->promoted;
        fixed[RESPONDED][i] = c->responded;
        for (size_t j = 0; j < NCONSTRUCTS; j++)
            latent[j][i] = c->bought || j == C_EXPE ? c->latent[j] : NAN;
        late[FIRST][i] = c->first;
        late[LINK][i] = c->link;
        late[X][i] = c->x;
        late[TX][i] = c->t_x;
        late[TT][i] = c->T;
        late[REVENUE][i] = c->revenue;
        status = cxm__table_set_text(t, c_customer, i, customer_id(sim, i));
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_segment, i, segment_name(sim, c));
        if (status == CXM_OK)
            status = cxm__table_set_text(t, c_furthest, i, decision_names[c->furthest]);
    }
    for (size_t j = 0; status == CXM_OK && j < s->nparams; j++)
        status = cxm__table_add_scalar(t, s->param_names[j], s->params[j]);
    struct { const char *name; double value; } scalars[] = {
        { "spend_p", s->p.spend_p }, { "spend_q", s->p.spend_q },
        { "spend_gamma", s->p.spend_gamma }, { "start", s->start },
        { "calibration_end", sim->calibration_end }, { "observation_end", sim->observation_end },
        { "time_unit_days", s->p.time_unit_days }, { "customers", (double)n },
        { "buyers", (double)sim->buyers }, { "promoters", (double)sim->promoters },
        { "respondents", (double)sim->nrespondents },
    };
    for (size_t j = 0; status == CXM_OK && j < sizeof scalars / sizeof scalars[0]; j++)
        status = cxm__table_add_scalar(t, scalars[j].name, scalars[j].value);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

/* ------------------------------------------------------------------ ready for the models */

int cxm_sim_journeys(cxm_journeys **out, const cxm_sim *sim)
{
    int status = check_args(out, sim);
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_journeys *j;
    if ((status = cxm_journeys_create(&j, sim->map)) != CXM_OK)
        return status;
    for (size_t i = 0; status == CXM_OK && i < sim->nevents; i++) {
        const event *e = &sim->events[i];
        status = cxm_journeys_add_event(j, customer_id(sim, e->customer), e->time,
                                        sim->map->touchpoints[e->touchpoint].id, e->value,
                                        e->rating, e->valence,
                                        segment_name(sim, &sim->customers[e->customer]));
    }
    if (status != CXM_OK) {
        cxm_journeys_free(j);
        return status;
    }
    *out = j;
    return CXM_OK;
}

int cxm_sim_rfm(cxm_rfm **out, const cxm_sim *sim, const cxm_rfm_options *options)
{
    int status = check_args(out, sim);
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_rfm_options opt = CXM_RFM_OPTIONS_INIT;
    if (options == NULL) {
        /* Minutes as units: purchases merge only within a minute; times in
         * the model's unit; observed until the settings' end. */
        opt.unit_days = 1.0 / 1440.0;
        opt.scale = sim->settings->p.time_unit_days * 1440.0;
        opt.observation_end = sim->observation_end;
        options = &opt;
    }
    size_t n = sim->ntx;
    const char **ids = cxm__calloc(n ? n : 1, sizeof *ids);
    double *time = cxm__calloc(n ? n : 1, sizeof *time);
    double *amount = cxm__calloc(n ? n : 1, sizeof *amount);
    if (ids == NULL || time == NULL || amount == NULL)
        status = CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        ids[i] = customer_id(sim, sim->tx[i].customer);
        time[i] = sim->tx[i].time;
        amount[i] = sim->tx[i].amount;
    }
    if (status == CXM_OK)
        status = cxm_rfm_from_ids(out, n, ids, time, amount, options);
    cxm__free(ids);
    cxm__free(time);
    cxm__free(amount);
    return status;
}
