/* cxm demo: the numbers of the report, computed once, printed as text
 * (cmd_demo.c) or as a self-contained HTML page (demo_html.c). */
#ifndef CXM_TOOLS_DEMO_H
#define CXM_TOOLS_DEMO_H

#include <stddef.h>

#include <cxm.h>

enum { DEMO_TOP = 5, DEMO_PALIVE_X = 21, DEMO_PALIVE_T = 40, DEMO_WEEKS = 78, DEMO_MAX_TP = 64 };

/* Part 1: lifetime value on the CDNOW sample (real data). */
typedef struct demo_cdnow {
    const char *path;
    size_t customers, repeat_customers;
    double bg[4], bg_se[4], bg_ll, gg[3], gg_se[3];
    double holdout_actual, holdout_predicted;      /* weeks 40-78, all customers */
    size_t top[DEMO_TOP];                          /* customers by 12-month value */
    size_t ntop;
    char top_id[DEMO_TOP][32];
    double top_x[DEMO_TOP], top_recency[DEMO_TOP], top_alive[DEMO_TOP], top_purchases[DEMO_TOP],
        top_spend[DEMO_TOP], top_value[DEMO_TOP];
    double total_value;                            /* of the whole cohort, next 12 months */
    double palive[DEMO_PALIVE_X * DEMO_PALIVE_T];  /* rows x = 0..20, columns t_x = 0..39 at T = 39 */
    double weeks[DEMO_WEEKS], actual[DEMO_WEEKS], predicted[DEMO_WEEKS]; /* cumulative repeats */
} demo_cdnow;

/* One simulated world's headline numbers (for the what-if). */
typedef struct demo_outcome {
    double buyers, promoters, nps, satisfaction, revenue, value;
} demo_outcome;

/* Part 2: the simulated business. */
typedef struct demo_world {
    char title[128];
    size_t customers;
    unsigned long long seed;
    double weeks; /* observed */
    double true_bg[4], bg[4], bg_se[4];
    /* funnel */
    double funnel[3];
    double p_explore_buy, p_buy_promote;
    /* per touchpoint, in map order */
    size_t ntp;
    char id[DEMO_MAX_TP][64], name[DEMO_MAX_TP][96], quadrant[DEMO_MAX_TP][32];
    double importance[DEMO_MAX_TP], performance[DEMO_MAX_TP], rank[DEMO_MAX_TP];
    double employee[DEMO_MAX_TP], customer[DEMO_MAX_TP], gap_p[DEMO_MAX_TP];
    double importance_mean, performance_mean;
    /* attribution over EXPLORE touchpoints (channels of the paths) */
    size_t nchannels;
    char channel[DEMO_MAX_TP][64];
    double markov[DEMO_MAX_TP], last_touch[DEMO_MAX_TP];
    double conversions;
    /* the survey */
    cxm_nps_estimate nps;
    size_t respondents;
    size_t ndrivers;
    char driver[8][32];
    double driver_effect[8], driver_index[8], satisfaction_index, r2_satisfaction;
    /* the survey's measurement quality (docs/chain.md): per construct, its
     * highest HTMT with another construct; nconstructs 0 when undefined */
    size_t nconstructs;
    char construct[8][32];
    double alpha[8], rho_c[8], ave[8], htmt_max[8];
    /* the what-if */
    size_t worst;               /* touchpoint index */
    double quality, improved_quality;
    demo_outcome before, after;
} demo_world;

typedef struct demo_report {
    demo_cdnow cdnow;
    demo_world world;
} demo_report;

/* Write the report as a self-contained HTML page: an exit code, after a
 * message naming the file on failure. */
int demo_write_html(const char *path, const demo_report *report);

/* "12,345" (no decimals) into buf. */
const char *demo_thousands(char *buf, size_t n, double value);

#endif
