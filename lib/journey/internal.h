/* Internals of the journey module: string interning, the path store shared by attribution and the event-log journeys, and the
 * table builder. Not installed, not exported. */
#ifndef CXM_JOURNEY_INTERNAL_H
#define CXM_JOURNEY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cxm/journey.h"
#include "core/hash.h"
#include "core/table.h"
#include "cxm/table.h"

/* ------------------------------------------------------------------ interned strings
 * Names get dense ids 0, 1, 2, ... in order of first appearance. */
typedef struct cxm__strtab {
    char **names;       /* id -> NUL-terminated copy */
    size_t *lengths;    /* id -> strlen */
    size_t count, capacity;
    cxm__hash table;    /* name -> id */
} cxm__strtab;

void cxm__strtab_init(cxm__strtab *t);
void cxm__strtab_free(cxm__strtab *t);
/* The id of s[0..len), added if new. CXM_OK or CXM_ENOMEM / CXM_ERANGE. */
int cxm__strtab_intern(cxm__strtab *t, const char *s, size_t len, uint32_t *id);
/* 1 and *id when present, 0 otherwise. */
int cxm__strtab_find(const cxm__strtab *t, const char *s, size_t len, uint32_t *id);
int cxm__strtab_copy(cxm__strtab *dst, const cxm__strtab *src);

/* ------------------------------------------------------------------ paths */
/* Channel names of up to 16 bytes are found through a small direct-mapped
 * cache keyed by their bytes, so that parsing millions of paths rarely
 * hashes a string. */
typedef struct cxm__channel_cache {
    uint64_t a, b;
    uint32_t length, id;   /* length 0: empty entry */
} cxm__channel_cache;

struct cxm_paths {
    char *separator;
    size_t separator_length;
    cxm__strtab channels;
    cxm__channel_cache cache[256];
    /* Paths in the order added: touches[offsets[p] .. offsets[p+1]) are channel ids. */
    uint32_t *touches;
    size_t touches_n, touches_cap;
    size_t *offsets;    /* count + 1 entries */
    double *conversions, *nulls, *values;
    double *ages;       /* NULL until a timed path is added; NaN for untimed touches */
    size_t ages_cap;
    unsigned char *timed; /* per path: 1 when it carries ages */
    size_t count, capacity;
    uint32_t *scratch;  /* one path's channel ids while it is parsed */
    size_t scratch_cap;
    unsigned threads;           /* cxm_paths_set_threads() */
    unsigned long long skipped; /* bad rows skipped by cxm_paths_read_csv() */
    char **messages;
    size_t nmessages, messages_cap;
};

/* Add a path given as channel ids (already interned). ages may be NULL. */
int cxm__paths_add_ids(cxm_paths *paths, size_t n, const uint32_t *ids, const double *ages,
                       double conversions, double nulls, double value);
/* Add a path written as text[0..length) (need not be NUL-terminated). */
int cxm__paths_add_text(cxm_paths *paths, const char *text, size_t length, double conversions,
                        double nulls, double value);
int cxm__paths_check_counts(double conversions, double nulls, double value);

/* ------------------------------------------------------------------ attribution counts
 * The counted chain of cxm_attribution_markov() before it is solved
 * (cxm/journey.h): states and transitions in order of first appearance. */
struct cxm_markov_counts {
    cxm_markov_options options;
    cxm__strtab channels;      /* channel names; ids index them */
    size_t nstates, cap;       /* state 0 is (start); order 1: state s is channel s - 1 */
    uint64_t *keys;            /* order > 1: the state's channel ids + 1, 16 bits each, newest lowest */
    double *conv, *nulls, *value;
    uint32_t *efrom, *eto;     /* transitions between states, self-loops included */
    double *ew;
    size_t nedges, ecap;
    double total_conv, total_nulls, total_value, total_weight;
    size_t path_rows;          /* paths with weight > 0 */
    size_t paths;              /* paths counted */
};

void cxm__markov_counts_clear(cxm_markov_counts *m);
/* Room for `need` states (zeroed). */
int cxm__markov_counts_reserve(cxm_markov_counts *m, size_t need);
/* Append a transition (room grown as needed). */
int cxm__markov_counts_add_edge(cxm_markov_counts *m, uint32_t from, uint32_t to, double w);

/* ------------------------------------------------------------------ journey map */
typedef struct cxm__touchpoint {
    char *id, *name, *channel, *department;
    cxm_decision decision;
    cxm_rung rung;
    double importance;          /* NaN when not stated */
    double *ratings;            /* employees' self-ratings */
    size_t ratings_n, ratings_cap;
    int is_conversion;
} cxm__touchpoint;

struct cxm_journey_map {
    char *name;
    cxm__touchpoint *touchpoints;
    size_t count, capacity;
    cxm__strtab ids;            /* touchpoint id -> index (same order) */
    cxm_decision conversion_decision;
    size_t conversion_touchpoints; /* how many touchpoints are flagged */
    double scale_min, scale_max;  /* NaN when unknown */
};

/* Events held by journeys, and the bad rows a reader skipped (takes the messages). */
size_t cxm__journeys_event_count(const cxm_journeys *journeys);
void cxm__journeys_note_skipped(cxm_journeys *journeys, unsigned long long skipped,
                                char **messages, size_t n);

int cxm__journey_map_clone(cxm_journey_map **out, const cxm_journey_map *map);
/* 1 when touching touchpoint t counts as conversion under the map's rule. */
int cxm__journey_map_converts(const cxm_journey_map *map, size_t t);

/* ------------------------------------------------------------------ closed forms */
/* The decision chain table from 2x4 transition weights; allow_empty lets a
 * never-visited row through (its results are NaN). */
int cxm__decision_chain_table(cxm_table **out, const double *transitions, int allow_empty);
/* Quadrant (text column), priority and rank of rows with finite importance
 * and performance; means[0..1] receive the means used for the split. */
int cxm__ipa_fill(cxm_table *t, size_t n, const double *importance, const double *performance,
                  size_t col_quadrant, double *priority, double *rank, double *means);

/* ------------------------------------------------------------------ numerics */
/* Sample quantile, linear interpolation between order statistics (type 7,
 * numpy's and R's default) of sorted[0..n). NaN when n == 0. */
double cxm__quantile_sorted(const double *sorted, size_t n, double p);
void cxm__sort_doubles(double *x, size_t n);

#endif /* CXM_JOURNEY_INTERNAL_H */
