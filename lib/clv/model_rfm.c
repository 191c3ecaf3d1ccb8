/* Fits and predictions from a transaction-log summary (cxm/rfm.h): the
 * columns that every front end used to copy out of the summary are copied
 * here, once, and handed to the array functions, so that both paths give the
 * same numbers bit for bit. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/internal.h"

/* The summary field that holds a kind's data column of this name. */
static int field_of(const cxm_model *model, size_t column, cxm_rfm_field *field)
{
    static const struct {
        const char *name;
        cxm_rfm_field field;
    } fields[] = {
        { "x", CXM_RFM_FREQUENCY }, { "t_x", CXM_RFM_RECENCY },
        { "T", CXM_RFM_T },         { "n", CXM_RFM_T }, /* BG/BB: opportunities */
        { "mean_spend", CXM_RFM_MONETARY_VALUE },
    };
    const char *name = model->kind->column_names[column];
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        if (strcmp(fields[k].name, name) == 0) {
            *field = fields[k].field;
            return CXM_OK;
        }
    return cxm__fail(CXM_EUNSUPPORTED, "the %s model's column '%s' is not in a customer summary",
                     model->kind->title, name);
}

/* Copies of @p count columns of the summary, one after the other in one
 * block (released with cxm__free()). */
static int copy_columns(double **out, const cxm_rfm *rfm, size_t count,
                        const cxm_rfm_field *fields)
{
    size_t n = cxm_rfm_size(rfm);
    double *data = cxm__calloc((n ? n : 1) * count, sizeof *data);
    if (data == NULL)
        return CXM_ENOMEM;
    int status = CXM_OK;
    for (size_t k = 0; status == CXM_OK && k < count; k++)
        status = cxm_rfm_column(data + k * n, n, rfm, fields[k]);
    if (status != CXM_OK) {
        cxm__free(data);
        return status;
    }
    *out = data;
    return CXM_OK;
}

/* The checks every prediction from a summary starts with. */
static int check_summary(size_t n, const cxm_model *model, const cxm_rfm *rfm)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(rfm, "rfm");
    if (status == CXM_OK && n != cxm_rfm_size(rfm))
        status = cxm__fail(CXM_EINVAL, "dst has %zu elements where the summary has %zu customers",
                           n, cxm_rfm_size(rfm));
    return status;
}

int cxm_model_fit_rfm(cxm_model *model, const cxm_rfm *rfm, const cxm_fit_options *options)
{
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(rfm, "rfm");
    if (status == CXM_OK && (model->kind->loglik == NULL || model->kind->ncolumns == 0))
        status = cxm__fail(CXM_EUNSUPPORTED, "the %s model is not fitted on a customer summary",
                           model->kind->title);
    cxm_rfm_field fields[CXM__MAX_COLUMNS];
    for (size_t c = 0; status == CXM_OK && c < model->kind->ncolumns; c++)
        status = field_of(model, c, &fields[c]);
    double *data = NULL;
    if (status == CXM_OK)
        status = copy_columns(&data, rfm, model->kind->ncolumns, fields);
    if (status != CXM_OK)
        return status;
    size_t n = cxm_rfm_size(rfm);
    const double *column[CXM__MAX_COLUMNS] = { NULL };
    for (size_t c = 0; c < model->kind->ncolumns; c++)
        column[c] = data + c * n;
    status = cxm__fit(model, n, column, NULL, options);
    cxm__free(data);
    return status;
}

int cxm_model_predict_rfm(double *dst, size_t n, const cxm_model *model, const cxm_rfm *rfm,
                          cxm_prediction what, double argument)
{
    static const cxm_rfm_field history[] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T,
                                             CXM_RFM_DURATION_HOLDOUT };
    static const cxm_rfm_field spend[] = { CXM_RFM_FREQUENCY, CXM_RFM_MONETARY_VALUE };
    int status = check_summary(n, model, rfm);
    if (status == CXM_OK && ((int)what < CXM_PREDICT_P_ALIVE || (int)what > CXM_PREDICT_SPEND))
        status = cxm__fail(CXM_EINVAL, "unknown prediction %d", (int)what);
    double *c = NULL;
    if (status == CXM_OK && what == CXM_PREDICT_SPEND)
        status = copy_columns(&c, rfm, 2, spend);
    else if (status == CXM_OK)
        status = copy_columns(&c, rfm, what == CXM_PREDICT_HOLDOUT_PURCHASES ? 4 : 3, history);
    if (status != CXM_OK)
        return status;
    const double *x = c, *t_x = c + n, *T = c + 2 * n;
    switch (what) {
    case CXM_PREDICT_P_ALIVE:
        status = cxm_model_p_alive(dst, n, model, x, t_x, T);
        break;
    case CXM_PREDICT_PURCHASES:
        status = cxm_model_conditional_purchases_horizon(dst, n, model, argument, x, t_x, T);
        break;
    case CXM_PREDICT_HOLDOUT_PURCHASES:
        status = cxm_model_conditional_purchases(dst, n, model, c + 3 * n, x, t_x, T);
        break;
    case CXM_PREDICT_DERT:
        status = cxm_model_dert(dst, n, model, argument, x, t_x, T);
        break;
    default:
        status = cxm_model_expected_spend(dst, n, model, x, c + n);
        break;
    }
    cxm__free(c);
    return status;
}

int cxm_model_lifetime_value_rfm(double *dst, size_t n, const cxm_model *model,
                                 const cxm_model *spend, const cxm_rfm *rfm,
                                 const cxm_value_options *options)
{
    /* The monetary value twice: the second copy becomes the expected spend. */
    static const cxm_rfm_field fields[] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T,
                                            CXM_RFM_MONETARY_VALUE, CXM_RFM_MONETARY_VALUE };
    int status = check_summary(n, model, rfm);
    double *c = NULL;
    if (status == CXM_OK)
        status = copy_columns(&c, rfm, spend ? 5 : 4, fields);
    if (status != CXM_OK)
        return status;
    double *money = c + 3 * n;
    if (spend) {
        status = cxm_model_expected_spend(c + 4 * n, n, spend, c, money);
        money = c + 4 * n;
    }
    if (status == CXM_OK)
        status = cxm_model_lifetime_value(dst, n, model, c, c + n, c + 2 * n, money, options);
    cxm__free(c);
    return status;
}

int cxm_model_tracking_rfm(double *dst, size_t n_times, const cxm_model *model,
                           const cxm_rfm *rfm, const double *times)
{
    static const cxm_rfm_field T_field[] = { CXM_RFM_T };
    int status = cxm__check_pointer(model, "model");
    if (status == CXM_OK)
        status = cxm__check_pointer(rfm, "rfm");
    double *first = NULL;
    if (status == CXM_OK)
        status = copy_columns(&first, rfm, 1, T_field);
    if (status != CXM_OK)
        return status;
    size_t n = cxm_rfm_size(rfm);
    for (size_t i = 0; i < n; i++)
        first[i] = -first[i]; /* T before the end of the period */
    status = cxm_model_tracking(dst, n_times, model, times, n, first, NULL);
    cxm__free(first);
    return status;
}
