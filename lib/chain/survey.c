/* Survey files: numeric answers read with the shared CSV reader (lib/io),
 * and the file-based entry points of the instruments and the path model. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/internal.h"
#include "cxm/chain.h"
#include "io/csv.h"

struct cxm_survey {
    size_t rows, columns, capacity; /* capacity in rows */
    char **names;
    double *data; /* rows × columns, row-major */
    size_t skipped;
};

void cxm_survey_free(cxm_survey *survey)
{
    if (survey == NULL)
        return;
    for (size_t j = 0; j < survey->columns; j++)
        cxm__free(survey->names[j]);
    cxm__free(survey->names);
    cxm__free(survey->data);
    cxm__free(survey);
}

/* Missing-answer markers: empty, NA, N/A, NaN, NULL (any case). */
static int is_missing(const char *text, size_t length)
{
    static const char *const markers[] = { "na", "n/a", "nan", "null" };
    if (length == 0)
        return 1;
    for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
        if (length == strlen(markers[k]) && strncasecmp(text, markers[k], length) == 0)
            return 1;
    return 0;
}

static int read_records(cxm_survey *s, cxm_csv *csv, const size_t *index)
{
    int status;
    while ((status = cxm__csv_next(csv)) > 0) {
        if (s->rows == s->capacity) {
            size_t next = s->capacity ? 2 * s->capacity : 256;
            double *data = cxm__reallocarray(s->data, next, s->columns * sizeof *data);
            if (data == NULL)
                return CXM_ENOMEM;
            s->data = data;
            s->capacity = next;
        }
        double *row = s->data + s->rows * s->columns;
        int bad = 0;
        for (size_t j = 0; j < s->columns && !bad; j++) {
            size_t length;
            const char *text = cxm__csv_field(csv, index[j], &length);
            while (length > 0 && (*text == ' ' || *text == '\t'))
                text++, length--;
            while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
                length--;
            if (is_missing(text, length))
                row[j] = NAN;
            else if (cxm__csv_get_double(csv, index[j], &row[j]) != CXM_OK)
                bad = 1;
        }
        if (bad) {
            status = cxm__csv_bad_row(csv);
            if (status != CXM_OK)
                return status;
            continue;
        }
        s->rows++;
    }
    return status;
}

int cxm_survey_read(cxm_survey **out, const char *path, size_t n_columns,
                    const char *const *columns, const cxm_csv_options *options)
{
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status == CXM_OK && n_columns > 0)
        status = cxm__check_pointer(columns, "columns");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_csv *csv = NULL;
    status = cxm__csv_open(&csv, path, options);
    if (status != CXM_OK)
        return status;
    cxm_survey *s = cxm__calloc(1, sizeof *s);
    size_t total = cxm__csv_columns(csv);
    size_t wanted = n_columns ? n_columns : total;
    size_t *index = cxm__calloc(wanted ? wanted : 1, sizeof *index);
    if (s == NULL || index == NULL)
        status = CXM_ENOMEM;
    if (status == CXM_OK) {
        s->names = cxm__calloc(wanted ? wanted : 1, sizeof *s->names);
        if (s->names == NULL)
            status = CXM_ENOMEM;
    }
    for (size_t j = 0; status == CXM_OK && j < wanted; j++) {
        char label[32];
        const char *name = NULL;
        if (n_columns) {
            status = cxm__csv_find_column(csv, columns[j], &index[j]);
            for (size_t k = 0; status == CXM_OK && k < j; k++)
                if (index[k] == index[j])
                    status = cxm__fail(CXM_EINVAL, "column '%s' is asked for twice", columns[j]);
        } else {
            index[j] = j;
        }
        if (status != CXM_OK)
            break;
        name = cxm__csv_column_name(csv, index[j]);
        if (name == NULL) {
            snprintf(label, sizeof label, "%zu", index[j] + 1);
            name = label;
        }
        s->names[j] = cxm__strdup(name);
        if (s->names[j] == NULL)
            status = CXM_ENOMEM;
        else
            s->columns = j + 1;
    }
    if (status == CXM_OK)
        status = read_records(s, csv, index);
    if (status == CXM_OK && s->rows == 0)
        status = cxm__fail(CXM_EPARSE, "%s: the file has no answers", path);
    if (status == CXM_OK)
        s->skipped = (size_t)cxm__csv_skipped(csv);
    cxm__free(index);
    cxm__csv_close(csv);
    if (status != CXM_OK) {
        cxm_survey_free(s);
        return status;
    }
    *out = s;
    return CXM_OK;
}

size_t cxm_survey_rows(const cxm_survey *survey)
{
    return survey ? survey->rows : 0;
}

size_t cxm_survey_columns(const cxm_survey *survey)
{
    return survey ? survey->columns : 0;
}

const char *cxm_survey_column_name(const cxm_survey *survey, size_t j)
{
    return survey && j < survey->columns ? survey->names[j] : NULL;
}

size_t cxm_survey_skipped(const cxm_survey *survey)
{
    return survey ? survey->skipped : 0;
}

static int find_column(const cxm_survey *s, const char *name, size_t *index)
{
    for (size_t j = 0; j < s->columns; j++)
        if (strcmp(s->names[j], name) == 0) {
            *index = j;
            return CXM_OK;
        }
    return cxm__fail(CXM_ENOTFOUND, "the survey has no column '%s'", name);
}

int cxm_survey_column(double *dst, size_t n, const cxm_survey *survey, const char *column)
{
    size_t j = 0;
    int status = cxm__check_pointer(survey, "survey");
    if (status == CXM_OK)
        status = cxm__check_pointer(column, "column");
    if (status == CXM_OK && n != survey->rows)
        status = cxm__fail(CXM_EINVAL, "the survey has %zu rows, got room for %zu", survey->rows, n);
    if (status == CXM_OK && n > 0)
        status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = find_column(survey, column, &j);
    for (size_t i = 0; status == CXM_OK && i < n; i++)
        dst[i] = survey->data[i * survey->columns + j];
    return status;
}

int cxm_survey_nps(cxm_nps_estimate *out, const cxm_survey *survey, const char *column,
                   double level)
{
    int status = cxm__check_pointer(survey, "survey");
    if (status != CXM_OK)
        return status;
    double *scores = cxm__malloc((survey->rows ? survey->rows : 1) * sizeof *scores);
    if (scores == NULL)
        return CXM_ENOMEM;
    status = cxm_survey_column(scores, survey->rows, survey, column);
    if (status == CXM_OK) {
        status = cxm_nps_from_scores(out, survey->rows, scores, level);
        if (status != CXM_OK && status != CXM_ENOMEM)
            cxm__fail_prefix("column '%s': ", column);
    }
    cxm__free(scores);
    return status;
}

int cxm_survey_pls(cxm_pls_result **out, const cxm_survey *survey, const cxm_pls_model *model,
                   const cxm_pls_options *options)
{
    int status = cxm__check_pointer(survey, "survey");
    if (status != CXM_OK)
        return status;
    return cxm_pls_estimate(out, model, survey->rows, survey->columns, survey->data,
                            (const char *const *)survey->names, options);
}

int cxm_survey_pls_predict(cxm_pls_prediction **out, const cxm_survey *survey,
                           const cxm_pls_model *model, const cxm_pls_options *estimation,
                           const cxm_pls_predict_options *options)
{
    int status = cxm__check_pointer(survey, "survey");
    if (status != CXM_OK)
        return status;
    return cxm_pls_predict(out, model, survey->rows, survey->columns, survey->data,
                           (const char *const *)survey->names, estimation, options);
}
