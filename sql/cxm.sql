-- libcxm in PostgreSQL (docs/sql.md). Loaded by CREATE EXTENSION cxm.
\echo Use "CREATE EXTENSION cxm" to load this file. \quit

-- ------------------------------------------------------------------ the summary
CREATE TYPE cxm_rfm_summary AS (
    frequency double precision,       -- repeat purchases: units with a purchase after the first's
    recency double precision,         -- first to last purchase, in units
    t double precision,               -- first purchase to the observation end, in units
    monetary_value double precision   -- mean amount per repeat unit (NULL without amounts)
);

CREATE FUNCTION cxm_rfm_add(internal, text, timestamptz, double precision, text, timestamptz)
    RETURNS internal AS 'MODULE_PATHNAME', 'cxm_rfm_add_timestamptz'
    LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_rfm_final(internal, text, timestamptz, double precision, text, timestamptz)
    RETURNS cxm_rfm_summary AS 'MODULE_PATHNAME', 'cxm_rfm_final'
    LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_rfm_add(internal, text, date, double precision, text, date)
    RETURNS internal AS 'MODULE_PATHNAME', 'cxm_rfm_add_date'
    LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_rfm_final(internal, text, date, double precision, text, date)
    RETURNS cxm_rfm_summary AS 'MODULE_PATHNAME', 'cxm_rfm_final'
    LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

-- One customer's summary: SELECT customer, (cxm_rfm(customer, ts, amount, 'week', end)).*
-- FROM orders GROUP BY customer. unit: day, week, month, quarter, year, hour or days.
-- Purchases after the observation end's unit are left out; NULL for a customer with none
-- before it. The observation end is required (T runs to it).
CREATE AGGREGATE cxm_rfm(customer text, ts timestamptz, amount double precision, unit text,
                         observation_end timestamptz) (
    SFUNC = cxm_rfm_add, STYPE = internal,
    FINALFUNC = cxm_rfm_final, FINALFUNC_EXTRA
);
CREATE AGGREGATE cxm_rfm(customer text, ts date, amount double precision, unit text,
                         observation_end date) (
    SFUNC = cxm_rfm_add, STYPE = internal,
    FINALFUNC = cxm_rfm_final, FINALFUNC_EXTRA
);

-- ------------------------------------------------------------------ fits
CREATE FUNCTION cxm_fit_add(internal, double precision, double precision, double precision)
    RETURNS internal AS 'MODULE_PATHNAME', 'cxm_fit_add3'
    LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_fit_add(internal, double precision, double precision)
    RETURNS internal AS 'MODULE_PATHNAME', 'cxm_fit_add2'
    LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_fit_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_fit_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION cxm_fit_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION cxm_bgnbd_fit_final(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_mbgnbd_fit_final(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_pnbd_fit_final(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION cxm_gg_fit_final(internal) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

-- The fitted model as jsonb, the JSON of `cxm fit -o`.
CREATE AGGREGATE cxm_bgnbd_fit(frequency double precision, recency double precision,
                               t double precision) (
    SFUNC = cxm_fit_add, STYPE = internal, FINALFUNC = cxm_bgnbd_fit_final,
    COMBINEFUNC = cxm_fit_combine, SERIALFUNC = cxm_fit_serialize,
    DESERIALFUNC = cxm_fit_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE cxm_mbgnbd_fit(frequency double precision, recency double precision,
                                t double precision) (
    SFUNC = cxm_fit_add, STYPE = internal, FINALFUNC = cxm_mbgnbd_fit_final,
    COMBINEFUNC = cxm_fit_combine, SERIALFUNC = cxm_fit_serialize,
    DESERIALFUNC = cxm_fit_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE cxm_pnbd_fit(frequency double precision, recency double precision,
                              t double precision) (
    SFUNC = cxm_fit_add, STYPE = internal, FINALFUNC = cxm_pnbd_fit_final,
    COMBINEFUNC = cxm_fit_combine, SERIALFUNC = cxm_fit_serialize,
    DESERIALFUNC = cxm_fit_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE cxm_gg_fit(frequency double precision, monetary_value double precision) (
    SFUNC = cxm_fit_add, STYPE = internal, FINALFUNC = cxm_gg_fit_final,
    COMBINEFUNC = cxm_fit_combine, SERIALFUNC = cxm_fit_serialize,
    DESERIALFUNC = cxm_fit_deserialize, PARALLEL = SAFE
);

-- ------------------------------------------------------------------ scores
CREATE FUNCTION cxm_p_alive(model jsonb, frequency double precision,
                            recency double precision, t double precision)
    RETURNS double precision AS 'MODULE_PATHNAME', 'cxm_p_alive_pg'
    LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cxm_expected_purchases(model jsonb, horizon double precision,
                                       frequency double precision, recency double precision,
                                       t double precision)
    RETURNS double precision AS 'MODULE_PATHNAME', 'cxm_expected_purchases_pg'
    LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
-- Lifetime value over `months` months, as Python's customer_lifetime_value():
-- unit_days is the purchase model's time unit in days (1 days, 7 weeks).
CREATE FUNCTION cxm_clv(model jsonb, spend_model jsonb, frequency double precision,
                        recency double precision, t double precision,
                        monetary_value double precision, months integer DEFAULT 12,
                        discount double precision DEFAULT 0.01,
                        unit_days double precision DEFAULT 1)
    RETURNS double precision AS 'MODULE_PATHNAME', 'cxm_clv_pg'
    LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
