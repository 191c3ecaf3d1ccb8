/* Pareto/NBD with time-varying covariates (Bachmann, Meierer & Näf 2021;
 * docs/models.md §1.13). Customer i buys at rate λ·exp(γ_p'x(t)) while alive
 * and drops out at rate μ·exp(γ_d'z(t)); λ ~ Gamma(r, α), μ ~ Gamma(s, β);
 * x(t), z(t) are constant on each segment of the customer's time. With
 * B(t) = ∫_0^t exp(γ_p'x) and D(t) = ∫_0^t exp(γ_d'z), both piecewise linear,
 *
 *   ln L = ln Γ(r+x) − ln Γ(r) − x·ln α + Σ_j n_j·γ_p'x_j + ln Ũ,
 *   Ũ = (1 + B(T)/α)^−m (1 + D(T)/β)^−s
 *       + ∫_{t_x}^T s·e^(γ_d'z(τ)) (1 + B(τ)/α)^−m (1 + D(τ)/β)^−s / (β + D(τ)) dτ,
 *
 * m = r + x, n_j the repeat purchases in segment j. Every effect 0 makes
 * B(t) = D(t) = t: the Pareto/NBD likelihood.
 *
 * The integral. On a segment the integrand is c·(A + w)^−m (C + w)^−(s+1) in
 * w = τ − (piece start), A = (α + B)/a and C = (β + D)/d at the start. Its
 * closed form is a difference of two 2F1 terms (J(0) − J(h) in pareto_nbd.c's
 * notation), which cancels when the piece is short against the integrand's
 * tail: the usual case here, a week among years. So each piece is summed by
 * Gauss-Legendre quadrature on sub-pieces no longer than half the distance
 * to the integrand's singularities (−A, −C) and over which ln f changes by at
 * most 1: there the integrand is analytic in a Bernstein ellipse of ratio
 * above 5, and 3 to 8 nodes (chosen from the sub-piece's size) give a
 * relative error below 2e-12 (checked against 30-digit quadrature on 1500
 * random A, C from 1e-3 to 1e3, m to 1e3, pieces to 1e5·A). A typical piece
 * (a week against α + B of several weeks) takes 4 or 5 nodes, about the cost
 * of one 2F1 series. Every term is positive:
 * nothing cancels. Sub-pieces grow geometrically, and a piece stops once
 * what is left of it, below f(w)·min(h − w, max(A, C)/(m + s)) because f
 * falls at least like (1 + u/max(A, C))^−(m+s+1), is below 1e-18 of the
 * sum: the cost is bounded whatever the parameters.
 *
 * Derivatives. The gradient and Hessian of ln Ũ are the moments of ∇ ln f
 * under the quadrature's weights (Ũ is a positive sum of terms f), so the
 * same nodes give them analytically: ∇Ũ = Σ f·∇ln f, ∇²Ũ = Σ f·(∇²ln f +
 * ∇ln f ∇ln f'). B and D enter through ln(1 + B/α), B_γ = ∂B/∂γ_p and
 * B_γγ = ∂²B/∂γ_p∂γ_p' (likewise D), which are piecewise linear in τ too. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "clv/model_engine.h"
#include "core/hash.h"
#include "core/internal.h"
#include "numeric/parallel.h"
#include "numeric/rng.h"
#include "numeric/special.h"

enum { PR, PALPHA, PS, PBETA, NBASE };
enum {
    MAXC = CXM__MAX_PARAMS - NBASE, /* covariates of one set */
    MAXE = CXM__MAX_PARAMS + MAXC,  /* r, alpha, s, beta, purchase then dropout effects */
    ACC_MAX = 1 + CXM__MAX_PARAMS + CXM__MAX_PARAMS * CXM__MAX_PARAMS,
    SUBPIECE_CAP = 100000 /* never reached: the geometric growth ends a piece far sooner */
};

/* Gauss-Legendre nodes (positive half) and weights on [−1, 1]. */
static const double gl3_x[] = { 0.77459666924148337704, 0.0 };
static const double gl3_w[] = { 0.55555555555555555556, 0.88888888888888888889 };
static const double gl4_x[] = { 0.86113631159405257522, 0.33998104358485626480 };
static const double gl4_w[] = { 0.34785484513745385737, 0.65214515486254614263 };
static const double gl5_x[] = { 0.90617984593866399280, 0.53846931010568309104, 0.0 };
static const double gl5_w[] = { 0.23692688505618908751, 0.47862867049936646804,
                                0.56888888888888888889 };
static const double gl8_x[] = { 0.96028985649753623168, 0.79666647741362673959,
                                0.52553240991632898582, 0.18343464249564980494 };
static const double gl8_w[] = { 0.10122853629037625915, 0.22238103445337447054,
                                0.31370664587788728734, 0.36268378337836198297 };

/* ------------------------------------------------------------------ the model and the data */

/* Where each quantity of a customer's expanded coordinates (r, alpha, s,
 * beta, the kp purchase effects, the kd dropout effects) sits among the
 * model's parameters: a shared covariate's two effects are one parameter. */
typedef struct layout {
    size_t kp, kd, E, P;
    size_t map[MAXE];
} layout;

static int model_layout(const cxm_model *model, layout *lay)
{
    int status = cxm__check_pointer(model, "model");
    if (status != CXM_OK)
        return status;
    if (model->kind->kind != CXM_MODEL_PARETO_NBD || model->customer)
        return cxm__fail(CXM_EUNSUPPORTED,
                         "time-varying covariates are a Pareto/NBD model's; this is a %s model",
                         model->kind->title);
    if (model->cov == NULL)
        return cxm__fail(CXM_EINVAL,
                         "the Pareto/NBD model has no covariates: name them with "
                         "cxm_model_set_covariates() first");
    cxm_model_covariate_count(&lay->kp, &lay->kd, model);
    lay->E = NBASE + lay->kp + lay->kd;
    lay->P = model->kind->nparams;
    for (size_t i = 0; i < NBASE; i++)
        lay->map[i] = i;
    for (size_t c = 0; c < lay->kp; c++)
        lay->map[NBASE + c] = cxm__covariate_param(model, 0, c);
    for (size_t c = 0; c < lay->kd; c++)
        lay->map[NBASE + lay->kp + c] = cxm__covariate_param(model, 1, c);
    return CXM_OK;
}

/* The caller's struct over an empty one of this version (older callers pass
 * a shorter struct: the fields they lack stay empty). */
static int read_data(cxm_dyncov_data *dst, const cxm_dyncov_data *given)
{
    int status = cxm__check_pointer(given, "data");
    if (status != CXM_OK)
        return status;
    if (given->struct_size < offsetof(cxm_dyncov_data, weights) ||
        given->struct_size > (size_t)1 << 20)
        return cxm__fail(CXM_EINVAL,
                         "data->struct_size %zu is not the size of a cxm_dyncov_data: "
                         "initialise it with CXM_DYNCOV_DATA_INIT",
                         given->struct_size);
    cxm_dyncov_data_init(dst);
    size_t size = given->struct_size < sizeof *dst ? given->struct_size : sizeof *dst;
    memcpy(dst, given, size);
    dst->struct_size = sizeof *dst;
    return CXM_OK;
}

/* The effect's name of covariate c of a set, for messages. */
static const char *effect_name(const cxm_model *model, int set, size_t c)
{
    return cxm_model_param_name(model, cxm__covariate_param(model, set, c));
}

/* Segment ends increasing and covering `until`, covariates finite. */
static int check_segments(const cxm_model *model, const layout *lay, const cxm_dyncov_data *d,
                          size_t i, double until, const char *until_name)
{
    size_t o0 = d->offsets[i], o1 = d->offsets[i + 1];
    if (o1 <= o0)
        return cxm__fail_at(CXM_EINVAL, i, "the customer has no segments (offsets %zu, %zu)",
                            o0, o1);
    double previous = 0.0;
    for (size_t k = o0; k < o1; k++) {
        double end = d->ends[k];
        if (!(end > previous) || !isfinite(end))
            return cxm__fail_at(CXM_EINVAL, i,
                                "segment %zu ends at %g, not after %g: segment ends must "
                                "increase from 0",
                                k - o0, end, previous);
        previous = end;
        for (size_t c = 0; c < lay->kp + lay->kd; c++) {
            int set = c >= lay->kp;
            double v = set ? d->dropout[k * lay->kd + c - lay->kp] : d->purchase[k * lay->kp + c];
            if (!isfinite(v))
                return cxm__fail_at(CXM_EINVAL, i,
                                    "segment %zu: covariate %s is %g, not a finite number",
                                    k - o0, effect_name(model, set, set ? c - lay->kp : c), v);
        }
    }
    if (previous < until)
        return cxm__fail_at(CXM_EINVAL, i,
                            "the segments end at %g, before %s = %g: give the covariates "
                            "up to it",
                            previous, until_name, until);
    return CXM_OK;
}

/* Counts: whole numbers >= 0 adding up to x, none in a segment that starts
 * after t_x, and (x > 0) some in a segment that reaches t_x. */
static int check_counts(const cxm_dyncov_data *d, size_t i)
{
    size_t o0 = d->offsets[i], o1 = d->offsets[i + 1];
    double sum = 0.0, start = 0.0, t_x = d->t_x[i];
    int reaches = 0;
    for (size_t k = o0; k < o1; k++) {
        double n = d->counts[k];
        if (!(n >= 0.0) || n != floor(n) || !isfinite(n))
            return cxm__fail_at(CXM_EINVAL, i,
                                "segment %zu: count %g is not a whole number >= 0", k - o0, n);
        if (n > 0.0 && start > t_x)
            return cxm__fail_at(CXM_EINVAL, i,
                                "segment %zu starts at %g, after t_x = %g, yet has %g purchases",
                                k - o0, start, t_x, n);
        reaches = reaches || (n > 0.0 && d->ends[k] >= t_x);
        sum += n;
        start = d->ends[k];
    }
    if (sum != d->x[i])
        return cxm__fail_at(CXM_EINVAL, i, "the segments' counts add up to %g, not x = %g", sum,
                            d->x[i]);
    if (sum > 0.0 && !reaches)
        return cxm__fail_at(CXM_EINVAL, i,
                            "no segment with purchases reaches t_x = %g: the last purchase "
                            "must be counted in its segment",
                            t_x);
    return CXM_OK;
}

/* Every customer valid; horizon (or NULL) the prediction horizons. */
static int check_data(const cxm_model *model, const layout *lay, const cxm_dyncov_data *d,
                      int need_counts, const double *horizon)
{
    int status = cxm__check_arrays(d->n, 4, d->x, "data->x", d->t_x, "data->t_x", d->T, "data->T",
                                   d->offsets, "data->offsets");
    if (status == CXM_OK && d->n > 0)
        status = cxm__check_arrays(d->offsets[d->n] > d->offsets[0], 1, d->ends, "data->ends");
    if (status == CXM_OK && lay->kp > 0 && d->n > 0)
        status = cxm__check_arrays(1, 1, d->purchase, "data->purchase");
    if (status == CXM_OK && lay->kd > 0 && d->n > 0)
        status = cxm__check_arrays(1, 1, d->dropout, "data->dropout");
    if (status == CXM_OK && need_counts && d->n > 0)
        status = cxm__check_arrays(1, 1, d->counts, "data->counts");
    for (size_t i = 0; status == CXM_OK && i < d->n; i++) {
        status = cxm__check_purchase_row(d->x[i], d->t_x[i], d->T[i], i);
        double until = d->T[i];
        if (status == CXM_OK && horizon) {
            if (!(horizon[i] >= 0.0) || !isfinite(horizon[i]))
                status = cxm__fail_at(CXM_EINVAL, i, "t %g must be a finite number >= 0",
                                      horizon[i]);
            until += horizon[i];
        }
        if (status == CXM_OK && d->offsets[i + 1] < d->offsets[i])
            status = cxm__fail_at(CXM_EINVAL, i, "offsets decrease (%zu after %zu)",
                                  d->offsets[i + 1], d->offsets[i]);
        if (status == CXM_OK)
            status = check_segments(model, lay, d, i, until, horizon ? "T + t" : "T");
        if (status == CXM_OK && need_counts)
            status = check_counts(d, i);
    }
    return status;
}

/* ------------------------------------------------------------------ B and D along the path */

/* B, D and their derivatives in the effects at one time. */
typedef struct path {
    double B, D;
    double Bg[MAXC], Dg[MAXC];
    double BH[MAXC * MAXC], DH[MAXC * MAXC]; /* order 2 only */
} path;

/* One customer's view of the parameters. */
typedef struct customer_ctx {
    const layout *lay;
    const double *theta;  /* the model's parameters */
    double gp[MAXC], gd[MAXC];
    double r, alpha, s, beta, log_s, log_beta;
    int order;
} customer_ctx;

static void make_ctx(customer_ctx *c, const layout *lay, const double *theta, int order)
{
    c->lay = lay;
    c->theta = theta;
    c->order = order;
    c->r = theta[PR];
    c->alpha = theta[PALPHA];
    c->s = theta[PS];
    c->beta = theta[PBETA];
    c->log_s = log(c->s);
    c->log_beta = log(c->beta);
    for (size_t k = 0; k < lay->kp; k++)
        c->gp[k] = theta[lay->map[NBASE + k]];
    for (size_t k = 0; k < lay->kd; k++)
        c->gd[k] = theta[lay->map[NBASE + lay->kp + k]];
}

static double dot(const double *a, const double *b, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += a[i] * b[i];
    return sum;
}

/* Move the path on by h in a segment of rates a, d and covariates xk, zk. */
static void advance(path *p, const customer_ctx *c, const double *xk, const double *zk, double a,
                    double d, double h)
{
    size_t kp = c->lay->kp, kd = c->lay->kd;
    double ah = a * h, dh = d * h;
    p->B += ah;
    p->D += dh;
    if (c->order < 1)
        return;
    for (size_t i = 0; i < kp; i++)
        p->Bg[i] += ah * xk[i];
    for (size_t i = 0; i < kd; i++)
        p->Dg[i] += dh * zk[i];
    if (c->order < 2)
        return;
    for (size_t i = 0; i < kp; i++)
        for (size_t j = 0; j < kp; j++)
            p->BH[i * kp + j] += ah * xk[i] * xk[j];
    for (size_t i = 0; i < kd; i++)
        for (size_t j = 0; j < kd; j++)
            p->DH[i * kd + j] += dh * zk[i] * zk[j];
}

/* ln(1 + t/a), t >= 0, also where t/a overflows. */
static double log1p_ratio(double t, double a)
{
    double q = t / a;
    return isfinite(q) ? log1p(q) : log(t) - log(a);
}

/* ------------------------------------------------------------------ Ũ as a sum of terms */

/* Σ f, Σ f·∇ln f and Σ f·(∇²ln f + ∇ln f ∇ln f') (upper triangle) over the
 * terms of Ũ in expanded coordinates, all scaled by e^−ref. The B_γγ and
 * D_γγ parts of ∇²ln f are linear in the node's w: their weights gather in
 * hb, hd and join S2 once per piece (flush). */
typedef struct usum {
    double ref, S0;
    double last;  /* ln f of the latest term */
    double S1[MAXE];
    double S2[MAXE * MAXE];
    double hb[2], hd[2];
} usum;

static void usum_init(usum *u, size_t E)
{
    u->ref = u->last = -INFINITY;
    u->S0 = 0.0;
    memset(u->S1, 0, E * sizeof *u->S1);
    memset(u->S2, 0, E * E * sizeof *u->S2);
    u->hb[0] = u->hb[1] = u->hd[0] = u->hd[1] = 0.0;
}

static void usum_rescale(usum *u, const layout *lay, double ref)
{
    if (u->ref > -INFINITY) {
        double f = exp(u->ref - ref);
        u->S0 *= f;
        for (size_t i = 0; i < lay->E; i++)
            u->S1[i] *= f;
        for (size_t i = 0; i < lay->E * lay->E; i++)
            u->S2[i] *= f;
        u->hb[0] *= f, u->hb[1] *= f, u->hd[0] *= f, u->hd[1] *= f;
    }
    u->ref = ref;
}

/* The piece a term belongs to: path at its start p0, rates and covariates;
 * delta 1 for the integrand, 0 for the first term of Ũ. */
typedef struct piece {
    const path *p0;
    const double *xk, *zk;
    double a, d, eta_d, delta;
} piece;

/* ln f at w into the piece (without the weight); la, ld receive
 * ln(1 + B/α) and ln(1 + D/β) there. */
static double log_term(const customer_ctx *c, const piece *pc, double m, double w, double *la,
                       double *ld_out)
{
    double B = pc->p0->B + pc->a * w, D = pc->p0->D + pc->d * w;
    double ld = log1p_ratio(D, c->beta);
    *la = log1p_ratio(B, c->alpha);
    *ld_out = ld;
    double l = -m * *la - c->s * ld;
    if (pc->delta != 0.0)
        l += c->log_s + pc->eta_d - c->log_beta - ld;
    return l;
}

/* ∇ ln f and the part of ∇² ln f without B_γγ, D_γγ (upper triangle, into h). */
static void term_derivatives(const customer_ctx *c, const piece *pc, double m, double w,
                             double la, double ld, double *g, double *h)
{
    const layout *lay = c->lay;
    size_t kp = lay->kp, kd = lay->kd, E = lay->E, op = NBASE, od = NBASE + kp;
    double al = c->alpha, be = c->beta, s = c->s, dl = pc->delta;
    double B = pc->p0->B + pc->a * w, D = pc->p0->D + pc->d * w;
    double ab = al + B, bd = be + D, aw = pc->a * w, dw = pc->d * w;
    double Bg[MAXC], Dg[MAXC];
    for (size_t i = 0; i < kp; i++)
        Bg[i] = pc->p0->Bg[i] + aw * pc->xk[i];
    for (size_t i = 0; i < kd; i++)
        Dg[i] = pc->p0->Dg[i] + dw * pc->zk[i];
    double sd = s + dl;
    g[PR] = -la;
    g[PALPHA] = m * B / (al * ab);
    g[PS] = (dl != 0.0 ? 1.0 / s : 0.0) - ld;
    g[PBETA] = s * D / (be * bd) - dl / bd;
    for (size_t i = 0; i < kp; i++)
        g[op + i] = -m * Bg[i] / ab;
    for (size_t i = 0; i < kd; i++)
        g[od + i] = dl * pc->zk[i] - sd * Dg[i] / bd;
    if (h == NULL)
        return;
    memset(h, 0, E * E * sizeof *h);
    h[PR * E + PALPHA] = B / (al * ab);
    h[PALPHA * E + PALPHA] = -m * B * (2.0 * al + B) / (al * al * ab * ab);
    h[PS * E + PS] = -dl / (s * s);
    h[PS * E + PBETA] = D / (be * bd);
    h[PBETA * E + PBETA] = -s * D * (2.0 * be + D) / (be * be * bd * bd) + dl / (bd * bd);
    for (size_t i = 0; i < kp; i++) {
        h[PR * E + op + i] = -Bg[i] / ab;
        h[PALPHA * E + op + i] = m * Bg[i] / (ab * ab);
        for (size_t j = i; j < kp; j++)
            h[(op + i) * E + op + j] = m * Bg[i] * Bg[j] / (ab * ab);
    }
    for (size_t i = 0; i < kd; i++) {
        h[PS * E + od + i] = -Dg[i] / bd;
        h[PBETA * E + od + i] = sd * Dg[i] / (bd * bd);
        for (size_t j = i; j < kd; j++)
            h[(od + i) * E + od + j] = sd * Dg[i] * Dg[j] / (bd * bd);
    }
}

/* Add the term f(w)·weight. */
static void add_term(usum *u, const customer_ctx *c, const piece *pc, double m, double w,
                     double weight)
{
    double la, ld, l = log_term(c, pc, m, w, &la, &ld);
    if (l > u->ref)
        usum_rescale(u, c->lay, l);
    u->last = l;
    double e = weight * exp(l - u->ref);
    u->S0 += e;
    if (c->order < 1)
        return;
    size_t E = c->lay->E;
    double g[MAXE], h[MAXE * MAXE];
    term_derivatives(c, pc, m, w, la, ld, g, c->order >= 2 ? h : NULL);
    for (size_t i = 0; i < E; i++)
        u->S1[i] += e * g[i];
    if (c->order < 2)
        return;
    for (size_t i = 0; i < E; i++) {
        double eg = e * g[i];
        for (size_t j = i; j < E; j++)
            u->S2[i * E + j] += e * h[i * E + j] + eg * g[j];
    }
    /* −m·B_γγ/(α+B) and −(s+δ)·D_γγ/(β+D), B_γγ = B_γγ(p0) + a·w·x x'. */
    double ab = c->alpha + pc->p0->B + pc->a * w, bd = c->beta + pc->p0->D + pc->d * w;
    u->hb[0] -= e * m / ab;
    u->hb[1] -= e * m * pc->a * w / ab;
    u->hd[0] -= e * (c->s + pc->delta) / bd;
    u->hd[1] -= e * (c->s + pc->delta) * pc->d * w / bd;
}

/* Move the gathered B_γγ, D_γγ weights of a piece into S2. */
static void flush(usum *u, const customer_ctx *c, const piece *pc)
{
    if (c->order < 2)
        return;
    size_t kp = c->lay->kp, kd = c->lay->kd, E = c->lay->E, op = NBASE, od = NBASE + kp;
    for (size_t i = 0; i < kp; i++)
        for (size_t j = i; j < kp; j++)
            u->S2[(op + i) * E + op + j] +=
                u->hb[0] * pc->p0->BH[i * kp + j] + u->hb[1] * pc->xk[i] * pc->xk[j];
    for (size_t i = 0; i < kd; i++)
        for (size_t j = i; j < kd; j++)
            u->S2[(od + i) * E + od + j] +=
                u->hd[0] * pc->p0->DH[i * kd + j] + u->hd[1] * pc->zk[i] * pc->zk[j];
    u->hb[0] = u->hb[1] = u->hd[0] = u->hd[1] = 0.0;
}

/* ∫_0^h of the integrand of a piece, added to u (see the file's comment). */
static int integrate_piece(usum *u, const customer_ctx *c, const piece *pc, double m, double h)
{
    double q = c->s + 1.0, w0 = 0.0;
    for (unsigned count = 0; w0 < h; count++) {
        if (count >= SUBPIECE_CAP)
            return CXM_EDOMAIN;
        double A = (c->alpha + pc->p0->B + pc->a * w0) / pc->a;
        double C = (c->beta + pc->p0->D + pc->d * w0) / pc->d;
        double near = fmin(A, C), kappa = m / A + q / C;
        /* The rest of the piece negligible? Asked only once the integrand has
         * fallen far below the largest term (f only falls within a piece). */
        if (u->S0 > 0.0 && u->last < u->ref - 20.0) {
            double rest = fmin(h - w0, fmax(A, C) / (m + c->s));
            double la, ld;
            if (log_term(c, pc, m, w0, &la, &ld) + log(rest) < u->ref + log(u->S0) - 41.0)
                break;
        }
        double step = fmin(h - w0, fmin(0.5 * near, 1.0 / kappa));
        double size = step / near, fall = step * kappa;
        const double *xs, *ws;
        int half;
        if (size <= 0.03 && fall <= 0.05)
            xs = gl3_x, ws = gl3_w, half = 2;
        else if (size <= 0.1 && fall <= 0.25)
            xs = gl4_x, ws = gl4_w, half = 2;
        else if (size <= 0.25 && fall <= 0.5)
            xs = gl5_x, ws = gl5_w, half = 3;
        else
            xs = gl8_x, ws = gl8_w, half = 4;
        double mid = w0 + 0.5 * step, hw = 0.5 * step;
        for (int k = 0; k < half; k++) {
            add_term(u, c, pc, m, mid + hw * xs[k], hw * ws[k]);
            if (xs[k] != 0.0)
                add_term(u, c, pc, m, mid - hw * xs[k], hw * ws[k]);
        }
        w0 = step >= h - w0 ? h : w0 + step;
    }
    flush(u, c, pc);
    return CXM_OK;
}

/* ------------------------------------------------------------------ one customer */

/* Rows per block of the sums and predictions: a customer costs its segments'
 * quadrature, so blocks are smaller than the engine's. Fixed, so that sums do
 * not depend on the number of threads. */
#define BLOCK_CUSTOMERS 256

/* What one customer's walk gives: ln L (or without counts, ln Ũ only) and,
 * in expanded coordinates, its gradient and Hessian (full, E × E). */
typedef struct customer_out {
    double log_l, log_u, log_first;
    double g[MAXE];
    double h[MAXE * MAXE];
} customer_out;

/* The segment's rates a = e^(γ_p'x), d = e^(γ_d'z); CXM_EDOMAIN when an
 * effect makes one overflow or vanish. */
static int segment_rates(const customer_ctx *c, const double *xk, const double *zk, double *eta_p,
                         double *eta_d, double *a, double *d)
{
    *eta_p = dot(c->gp, xk, c->lay->kp);
    *eta_d = dot(c->gd, zk, c->lay->kd);
    *a = exp(*eta_p);
    *d = exp(*eta_d);
    return *a > 0.0 && *d > 0.0 && isfinite(*a) && isfinite(*d) ? CXM_OK : CXM_EDOMAIN;
}

/* The terms of Ũ: the integral over (t_x, T] piece by piece, then the first
 * term at T. p ends at T. */
static int walk_u(usum *u, path *p, const customer_ctx *c, const cxm_dyncov_data *d, size_t i)
{
    const layout *lay = c->lay;
    size_t o0 = d->offsets[i], o1 = d->offsets[i + 1];
    double t_x = d->t_x[i], T = d->T[i], m = c->r + d->x[i], start = 0.0;
    for (size_t k = o0; k < o1; k++) {
        const double *xk = d->purchase ? d->purchase + k * lay->kp : NULL;
        const double *zk = d->dropout ? d->dropout + k * lay->kd : NULL;
        double eta_p, eta_d, a, dd, end = d->ends[k], at = start;
        int status = segment_rates(c, xk, zk, &eta_p, &eta_d, &a, &dd);
        if (status != CXM_OK)
            return status;
        double lo = fmax(start, t_x), hi = fmin(end, T);
        if (hi > lo) {
            advance(p, c, xk, zk, a, dd, lo - start);
            piece pc = { p, xk, zk, a, dd, eta_d, 1.0 };
            status = integrate_piece(u, c, &pc, m, hi - lo);
            if (status != CXM_OK)
                return status;
            advance(p, c, xk, zk, a, dd, hi - lo);
            at = hi;
        }
        if (end >= T) {
            advance(p, c, xk, zk, a, dd, T - at);
            piece pc = { p, xk, zk, a, dd, eta_d, 0.0 };
            u->hb[0] = u->hb[1] = u->hd[0] = u->hd[1] = 0.0;
            add_term(u, c, &pc, m, 0.0, 1.0);
            flush(u, c, &pc);
            return CXM_OK;
        }
        advance(p, c, xk, zk, a, dd, end - at);
        start = end;
    }
    return CXM_EDOMAIN; /* not reached: the segments cover T (checked) */
}

/* Σ_j n_j·γ_p'x_j and its gradient Σ_j n_j·x_j (counts given). */
static double purchase_product(const customer_ctx *c, const cxm_dyncov_data *d, size_t i,
                               double *g)
{
    size_t kp = c->lay->kp;
    double sum = 0.0;
    memset(g, 0, kp * sizeof *g);
    for (size_t k = d->offsets[i]; k < d->offsets[i + 1]; k++) {
        double n = d->counts[k];
        if (n == 0.0)
            continue;
        const double *xk = d->purchase + k * kp;
        sum += n * dot(c->gp, xk, kp);
        for (size_t j = 0; j < kp; j++)
            g[j] += n * xk[j];
    }
    return sum;
}

/* Customer i: ln Ũ, the first term, and with counts ln L and its derivatives. */
static int customer_loglik(const customer_ctx *c, const cxm_dyncov_data *d, size_t i,
                           customer_out *out)
{
    const layout *lay = c->lay;
    size_t E = lay->E, kp = lay->kp, kd = lay->kd;
    path p;
    usum u;
    p.B = p.D = 0.0;
    memset(p.Bg, 0, kp * sizeof *p.Bg);
    memset(p.Dg, 0, kd * sizeof *p.Dg);
    if (c->order >= 2) {
        memset(p.BH, 0, kp * kp * sizeof *p.BH);
        memset(p.DH, 0, kd * kd * sizeof *p.DH);
    }
    usum_init(&u, E);
    int status = walk_u(&u, &p, c, d, i);
    if (status != CXM_OK)
        return status;
    double x = d->x[i], m = c->r + x;
    out->log_u = u.ref + log(u.S0);
    out->log_first = -m * log1p_ratio(p.B, c->alpha) - c->s * log1p_ratio(p.D, c->beta);
    if (d->counts == NULL)
        return CXM_OK;
    double gprod[MAXC];
    double prod = kp ? purchase_product(c, d, i, gprod) : 0.0;
    out->log_l = cxm__lgamma_diff(c->r, x) - x * log(c->alpha) + prod + out->log_u;
    if (c->order < 1)
        return CXM_OK;
    for (size_t j = 0; j < E; j++)
        out->g[j] = u.S1[j] / u.S0;
    if (c->order >= 2)
        for (size_t a = 0; a < E; a++)
            for (size_t b = a; b < E; b++)
                out->h[a * E + b] = out->h[b * E + a] =
                    u.S2[a * E + b] / u.S0 - out->g[a] * out->g[b];
    out->g[PR] += x > 0.0 ? cxm__digamma(m) - cxm__digamma(c->r) : 0.0;
    out->g[PALPHA] -= x / c->alpha;
    for (size_t j = 0; j < kp; j++)
        out->g[NBASE + j] += gprod[j];
    if (c->order >= 2) {
        out->h[PR * E + PR] += x > 0.0 ? cxm__trigamma(m) - cxm__trigamma(c->r) : 0.0;
        out->h[PALPHA * E + PALPHA] += x / (c->alpha * c->alpha);
    }
    return CXM_OK;
}

/* ------------------------------------------------------------------ the fit's sums */

typedef struct sums_job {
    const layout *lay;
    const cxm_dyncov_data *data;
    const double *theta;
    int order;
    size_t width;        /* 3 + P + P² */
    double *block_acc;   /* per block */
} sums_job;

static int sums_block(void *context, size_t block, size_t begin, size_t end)
{
    sums_job *job = context;
    const layout *lay = job->lay;
    size_t E = lay->E, P = lay->P;
    double *acc = job->block_acc + block * job->width;
    memset(acc, 0, job->width * sizeof *acc);
    customer_ctx c;
    make_ctx(&c, lay, job->theta, job->order);
    customer_out out;
    for (size_t i = begin; i < end; i++) {
        double w = job->data->weights ? job->data->weights[i] : 1.0;
        if (w == 0.0)
            continue;
        if (customer_loglik(&c, job->data, i, &out) != CXM_OK || !isfinite(out.log_l)) {
            acc[CXM_CHUNK_LOGLIK] = NAN; /* outside the domain: the optimiser steps back */
            return CXM_OK;
        }
        acc[CXM_CHUNK_WEIGHT] += w;
        acc[CXM_CHUNK_ROWS] += 1.0;
        acc[CXM_CHUNK_LOGLIK] += w * out.log_l;
        if (job->order < 1)
            continue;
        double *g = acc + CXM_CHUNK_GRADIENT, *h = g + P;
        for (size_t a = 0; a < E; a++) {
            size_t pa = lay->map[a];
            g[pa] += w * out.g[a];
            if (job->order >= 2)
                for (size_t b = 0; b < E; b++)
                    h[pa * P + lay->map[b]] += w * out.h[a * E + b];
        }
    }
    return CXM_OK;
}

typedef struct fit_ctx {
    const layout *lay;
    const cxm_dyncov_data *data;
    unsigned threads;
    double *block_acc;
    size_t blocks;
} fit_ctx;

/* The engine's external evaluator: [weight, rows, ln L, gradient, Hessian]. */
static int fit_sums(void *context, double *dst, size_t dst_n, const double *params,
                    size_t nparams, int order)
{
    fit_ctx *fc = context;
    size_t P = fc->lay->P, width = 3 + P + P * P;
    (void)nparams;
    sums_job job = { fc->lay, fc->data, params, order, width, fc->block_acc };
    int status = cxm__parallel_blocks(fc->data->n, BLOCK_CUSTOMERS, fc->threads, sums_block, &job);
    if (status == CXM_ENOMEM && fc->threads > 1)
        status = cxm__parallel_blocks(fc->data->n, BLOCK_CUSTOMERS, 1, sums_block, &job);
    if (status != CXM_OK)
        return status;
    memset(dst, 0, dst_n * sizeof *dst);
    for (size_t b = 0; b < fc->blocks; b++)
        for (size_t k = 0; k < width && k < dst_n; k++)
            dst[k] += fc->block_acc[b * width + k];
    return CXM_OK;
}

/* ------------------------------------------------------------------ the fit */

/* Each covariate must change over the segments the likelihood sees: a
 * constant one is the model's own scale (alpha or beta) again. */
static int check_design(const cxm_model *model, const layout *lay, const cxm_dyncov_data *d)
{
    for (size_t c = 0; c < lay->kp + lay->kd; c++) {
        int set = c >= lay->kp;
        size_t k = set ? lay->kd : lay->kp, col = set ? c - lay->kp : c;
        const double *z = set ? d->dropout : d->purchase;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < d->n && !(hi > lo); i++) {
            if (d->weights && d->weights[i] == 0.0)
                continue;
            double start = 0.0;
            for (size_t s = d->offsets[i]; s < d->offsets[i + 1] && start < d->T[i]; s++) {
                lo = fmin(lo, z[s * k + col]);
                hi = fmax(hi, z[s * k + col]);
                start = d->ends[s];
            }
        }
        if (!(hi > lo))
            return cxm__fail(CXM_EINVAL,
                             "covariate %s has the same value in every segment up to T: its "
                             "effect cannot be told from the model's own scale",
                             effect_name(model, set, col));
    }
    return CXM_OK;
}

/* Large data: the same fit on about 20000 customers, one at a pseudo-random
 * place in each block of `stride` (every k-th would alias with covariates
 * that cycle), lands close to the optimum, so that the full data need only a
 * few Newton passes. */
static int subsample_start(const cxm_model *model, const layout *lay, const cxm_dyncov_data *d,
                           const cxm_fit_options *opt, double *theta)
{
    size_t stride = d->n / 20000, m = (d->n + stride - 1) / stride, segments = 0;
    size_t *pick = cxm__malloc(m * sizeof *pick), *offsets = cxm__malloc((m + 1) * sizeof *offsets);
    double *rows = NULL;
    int status = pick && offsets ? CXM_OK : CXM_ENOMEM;
    for (size_t k = 0; status == CXM_OK && k < m; k++) {
        size_t i = k * stride + (size_t)(cxm__mix64(k + 1) % stride);
        pick[k] = i < d->n ? i : d->n - 1;
        offsets[k] = segments;
        segments += d->offsets[pick[k] + 1] - d->offsets[pick[k]];
    }
    size_t width = 2 + lay->kp + lay->kd; /* end, count, covariates */
    if (status == CXM_OK) {
        offsets[m] = segments;
        rows = cxm__malloc((4 * m + segments * width) * sizeof *rows);
        status = rows ? CXM_OK : CXM_ENOMEM;
    }
    if (status == CXM_OK) {
        cxm_dyncov_data sub = *d;
        double *x = rows, *t_x = x + m, *T = t_x + m, *w = T + m, *ends = w + m;
        double *counts = ends + segments, *zp = counts + segments, *zd = zp + segments * lay->kp;
        for (size_t k = 0; k < m; k++) {
            size_t i = pick[k], o = d->offsets[i], len = d->offsets[i + 1] - o, at = offsets[k];
            x[k] = d->x[i], t_x[k] = d->t_x[i], T[k] = d->T[i];
            w[k] = d->weights ? d->weights[i] : 1.0;
            memcpy(ends + at, d->ends + o, len * sizeof *ends);
            memcpy(counts + at, d->counts + o, len * sizeof *counts);
            if (lay->kp)
                memcpy(zp + at * lay->kp, d->purchase + o * lay->kp, len * lay->kp * sizeof *zp);
            if (lay->kd)
                memcpy(zd + at * lay->kd, d->dropout + o * lay->kd, len * lay->kd * sizeof *zd);
        }
        sub.n = m, sub.x = x, sub.t_x = t_x, sub.T = T, sub.weights = w, sub.offsets = offsets;
        sub.ends = ends, sub.counts = counts, sub.purchase = zp, sub.dropout = zd;
        /* A copy of the handle shares the covariates; only its fit is used. */
        cxm_model copy = *model;
        cxm_fit_options o = *opt;
        o.tolerance = 1e-7;
        status = cxm_model_fit_dynamic(&copy, &sub, &o);
        if (status == CXM_OK)
            memcpy(theta, copy.params, lay->P * sizeof *theta);
    }
    cxm__free(pick);
    cxm__free(offsets);
    cxm__free(rows);
    return status;
}

/* Where Newton starts: the model's parameters for a warm start; for large
 * data the fit of a subsample; else the Pareto/NBD fit of (x, t_x, T) with
 * every effect 0 (its kind's default when that fit fails). */
static int dynamic_start(const cxm_model *model, const layout *lay, const cxm_dyncov_data *d,
                         const cxm_fit_options *opt, double *theta)
{
    if (opt->flags & CXM_FIT_WARM_START) {
        if (model->state == CXM_MODEL_EMPTY)
            return cxm__fail(CXM_ESTATE,
                             "CXM_FIT_WARM_START needs parameters to start from: set them first");
        memcpy(theta, model->params, lay->P * sizeof *theta);
        return CXM_OK;
    }
    if (d->n > 60000) {
        int sub = subsample_start(model, lay, d, opt, theta);
        if (sub == CXM_OK || sub == CXM_ENOMEM)
            return sub;
        cxm_error_clear();
    }
    memset(theta, 0, lay->P * sizeof *theta);
    cxm_model *plain = NULL;
    int status = cxm_model_create(&plain, CXM_MODEL_PARETO_NBD);
    if (status == CXM_OK) {
        cxm_fit_options o = *opt;
        o.flags &= ~(unsigned)CXM_FIT_WARM_START;
        o.purchase_penalty = o.dropout_penalty = 0.0;
        status = cxm_model_fit(plain, d->n, d->x, d->t_x, d->T, d->weights, &o);
    }
    if (status == CXM_OK)
        status = cxm_model_params(theta, NBASE, plain);
    cxm_model_free(plain);
    if (status == CXM_ENOMEM)
        return status;
    if (status != CXM_OK) {
        cxm_error_clear();
        double sx = 0.0, sT = 0.0;
        for (size_t i = 0; i < d->n; i++) {
            double w = d->weights ? d->weights[i] : 1.0;
            sx += w * d->x[i];
            sT += w * d->T[i];
        }
        double scale = sx > 0.0 && sT > 0.0 ? sT / sx : 1.0;
        theta[PR] = theta[PS] = 1.0;
        theta[PALPHA] = theta[PBETA] = scale;
    }
    return CXM_OK;
}

int cxm_model_fit_dynamic(cxm_model *model, const cxm_dyncov_data *data,
                          const cxm_fit_options *options)
{
    layout lay;
    cxm_dyncov_data d;
    cxm_fit_options opt;
    int status = model_layout(model, &lay);
    if (status == CXM_OK)
        status = read_data(&d, data);
    if (status == CXM_OK)
        status = cxm__read_fit_options(&opt, options);
    if (status == CXM_OK)
        status = check_data(model, &lay, &d, 1, NULL);
    if (status == CXM_OK)
        status = cxm__check_weights(d.n, d.weights);
    if (status == CXM_OK && d.n == 0)
        status = cxm__fail(CXM_EINVAL, "no customers to fit the %s model on", model->kind->title);
    if (status == CXM_OK)
        status = check_design(model, &lay, &d);
    double theta[CXM__MAX_PARAMS];
    if (status == CXM_OK)
        status = dynamic_start(model, &lay, &d, &opt, theta);
    if (status != CXM_OK)
        return status;
    fit_ctx fc = { &lay, &d, cxm__thread_count(opt.threads, d.n, 1024), NULL,
                   cxm__block_count(d.n, BLOCK_CUSTOMERS) };
    fc.block_acc = cxm__malloc(fc.blocks * (3 + lay.P + lay.P * lay.P) * sizeof *fc.block_acc);
    if (fc.block_acc == NULL)
        return CXM_ENOMEM;
    cxm__data outside;
    cxm__evaluator ev;
    cxm__evaluator_external(&ev, model->kind, &outside, fit_sums, &fc);
    status = cxm__fit_run(model, &ev, &opt, theta);
    cxm__free(fc.block_acc);
    return status;
}

/* ------------------------------------------------------------------ per-customer results */

typedef struct predict_job {
    const layout *lay;
    const cxm_dyncov_data *data;
    const double *theta;
    const double *t;  /* horizons, or NULL */
    double *dst;
    int what;         /* WHAT_* */
} predict_job;

enum { WHAT_LOGLIK, WHAT_P_ALIVE, WHAT_PURCHASES };

/* ∫_0^h (1 + w/b)^−s dw = b·L·(e^((1−s)L) − 1)/((1−s)L), L = ln(1 + h/b):
 * no division by s − 1 near s = 1. */
static double decay_integral(double s, double b, double h)
{
    double L = log1p_ratio(h, b), v = (1.0 - s) * L;
    double ratio = fabs(v) < 1e-8 ? 1.0 + 0.5 * v : expm1(v) / v;
    return b * L * ratio;
}

/* E[purchases in (T, T + t] | alive at T]·(α + B(T))/m: with λ, μ given alive
 * at T independent Gamma(m, α + B(T)) and Gamma(s, β + D(T)),
 * ∫_T^{T+t} e^(γ_p'x(u))·((β + D(T))/(β + D(u)))^s du. */
static int future_rate_integral(const customer_ctx *c, const cxm_dyncov_data *d, size_t i,
                                double t, double *B_T, double *out)
{
    size_t o0 = d->offsets[i], o1 = d->offsets[i + 1];
    double T = d->T[i], stop = T + t, start = 0.0, B = 0.0, D = 0.0, D_T = 0.0, sum = 0.0;
    int past = 0;
    for (size_t k = o0; k < o1 && start < stop; k++) {
        const double *xk = d->purchase ? d->purchase + k * c->lay->kp : NULL;
        const double *zk = d->dropout ? d->dropout + k * c->lay->kd : NULL;
        double eta_p, eta_d, a, dd, end = d->ends[k];
        int status = segment_rates(c, xk, zk, &eta_p, &eta_d, &a, &dd);
        if (status != CXM_OK)
            return status;
        if (!past && end >= T) {
            B += a * (T - start);
            D += dd * (T - start);
            *B_T = B;
            D_T = D;
            past = 1;
            start = T;
        }
        if (past) {
            double h = fmin(end, stop) - start;
            if (h > 0.0) {
                double base = c->beta + D; /* β + D at the piece's start */
                double decay = exp(-c->s * log1p_ratio(D - D_T, c->beta + D_T));
                sum += a * decay * decay_integral(c->s, base / dd, h);
            }
        }
        B += a * (end - start);
        D += dd * (end - start);
        start = end;
    }
    *out = sum;
    return CXM_OK;
}

static int predict_one(const predict_job *job, const customer_ctx *c, size_t i, double *value)
{
    customer_out out;
    int status = customer_loglik(c, job->data, i, &out);
    if (status != CXM_OK)
        return status;
    if (job->what == WHAT_LOGLIK) {
        *value = out.log_l;
        return CXM_OK;
    }
    double p = exp(out.log_first - out.log_u);
    p = p > 1.0 ? 1.0 : p;
    if (job->what == WHAT_P_ALIVE) {
        *value = p;
        return CXM_OK;
    }
    double B_T = 0.0, rate = 0.0;
    status = future_rate_integral(c, job->data, i, job->t[i], &B_T, &rate);
    *value = p * (c->r + job->data->x[i]) / (c->alpha + B_T) * rate;
    return status;
}

static int predict_block(void *context, size_t block, size_t begin, size_t end)
{
    const predict_job *job = context;
    (void)block;
    customer_ctx c;
    make_ctx(&c, job->lay, job->theta, 0);
    for (size_t i = begin; i < end; i++) {
        int status = predict_one(job, &c, i, job->dst + i);
        if (status == CXM_OK && !isfinite(job->dst[i]))
            status = CXM_EDOMAIN;
        if (status != CXM_OK)
            return cxm__fail_at(status == CXM_EDOMAIN ? CXM_EDOMAIN : status, i,
                                "the time-varying covariates' %s could not be evaluated (an "
                                "effect too large for the covariates?)",
                                job->what == WHAT_LOGLIK    ? "likelihood"
                                : job->what == WHAT_P_ALIVE ? "P(alive)"
                                                            : "expected purchases");
    }
    return CXM_OK;
}

static int predict(double *dst, size_t n, const cxm_model *model, const double *t,
                   const cxm_dyncov_data *data, int what)
{
    layout lay;
    cxm_dyncov_data d;
    int status = model_layout(model, &lay);
    if (status == CXM_OK)
        status = read_data(&d, data);
    if (status == CXM_OK && model->state == CXM_MODEL_EMPTY)
        status = cxm__fail(CXM_ESTATE, "the %s model has no parameters: fit it or set them first",
                           model->kind->title);
    if (status == CXM_OK && n != d.n)
        status = cxm__fail(CXM_EINVAL, "dst has %zu places for data->n = %zu customers", n, d.n);
    if (status == CXM_OK)
        status = cxm__check_arrays(n, 1, dst, "dst");
    if (status == CXM_OK && what == WHAT_PURCHASES)
        status = cxm__check_arrays(n, 1, t, "t");
    if (status == CXM_OK)
        status = check_data(model, &lay, &d, what == WHAT_LOGLIK,
                            what == WHAT_PURCHASES ? t : NULL);
    if (status != CXM_OK)
        return status;
    if (what != WHAT_LOGLIK)
        d.counts = NULL;
    predict_job job = { &lay, &d, model->params, t, dst, what };
    unsigned threads = cxm__thread_count(model->threads, n, 1024);
    status = cxm__parallel_blocks(n, BLOCK_CUSTOMERS, threads, predict_block, &job);
    if (status == CXM_ENOMEM && threads > 1)
        status = cxm__parallel_blocks(n, BLOCK_CUSTOMERS, 1, predict_block, &job);
    return status;
}

int cxm_model_dynamic_log_likelihood(double *dst, size_t n, const cxm_model *model,
                                     const cxm_dyncov_data *data)
{
    return predict(dst, n, model, NULL, data, WHAT_LOGLIK);
}

int cxm_model_dynamic_p_alive(double *dst, size_t n, const cxm_model *model,
                              const cxm_dyncov_data *data)
{
    return predict(dst, n, model, NULL, data, WHAT_P_ALIVE);
}

int cxm_model_dynamic_conditional_purchases(double *dst, size_t n, const cxm_model *model,
                                            const double *t, const cxm_dyncov_data *data)
{
    return predict(dst, n, model, t, data, WHAT_PURCHASES);
}

/* ------------------------------------------------------------------ simulation */

typedef struct simulate_job {
    const layout *lay;
    const cxm_dyncov_data *data;
    const double *theta;
    double *x, *t_x, *counts, *alive;
    unsigned long long seed;
} simulate_job;

/* Customer i: death where μ·D(τ) reaches an Exp(1) draw (D inverted on its
 * linear pieces), then Poisson counts of rate λ·e^(γ_p'x) per segment up to
 * min(death, T), and the last purchase as the largest of the last busy
 * segment's uniform times. */
static int simulate_one(const simulate_job *job, const customer_ctx *c, size_t i)
{
    const cxm_dyncov_data *d = job->data;
    cxm_rng rng;
    cxm__rng_seed(&rng, (uint64_t)job->seed ^ (0x9e3779b97f4a7c15ULL * ((uint64_t)i + 1)));
    double lambda = cxm__rng_gamma(&rng, c->r, c->alpha);
    double mu = cxm__rng_gamma(&rng, c->s, c->beta);
    double level = cxm__rng_exponential(&rng, 1.0) / mu; /* D at death */
    size_t o0 = d->offsets[i], o1 = d->offsets[i + 1], base = d->offsets[0];
    double T = d->T[i], start = 0.0, D = 0.0, x = 0.0, last = 0.0;
    int dead = 0;
    for (size_t k = o0; k < o1; k++) {
        const double *xk = d->purchase ? d->purchase + k * c->lay->kp : NULL;
        const double *zk = d->dropout ? d->dropout + k * c->lay->kd : NULL;
        double eta_p, eta_d, a, dd, end = fmin(d->ends[k], T);
        job->counts[k - base] = 0.0;
        if (dead || start >= T)
            continue;
        if (segment_rates(c, xk, zk, &eta_p, &eta_d, &a, &dd) != CXM_OK)
            return cxm__fail_at(CXM_EDOMAIN, i, "segment %zu: an effect makes a rate overflow",
                                k - o0);
        if (D + dd * (end - start) >= level) {
            end = start + (level - D) / dd;
            dead = 1;
        }
        D += dd * (end - start);
        double mean = lambda * a * (end - start);
        if (mean > CXM__SIM_MAX_MEAN)
            return cxm__fail_at(CXM_ERANGE, i,
                                "%g expected purchases in segment %zu are beyond 2^52, the most "
                                "a simulated count holds",
                                mean, k - o0);
        double n = mean > 0.0 ? (double)cxm__rng_poisson(&rng, mean) : 0.0;
        job->counts[k - base] = n;
        if (n > 0.0)
            last = start + (end - start) * exp(log(cxm__rng_uniform(&rng)) / n);
        x += n;
        start = d->ends[k];
    }
    job->x[i] = x;
    job->t_x[i] = x > 0.0 ? fmin(last, T) : 0.0;
    if (job->alive)
        job->alive[i] = dead ? 0.0 : 1.0;
    return CXM_OK;
}

static int simulate_block(void *context, size_t block, size_t begin, size_t end)
{
    const simulate_job *job = context;
    (void)block;
    customer_ctx c;
    make_ctx(&c, job->lay, job->theta, 0);
    for (size_t i = begin; i < end; i++) {
        int status = simulate_one(job, &c, i);
        if (status != CXM_OK)
            return status;
    }
    return CXM_OK;
}

int cxm_model_dynamic_simulate(double *dst_x, double *dst_t_x, double *dst_counts,
                               double *dst_alive, const cxm_model *model,
                               const cxm_dyncov_data *data, unsigned long long seed)
{
    layout lay;
    cxm_dyncov_data d;
    int status = model_layout(model, &lay);
    if (status == CXM_OK)
        status = read_data(&d, data);
    if (status == CXM_OK && model->state == CXM_MODEL_EMPTY)
        status = cxm__fail(CXM_ESTATE, "the %s model has no parameters: fit it or set them first",
                           model->kind->title);
    if (status == CXM_OK)
        status = cxm__check_arrays(d.n, 3, dst_x, "dst_x", dst_t_x, "dst_t_x", d.T, "data->T");
    if (status == CXM_OK)
        status = cxm__check_arrays(d.n, 1, d.offsets, "data->offsets");
    if (status == CXM_OK && d.n > 0)
        status = cxm__check_arrays(d.offsets[d.n] > d.offsets[0], 2, dst_counts, "dst_counts",
                                   d.ends, "data->ends");
    if (status == CXM_OK && lay.kp > 0 && d.n > 0)
        status = cxm__check_arrays(1, 1, d.purchase, "data->purchase");
    if (status == CXM_OK && lay.kd > 0 && d.n > 0)
        status = cxm__check_arrays(1, 1, d.dropout, "data->dropout");
    for (size_t i = 0; status == CXM_OK && i < d.n; i++) {
        if (!(d.T[i] >= 0.0) || !isfinite(d.T[i]))
            status = cxm__fail_at(CXM_EINVAL, i, "T %g must be a finite number >= 0", d.T[i]);
        else if (d.offsets[i + 1] < d.offsets[i])
            status = cxm__fail_at(CXM_EINVAL, i, "offsets decrease (%zu after %zu)",
                                  d.offsets[i + 1], d.offsets[i]);
        else
            status = check_segments(model, &lay, &d, i, d.T[i], "T");
    }
    if (status != CXM_OK)
        return status;
    simulate_job job = { &lay, &d, model->params, dst_x, dst_t_x, dst_counts, dst_alive, seed };
    unsigned threads = cxm__thread_count(model->threads, d.n, 1024);
    status = cxm__parallel_blocks(d.n, BLOCK_CUSTOMERS, threads, simulate_block, &job);
    if (status == CXM_ENOMEM && threads > 1)
        status = cxm__parallel_blocks(d.n, BLOCK_CUSTOMERS, 1, simulate_block, &job);
    return status;
}
