/* Closed forms on summary numbers: the absorbing decision chain (docs/models.md
 * §2.2) and importance-performance quadrants (§2.6). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"
#include "numeric/linalg.h"

const char *cxm_decision_name(cxm_decision decision)
{
    switch (decision) {
    case CXM_DECISION_EXPLORE: return "EXPLORE";
    case CXM_DECISION_BUY: return "BUY";
    case CXM_DECISION_PROMOTE: return "PROMOTE";
    case CXM_DECISION_LEAVE: return "LEAVE";
    default: return NULL;
    }
}

const char *cxm_rung_name(cxm_rung rung)
{
    switch (rung) {
    case CXM_RUNG_KNOW: return "KNOW";
    case CXM_RUNG_DO: return "DO";
    case CXM_RUNG_SUGGEST: return "SUGGEST";
    case CXM_RUNG_CREATE: return "CREATE";
    default: return NULL;
    }
}

/* The decision chain from transition weights (2 rows × 4). A row that is all
 * zero is allowed only when allow_empty is set and nothing moves into it: its
 * results are NaN (a state the data never visited). */
int cxm__decision_chain_table(cxm_table **out, const double *transitions, int allow_empty)
{
    static const char *const names[2] = { "EXPLORE", "BUY" };
    double p[8], sums[2] = { 0, 0 };
    for (int i = 0; i < 8; i++) {
        int status = cxm__check_nonnegative(transitions[i], "transition");
        if (status != CXM_OK)
            return cxm__fail_prefix("from %s to %s: ", names[i / 4],
                                    cxm_decision_name((cxm_decision)(i % 4)));
        sums[i / 4] += transitions[i];
    }
    int visited[2];
    for (int r = 0; r < 2; r++) {
        visited[r] = sums[r] > 0;
        if (!visited[r] && !allow_empty)
            return cxm__fail(CXM_EINVAL, "the transitions from %s are all 0", names[r]);
        for (int j = 0; j < 4; j++)
            p[r * 4 + j] = visited[r] ? transitions[r * 4 + j] / sums[r] : NAN;
    }
    for (int r = 0; r < 2; r++)
        if (!visited[r] && visited[1 - r] && p[(1 - r) * 4 + r] > 0)
            return cxm__fail(CXM_EINVAL, "%s is entered but never left", names[r]);
    /* Transient states that were visited: solve N = (I - Q)^-1 on them. */
    size_t idx[2], m = 0;
    for (int r = 0; r < 2; r++)
        if (visited[r])
            idx[m++] = (size_t)r;
    double a[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            a[i * m + j] = (i == j ? 1.0 : 0.0) - p[idx[i] * 4 + idx[j]];
    int status = m > 0 ? cxm__invert(a, m) : CXM_OK;
    if (status == CXM_EDOMAIN)
        return cxm__fail(CXM_EDOMAIN, "the chain never reaches PROMOTE or LEAVE from %s",
                         names[idx[0]]);
    if (status != CXM_OK)
        return status;
    double n[4], b[4], steps[2];
    for (int i = 0; i < 4; i++)
        n[i] = b[i] = NAN;
    steps[0] = steps[1] = NAN;
    for (size_t i = 0; i < m; i++) {
        size_t r = idx[i];
        n[r * 2 + 0] = n[r * 2 + 1] = 0.0;
        for (size_t j = 0; j < m; j++)
            n[r * 2 + idx[j]] = a[i * m + j];
        steps[r] = 0.0;
        b[r * 2 + 0] = b[r * 2 + 1] = 0.0;
        for (size_t j = 0; j < m; j++) {
            size_t c = idx[j];
            steps[r] += a[i * m + j];
            b[r * 2 + 0] += a[i * m + j] * p[c * 4 + 2];
            b[r * 2 + 1] += a[i * m + j] * p[c * 4 + 3];
        }
    }
    cxm_table *t = NULL;
    size_t col_from = 0;
    status = cxm__table_create(&t, 2);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "from", &col_from);
    for (int r = 0; status == CXM_OK && r < 2; r++)
        status = cxm__table_set_text(t, col_from, (size_t)r, names[r]);
    static const char *const pcols[4] = { "p_explore", "p_buy", "p_promote", "p_leave" };
    for (int j = 0; status == CXM_OK && j < 4; j++) {
        double *d;
        status = cxm__table_add_numbers(t, pcols[j], &d);
        if (status == CXM_OK)
            for (int r = 0; r < 2; r++)
                d[r] = p[r * 4 + j];
    }
    double *d_ne = NULL, *d_nb = NULL, *d_pr = NULL, *d_le = NULL, *d_st = NULL;
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "n_explore", &d_ne);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "n_buy", &d_nb);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "promote", &d_pr);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "leave", &d_le);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "steps", &d_st);
    if (status == CXM_OK) {
        for (int r = 0; r < 2; r++) {
            d_ne[r] = n[r * 2 + 0];
            d_nb[r] = n[r * 2 + 1];
            d_pr[r] = b[r * 2 + 0];
            d_le[r] = b[r * 2 + 1];
            d_st[r] = steps[r];
        }
    }
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

int cxm_decision_chain(cxm_table **out, const double *transitions)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(transitions, "transitions");
    if (status != CXM_OK)
        return status;
    return cxm__decision_chain_table(out, transitions, 0);
}

/* ------------------------------------------------------------------ importance-performance */

static const char *const quadrant_names[4] = { "pain point", "bright spot", "low priority",
                                               "possible overkill" };

typedef struct ranked {
    size_t index;
    double key;
} ranked;

static int compare_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Fill quadrant, priority and rank for the rows with finite importance and
 * performance (others: quadrant "unrated", NaNs). */
int cxm__ipa_fill(cxm_table *t, size_t n, const double *importance, const double *performance,
                  size_t col_quadrant, double *priority, double *rank, double *means)
{
    double mi = 0, mp = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(importance[i]) && isfinite(performance[i])) {
            mi += importance[i];
            mp += performance[i];
            k++;
        }
    mi = k ? mi / (double)k : NAN;
    mp = k ? mp / (double)k : NAN;
    double si = 0, sp = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(importance[i]) && isfinite(performance[i])) {
            si += (importance[i] - mi) * (importance[i] - mi);
            sp += (performance[i] - mp) * (performance[i] - mp);
        }
    si = k > 1 ? sqrt(si / (double)(k - 1)) : 0.0;
    sp = k > 1 ? sqrt(sp / (double)(k - 1)) : 0.0;
    means[0] = mi;
    means[1] = mp;
    int *quad = cxm__malloc((n ? n : 1) * sizeof *quad);
    ranked *order = cxm__malloc((n ? n : 1) * sizeof *order);
    int status = (quad && order) ? CXM_OK : CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        if (!(isfinite(importance[i]) && isfinite(performance[i]))) {
            quad[i] = -1;
            status = cxm__table_set_text(t, col_quadrant, i, "unrated");
            continue;
        }
        int high_i = importance[i] >= mi, high_p = performance[i] >= mp;
        quad[i] = high_i ? (high_p ? 1 : 0) : (high_p ? 3 : 2);
        double zi = si > 0 ? (importance[i] - mi) / si : 0.0;
        double zp = sp > 0 ? (performance[i] - mp) / sp : 0.0;
        priority[i] = zi - zp;
        status = cxm__table_set_text(t, col_quadrant, i, quadrant_names[quad[i]]);
    }
    for (int q = 0; status == CXM_OK && q < 4; q++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (quad[i] == q) {
                order[m].index = i;
                /* pain points and low priority: most urgent first; bright
                 * spots and overkill: least urgent (strongest) first */
                order[m].key = (q == 0 || q == 2) ? priority[i] : -priority[i];
                m++;
            }
        qsort(order, m, sizeof *order, compare_ranked);
        for (size_t r = 0; r < m; r++)
            rank[order[r].index] = (double)(r + 1);
    }
    cxm__free(quad);
    cxm__free(order);
    return status;
}

int cxm_importance_performance(cxm_table **out, size_t n, const double *importance,
                               const double *performance, const char *const *labels)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    if (n == 0)
        return cxm__fail(CXM_EINVAL, "importance-performance analysis needs at least one item");
    status = cxm__check_pointer(importance, "importance");
    if (status == CXM_OK)
        status = cxm__check_pointer(performance, "performance");
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        status = cxm__check_finite(importance[i], "importance");
        if (status == CXM_OK)
            status = cxm__check_finite(performance[i], "performance");
        if (status != CXM_OK)
            cxm__fail_prefix("item %zu: ", i);
    }
    if (status != CXM_OK)
        return status;
    cxm_table *t = NULL;
    size_t col_label = 0, col_quadrant = 0;
    double *d_i = NULL, *d_p = NULL, *d_pr = NULL, *d_rank = NULL;
    status = cxm__table_create(&t, n);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "label", &col_label);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "quadrant", &col_quadrant);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "importance", &d_i);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "performance", &d_p);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "priority", &d_pr);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "rank", &d_rank);
    for (size_t i = 0; status == CXM_OK && i < n; i++) {
        char number[32];
        snprintf(number, sizeof number, "%zu", i + 1);
        status = cxm__table_set_text(t, col_label, i,
                                     (labels && labels[i]) ? labels[i] : number);
        d_i[i] = importance[i];
        d_p[i] = performance[i];
    }
    double means[2];
    if (status == CXM_OK)
        status = cxm__ipa_fill(t, n, importance, performance, col_quadrant, d_pr, d_rank, means);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "importance_mean", means[0]);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "performance_mean", means[1]);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}
