/* Rule-based attribution (first, last, linear, position-based, time decay)
 * and Shapley values, rules in include/cxm/journey.h. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"


/* The size of each version of cxm_heuristic_options (docs/ABI.md). */
static const size_t option_sizes[CXM_HEURISTIC_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_heuristic_options, half_life),
};

static int read_options(cxm_heuristic_options *o, const cxm_heuristic_options *given)
{
    cxm_heuristic_options_init(o);
    int status = cxm__options_read(o, given, option_sizes, CXM_HEURISTIC_OPTIONS_VERSION,
                                   "cxm_heuristic_options");
    if (status != CXM_OK)
        return status;
    status = cxm__check_nonnegative(o->first_weight, "first_weight");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(o->middle_weight, "middle_weight");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(o->last_weight, "last_weight");
    if (status == CXM_OK && !(o->first_weight + o->middle_weight + o->last_weight > 0))
        status = cxm__fail(CXM_EINVAL, "the position-based weights must not all be 0");
    if (status == CXM_OK)
        status = cxm__check_nonnegative(o->half_life, "half_life");
    return status;
}

enum { FIRST, LAST, LINEAR, POSITION, DECAY, RULES };
static const char *const rule_names[RULES] = { "first_touch", "last_touch", "linear",
                                               "position_based", "time_decay" };

int cxm_attribution_heuristic(cxm_table **out, const cxm_paths *paths,
                              const cxm_heuristic_options *options)
{
    cxm_heuristic_options o;
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK)
        status = read_options(&o, options);
    if (status != CXM_OK)
        return status;
    size_t nch = paths->channels.count;
    double *acc = cxm__calloc(2 * RULES * (nch ? nch : 1), sizeof *acc);
    double *share = NULL;
    size_t longest = 1;
    for (size_t p = 0; p < paths->count; p++)
        if (paths->offsets[p + 1] - paths->offsets[p] > longest)
            longest = paths->offsets[p + 1] - paths->offsets[p];
    if (acc != NULL)
        share = cxm__malloc(longest * sizeof *share);
    if (acc == NULL || share == NULL) {
        cxm__free(acc);
        return CXM_ENOMEM;
    }
    /* acc[(rule * 2 + is_value) * nch + channel] */
    int decay = o.half_life > 0;
    double total_conv = 0.0, total_value = 0.0;
    const double wsum = o.first_weight + o.middle_weight + o.last_weight;
    for (size_t p = 0; p < paths->count; p++) {
        double c = paths->conversions[p], v = paths->values[p];
        total_conv += c;
        total_value += v;
        if (!(c > 0))
            continue;
        const uint32_t *t = paths->touches + paths->offsets[p];
        size_t n = paths->offsets[p + 1] - paths->offsets[p];
        double amount[2] = { c, v };
        for (int k = 0; k < 2; k++) {
            acc[(FIRST * 2 + k) * nch + t[0]] += amount[k];
            acc[(LAST * 2 + k) * nch + t[n - 1]] += amount[k];
            for (size_t i = 0; i < n; i++)
                acc[(LINEAR * 2 + k) * nch + t[i]] += amount[k] / (double)n;
        }
        /* position-based shares */
        if (n == 1) {
            share[0] = 1.0;
        } else if (n == 2) {
            double fl = o.first_weight + o.last_weight;
            share[0] = fl > 0 ? o.first_weight / fl : 0.5;
            share[1] = fl > 0 ? o.last_weight / fl : 0.5;
        } else {
            share[0] = o.first_weight / wsum;
            share[n - 1] = o.last_weight / wsum;
            for (size_t i = 1; i + 1 < n; i++)
                share[i] = o.middle_weight / wsum / (double)(n - 2);
        }
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < n; i++)
                acc[(POSITION * 2 + k) * nch + t[i]] += amount[k] * share[i];
        /* time decay */
        if (!decay)
            continue;
        if (!paths->timed[p]) {
            decay = 0;
            continue;
        }
        const double *age = paths->ages + paths->offsets[p];
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) {
            share[i] = exp2(-age[i] / o.half_life);
            sum += share[i];
        }
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < n; i++)
                acc[(DECAY * 2 + k) * nch + t[i]] += amount[k] * share[i] / sum;
    }
    cxm__free(share);
    cxm_table *tab = NULL;
    size_t col_channel = 0;
    status = cxm__table_create(&tab, nch);
    if (status == CXM_OK)
        status = cxm__table_add_texts(tab, "channel", &col_channel);
    for (size_t ch = 0; status == CXM_OK && ch < nch; ch++)
        status = cxm__table_set_text(tab, col_channel, ch, paths->channels.names[ch]);
    for (int k = 0; status == CXM_OK && k < 2; k++) {
        for (int rule = 0; status == CXM_OK && rule < RULES; rule++) {
            char name[64];
            snprintf(name, sizeof name, "%s%s", rule_names[rule], k ? "_value" : "");
            double *d;
            status = cxm__table_add_numbers(tab, name, &d);
            for (size_t ch = 0; status == CXM_OK && ch < nch; ch++)
                d[ch] = (rule == DECAY && !decay) ? NAN : acc[(rule * 2 + k) * nch + ch];
        }
    }
    if (status == CXM_OK)
        status = cxm__table_add_scalar(tab, "total_conversions", total_conv);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(tab, "total_value", total_value);
    cxm__free(acc);
    if (status != CXM_OK) {
        cxm_table_free(tab);
        return status;
    }
    *out = tab;
    return CXM_OK;
}

int cxm_attribution_shapley(cxm_table **out, const cxm_paths *paths)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(paths, "paths");
    if (status != CXM_OK)
        return status;
    size_t nch = paths->channels.count;
    double *acc = cxm__calloc(2 * (nch ? nch : 1), sizeof *acc);
    size_t *seen = cxm__malloc((nch ? nch : 1) * sizeof *seen);
    if (acc == NULL || seen == NULL) {
        cxm__free(acc);
        cxm__free(seen);
        return CXM_ENOMEM;
    }
    for (size_t ch = 0; ch < nch; ch++)
        seen[ch] = SIZE_MAX;
    double total_conv = 0.0, total_value = 0.0;
    /* For v(S) = Σ_{T ⊆ S} conv(T), a sum of unanimity games, the Shapley
     * value of j is Σ_{T ∋ j} conv(T)/|T|: add each path's share to the
     * distinct channels it touched. */
    for (size_t p = 0; p < paths->count; p++) {
        double c = paths->conversions[p], v = paths->values[p];
        total_conv += c;
        total_value += v;
        if (!(c > 0))
            continue;
        size_t size = 0;
        for (size_t i = paths->offsets[p]; i < paths->offsets[p + 1]; i++) {
            uint32_t ch = paths->touches[i];
            if (seen[ch] != p) {
                seen[ch] = p;
                size++;
            }
        }
        for (size_t i = paths->offsets[p]; i < paths->offsets[p + 1]; i++) {
            uint32_t ch = paths->touches[i];
            if (seen[ch] == p) {
                seen[ch] = SIZE_MAX - 1; /* counted once */
                acc[ch] += c / (double)size;
                acc[nch + ch] += v / (double)size;
            }
        }
    }
    cxm__free(seen);
    cxm_table *tab = NULL;
    size_t col = 0;
    double *d_conv = NULL, *d_val = NULL;
    status = cxm__table_create(&tab, nch);
    if (status == CXM_OK)
        status = cxm__table_add_texts(tab, "channel", &col);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(tab, "shapley", &d_conv);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(tab, "shapley_value", &d_val);
    for (size_t ch = 0; status == CXM_OK && ch < nch; ch++) {
        status = cxm__table_set_text(tab, col, ch, paths->channels.names[ch]);
        d_conv[ch] = acc[ch];
        d_val[ch] = acc[nch + ch];
    }
    if (status == CXM_OK)
        status = cxm__table_add_scalar(tab, "total_conversions", total_conv);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(tab, "total_value", total_value);
    cxm__free(acc);
    if (status != CXM_OK) {
        cxm_table_free(tab);
        return status;
    }
    *out = tab;
    return CXM_OK;
}
