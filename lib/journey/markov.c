/* Exact Markov attribution: the chain estimated from paths, solved exactly
 * for every removal (rules and the solver's guarantee: include/cxm/journey.h). */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"
#include "numeric/linalg.h"

enum { DENSE_MAX = 96, MAX_ORDER = 4 };

/* The chain to solve: the counts (not owned) with flows, self-loops apart
 * and transitions in CSR form. */
typedef struct chain {
    unsigned order;
    size_t nstates;          /* state 0 is (start) */
    const uint64_t *keys;    /* packed tuple per state (order > 1) */
    const double *conv, *nulls, *value;
    double *self, *out;
    double *loop;            /* kept self-loop probability per state (0 when collapsed) */
    size_t *row;             /* CSR of transitions between states, self-loops apart */
    uint32_t *col;
    double *w;
    size_t nedges;
    double total_conv, total_nulls, total_value, total_weight, self_weight;
    size_t path_rows;
} chain;

static void chain_free(chain *c)
{
    cxm__free(c->self);
    cxm__free(c->out);
    cxm__free(c->loop);
    cxm__free(c->row);
    cxm__free(c->col);
    cxm__free(c->w);
    memset(c, 0, sizeof *c);
}


/* The size of each version of cxm_markov_options (docs/ABI.md). */
static const size_t option_sizes[CXM_MARKOV_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_markov_options, keep_self_loops),
};

static int read_options(cxm_markov_options *o, const cxm_markov_options *given)
{
    cxm_markov_options_init(o);
    int status = cxm__options_read(o, given, option_sizes, CXM_MARKOV_OPTIONS_VERSION,
                                   "cxm_markov_options");
    if (status != CXM_OK)
        return status;
    if (o->order < 1 || o->order > MAX_ORDER)
        return cxm__fail(CXM_EINVAL, "order %u is outside 1..%d", o->order, MAX_ORDER);
    return CXM_OK;
}

/* ------------------------------------------------------------------ counting */

void cxm__markov_counts_clear(cxm_markov_counts *m)
{
    cxm__strtab_free(&m->channels);
    cxm__free(m->keys);
    cxm__free(m->conv);
    cxm__free(m->nulls);
    cxm__free(m->value);
    cxm__free(m->efrom);
    cxm__free(m->eto);
    cxm__free(m->ew);
    memset(m, 0, sizeof *m);
    cxm__strtab_init(&m->channels);
}

void cxm_markov_counts_free(cxm_markov_counts *counts)
{
    if (counts == NULL)
        return;
    cxm__markov_counts_clear(counts);
    cxm__free(counts);
}

int cxm__markov_counts_reserve(cxm_markov_counts *m, size_t need)
{
    if (need <= m->cap)
        return CXM_OK;
    size_t cap = m->cap ? m->cap : 64;
    while (cap < need)
        cap *= 2;
    double **arrays[] = { &m->conv, &m->nulls, &m->value };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        double *grown = cxm__reallocarray(*arrays[i], cap, sizeof(double));
        if (grown == NULL)
            return CXM_ENOMEM;
        for (size_t s = m->cap; s < cap; s++)
            grown[s] = 0.0;
        *arrays[i] = grown;
    }
    if (m->options.order > 1) {
        uint64_t *grown = cxm__reallocarray(m->keys, cap, sizeof *m->keys);
        if (grown == NULL)
            return CXM_ENOMEM;
        m->keys = grown;
    }
    m->cap = cap;
    return CXM_OK;
}

int cxm__markov_counts_add_edge(cxm_markov_counts *m, uint32_t from, uint32_t to, double w)
{
    size_t cap = m->ecap;
    int status = cxm__grow((void **)&m->efrom, &cap, m->nedges + 1, sizeof *m->efrom);
    if (status == CXM_OK) {
        cap = m->ecap;
        status = cxm__grow((void **)&m->eto, &cap, m->nedges + 1, sizeof *m->eto);
    }
    if (status == CXM_OK) {
        cap = m->ecap;
        status = cxm__grow((void **)&m->ew, &cap, m->nedges + 1, sizeof *m->ew);
    }
    if (status != CXM_OK)
        return status;
    m->ecap = cap;
    m->efrom[m->nedges] = from;
    m->eto[m->nedges] = to;
    m->ew[m->nedges] = w;
    m->nedges++;
    return CXM_OK;
}

/* Transitions are found by (state, next channel): through a dense table
 * when the possible states times the channels are few (one array read per
 * touch), else a hash map. */
typedef struct builder {
    cxm__u64map states;      /* tuple key -> state (order > 1) */
    size_t nch;
    int dense;
    size_t succ_cap;         /* states the dense table has rows for */
    uint64_t *succ;          /* dense: succ[state * nch + channel] = (edge + 1) | target << 32; 0 = none */
    cxm__u64map edges;       /* sparse: state << 32 | channel -> edge */
} builder;

static void builder_free(builder *b)
{
    cxm__u64map_free(&b->states);
    cxm__u64map_free(&b->edges);
    cxm__free(b->succ);
}

static int reserve_states(cxm_markov_counts *m, builder *b, size_t need)
{
    int status = cxm__markov_counts_reserve(m, need);
    if (status != CXM_OK || !b->dense || m->cap <= b->succ_cap)
        return status;
    uint64_t *grown = cxm__reallocarray(b->succ, m->cap * b->nch, sizeof *grown);
    if (grown == NULL)
        return CXM_ENOMEM;
    memset(grown + b->succ_cap * b->nch, 0, (m->cap - b->succ_cap) * b->nch * sizeof *grown);
    b->succ = grown;
    b->succ_cap = m->cap;
    return CXM_OK;
}

/* The transition out of state `from` on channel `ch`, created with its
 * target state when new. */
static int new_edge(cxm_markov_counts *m, builder *b, uint32_t from, uint32_t ch, uint64_t mask,
                    uint32_t *edge)
{
    uint32_t to;
    if (m->options.order == 1) {
        to = ch + 1;
    } else {
        uint64_t key = ((m->keys[from] << 16) | (uint64_t)(ch + 1)) & mask;
        int added;
        /* Room first, so that a state the map gains always has its arrays. */
        int status = reserve_states(m, b, m->nstates + 1);
        if (status == CXM_OK)
            status = cxm__u64map_upsert(&b->states, key, (uint32_t)m->nstates, &to, &added);
        if (status != CXM_OK)
            return status;
        if (added) {
            m->keys[to] = key;
            m->nstates++;
        }
    }
    uint32_t e = (uint32_t)m->nedges;
    int status = cxm__markov_counts_add_edge(m, from, to, 0.0);
    if (status != CXM_OK)
        return status;
    if (b->dense) {
        b->succ[(size_t)from * b->nch + ch] = (uint64_t)(e + 1) | (uint64_t)to << 32;
    } else {
        uint32_t got;
        int added;
        status = cxm__u64map_upsert(&b->edges, ((uint64_t)from << 32) | ch, e, &got, &added);
        if (status != CXM_OK) {
            m->nedges--;
            return status;
        }
    }
    *edge = e;
    return CXM_OK;
}

/* Count the transitions of the paths into m (cleared first). */
static int counts_build(cxm_markov_counts *m, const cxm_paths *paths, const cxm_markov_options *o)
{
    memset(m, 0, sizeof *m);
    cxm__strtab_init(&m->channels);
    m->options = *o;
    builder b;
    memset(&b, 0, sizeof b);
    cxm__u64map_init(&b.states);
    cxm__u64map_init(&b.edges);
    const unsigned k = o->order;
    size_t nch = paths->channels.count;
    b.nch = nch ? nch : 1;
    /* the most states there can be, times the channels: small enough for a table? */
    double bound = 1, power = 1;
    for (unsigned j = 1; j <= k; j++) {
        power *= (double)nch;
        bound += power;
    }
    b.dense = bound * (double)b.nch <= 4194304.0;
    int status = CXM_OK;
    if (k > 1 && nch > 65535)
        status = cxm__fail(CXM_ERANGE, "order %u supports up to 65535 channels, the paths have %zu",
                           k, nch);
    if (status == CXM_OK)
        status = cxm__strtab_copy(&m->channels, &paths->channels);
    if (status == CXM_OK)
        status = reserve_states(m, &b, k == 1 ? nch + 1 : 1);
    m->nstates = k == 1 ? nch + 1 : 1;
    if (status == CXM_OK && k > 1)
        m->keys[0] = 0;
    const uint64_t mask = k >= 4 ? UINT64_MAX : ((UINT64_C(1) << (16 * k)) - 1);
    for (size_t p = 0; status == CXM_OK && p < paths->count; p++) {
        double conv = paths->conversions[p];
        double nulls = o->use_nulls ? paths->nulls[p] : 0.0;
        double weight = conv + nulls;
        m->total_conv += conv;
        m->total_nulls += nulls;
        m->total_value += paths->values[p];
        m->paths++;
        if (!(weight > 0))
            continue;
        m->path_rows++;
        m->total_weight += weight;
        uint32_t prev = 0;
        const uint32_t *t = paths->touches + paths->offsets[p];
        const uint32_t *t_end = paths->touches + paths->offsets[p + 1];
        if (b.dense) {
            /* one load per touch on the dependency chain: edge and target together */
            for (; t < t_end; t++) {
                uint64_t known = b.succ[(size_t)prev * b.nch + *t];
                uint32_t e;
                if (known) {
                    e = (uint32_t)known - 1;
                    prev = (uint32_t)(known >> 32);
                } else {
                    if ((status = new_edge(m, &b, prev, *t, mask, &e)) != CXM_OK)
                        break;
                    prev = m->eto[e];
                }
                m->ew[e] += weight;
            }
        } else {
            for (; t < t_end; t++) {
                uint32_t e, ch = *t;
                if (!cxm__u64map_find(&b.edges, ((uint64_t)prev << 32) | ch, &e) &&
                    (status = new_edge(m, &b, prev, ch, mask, &e)) != CXM_OK)
                    break;
                m->ew[e] += weight;
                prev = m->eto[e];
            }
        }
        if (status != CXM_OK)
            break;
        m->conv[prev] += conv;
        m->nulls[prev] += nulls;
        m->value[prev] += paths->values[p];
    }
    builder_free(&b);
    if (status != CXM_OK)
        cxm__markov_counts_clear(m);
    return status;
}

/* The chain of counted transitions, ready for the solver. */
static int chain_from_counts(chain *c, const cxm_markov_counts *m)
{
    memset(c, 0, sizeof *c);
    c->order = m->options.order;
    c->nstates = m->nstates;
    c->keys = m->keys;
    c->conv = m->conv;
    c->nulls = m->nulls;
    c->value = m->value;
    c->total_conv = m->total_conv;
    c->total_nulls = m->total_nulls;
    c->total_value = m->total_value;
    c->total_weight = m->total_weight;
    c->path_rows = m->path_rows;
    const int keep = m->options.keep_self_loops;
    int status = CXM_OK;
    c->self = cxm__calloc(c->nstates ? c->nstates : 1, sizeof *c->self);
    c->out = cxm__calloc(c->nstates ? c->nstates : 1, sizeof *c->out);
    if (c->self == NULL || c->out == NULL)
        status = CXM_ENOMEM;
    /* weight out of each state: its transitions (self-loops only when kept),
     * conversions and nulls */
    for (size_t s = 0; status == CXM_OK && s < c->nstates; s++)
        c->out[s] = c->conv[s] + c->nulls[s];
    for (size_t e = 0; status == CXM_OK && e < m->nedges; e++)
        if (m->efrom[e] != m->eto[e] || keep)
            c->out[m->efrom[e]] += m->ew[e];
    if (status == CXM_OK && c->total_conv > 0 && !(c->total_weight > 0))
        status = cxm__fail(CXM_EDOMAIN, "no path has a touch");
    /* CSR by counting sort on the source state; self-loops kept apart. */
    size_t nedges = 0;
    for (size_t e = 0; status == CXM_OK && e < m->nedges; e++) {
        if (m->efrom[e] == m->eto[e]) {
            c->self[m->efrom[e]] += m->ew[e];
            c->self_weight += m->ew[e];
        } else {
            nedges++;
        }
    }
    if (status == CXM_OK) {
        c->row = cxm__calloc(c->nstates + 1, sizeof *c->row);
        c->col = cxm__malloc((nedges ? nedges : 1) * sizeof *c->col);
        c->w = cxm__malloc((nedges ? nedges : 1) * sizeof *c->w);
        if (c->row == NULL || c->col == NULL || c->w == NULL)
            status = CXM_ENOMEM;
    }
    if (status == CXM_OK) {
        for (size_t e = 0; e < m->nedges; e++)
            if (m->efrom[e] != m->eto[e])
                c->row[m->efrom[e] + 1]++;
        for (size_t s = 0; s < c->nstates; s++)
            c->row[s + 1] += c->row[s];
        size_t *next = cxm__malloc((c->nstates + 1) * sizeof *next);
        if (next == NULL) {
            status = CXM_ENOMEM;
        } else {
            memcpy(next, c->row, (c->nstates + 1) * sizeof *next);
            for (size_t e = 0; e < m->nedges; e++) {
                if (m->efrom[e] == m->eto[e])
                    continue;
                size_t at = next[m->efrom[e]]++;
                c->col[at] = m->eto[e];
                c->w[at] = m->ew[e];
            }
            cxm__free(next);
            c->nedges = nedges;
        }
    }
    if (status == CXM_OK) {
        c->loop = cxm__calloc(c->nstates ? c->nstates : 1, sizeof *c->loop);
        if (c->loop == NULL)
            status = CXM_ENOMEM;
        for (size_t s = 0; status == CXM_OK && keep && s < c->nstates; s++)
            if (c->out[s] > 0)
                c->loop[s] = c->self[s] / c->out[s];
    }
    if (status != CXM_OK)
        chain_free(c);
    return status;
}

int cxm_markov_counts_create(cxm_markov_counts **out, const cxm_paths *paths,
                             const cxm_markov_options *options)
{
    cxm_markov_options o;
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK)
        status = read_options(&o, options);
    if (status != CXM_OK)
        return status;
    cxm_markov_counts *m = cxm__malloc(sizeof *m);
    if (m == NULL)
        return CXM_ENOMEM;
    status = counts_build(m, paths, &o);
    if (status != CXM_OK) {
        cxm__free(m);
        return status;
    }
    *out = m;
    return CXM_OK;
}

/* Channel ids of state s (order > 1): count returned, ids in dst. */
static unsigned state_channels(const chain *c, size_t s, uint32_t *dst)
{
    if (c->order == 1) {
        dst[0] = (uint32_t)(s - 1);
        return 1;
    }
    uint64_t key = c->keys[s];
    uint32_t tmp[MAX_ORDER];
    unsigned n = 0;
    while (key != 0 && n < MAX_ORDER) {
        tmp[n++] = (uint32_t)(key & 0xffff) - 1;
        key >>= 16;
    }
    for (unsigned i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i]; /* oldest touch first */
    return n;
}

/* ------------------------------------------------------------------ the exact solver */

typedef struct solver {
    size_t n;
    double *x[2];            /* solution per right-hand side */
    double *lo[2], *hi[2];
    uint32_t *index, *low, *stack, *comp, *local;
    size_t *iter, *comp_start;
    unsigned char *onstack;
    uint32_t *dfs;
    double *dense, *rhs, *work;
    size_t *perm;
    size_t dense_cap;
} solver;

static void solver_free(solver *w)
{
    for (int r = 0; r < 2; r++) {
        cxm__free(w->x[r]);
        cxm__free(w->lo[r]);
        cxm__free(w->hi[r]);
    }
    cxm__free(w->index);
    cxm__free(w->low);
    cxm__free(w->stack);
    cxm__free(w->comp);
    cxm__free(w->local);
    cxm__free(w->iter);
    cxm__free(w->comp_start);
    cxm__free(w->onstack);
    cxm__free(w->dfs);
    cxm__free(w->dense);
    cxm__free(w->rhs);
    cxm__free(w->work);
    cxm__free(w->perm);
}

static int solver_init(solver *w, size_t n)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    int ok = 1;
    for (int r = 0; r < 2; r++) {
        ok &= (w->x[r] = cxm__malloc(n * sizeof(double))) != NULL;
        ok &= ok && (w->lo[r] = cxm__malloc(n * sizeof(double))) != NULL;
        ok &= ok && (w->hi[r] = cxm__malloc(n * sizeof(double))) != NULL;
    }
    ok = ok && (w->index = cxm__malloc(n * sizeof *w->index)) != NULL;
    ok = ok && (w->low = cxm__malloc(n * sizeof *w->low)) != NULL;
    ok = ok && (w->stack = cxm__malloc(n * sizeof *w->stack)) != NULL;
    ok = ok && (w->comp = cxm__malloc(n * sizeof *w->comp)) != NULL;
    ok = ok && (w->local = cxm__malloc(n * sizeof *w->local)) != NULL;
    ok = ok && (w->iter = cxm__malloc(n * sizeof *w->iter)) != NULL;
    ok = ok && (w->comp_start = cxm__malloc((n + 1) * sizeof *w->comp_start)) != NULL;
    ok = ok && (w->onstack = cxm__malloc(n)) != NULL;
    ok = ok && (w->dfs = cxm__malloc(n * sizeof *w->dfs)) != NULL;
    ok = ok && (w->rhs = cxm__malloc(2 * n * sizeof *w->rhs)) != NULL;
    ok = ok && (w->work = cxm__malloc(n * sizeof *w->work)) != NULL;
    ok = ok && (w->perm = cxm__malloc(n * sizeof *w->perm)) != NULL;
    if (!ok) {
        solver_free(w);
        return CXM_ENOMEM;
    }
    return CXM_OK;
}

/* Strongly connected components of the states that are not removed (state
 * 0, the start, excluded), emitted sinks first (Tarjan, iterative). */
static size_t components(const chain *c, const unsigned char *removed, solver *w)
{
    const uint32_t unvisited = UINT32_MAX;
    size_t n = c->nstates, ncomp = 0, emitted = 0, sp = 0;
    uint32_t counter = 0;
    for (size_t v = 0; v < n; v++) {
        w->index[v] = unvisited;
        w->onstack[v] = 0;
    }
    w->comp_start[0] = 0;
    for (size_t root = 1; root < n; root++) {
        if (removed[root] || w->index[root] != unvisited)
            continue;
        size_t depth = 0;
        w->dfs[depth++] = (uint32_t)root;
        w->index[root] = w->low[root] = counter++;
        w->iter[root] = c->row[root];
        w->stack[sp++] = (uint32_t)root;
        w->onstack[root] = 1;
        while (depth > 0) {
            uint32_t v = w->dfs[depth - 1];
            if (w->iter[v] < c->row[v + 1]) {
                uint32_t t = c->col[w->iter[v]++];
                if (removed[t])
                    continue;
                if (w->index[t] == unvisited) {
                    w->index[t] = w->low[t] = counter++;
                    w->iter[t] = c->row[t];
                    w->stack[sp++] = t;
                    w->onstack[t] = 1;
                    w->dfs[depth++] = t;
                } else if (w->onstack[t] && w->index[t] < w->low[v]) {
                    w->low[v] = w->index[t];
                }
                continue;
            }
            depth--;
            if (depth > 0) {
                uint32_t parent = w->dfs[depth - 1];
                if (w->low[v] < w->low[parent])
                    w->low[parent] = w->low[v];
            }
            if (w->low[v] == w->index[v]) {
                uint32_t t;
                do {
                    t = w->stack[--sp];
                    w->onstack[t] = 0;
                    w->comp[emitted++] = t;
                } while (t != v);
                w->comp_start[++ncomp] = emitted;
            }
        }
    }
    return ncomp;
}

/* Solve a component (its right-hand sides in w->rhs) by LU factorisation. */
static int solve_dense(const chain *c, const unsigned char *removed, solver *w,
                       const uint32_t *comp, size_t m, int nrhs)
{
    if (m * m > w->dense_cap) {
        double *grown = cxm__reallocarray(w->dense, m * m, sizeof *grown);
        if (grown == NULL)
            return CXM_ENOMEM;
        w->dense = grown;
        w->dense_cap = m * m;
    }
    double *a = w->dense;
    memset(a, 0, m * m * sizeof *a);
    for (size_t i = 0; i < m; i++) {
        uint32_t s = comp[i];
        double W = c->out[s];
        a[i * m + i] = 1.0 - c->loop[s];
        for (size_t e = c->row[s]; e < c->row[s + 1]; e++) {
            uint32_t t = c->col[e];
            if (removed[t] || w->local[t] == UINT32_MAX)
                continue;
            a[i * m + w->local[t]] -= c->w[e] / W;
        }
    }
    int status = cxm__lu_factor(a, m, w->perm);
    for (int r = 0; status == CXM_OK && r < nrhs; r++) {
        cxm__lu_solve(a, m, w->perm, w->rhs + (size_t)r * m, w->work);
        for (size_t i = 0; i < m; i++)
            w->x[r][comp[i]] = w->rhs[(size_t)r * m + i];
    }
    return status;
}

/* Solve one component (nodes comp[0..m)) for nrhs right-hand sides whose
 * downstream values are final. bound accumulates the certified error. */
static int solve_component(const chain *c, const unsigned char *removed, solver *w,
                           const uint32_t *comp, size_t m, int nrhs, const double *upper,
                           double *bound)
{
    /* rhs = reward + transitions to solved states outside the component */
    for (size_t i = 0; i < m; i++)
        w->local[comp[i]] = (uint32_t)i;
    for (size_t i = 0; i < m; i++) {
        uint32_t s = comp[i];
        double W = c->out[s];
        double r0 = c->conv[s] / W, r1 = c->value[s] / W;
        for (size_t e = c->row[s]; e < c->row[s + 1]; e++) {
            uint32_t t = c->col[e];
            if (removed[t] || w->local[t] != UINT32_MAX)
                continue;
            r0 += c->w[e] / W * w->x[0][t];
            r1 += c->w[e] / W * w->x[1][t];
        }
        w->rhs[i] = r0;
        w->rhs[m + i] = r1;
    }
    int status = CXM_OK;
    int dense = m <= DENSE_MAX;
    if (m == 1) {
        uint32_t s = comp[0];
        for (int r = 0; r < nrhs; r++)
            w->x[r][s] = w->rhs[(size_t)r * m] / (1.0 - c->loop[s]);
        w->local[s] = UINT32_MAX;
        return CXM_OK;
    }
    size_t sweeps = 0, budget = 0;
    if (!dense) {
        /* Gauss-Seidel from both bounds; budget: the work of a dense solve. */
        size_t nnz = 0;
        for (size_t i = 0; i < m; i++)
            nnz += c->row[comp[i] + 1] - c->row[comp[i]] + 1;
        double dense_work = (double)m * (double)m * (double)m / 3.0;
        budget = (size_t)fmin(dense_work / (double)(2 * nrhs * nnz) + 50.0, 1e6);
        for (int r = 0; r < nrhs; r++)
            for (size_t i = 0; i < m; i++) {
                w->lo[r][comp[i]] = 0.0;
                w->hi[r][comp[i]] = upper[r];
            }
        for (;;) {
            double gap = 0.0;
            int moved = 0;
            for (size_t i = 0; i < m; i++) {
                uint32_t s = comp[i];
                double W = c->out[s];
                double lo0 = w->rhs[i], hi0 = w->rhs[i];
                double lo1 = w->rhs[m + i], hi1 = w->rhs[m + i];
                for (size_t e = c->row[s]; e < c->row[s + 1]; e++) {
                    uint32_t t = c->col[e];
                    if (removed[t] || w->local[t] == UINT32_MAX)
                        continue;
                    double p = c->w[e] / W;
                    lo0 += p * w->lo[0][t];
                    hi0 += p * w->hi[0][t];
                    if (nrhs > 1) {
                        lo1 += p * w->lo[1][t];
                        hi1 += p * w->hi[1][t];
                    }
                }
                if (c->loop[s] > 0) {
                    double stay = 1.0 - c->loop[s];
                    lo0 /= stay;
                    hi0 /= stay;
                    lo1 /= stay;
                    hi1 /= stay;
                }
                if (lo0 > w->lo[0][s]) {
                    w->lo[0][s] = lo0;
                    moved = 1;
                }
                if (hi0 < w->hi[0][s]) {
                    w->hi[0][s] = hi0;
                    moved = 1;
                }
                gap = fmax(gap, (w->hi[0][s] - w->lo[0][s]) / fmax(upper[0], DBL_MIN));
                if (nrhs > 1) {
                    if (lo1 > w->lo[1][s]) {
                        w->lo[1][s] = lo1;
                        moved = 1;
                    }
                    if (hi1 < w->hi[1][s]) {
                        w->hi[1][s] = hi1;
                        moved = 1;
                    }
                    gap = fmax(gap, (w->hi[1][s] - w->lo[1][s]) / fmax(upper[1], DBL_MIN));
                }
            }
            sweeps++;
            if (gap <= 8 * DBL_EPSILON || !moved) {
                double worst = 0.0;
                for (int r = 0; r < nrhs; r++)
                    for (size_t i = 0; i < m; i++) {
                        uint32_t s = comp[i];
                        w->x[r][s] = 0.5 * (w->lo[r][s] + w->hi[r][s]);
                        worst = fmax(worst, 0.5 * (w->hi[r][s] - w->lo[r][s]) / fmax(upper[r], DBL_MIN));
                    }
                *bound += worst;
                break;
            }
            if (sweeps >= budget) {
                if (m <= 2048) {
                    dense = 1;
                    break;
                }
                if (sweeps >= 1000000) {
                    status = cxm__fail(CXM_ECONVERGE,
                                       "the chain mixes too slowly: %zu states not solved after %zu sweeps",
                                       m, sweeps);
                    break;
                }
            }
        }
    }
    if (status == CXM_OK && dense)
        status = solve_dense(c, removed, w, comp, m, nrhs);
    for (size_t i = 0; i < m; i++)
        w->local[comp[i]] = UINT32_MAX;
    return status;
}

/* Conversion probability (result[0]) and expected value (result[1]) from the
 * start, with the states flagged in removed sent to (null). */
static int chain_solve(const chain *c, const unsigned char *removed, solver *w, int nrhs,
                       const double *upper, double result[2], double *bound)
{
    for (size_t s = 0; s < c->nstates; s++) {
        w->local[s] = UINT32_MAX;
        w->x[0][s] = w->x[1][s] = 0.0;
    }
    size_t ncomp = components(c, removed, w);
    int status = CXM_OK;
    for (size_t k = 0; status == CXM_OK && k < ncomp; k++) {
        size_t a = w->comp_start[k], b = w->comp_start[k + 1];
        status = solve_component(c, removed, w, w->comp + a, b - a, nrhs, upper, bound);
    }
    if (status != CXM_OK)
        return status;
    double p = 0.0, v = 0.0, W = c->out[0];
    for (size_t e = c->row[0]; e < c->row[1]; e++) {
        uint32_t t = c->col[e];
        if (removed[t])
            continue;
        p += c->w[e] / W * w->x[0][t];
        v += c->w[e] / W * w->x[1][t];
    }
    result[0] = p;
    result[1] = v;
    return CXM_OK;
}

/* ------------------------------------------------------------------ state names */

static int state_name(const chain *c, const cxm__strtab *channels, size_t s, char **out)
{
    if (s == 0) {
        *out = cxm__strdup("(start)");
        return *out ? CXM_OK : CXM_ENOMEM;
    }
    uint32_t ids[MAX_ORDER];
    unsigned n = state_channels(c, s, ids);
    size_t len = 1;
    for (unsigned i = 0; i < n; i++)
        len += channels->lengths[ids[i]] + 3;
    char *name = cxm__malloc(len);
    if (name == NULL)
        return CXM_ENOMEM;
    size_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        if (i > 0) {
            memcpy(name + at, " > ", 3);
            at += 3;
        }
        memcpy(name + at, channels->names[ids[i]], channels->lengths[ids[i]]);
        at += channels->lengths[ids[i]];
    }
    name[at] = '\0';
    *out = name;
    return CXM_OK;
}

static int add_common_scalars(cxm_table *t, const chain *c)
{
    int status = cxm__table_add_scalar(t, "order", c->order);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "total_conversions", c->total_conv);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "total_nulls", c->total_nulls);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "total_value", c->total_value);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "paths", c->total_weight);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "path_rows", (double)c->path_rows);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "states", (double)c->nstates);
    size_t absorbing = 0;
    for (size_t s = 0; s < c->nstates; s++)
        absorbing += (c->conv[s] > 0) + (c->nulls[s] > 0);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "transitions", (double)(c->nedges + absorbing));
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "self_loop_weight", c->self_weight);
    return status;
}

static int check_paths(const cxm_paths *paths)
{
    int status = cxm__check_pointer(paths, "paths");
    if (status == CXM_OK && paths->count == 0)
        status = cxm__fail(CXM_EDOMAIN, "there are no paths");
    return status;
}

/* Attribution of counted paths. */
static int markov_solve(cxm_table **out, const cxm_markov_counts *m)
{
    chain c;
    int status = chain_from_counts(&c, m);
    if (status != CXM_OK)
        return status;
    if (!(c.total_conv > 0)) {
        chain_free(&c);
        return cxm__fail(CXM_EDOMAIN, "the paths have no conversions: nothing to attribute");
    }
    size_t nch = m->channels.count;
    solver w;
    unsigned char *removed = NULL;
    double *re = NULL, *rev = NULL;
    cxm_table *t = NULL;
    status = solver_init(&w, c.nstates);
    if (status != CXM_OK) {
        chain_free(&c);
        return status;
    }
    removed = cxm__calloc(c.nstates, 1);
    re = cxm__calloc(2 * (nch ? nch : 1), sizeof *re);
    if (removed == NULL || re == NULL)
        status = CXM_ENOMEM;
    rev = re + nch;
    int nrhs = c.total_value > 0 ? 2 : 1;
    double upper[2] = { 1.0, 0.0 };
    for (size_t s = 0; s < c.nstates; s++)
        if (c.conv[s] > 0)
            upper[1] = fmax(upper[1], c.value[s] / c.conv[s]);
    double base[2] = { 0, 0 }, bound = 0.0;
    if (status == CXM_OK)
        status = chain_solve(&c, removed, &w, nrhs, upper, base, &bound);
    if (status == CXM_OK && !(base[0] > 0))
        status = cxm__fail(CXM_EDOMAIN, "the conversion probability is 0: nothing to attribute");
    /* One solve per channel with the states that contain it removed; the
     * states of each channel come from an index built once. */
    size_t *first = NULL;
    uint32_t *members = NULL;
    if (status == CXM_OK) {
        first = cxm__calloc(nch + 1, sizeof *first);
        members = cxm__malloc((c.nstates ? c.nstates : 1) * MAX_ORDER * sizeof *members);
        if (first == NULL || members == NULL)
            status = CXM_ENOMEM;
    }
    uint32_t ids[MAX_ORDER];
    for (int pass = 0; status == CXM_OK && pass < 2; pass++) {
        /* pass 0 counts, pass 1 fills: a state is listed once per distinct channel */
        for (size_t s = 1; s < c.nstates; s++) {
            unsigned n = state_channels(&c, s, ids);
            for (unsigned i = 0; i < n; i++) {
                int seen = 0;
                for (unsigned k = 0; k < i; k++)
                    seen |= ids[k] == ids[i];
                if (seen)
                    continue;
                if (pass == 0)
                    first[ids[i] + 1]++;
                else
                    members[first[ids[i]]++] = (uint32_t)s;
            }
        }
        if (pass == 0)
            for (size_t ch = 0; ch < nch; ch++)
                first[ch + 1] += first[ch];
        else
            for (size_t ch = nch; ch > 0; ch--)
                first[ch] = first[ch - 1]; /* undo the fill's advance */
        if (pass == 1)
            first[0] = 0;
    }
    for (size_t ch = 0; status == CXM_OK && ch < nch; ch++) {
        if (first[ch + 1] == first[ch]) {
            re[ch] = rev[ch] = 0.0; /* only on paths without weight */
            continue;
        }
        for (size_t k = first[ch]; k < first[ch + 1]; k++)
            removed[members[k]] = 1;
        double r[2];
        status = chain_solve(&c, removed, &w, nrhs, upper, r, &bound);
        re[ch] = 1.0 - r[0] / base[0];
        rev[ch] = nrhs > 1 ? 1.0 - r[1] / base[1] : NAN;
        for (size_t k = first[ch]; k < first[ch + 1]; k++)
            removed[members[k]] = 0;
    }
    cxm__free(first);
    cxm__free(members);
    double sum = 0.0, sumv = 0.0;
    for (size_t ch = 0; status == CXM_OK && ch < nch; ch++) {
        sum += re[ch];
        if (nrhs > 1)
            sumv += rev[ch];
    }
    if (status == CXM_OK)
        status = cxm__table_create(&t, nch);
    size_t col_channel = 0;
    double *d_re = NULL, *d_conv = NULL, *d_rev = NULL, *d_val = NULL;
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "channel", &col_channel);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "removal_effect", &d_re);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "conversions", &d_conv);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "value_removal_effect", &d_rev);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "value", &d_val);
    for (size_t ch = 0; status == CXM_OK && ch < nch; ch++) {
        status = cxm__table_set_text(t, col_channel, ch, m->channels.names[ch]);
        d_re[ch] = re[ch];
        d_conv[ch] = sum > 0 ? re[ch] / sum * c.total_conv : 0.0;
        d_rev[ch] = rev[ch];
        d_val[ch] = (nrhs > 1 && sumv > 0) ? rev[ch] / sumv * c.total_value : 0.0;
    }
    if (status == CXM_OK)
        status = add_common_scalars(t, &c);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "conversion_probability", base[0]);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "expected_value", nrhs > 1 ? base[1] : 0.0);
    if (status == CXM_OK)
        status = cxm__table_add_scalar(t, "solver_error_bound", bound);
    cxm__free(removed);
    cxm__free(re);
    solver_free(&w);
    chain_free(&c);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

/* Count the paths' transitions, then make the table from the counts. */
static int from_paths(cxm_table **out, const cxm_paths *paths, const cxm_markov_options *options,
                      int (*make_table)(cxm_table **, const cxm_markov_counts *))
{
    cxm_markov_options o;
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = check_paths(paths);
    if (status == CXM_OK)
        status = read_options(&o, options);
    if (status != CXM_OK)
        return status;
    cxm_markov_counts m;
    status = counts_build(&m, paths, &o);
    if (status != CXM_OK)
        return status;
    status = make_table(out, &m);
    cxm__markov_counts_clear(&m);
    return status;
}

int cxm_attribution_markov(cxm_table **out, const cxm_paths *paths,
                           const cxm_markov_options *options)
{
    return from_paths(out, paths, options, markov_solve);
}

static int check_counts(cxm_table **out, const cxm_markov_counts *counts)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    status = cxm__check_pointer(counts, "counts");
    if (status == CXM_OK && counts->paths == 0)
        status = cxm__fail(CXM_EDOMAIN, "there are no paths");
    return status;
}

int cxm_attribution_markov_counts(cxm_table **out, const cxm_markov_counts *counts)
{
    int status = check_counts(out, counts);
    return status == CXM_OK ? markov_solve(out, counts) : status;
}

/* The transition matrix of counted paths. */
static int transitions_table(cxm_table **out, const cxm_markov_counts *m)
{
    chain c;
    int status = chain_from_counts(&c, m);
    if (status != CXM_OK)
        return status;
    const cxm_markov_options o = m->options;
    size_t rows = c.nedges;
    for (size_t s = 0; s < c.nstates; s++)
        rows += (c.conv[s] > 0) + (c.nulls[s] > 0) + (o.keep_self_loops && c.self[s] > 0);
    cxm_table *t = NULL;
    char **names = cxm__calloc(c.nstates, sizeof *names);
    if (names == NULL)
        status = CXM_ENOMEM;
    for (size_t s = 0; status == CXM_OK && s < c.nstates; s++)
        if (s == 0 || c.out[s] > 0)
            status = state_name(&c, &m->channels, s, &names[s]);
    size_t cf = 0, ct = 0;
    double *weight = NULL, *prob = NULL;
    if (status == CXM_OK)
        status = cxm__table_create(&t, rows);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "from", &cf);
    if (status == CXM_OK)
        status = cxm__table_add_texts(t, "to", &ct);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "weight", &weight);
    if (status == CXM_OK)
        status = cxm__table_add_numbers(t, "probability", &prob);
    size_t r = 0;
    for (size_t s = 0; status == CXM_OK && s < c.nstates; s++) {
        if (!(c.out[s] > 0))
            continue;
        double W = c.out[s];
        for (size_t e = c.row[s]; status == CXM_OK && e < c.row[s + 1]; e++) {
            status = cxm__table_set_text(t, cf, r, names[s]);
            if (status == CXM_OK)
                status = cxm__table_set_text(t, ct, r, names[c.col[e]]);
            weight[r] = c.w[e];
            prob[r] = c.w[e] / W;
            r++;
        }
        const char *targets[3] = { names[s], "(conversion)", "(null)" };
        double weights[3] = { o.keep_self_loops ? c.self[s] : 0.0, c.conv[s], c.nulls[s] };
        for (int k = 0; status == CXM_OK && k < 3; k++) {
            if (!(weights[k] > 0))
                continue;
            status = cxm__table_set_text(t, cf, r, names[s]);
            if (status == CXM_OK)
                status = cxm__table_set_text(t, ct, r, targets[k]);
            weight[r] = weights[k];
            prob[r] = weights[k] / W;
            r++;
        }
    }
    if (status == CXM_OK)
        status = add_common_scalars(t, &c);
    if (names)
        for (size_t s = 0; s < c.nstates; s++)
            cxm__free(names[s]);
    cxm__free(names);
    chain_free(&c);
    if (status != CXM_OK) {
        cxm_table_free(t);
        return status;
    }
    *out = t;
    return CXM_OK;
}

int cxm_attribution_transitions(cxm_table **out, const cxm_paths *paths,
                                const cxm_markov_options *options)
{
    return from_paths(out, paths, options, transitions_table);
}

int cxm_attribution_transitions_counts(cxm_table **out, const cxm_markov_counts *counts)
{
    int status = check_counts(out, counts);
    return status == CXM_OK ? transitions_table(out, counts) : status;
}
