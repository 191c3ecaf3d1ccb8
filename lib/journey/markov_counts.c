/* Attribution counts across chunks (cxm/chunk.h): merge the counts of two
 * chunks, and move counts between processes as bytes. Counting and solving
 * are in markov.c. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "journey/internal.h"

enum { MAX_ORDER = 4 };

static uint64_t order_mask(unsigned order)
{
    return order >= 4 ? UINT64_MAX : ((UINT64_C(1) << (16 * order)) - 1);
}

/* A copy of src (the lookup structures are rebuilt when needed). */
static int counts_copy(cxm_markov_counts *dst, const cxm_markov_counts *src)
{
    memset(dst, 0, sizeof *dst);
    cxm__strtab_init(&dst->channels);
    dst->options = src->options;
    int status = cxm__strtab_copy(&dst->channels, &src->channels);
    if (status == CXM_OK)
        status = cxm__markov_counts_reserve(dst, src->nstates ? src->nstates : 1);
    if (status == CXM_OK) {
        dst->nstates = src->nstates;
        memcpy(dst->conv, src->conv, src->nstates * sizeof *dst->conv);
        memcpy(dst->nulls, src->nulls, src->nstates * sizeof *dst->nulls);
        memcpy(dst->value, src->value, src->nstates * sizeof *dst->value);
        if (src->options.order > 1)
            memcpy(dst->keys, src->keys, src->nstates * sizeof *dst->keys);
    }
    for (size_t e = 0; status == CXM_OK && e < src->nedges; e++)
        status = cxm__markov_counts_add_edge(dst, src->efrom[e], src->eto[e], src->ew[e]);
    if (status != CXM_OK) {
        cxm__markov_counts_clear(dst);
        return status;
    }
    dst->total_conv = src->total_conv;
    dst->total_nulls = src->total_nulls;
    dst->total_value = src->total_value;
    dst->total_weight = src->total_weight;
    dst->path_rows = src->path_rows;
    dst->paths = src->paths;
    return CXM_OK;
}

/* Add src into m (a working copy: on failure the caller drops it). New
 * channels, states and transitions are appended in src's order. */
static int merge_into(cxm_markov_counts *m, const cxm_markov_counts *src)
{
    const unsigned k = m->options.order;
    const uint64_t mask = order_mask(k);
    uint32_t *channel = NULL, *state = NULL;
    cxm__u64map states, edges;
    cxm__u64map_init(&states);
    cxm__u64map_init(&edges);
    int status = CXM_OK;

    channel = cxm__malloc((src->channels.count ? src->channels.count : 1) * sizeof *channel);
    state = cxm__malloc((src->nstates ? src->nstates : 1) * sizeof *state);
    if (channel == NULL || state == NULL)
        status = CXM_ENOMEM;
    for (size_t c = 0; status == CXM_OK && c < src->channels.count; c++)
        status = cxm__strtab_intern(&m->channels, src->channels.names[c],
                                    src->channels.lengths[c], &channel[c]);
    if (status == CXM_OK && k > 1 && m->channels.count > 65535)
        status = cxm__fail(CXM_ERANGE, "order %u supports up to 65535 channels, the merged "
                           "counts have %zu",
                           k, m->channels.count);

    /* States: order 1 follows the channels; higher orders map their tuples. */
    if (status == CXM_OK && k == 1) {
        status = cxm__markov_counts_reserve(m, m->channels.count + 1);
        if (status == CXM_OK) {
            m->nstates = m->channels.count + 1;
            state[0] = 0;
            for (size_t s = 1; s < src->nstates; s++)
                state[s] = channel[s - 1] + 1;
        }
    } else if (status == CXM_OK) {
        for (size_t s = 0; status == CXM_OK && s < m->nstates; s++) {
            uint32_t got;
            int added;
            status = cxm__u64map_upsert(&states, m->keys[s], (uint32_t)s, &got, &added);
        }
        for (size_t s = 0; status == CXM_OK && s < src->nstates; s++) {
            /* Re-pack the tuple with m's channel ids, oldest first. */
            uint64_t key = src->keys[s], fresh = 0;
            uint32_t ids[MAX_ORDER];
            unsigned n = 0;
            while (key != 0 && n < MAX_ORDER) {
                ids[n++] = (uint32_t)(key & 0xffff) - 1;
                key >>= 16;
            }
            for (unsigned i = n; i-- > 0;)
                fresh = ((fresh << 16) | (uint64_t)(channel[ids[i]] + 1)) & mask;
            uint32_t got;
            int added;
            status = cxm__u64map_upsert(&states, fresh, (uint32_t)m->nstates, &got, &added);
            if (status == CXM_OK && added) {
                status = cxm__markov_counts_reserve(m, m->nstates + 1);
                if (status == CXM_OK)
                    m->keys[m->nstates++] = fresh;
            }
            state[s] = got;
        }
    }

    /* Per-state endings, then transitions. */
    for (size_t s = 0; status == CXM_OK && s < src->nstates; s++) {
        m->conv[state[s]] += src->conv[s];
        m->nulls[state[s]] += src->nulls[s];
        m->value[state[s]] += src->value[s];
    }
    for (size_t e = 0; status == CXM_OK && e < m->nedges; e++) {
        uint32_t got;
        int added;
        status = cxm__u64map_upsert(&edges, (uint64_t)m->efrom[e] << 32 | m->eto[e], (uint32_t)e,
                                    &got, &added);
    }
    for (size_t e = 0; status == CXM_OK && e < src->nedges; e++) {
        uint32_t from = state[src->efrom[e]], to = state[src->eto[e]], got;
        int added;
        status = cxm__u64map_upsert(&edges, (uint64_t)from << 32 | to, (uint32_t)m->nedges, &got,
                                    &added);
        if (status == CXM_OK && added)
            status = cxm__markov_counts_add_edge(m, from, to, src->ew[e]);
        else if (status == CXM_OK)
            m->ew[got] += src->ew[e];
    }
    if (status == CXM_OK) {
        m->total_conv += src->total_conv;
        m->total_nulls += src->total_nulls;
        m->total_value += src->total_value;
        m->total_weight += src->total_weight;
        m->path_rows += src->path_rows;
        m->paths += src->paths;
    }
    cxm__u64map_free(&states);
    cxm__u64map_free(&edges);
    cxm__free(channel);
    cxm__free(state);
    return status;
}

int cxm_markov_counts_merge(cxm_markov_counts *dst, const cxm_markov_counts *src)
{
    int status = cxm__check_pointer(dst, "dst");
    if (status == CXM_OK)
        status = cxm__check_pointer(src, "src");
    if (status != CXM_OK)
        return status;
    if (dst->options.order != src->options.order)
        return cxm__fail(CXM_EINVAL, "counts of order %u cannot be merged into counts of order %u",
                         src->options.order, dst->options.order);
    if (!dst->options.use_nulls != !src->options.use_nulls)
        return cxm__fail(CXM_EINVAL, "counts %s nulls cannot be merged into counts %s them",
                         src->options.use_nulls ? "with" : "without",
                         dst->options.use_nulls ? "with" : "without");
    cxm_markov_counts merged;
    status = counts_copy(&merged, dst);
    if (status == CXM_OK)
        status = merge_into(&merged, src);
    if (status != CXM_OK) {
        cxm__markov_counts_clear(&merged);
        return status;
    }
    cxm__markov_counts_clear(dst);
    *dst = merged;
    return CXM_OK;
}

/* ------------------------------------------------------------------ bytes
 *
 * Little-endian, whatever the host:
 *   "CXMCOUNT" (8 bytes), u32 format 1, u32 order, u32 use_nulls, u32 keep_self_loops,
 *   u64 channels, then per channel u32 length and the name's bytes,
 *   u64 states, [order > 1: u64 key per state], f64 conv, nulls, value per state,
 *   u64 transitions, u32 from, u32 to, f64 weight per transition,
 *   f64 total_conv, total_nulls, total_value, total_weight, u64 path_rows, u64 paths. */

static const char MAGIC[8] = { 'C', 'X', 'M', 'C', 'O', 'U', 'N', 'T' };
enum { FORMAT = 1 };

typedef struct writer {
    unsigned char *data;
    size_t used, size;
} writer;

static void put_u64(writer *w, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        w->data[w->used++] = (unsigned char)(v >> (8 * i));
}

static void put_u32(writer *w, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        w->data[w->used++] = (unsigned char)(v >> (8 * i));
}

static void put_f64(writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u64(w, bits);
}

int cxm_markov_counts_save(unsigned char **data, size_t *size, const cxm_markov_counts *counts)
{
    int status = cxm__check_pointer(data, "data");
    if (status == CXM_OK)
        *data = NULL;
    if (status == CXM_OK)
        status = cxm__check_pointer(size, "size");
    if (status == CXM_OK)
        *size = 0;
    if (status == CXM_OK)
        status = cxm__check_pointer(counts, "counts");
    if (status != CXM_OK)
        return status;
    const cxm_markov_counts *m = counts;
    size_t bytes = 8 + 4 * 4 + 8;
    for (size_t c = 0; c < m->channels.count; c++)
        bytes += 4 + m->channels.lengths[c];
    bytes += 8 + m->nstates * ((m->options.order > 1 ? 8 : 0) + 3 * 8);
    bytes += 8 + m->nedges * (4 + 4 + 8) + 4 * 8 + 2 * 8;
    writer w = { cxm__malloc(bytes), 0, bytes };
    if (w.data == NULL)
        return CXM_ENOMEM;
    memcpy(w.data, MAGIC, sizeof MAGIC);
    w.used = sizeof MAGIC;
    put_u32(&w, FORMAT);
    put_u32(&w, m->options.order);
    put_u32(&w, m->options.use_nulls ? 1 : 0);
    put_u32(&w, m->options.keep_self_loops ? 1 : 0);
    put_u64(&w, m->channels.count);
    for (size_t c = 0; c < m->channels.count; c++) {
        put_u32(&w, (uint32_t)m->channels.lengths[c]);
        memcpy(w.data + w.used, m->channels.names[c], m->channels.lengths[c]);
        w.used += m->channels.lengths[c];
    }
    put_u64(&w, m->nstates);
    for (size_t s = 0; m->options.order > 1 && s < m->nstates; s++)
        put_u64(&w, m->keys[s]);
    const double *per_state[] = { m->conv, m->nulls, m->value };
    for (size_t a = 0; a < 3; a++)
        for (size_t s = 0; s < m->nstates; s++)
            put_f64(&w, per_state[a][s]);
    put_u64(&w, m->nedges);
    for (size_t e = 0; e < m->nedges; e++)
        put_u32(&w, m->efrom[e]);
    for (size_t e = 0; e < m->nedges; e++)
        put_u32(&w, m->eto[e]);
    for (size_t e = 0; e < m->nedges; e++)
        put_f64(&w, m->ew[e]);
    put_f64(&w, m->total_conv);
    put_f64(&w, m->total_nulls);
    put_f64(&w, m->total_value);
    put_f64(&w, m->total_weight);
    put_u64(&w, m->path_rows);
    put_u64(&w, m->paths);
    *data = w.data;
    *size = w.used;
    return CXM_OK;
}

typedef struct reader {
    const unsigned char *data;
    size_t used, size;
} reader;

static int truncated(const reader *r, const char *what)
{
    return cxm__fail(CXM_EPARSE, "markov counts: the data end at byte %zu, inside %s", r->size,
                     what);
}

static int get_u64(reader *r, uint64_t *v, const char *what)
{
    if (r->size - r->used < 8)
        return truncated(r, what);
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)r->data[r->used++] << (8 * i);
    *v = x;
    return CXM_OK;
}

static int get_u32(reader *r, uint32_t *v, const char *what)
{
    if (r->size - r->used < 4)
        return truncated(r, what);
    uint32_t x = 0;
    for (int i = 0; i < 4; i++)
        x |= (uint32_t)r->data[r->used++] << (8 * i);
    *v = x;
    return CXM_OK;
}

/* A count or weight: finite and >= 0. */
static int get_amount(reader *r, double *v, const char *what, size_t index)
{
    uint64_t bits;
    int status = get_u64(r, &bits, what);
    if (status != CXM_OK)
        return status;
    memcpy(v, &bits, sizeof *v);
    if (!isfinite(*v) || *v < 0.0)
        return cxm__fail(CXM_EPARSE, "markov counts: %s %zu is %g, not a finite number >= 0", what,
                         index, *v);
    return CXM_OK;
}

/* A size that the remaining bytes can hold at `each` bytes per element. */
static int get_size(reader *r, size_t *v, size_t each, const char *what)
{
    uint64_t x;
    int status = get_u64(r, &x, what);
    if (status != CXM_OK)
        return status;
    if (x > (r->size - r->used) / (each ? each : 1) || x > UINT32_MAX - 1)
        return cxm__fail(CXM_EPARSE, "markov counts: %llu %s do not fit in the data",
                         (unsigned long long)x, what);
    *v = (size_t)x;
    return CXM_OK;
}

/* Is the counted chain consistent: transitions between known states along
 * the tuples, each transition once, and every state left as often as it is
 * entered? The solver divides by what leaves a state. */
static int check_chain(const cxm_markov_counts *m)
{
    const unsigned k = m->options.order;
    const uint64_t mask = order_mask(k);
    size_t nch = m->channels.count;
    int status = CXM_OK;
    if (k == 1 && m->nstates != nch + 1)
        return cxm__fail(CXM_EPARSE, "markov counts: %zu states where order 1 with %zu channels "
                         "has %zu",
                         m->nstates, nch, nch + 1);
    if (m->nstates == 0)
        return cxm__fail(CXM_EPARSE, "markov counts: no start state");
    cxm__u64map seen;
    cxm__u64map_init(&seen);
    for (size_t s = 0; k > 1 && status == CXM_OK && s < m->nstates; s++) {
        uint64_t key = m->keys[s];
        unsigned n = 0;
        int ok = (key & ~mask) == 0 && (s == 0) == (key == 0);
        for (uint64_t rest = key; ok && rest != 0; rest >>= 16, n++) {
            uint64_t id = rest & 0xffff;
            ok = id != 0 && id <= nch;
        }
        if (!ok)
            status = cxm__fail(CXM_EPARSE, "markov counts: state %zu is not a tuple of up to %u "
                               "of the %zu channels",
                               s, k, nch);
        uint32_t got;
        int added;
        if (status == CXM_OK)
            status = cxm__u64map_upsert(&seen, key, (uint32_t)s, &got, &added);
        if (status == CXM_OK && !added)
            status = cxm__fail(CXM_EPARSE, "markov counts: states %u and %zu are the same tuple",
                               got, s);
    }
    cxm__u64map_free(&seen);
    cxm__u64map_init(&seen);
    double *in = NULL, *out = NULL;
    if (status == CXM_OK) {
        in = cxm__calloc(m->nstates, sizeof *in);
        out = cxm__calloc(m->nstates, sizeof *out);
        if (in == NULL || out == NULL)
            status = CXM_ENOMEM;
    }
    for (size_t e = 0; status == CXM_OK && e < m->nedges; e++) {
        uint32_t from = m->efrom[e], to = m->eto[e];
        int ok = from < m->nstates && to < m->nstates && to != 0 && m->ew[e] > 0.0;
        if (ok && k > 1)
            ok = ((m->keys[from] << 16) & mask) == (m->keys[to] & ~UINT64_C(0xffff) & mask);
        if (!ok) {
            status = cxm__fail(CXM_EPARSE, "markov counts: transition %zu (%u to %u) is not "
                               "between states of the chain",
                               e, from, to);
            break;
        }
        uint32_t got;
        int added;
        status = cxm__u64map_upsert(&seen, (uint64_t)from << 32 | to, (uint32_t)e, &got, &added);
        if (status == CXM_OK && !added)
            status = cxm__fail(CXM_EPARSE, "markov counts: transitions %u and %zu are the same",
                               got, e);
        if (status == CXM_OK) {
            in[to] += m->ew[e];
            out[from] += m->ew[e];
        }
    }
    for (size_t s = 0; status == CXM_OK && s < m->nstates; s++) {
        double leave = out[s] + m->conv[s] + m->nulls[s];
        double enter = s == 0 ? m->total_weight : in[s];
        if (fabs(leave - enter) > 1e-7 * (m->total_weight + 1.0))
            status = cxm__fail(CXM_EPARSE, "markov counts: state %zu is entered with weight %.17g "
                               "and left with %.17g",
                               s, enter, leave);
    }
    cxm__free(in);
    cxm__free(out);
    cxm__u64map_free(&seen);
    return status;
}

int cxm_markov_counts_load(cxm_markov_counts **out, const unsigned char *data, size_t size)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    if (size > 0 && (status = cxm__check_pointer(data, "data")) != CXM_OK)
        return status;
    if (size < sizeof MAGIC || memcmp(data, MAGIC, sizeof MAGIC) != 0)
        return cxm__fail(CXM_EPARSE, "markov counts: the data do not start with CXMCOUNT (not "
                         "written by cxm_markov_counts_save)");
    reader r = { data, sizeof MAGIC, size };
    uint32_t format = 0, order = 0, use_nulls = 0, keep = 0;
    status = get_u32(&r, &format, "the header");
    if (status == CXM_OK && format != FORMAT)
        status = cxm__fail(CXM_EPARSE, "markov counts: format %u is not known (this library "
                           "reads %d)",
                           format, FORMAT);
    if (status == CXM_OK)
        status = get_u32(&r, &order, "the header");
    if (status == CXM_OK)
        status = get_u32(&r, &use_nulls, "the header");
    if (status == CXM_OK)
        status = get_u32(&r, &keep, "the header");
    if (status == CXM_OK && (order < 1 || order > MAX_ORDER || use_nulls > 1 || keep > 1))
        status = cxm__fail(CXM_EPARSE, "markov counts: order %u, use_nulls %u, keep_self_loops "
                           "%u are not valid options",
                           order, use_nulls, keep);
    if (status != CXM_OK)
        return status;

    cxm_markov_counts *m = cxm__malloc(sizeof *m);
    if (m == NULL)
        return CXM_ENOMEM;
    memset(m, 0, sizeof *m);
    cxm__strtab_init(&m->channels);
    cxm_markov_options_init(&m->options);
    m->options.order = order;
    m->options.use_nulls = (int)use_nulls;
    m->options.keep_self_loops = (int)keep;

    size_t nch = 0, nstates = 0, nedges = 0;
    status = get_size(&r, &nch, 4, "channels");
    for (size_t c = 0; status == CXM_OK && c < nch; c++) {
        uint32_t len = 0, id;
        status = get_u32(&r, &len, "a channel name");
        if (status == CXM_OK && (len == 0 || len > r.size - r.used))
            status = len ? truncated(&r, "a channel name")
                         : cxm__fail(CXM_EPARSE, "markov counts: channel %zu has an empty name", c);
        if (status == CXM_OK && memchr(r.data + r.used, 0, len) != NULL)
            status = cxm__fail(CXM_EPARSE, "markov counts: the name of channel %zu holds a NUL "
                               "byte",
                               c);
        if (status == CXM_OK)
            status = cxm__strtab_intern(&m->channels, (const char *)r.data + r.used, len, &id);
        if (status == CXM_OK && id != c)
            status = cxm__fail(CXM_EPARSE, "markov counts: channel %zu has the name of channel %u",
                               c, id);
        r.used += len;
    }
    if (status == CXM_OK)
        status = get_size(&r, &nstates, (order > 1 ? 8 : 0) + 24, "states");
    if (status == CXM_OK)
        status = cxm__markov_counts_reserve(m, nstates ? nstates : 1);
    if (status == CXM_OK)
        m->nstates = nstates;
    for (size_t s = 0; status == CXM_OK && order > 1 && s < nstates; s++)
        status = get_u64(&r, &m->keys[s], "the states");
    double *per_state[] = { m->conv, m->nulls, m->value };
    const char *names[] = { "conversions of state", "nulls of state", "value of state" };
    for (size_t a = 0; a < 3; a++)
        for (size_t s = 0; status == CXM_OK && s < nstates; s++)
            status = get_amount(&r, &per_state[a][s], names[a], s);
    if (status == CXM_OK)
        status = get_size(&r, &nedges, 16, "transitions");
    if (status == CXM_OK) {
        m->efrom = cxm__malloc((nedges ? nedges : 1) * sizeof *m->efrom);
        m->eto = cxm__malloc((nedges ? nedges : 1) * sizeof *m->eto);
        m->ew = cxm__malloc((nedges ? nedges : 1) * sizeof *m->ew);
        if (m->efrom == NULL || m->eto == NULL || m->ew == NULL)
            status = CXM_ENOMEM;
        else
            m->ecap = nedges ? nedges : 1;
    }
    for (size_t e = 0; status == CXM_OK && e < nedges; e++)
        status = get_u32(&r, &m->efrom[e], "the transitions");
    for (size_t e = 0; status == CXM_OK && e < nedges; e++)
        status = get_u32(&r, &m->eto[e], "the transitions");
    for (size_t e = 0; status == CXM_OK && e < nedges; e++)
        status = get_amount(&r, &m->ew[e], "weight of transition", e);
    if (status == CXM_OK)
        m->nedges = nedges;
    double *totals[] = { &m->total_conv, &m->total_nulls, &m->total_value, &m->total_weight };
    for (size_t a = 0; status == CXM_OK && a < 4; a++)
        status = get_amount(&r, totals[a], "total", a);
    uint64_t rows = 0, paths = 0;
    if (status == CXM_OK)
        status = get_u64(&r, &rows, "the totals");
    if (status == CXM_OK)
        status = get_u64(&r, &paths, "the totals");
    if (status == CXM_OK && (rows > paths || paths > SIZE_MAX))
        status = cxm__fail(CXM_EPARSE, "markov counts: %llu paths with weight among %llu paths",
                           (unsigned long long)rows, (unsigned long long)paths);
    if (status == CXM_OK && r.used != r.size)
        status = cxm__fail(CXM_EPARSE, "markov counts: %zu bytes after the end of the counts",
                           r.size - r.used);
    if (status == CXM_OK) {
        m->path_rows = (size_t)rows;
        m->paths = (size_t)paths;
        status = check_chain(m);
    }
    if (status != CXM_OK) {
        cxm_markov_counts_free(m);
        return status;
    }
    *out = m;
    return CXM_OK;
}
