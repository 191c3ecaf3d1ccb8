/* Inline SVG charts for the self-contained HTML report of `cxm demo --html`.
 * Presentation only: every number drawn was computed by the library. */
#ifndef CXM_TOOLS_SVG_H
#define CXM_TOOLS_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Escape text for HTML/SVG. */
void svg_text(FILE *out, const char *text);

/* Horizontal bars, one per label; beside each bar its value_labels[i] (e.g. money
 * formatted by the caller), or with value_labels NULL the value with decimals digits
 * after the point. Negative values extend left of the zero line. */
void svg_bar_chart(FILE *out, const char *title, size_t n, const char *const *labels,
                   const double *values, int decimals, const char *const *value_labels);

/* Two bars per label (e.g. employees vs customers) with a legend. */
void svg_paired_bar_chart(FILE *out, const char *title, size_t n, const char *const *labels,
                          const double *first, const char *first_name, const double *second,
                          const char *second_name, int decimals);

/* Scatter of labelled points with a cross at (x_split, y_split) and four
 * quadrant captions (top-left, top-right, bottom-left, bottom-right); each label
 * is placed around its point where it overlaps no point, caption or other label. */
void svg_quadrant_chart(FILE *out, const char *title, size_t n, const char *const *labels,
                        const double *x, const double *y, const char *x_name, const char *y_name,
                        double x_split, double y_split, const char *const quadrant_names[4]);

/* Heat map of a rows×cols matrix (row-major) with values in [lo, hi], and a colour
 * scale from lo to hi headed value_name. */
void svg_heat_map(FILE *out, const char *title, size_t rows, size_t cols, const double *values,
                  double lo, double hi, const char *row_name, const char *col_name,
                  const char *const *row_labels, const char *const *col_labels,
                  const char *value_name);

/* Lines over a shared x axis; series k has values y[k*n .. k*n+n-1]. A dashed
 * vertical line marks x = mark_x, captioned mark_name (none when mark_x is NaN). */
void svg_line_chart(FILE *out, const char *title, size_t n, const double *x, size_t n_series,
                    const double *y, const char *const *series_names, const char *x_name,
                    const char *y_name, double mark_x, const char *mark_name);

/* Funnel: decreasing horizontal bars centred on counts, each with the caller's
 * count_labels[i] (e.g. "2,271 (56.8% of previous)") inside the bar when it fits,
 * else beside it. */
void svg_funnel(FILE *out, const char *title, size_t n, const char *const *labels,
                const double *counts, const char *const *count_labels);

#endif
