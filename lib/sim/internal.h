/* Internals of the simulator: the settings, the simulated world. Not
 * installed, not exported. */
#ifndef CXM_SIM_INTERNAL_H
#define CXM_SIM_INTERNAL_H

#include <stddef.h>

#include "cxm/journey.h"
#include "cxm/sim.h"

/* Parameters of one touchpoint, in the map's order. */
typedef struct cxm__sim_touchpoint {
    double quality;       /* delivered quality, 0-10 */
    double designed;      /* designed quality (what employees rate), 0-10 */
    double noise;         /* sd of a touch's perception around the quality */
    double weight;        /* weight of its touches in Perceptions */
    double entry;         /* weight when a customer enters its decision stage */
    double follow;        /* weight when a customer moves on within the stage */
    double employee_bias; /* inside-out bias of its employees, 0-10 points */
    double employees;     /* number of employees who rate it */
} cxm__sim_touchpoint;

typedef struct cxm__sim_segment {
    char *name;
    double share;        /* relative share of customers */
    double expectations; /* shift of the expectation mean */
} cxm__sim_segment;

/* Scalar parameters: every double a settings document can hold, set by
 * the descriptor table in settings.c. */
typedef struct cxm__sim_params {
    double customers;
    double acquisition_days, observation_days, calibration_days, time_unit_days;
    double days_between_touches;
    double expectation_mean, expectation_sd;
    double assimilation, perception_noise;
    double explore_advance, explore_sensitivity, explore_continue;
    double buy_continue;
    double promote_threshold, promote_noise;
    double emotion_disconfirmation, emotion_noise;
    double sat_intercept, sat_expectations, sat_perceptions, sat_emotion, sat_noise;
    double pro_intercept, pro_satisfaction, pro_emotion, pro_noise;
    double com_intercept, com_satisfaction, com_noise;
    double stay_intercept, stay_satisfaction, stay_complain, stay_noise;
    double satisfaction_link, link_reference;
    double spend_p, spend_q, spend_gamma;
    double response_rate, item_noise, survey_delay_days;
    double rating_share;
    double employees, employee_bias, employee_noise;
} cxm__sim_params;

enum { CXM__SIM_MAX_PARAMS = 8 };

struct cxm_sim_settings {
    char *name;
    unsigned long long seed;
    double start;                  /* days since 1970-01-01 */
    cxm__sim_params p;
    /* purchase model */
    char *model_name;              /* "bgnbd", ... */
    size_t nparams;
    char *param_names[CXM__SIM_MAX_PARAMS];
    double params[CXM__SIM_MAX_PARAMS];
    size_t link_index;             /* the parameter the satisfaction link multiplies */
    char *link_parameter;
    /* journey map: parsed, and as JSON (an object) to write it back */
    cxm_journey_map *map;
    char *map_json;
    cxm__sim_touchpoint *tp;       /* cxm_journey_map_count(map) entries */
    cxm__sim_segment *segments;
    size_t nsegments;
};

int cxm__sim_settings_clone(cxm_sim_settings **out, const cxm_sim_settings *settings);
/* A touchpoint parameter with its default applied (designed = quality, noise
 * = the perception noise, employee bias and count = the global ones);
 * offset is offsetof(cxm__sim_touchpoint, member). */
double cxm__sim_tp(const cxm_sim_settings *s, size_t i, size_t offset);

#endif /* CXM_SIM_INTERNAL_H */
