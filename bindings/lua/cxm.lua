--- libcxm for Lua 5.4: customer-experience management, measured.
--
--   local cxm = require "cxm"
--   print(cxm.clv(100, 0.8, 0.12))                  --> 250.0
--   print(cxm.clv({100, 100}, {0.8, 0.9}, 0.12)[2]) --> 409.09...
--
-- Numbers or tables (sequences) go in; a table in gives a table out. Errors
-- are raised with the library's message ("retention 1.5 is outside [0, 1]").

local core = require "cxm_core"

local cxm = {
  version = core.version_string(),
  core = core,
  -- One month in days (CXM_DAYS_PER_MONTH: 365.2425 / 12), the month of cxm demo and Python.
  DAYS_PER_MONTH = core.DAYS_PER_MONTH,
}

local function timing(opts)
  return (opts and opts.prepaid) and core.CASH_START or core.CASH_END
end

-- Broadcast a mix of numbers and tables to tables of one length.
local function broadcast(...)
  local args, n = table.pack(...), nil
  for i = 1, args.n do
    if type(args[i]) == "table" then
      if n and #args[i] ~= n then
        error(("argument %d has %d elements where %d were expected"):format(i, #args[i], n), 3)
      end
      n = #args[i]
    end
  end
  if not n then return nil end
  local out = {}
  for i = 1, args.n do
    if type(args[i]) == "table" then
      out[i] = args[i]
    else
      local filled = {}
      for k = 1, n do filled[k] = args[i] end
      out[i] = filled
    end
  end
  return n, table.unpack(out, 1, args.n)
end

--- Lifetime value: margin*retention/(1+discount-retention) per customer.
-- opts.prepaid: cash at the start of each period; opts.horizon: finite number of periods.
function cxm.clv(margin, retention, discount, opts)
  local t = timing(opts)
  local horizon = opts and opts.horizon
  local n, m, r, d = broadcast(margin, retention, discount)
  if not n then
    if horizon then return core.clv_horizon(margin, retention, discount, horizon, t) end
    return core.clv_retention(margin, retention, discount, t)
  end
  if horizon then return core.clv_horizon_many(n, m, r, d, horizon, t) end
  return core.clv_retention_many(n, m, r, d, t)
end

--- Elasticity of lifetime value to retention.
function cxm.clv_elasticity(retention, discount, opts)
  local t = timing(opts)
  local n, r, d = broadcast(retention, discount)
  if not n then return core.clv_elasticity(retention, discount, t) end
  return core.clv_elasticity_many(n, r, d, t)
end

--- Lifetime value with per-period margins and retention rates (tables).
function cxm.clv_schedule(margins, retentions, discount, opts)
  return core.clv_schedule(margins, retentions, discount, timing(opts))
end

--- Customer equity: sum over cohorts of size*(clv - acquisition cost), discounted by cohort.
function cxm.customer_equity(sizes, clvs, acquisition_costs, discount)
  return core.customer_equity(sizes, clvs, acquisition_costs or {}, discount or 0)
end

--- Remembered score by the peak-end rule: (most intense moment + last moment)/2.
-- A table of numbers gives a number; a table of tables gives a table.
function cxm.peak_end(moments)
  if type(moments[1]) == "table" then
    local out = {}
    for i, m in ipairs(moments) do out[i] = core.peak_end(m) end
    return out
  end
  return core.peak_end(moments)
end

-- ---------------------------------------------------------------- the emotion chain
local function fields(struct, names)
  local t = {}
  for _, name in ipairs(names) do t[name] = struct[name] end
  return t
end
local NPS_FIELDS = { "respondents", "promoters", "passives", "detractors", "nps", "std_error",
  "level", "wald_lower", "wald_upper", "adjusted", "adjusted_std_error", "adjusted_lower",
  "adjusted_upper" }

local function nps_struct(value, level)
  if value.promoters then
    return core.nps_from_counts(value.promoters, value.passives or 0, value.detractors or 0, level)
  end
  return core.nps_from_scores(value, level)
end

--- Net Promoter Score of 0..10 answers (a table; 0/0 marks a missing answer), or of
-- {promoters=, passives=, detractors=} counts: a table with nps, std_error and the Wald
-- and adjusted-Wald (Rocks 2016) intervals.
function cxm.nps(scores, level)
  return fields(nps_struct(scores, level or 0.95), NPS_FIELDS)
end

--- The difference between two NPS (answers or counts tables), with Wald and adjusted-Wald intervals.
function cxm.nps_compare(a, b, level)
  level = level or 0.95
  return fields(core.nps_compare(nps_struct(a, level), nps_struct(b, level), level),
    { "difference", "std_error", "level", "wald_lower", "wald_upper", "adjusted",
      "adjusted_std_error", "adjusted_lower", "adjusted_upper", "z", "p_value" })
end

--- CSAT: percent of answers >= opts.satisfied_from (4) on opts.scale ({1, 5}), Wilson interval.
function cxm.csat(scores, opts)
  opts = opts or {}
  local scale = opts.scale or { 1, 5 }
  return fields(core.csat_from_scores(scores, scale[1], scale[2], opts.satisfied_from or 4,
    opts.level or 0.95), { "respondents", "satisfied", "csat", "std_error", "level", "lower", "upper" })
end

--- CES: mean effort answer on opts.scale ({1, 7}) with a t interval.
function cxm.ces(scores, opts)
  opts = opts or {}
  local scale = opts.scale or { 1, 7 }
  return fields(core.ces_from_scores(scores, scale[1], scale[2], opts.level or 0.95),
    { "respondents", "mean", "std_dev", "std_error", "level", "lower", "upper" })
end

local function flatten(rows)
  if type(rows[1]) ~= "table" then return rows, #rows end
  local flat, width = {}, #rows[1]
  for _, row in ipairs(rows) do
    for k = 1, width do flat[#flat + 1] = row[k] end
  end
  return flat, width
end

--- SERVQUAL: expectations and perceptions are tables of rows (respondents x items).
-- opts.dimensions: the dimension (1-based) of each item, default the standard 22-item layout;
-- opts.weights: importance points per dimension. Returns unweighted (mean over dimensions),
-- weighted, item_mean, item_gaps, dimension_gaps.
function cxm.servqual(expectations, perceptions, opts)
  opts = opts or {}
  local e, items = flatten(expectations)
  local p = flatten(perceptions)
  local layout, dims = {}, 5
  if opts.dimensions then
    dims = 0
    for k, d in ipairs(opts.dimensions) do
      layout[k] = d - 1
      if d > dims then dims = d end
    end
  end
  local weights = opts.weights and flatten(opts.weights) or {}
  local s, item_gaps, dimension_gaps = core.servqual_summary(items, dims, e, p, items, dims, layout, weights)
  local r = fields(s, { "respondents", "unweighted", "weighted", "item_mean" })
  r.item_gaps, r.dimension_gaps = item_gaps, dimension_gaps
  return r
end

local KANO = { [0] = "A", "O", "M", "I", "R", "Q" }
local KANO_ANSWERS = { like = 1, ["must-be"] = 2, neutral = 3, ["live-with"] = 4, dislike = 5 }
local function kano_codes(answers)
  local codes = {}
  for i, a in ipairs(answers) do codes[i] = KANO_ANSWERS[a] or a end
  return codes
end

--- Kano evaluation of a feature from functional and dysfunctional answers (1..5 or words):
-- counts A, O, M, I, R, Q, the category (ties M > O > A > I), better and worse.
function cxm.kano(functional, dysfunctional)
  local s = core.kano_evaluate(kano_codes(functional), kano_codes(dysfunctional))
  return { A = s.attractive, O = s.one_dimensional, M = s.must_be, I = s.indifferent,
    R = s.reverse, Q = s.questionable, answered = s.answered, category = KANO[s.category],
    better = s.better, worse = s.worse }
end

--- Disconfirmation P - E of each pair.
function cxm.disconfirmation(perceptions, expectations)
  return core.disconfirmation(#perceptions, perceptions, expectations)
end

--- Adaptive expectations E[t+1] = E[t] + lambda (P[t] - E[t]): the expectation after each perception.
function cxm.adaptive_expectations(perceptions, initial, lambda)
  return core.adaptive_expectations(#perceptions, perceptions, initial, lambda)
end

local DELIGHT = { [0] = "outraged", "dissatisfied", "satisfied", "delighted" }
--- Delight classes from disconfirmation and (optional) bipolar affect.
function cxm.delight(disconfirmation, affect, surprise, arousal)
  local codes = core.delight_classify(#disconfirmation, disconfirmation, affect or {},
    surprise or 1, arousal or 1)
  local out = {}
  for i, c in ipairs(codes) do out[i] = DELIGHT[c] end
  return out
end

local VALENCE = { mean = 0, ["peak-end"] = 1, peak = 2, ["end"] = 3, min = 4, max = 5, sum = 6,
  recency = 7, negativity = 8 }
--- Valence of a journey's moments by a rule ("mean", "peak-end", "peak", "end", "min", "max",
-- "sum", "recency", "negativity"); opts.durations, opts.parameter.
function cxm.valence(moments, rule, opts)
  opts = opts or {}
  rule = rule or "mean"
  local code = VALENCE[rule]
  if not code then error("unknown valence rule '" .. tostring(rule) .. "'", 2) end
  local parameter = opts.parameter or (rule == "recency" and 0.8) or (rule == "negativity" and 2) or 0
  return core.valence_aggregate(1, moments, opts.durations or {}, {}, code, parameter)[1]
end

local LOGIT_FIELDS = { "intercept", "slope", "intercept_se", "slope_se", "covariance",
  "log_likelihood", "deviance", "null_deviance", "observations", "iterations" }
--- Retention as a logistic function of satisfaction, fitted by IRLS: a table with the
-- coefficients, their standard errors and fit statistics.
function cxm.fit_retention(satisfaction, retained, weights)
  return fields(core.logit_fit(satisfaction, retained, weights or {}), LOGIT_FIELDS)
end

local function logit_struct(model)
  local m = core.logit()
  m.intercept, m.slope = model.intercept or model[1], model.slope or model[2]
  return m
end

--- Retention probability of a model ({intercept=, slope=}) at satisfaction s.
function cxm.retention(model, s)
  return core.logit_predict(logit_struct(model), s)
end

--- Value of raising satisfaction by `improvement`: retention and lifetime value before and
-- after, per customer and for opts.customers; opts.margin, opts.discount, opts.prepaid.
function cxm.value_of_improvement(model, satisfaction, improvement, opts)
  local v = core.value_of_improvement(logit_struct(model), satisfaction, improvement, opts.margin,
    opts.discount, timing(opts), opts.customers or 1)
  return fields(v, { "satisfaction", "improved_satisfaction", "retention", "improved_retention",
    "clv", "improved_clv", "gain_per_customer", "customers", "gain" })
end

--- Return on quality: present value of the gain over the present value of the costs.
function cxm.return_on_quality(gain, costs, discount)
  if type(costs) ~= "table" then costs = { costs } end
  return fields(core.return_on_quality(gain, costs, discount or 0),
    { "gain", "cost", "net_value", "return_on_quality" })
end

--- ACSI-style 0-100 index from unstandardized weights and item means on a scale.
function cxm.satisfaction_index(weights, means, scale_min, scale_max)
  return core.satisfaction_index(weights, means, scale_min or 1, scale_max or 10)
end

-- ---------------------------------------------------------------- PLS path models
local SCHEMES = { path = 0, centroid = 1, factorial = 2 }
local MISSING = { listwise = 0, mean = 1 }

local PathModel = {}
PathModel.__index = PathModel

--- A structural path model: a preset name ("acsi", "ecsi", "chain"), JSON text, or a table
-- {constructs = {{name=, items={...}, mode="A"|"B", scale={min, max}}, ...},
--  paths = {{from, to}, ...}, target = name}.
function cxm.path_model(spec)
  local handle
  if type(spec) == "string" then
    if spec:match("^%s*{") then handle = core.pls_model_from_json(spec)
    else handle = core.pls_model_preset(spec) end
  else
    handle = core.pls_model_create()
    for _, c in ipairs(spec.constructs or {}) do
      core.pls_model_add_construct(handle, c.name, c.mode == "B" and 1 or 0)
      for _, item in ipairs(c.items) do core.pls_model_add_item(handle, c.name, item) end
      if c.scale then core.pls_model_set_scale(handle, c.name, c.scale[1], c.scale[2]) end
    end
    for _, path in ipairs(spec.paths or {}) do
      core.pls_model_add_path(handle, path[1] or path.from, path[2] or path.to)
    end
    if spec.target then core.pls_model_set_target(handle, spec.target) end
  end
  return setmetatable({ handle = handle }, PathModel)
end

--- Construct names, item names (the column order of positional rows) and JSON.
function PathModel:constructs()
  local out = {}
  for j = 0, core.pls_model_construct_count(self.handle) - 1 do
    out[#out + 1] = core.pls_model_construct_name(self.handle, j)
  end
  return out
end
--- Mode of each construct by name: "A" (reflective) or "B" (formative).
function PathModel:modes()
  local out = {}
  for j, name in ipairs(self:constructs()) do
    out[name] = core.pls_model_construct_mode(self.handle, j - 1) == 1 and "B" or "A"
  end
  return out
end
function PathModel:items()
  local out = {}
  for i = 0, core.pls_model_item_count(self.handle) - 1 do
    out[#out + 1] = core.pls_model_item_name(self.handle, i)
  end
  return out
end
function PathModel:to_json() return core.pls_model_to_json(self.handle) end

--- HTMT (Henseler, Ringle & Sarstedt 2015) of the constructs from an items × items correlation
-- matrix (a table of rows, items() order): htmt[a][b] by construct names, nil on the diagonal.
function PathModel:htmt(correlations)
  local items, names = self:items(), self:constructs()
  local flat = {}
  for i = 1, #items do
    local row = correlations[i]
    if type(row) ~= "table" or #row ~= #items then
      error(("correlations must be %d rows of %d values"):format(#items, #items), 2)
    end
    for k = 1, #items do flat[#flat + 1] = row[k] end
  end
  local v = core.pls_model_htmt(#names * #names, self.handle, flat)
  local out = {}
  for j, a in ipairs(names) do
    out[a] = {}
    for k, b in ipairs(names) do
      local x = v[(j - 1) * #names + k]
      out[a][b] = x == x and x or nil
    end
  end
  return out
end

--- Estimate on rows: each row a table keyed by item name, or positional in items() order.
-- opts: scheme, bootstrap, seed, level, tolerance, max_iterations, threads, missing, bca
-- (true: BCa intervals too), consistent (true: PLSc, reflective constructs corrected by rho_A).
-- Returns a table: paths (with std_error, t_value, p_value, lower, upper and bca_lower,
-- bca_upper when there are resamples), r_squared, indices, weights, drivers (of the target),
-- indirect_effects (one per route of the chain: path, estimate and the same statistics), json,
-- predict(popts): PLSpredict, and quality() (the measurement and structural quality criteria).
function PathModel:fit(rows, opts)
  opts = opts or {}
  local items = self:items()
  local flat = {}
  for r, row in ipairs(rows) do
    for i, item in ipairs(items) do
      local v = row[item]
      if v == nil then v = row[i] end
      if v == nil then error(("row %d has no value for '%s'"):format(r, item), 2) end
      flat[#flat + 1] = v
    end
  end
  local scheme = SCHEMES[opts.scheme or "path"]
  if not scheme then error("unknown scheme '" .. tostring(opts.scheme) .. "'", 2) end
  local missing = MISSING[opts.missing or "listwise"]
  if not missing then error("unknown missing-data rule '" .. tostring(opts.missing) .. "'", 2) end
  local r = core.pls_estimate(self.handle, flat, #rows, scheme, opts.tolerance or 1e-7,
    opts.max_iterations or 300, opts.bootstrap or 0, opts.seed or 1, opts.level or 0.95,
    opts.threads or 0, missing, opts.bca and 1 or 0, opts.consistent and 1 or 0)
  local info = core.pls_result_info(r)
  local names = self:constructs()
  local c = #names
  local function get(q) return core.pls_result_get(core.pls_result_size(r, q), r, q) end
  local function boot(q, stat) return core.pls_result_bootstrap(core.pls_result_size(r, q), r, q, stat) end
  local fit = { rows = info.rows, rows_dropped = info.rows_dropped, iterations = info.iterations,
    resamples = info.resamples, paths = {}, r_squared = {}, indices = {}, weights = {}, drivers = {} }
  local paths, total, total_index = get(core.PLS_PATHS), get(core.PLS_TOTAL_EFFECTS),
    get(core.PLS_TOTAL_EFFECTS_INDEX)
  -- Bootstrap statistics of a quantity by name, or nil without resamples (BCa: without bca).
  local STATISTICS = { std_error = core.PLS_BOOT_STD_ERROR, lower = core.PLS_BOOT_LOWER,
    upper = core.PLS_BOOT_UPPER, t_value = core.PLS_BOOT_T_VALUE, p_value = core.PLS_BOOT_P_VALUE,
    bca_lower = core.PLS_BOOT_BCA_LOWER, bca_upper = core.PLS_BOOT_BCA_UPPER }
  local function statistics(q)
    local out = {}
    if info.resamples == 0 then return out end
    for name, code in pairs(STATISTICS) do
      if not name:match("^bca") or opts.bca then out[name] = boot(q, code) end
    end
    return out
  end
  local function with_statistics(row, stats, at)
    for name, values in pairs(stats) do row[name] = values[at] end
    return row
  end
  local path_stats = statistics(core.PLS_PATHS)
  for k = 0, core.pls_model_path_count(self.handle) - 1 do
    local from, to = core.pls_model_path(self.handle, k)
    local at = from * c + to + 1
    fit.paths[#fit.paths + 1] = with_statistics({ from = names[from + 1], to = names[to + 1],
      estimate = paths[at] }, path_stats, at)
  end
  fit.indirect_effects = {}
  local specific = get(core.PLS_SPECIFIC_INDIRECT_EFFECTS)
  local specific_stats = statistics(core.PLS_SPECIFIC_INDIRECT_EFFECTS)
  for k = 0, core.pls_result_indirect_count(r) - 1 do
    local nodes = core.pls_result_indirect_path(core.pls_result_indirect_length(r, k), r, k)
    local path = {}
    for i, j in ipairs(nodes) do path[i] = names[math.floor(j) + 1] end
    fit.indirect_effects[k + 1] = with_statistics({ path = path, from = path[1],
      to = path[#path], estimate = specific[k + 1] }, specific_stats, k + 1)
  end
  local r2, indices = get(core.PLS_R_SQUARED), get(core.PLS_INDICES)
  for j, name in ipairs(names) do
    if r2[j] == r2[j] then fit.r_squared[name] = r2[j] end -- NaN for exogenous constructs
    fit.indices[name] = indices[j]
  end
  local w, loadings = get(core.PLS_WEIGHTS), get(core.PLS_LOADINGS)
  for k = 0, core.pls_model_indicator_count(self.handle) - 1 do
    fit.weights[k + 1] = { construct = names[core.pls_model_indicator_construct(self.handle, k) + 1],
      item = core.pls_model_indicator_name(self.handle, k), weight = w[k + 1], loading = loadings[k + 1] }
  end
  local target = opts.target
  if not target then
    local ok, t = pcall(core.pls_model_target, self.handle)
    if ok then target = names[t + 1] end
  end
  if target then
    local t = core.pls_model_find(self.handle, target)
    for j, name in ipairs(names) do
      local effect = total[(j - 1) * c + t + 1]
      if j - 1 ~= t and effect ~= 0 then
        fit.drivers[#fit.drivers + 1] = { driver = name, importance = total_index[(j - 1) * c + t + 1],
          total_effect = effect, performance = indices[j] }
      end
    end
    table.sort(fit.drivers, function(a, b) return a.importance > b.importance end)
    fit.target = target
  end
  fit.json = function() return core.pls_result_to_json(r) end
  --- PLSpredict: popts.folds (10), repetitions (1), seed (1), approach ("earliest" or
  -- "direct"), threads. Returns {indicators = {{construct, item, rmse, mae, q2_predict,
  -- lm_rmse, lm_mae, lm_q2_predict}, ...}, constructs = {{construct, rmse, mae, q2_predict},
  -- ...}, json = function}.
  fit.predict = function(popts)
    popts = popts or {}
    local approach = ({ earliest = 0, direct = 1 })[popts.approach or "earliest"]
    if not approach then error("unknown approach '" .. tostring(popts.approach) .. "'", 2) end
    local p = core.pls_predict(self.handle, flat, #rows, scheme, opts.tolerance or 1e-7,
      opts.max_iterations or 300, missing, opts.consistent and 1 or 0, popts.folds or 10,
      popts.repetitions or 1, popts.seed or 1, approach, popts.threads or 0)
    local out = { indicators = {}, constructs = {} }
    local METRICS = { "rmse", "mae", "q2_predict", "lm_rmse", "lm_mae", "lm_q2_predict" }
    for level, list in ipairs({ out.indicators, out.constructs }) do
      local count = core.pls_prediction_count(p, level - 1)
      local metrics = {}
      for m = 1, level == 1 and 6 or 3 do
        metrics[METRICS[m]] = core.pls_prediction_metric(count, p, level - 1, m - 1)
      end
      for k = 0, count - 1 do
        local index = core.pls_prediction_index(p, level - 1, k)
        local row = {}
        if level == 1 then
          row.construct = names[core.pls_model_indicator_construct(self.handle, index) + 1]
          row.item = core.pls_model_indicator_name(self.handle, index)
        else
          row.construct = names[index + 1]
        end
        for name, values in pairs(metrics) do row[name] = values[k + 1] end
        list[#list + 1] = row
      end
    end
    out.json = function() return core.pls_prediction_to_json(p) end
    return out
  end
  --- Quality criteria (docs/chain.md): reliability[construct] = {alpha, rhoA, rhoC, AVE,
  -- r_squared_adjusted}; htmt[a][b] and fornell_larcker[a][b] by construct names (HTMT nil on
  -- the diagonal); cross_loadings[k] = {construct, item, vif, [construct] = loading, ...};
  -- paths[k] = {from, to, vif, f_squared}; with resamples htmt_interval[a][b] = {estimate,
  -- std_error, lower, upper, ...} (bootstrap statistics of HTMT, each resample's from its own
  -- item correlations). Raises when a criterion is undefined for the data.
  fit.quality = function()
    local function q(code) return core.pls_result_quality(core.pls_result_quality_size(r, code), r, code) end
    local alpha, rho_a, rho_c, ave = q(core.PLS_CRONBACH_ALPHA), q(core.PLS_RHO_A), q(core.PLS_RHO_C),
      q(core.PLS_AVE)
    local adjusted, htmt, fl = q(core.PLS_R_SQUARED_ADJUSTED), q(core.PLS_HTMT), q(core.PLS_FORNELL_LARCKER)
    local cross, ivif = q(core.PLS_CROSS_LOADINGS), q(core.PLS_INDICATOR_VIF)
    local svif, f2 = q(core.PLS_STRUCTURAL_VIF), q(core.PLS_F_SQUARED)
    local out = { reliability = {}, htmt = {}, fornell_larcker = {}, cross_loadings = {}, paths = {} }
    for j, name in ipairs(names) do
      out.reliability[name] = { alpha = alpha[j], rhoA = rho_a[j], rhoC = rho_c[j], AVE = ave[j],
        r_squared_adjusted = adjusted[j] == adjusted[j] and adjusted[j] or nil }
      out.htmt[name], out.fornell_larcker[name] = {}, {}
      for k, other in ipairs(names) do
        local v = htmt[(j - 1) * c + k]
        out.htmt[name][other] = v == v and v or nil
        out.fornell_larcker[name][other] = fl[(j - 1) * c + k]
      end
    end
    for k = 0, core.pls_model_indicator_count(self.handle) - 1 do
      local row = { construct = names[core.pls_model_indicator_construct(self.handle, k) + 1],
        item = core.pls_model_indicator_name(self.handle, k), vif = ivif[k + 1] }
      for j, name in ipairs(names) do row[name] = cross[k * c + j] end
      out.cross_loadings[k + 1] = row
    end
    for k = 0, core.pls_model_path_count(self.handle) - 1 do
      local from, to = core.pls_model_path(self.handle, k)
      local at = from * c + to + 1
      out.paths[k + 1] = { from = names[from + 1], to = names[to + 1], vif = svif[at], f_squared = f2[at] }
    end
    if info.resamples > 0 then
      local stats = statistics(core.PLS_HETEROTRAIT_MONOTRAIT)
      out.htmt_interval = {}
      for j, name in ipairs(names) do
        out.htmt_interval[name] = {}
        for k, other in ipairs(names) do
          local at = (j - 1) * c + k
          if j ~= k then
            out.htmt_interval[name][other] = with_statistics({ estimate = htmt[at] }, stats, at)
          end
        end
      end
    end
    return out
  end
  --- What +points index points of driver are worth: retention ({intercept=, slope=}) on the
  -- target's 0-100 index; opts.margin, opts.discount, opts.customers, opts.points, opts.prepaid.
  fit.value_of_driver = function(driver, retention, o)
    local t = core.pls_model_find(self.handle, o.target or fit.target)
    local j = core.pls_model_find(self.handle, driver)
    local v = core.pls_value_of_driver(r, j, t, o.points or 1, logit_struct(retention), o.margin,
      o.discount, timing(o), o.customers or 1)
    return fields(v, { "satisfaction", "improved_satisfaction", "retention", "improved_retention",
      "clv", "improved_clv", "gain_per_customer", "customers", "gain" })
  end
  fit.handle = r
  return fit
end

-- ------------------------------------------------------------------ the journey model
-- Results are tables of columns: t.channel[1], t.removal_effect[1], ...,
-- with t.n (rows), t.columns (names in order) and t.scalars (totals).

local function result(handle)
  local out = { n = core.table_rows(handle), columns = {}, scalars = {} }
  for j = 0, core.table_columns(handle) - 1 do
    local name = core.table_column_name(handle, j)
    out.columns[#out.columns + 1] = name
    if core.table_column_type(handle, j) == core.COLUMN_TEXT then
      local col = {}
      for i = 0, out.n - 1 do col[i + 1] = core.table_text(handle, i, name) end
      out[name] = col
    else
      out[name] = core.table_numbers(out.n, handle, name)
    end
  end
  for i = 0, core.table_scalars(handle) - 1 do
    local name = core.table_scalar_name(handle, i)
    out.scalars[name] = core.table_scalar(handle, name)
  end
  return out
end
cxm.result = result

-- Paths: a paths object (cxm.read_paths) or a table of strings "a > b" with counts.
local function paths_of(paths, conversions, opts)
  if type(paths) == "userdata" then return paths end
  local p = core.paths_create(opts and opts.separator or nil)
  core.paths_add_many(p, paths, conversions or {}, (opts and opts.nulls) or {}, (opts and opts.values) or {})
  return p
end

--- Read a path file (path;conversions;value;nulls, ChannelAttribution's names too).
-- opts: path, conversions, value, nulls (column names), separator, delimiter, skip_bad_rows,
-- threads (0: a helper thread when there is a second processor; 1: none).
function cxm.read_paths(filename, opts)
  opts = opts or {}
  local p = core.paths_create(opts.separator)
  core.paths_read_csv(p, filename, opts.path, opts.conversions, opts.value, opts.nulls,
    opts.delimiter and opts.delimiter:byte() or 0, opts.header == false and 0 or 1,
    opts.skip_bad_rows and 1 or 0, opts.threads or 0)
  return p
end

--- Exact Markov attribution. opts: nulls, values (tables), order (1-4), self_loops.
-- Without opts.nulls only converting paths shape the chain.
function cxm.markov_attribution(paths, conversions, opts)
  opts = opts or {}
  local use_nulls = (opts.nulls ~= nil or type(paths) == "userdata") and 1 or 0
  return result(core.attribution_markov(paths_of(paths, conversions, opts), opts.order or 1,
    use_nulls, opts.self_loops and 1 or 0))
end

--- First/last touch, linear, position-based (opts.weights = {first, middle, last}) attribution.
function cxm.heuristic_attribution(paths, conversions, opts)
  opts = opts or {}
  local w = opts.weights or { 0.4, 0.2, 0.4 }
  return result(core.attribution_heuristic(paths_of(paths, conversions, opts), w[1], w[2], w[3],
    opts.half_life or 7))
end

--- Shapley values of the channels.
function cxm.shapley_attribution(paths, conversions, opts)
  return result(core.attribution_shapley(paths_of(paths, conversions, opts)))
end

--- The absorbing decision chain from {{E,B,P,L} from EXPLORE, {E,B,P,L} from BUY}.
function cxm.decision_chain(t)
  local flat = t
  if type(t[1]) == "table" then
    flat = {}
    for _, row in ipairs(t) do for _, v in ipairs(row) do flat[#flat + 1] = v end end
  end
  return result(core.decision_chain(flat))
end

--- Importance-performance quadrants.
function cxm.importance_performance(importance, performance, labels)
  return result(core.importance_performance(importance, performance, labels or {}))
end

--- A journey map from a JSON file.
function cxm.journey_map(filename)
  return core.journey_map_load_json(filename)
end

--- Journeys from a map and an event-log CSV. opts: segment (column), date_format, skip_bad_rows.
function cxm.journeys(map, filename, opts)
  opts = opts or {}
  local j = core.journeys_create(map)
  core.journeys_read_csv(j, filename, opts.customer, opts.time, opts.touchpoint, opts.value,
    opts.rating, opts.valence, opts.segment, opts.delimiter and opts.delimiter:byte() or 0,
    opts.header == false and 0 or 1, opts.skip_bad_rows and 1 or 0, opts.date_format)
  return j
end

--- One analysis of journeys: "customers", "funnel", "decision_chain", "touchpoint_gap",
-- "remembered_gap", "experience_map", "ladder"; level for intervals (0.95).
function cxm.journey_analysis(journeys, what, level)
  level = level or 0.95
  if what == "customers" then return result(core.journeys_customers(journeys)) end
  if what == "decision_chain" then return result(core.journeys_decision_chain(journeys)) end
  if what == "experience_map" then return result(core.journeys_experience_map(journeys, 0)) end
  local f = ({ funnel = core.journeys_funnel, touchpoint_gap = core.journeys_touchpoint_gap,
               remembered_gap = core.journeys_remembered_gap, ladder = core.journeys_ladder })[what]
  if not f then error("unknown journey analysis '" .. tostring(what) .. "'", 2) end
  return result(f(journeys, level))
end

-- Transaction-log summaries -------------------------------------------------

local units = {
  day = { 1, 0 }, week = { 7, 0 }, month = { 1, 1 }, quarter = { 1, 3 }, year = { 1, 12 },
  hour = { 1 / 24, 0 },
}

local function rfm_date(value, format, name)
  if value == nil then return 0 / 0 end
  if type(value) == "number" then return value end
  local ok, days = pcall(core.time_parse, value, nil)
  if ok then return days end
  if format then return core.time_parse(value, format) end
  error(("%s: %s"):format(name, days), 3)
end

--- Summarise a transaction log file: frequency, recency, T, monetary value.
-- opts.customer, opts.date: columns (header names or 1-based numbers), required;
-- opts.amount: amount column; opts.delimiter: one character, "space" (runs of
-- blanks) or nil to detect it; opts.header (default true); opts.date_format
-- (nil: ISO 8601 or YYYYMMDD, "epoch", or a pattern such as "%d/%m/%Y");
-- opts.unit: "day" (default), "week", "month", "quarter", "year", "hour" or a
-- number of days; opts.scale (lifetimes' freq_multiplier); opts.calibration_end,
-- opts.observation_end: dates (text, or days since 1970-01-01);
-- opts.include_first, opts.skip_bad_rows, opts.threads; opts.output: also write
-- the summary as CSV to this path.
-- Returns a table of columns (ids, frequency, recency, T, monetary_value,
-- first_purchase in days since 1970, and with a calibration end
-- frequency_holdout, monetary_value_holdout, duration_holdout), the
-- compressed form `unique` {frequency, recency, T, weight}, and rows, skipped,
-- skipped_messages.
function cxm.rfm(path, opts)
  opts = opts or {}
  if not opts.customer or not opts.date then
    error("cxm.rfm needs opts.customer and opts.date (column names or numbers)", 2)
  end
  local delimiter = 0
  if opts.delimiter == "space" or opts.delimiter == " " then
    delimiter = 32
  elseif opts.delimiter == "tab" then
    delimiter = 9
  elseif opts.delimiter ~= nil then
    if #opts.delimiter ~= 1 then error("opts.delimiter must be one character, 'tab' or 'space'", 2) end
    delimiter = opts.delimiter:byte()
  end
  local unit = opts.unit or "day"
  local unit_days, unit_months
  if type(unit) == "number" then
    unit_days, unit_months = unit, 0
  elseif units[unit] then
    unit_days, unit_months = units[unit][1], units[unit][2]
  else
    error(("opts.unit %q is not day, week, month, quarter, year, hour or a number of days"):format(tostring(unit)), 2)
  end
  local cal = rfm_date(opts.calibration_end, opts.date_format, "calibration_end")
  local obs = rfm_date(opts.observation_end, opts.date_format, "observation_end")
  local handle = core.rfm_read_csv(path, tostring(opts.customer), tostring(opts.date),
    opts.amount and tostring(opts.amount) or "", delimiter, 34, opts.header == false and 0 or 1,
    opts.skip_bad_rows and 1 or 0, opts.date_format or "", unit_days, unit_months, -3,
    opts.scale or 1, cal, obs, opts.include_first and 1 or 0, opts.threads or 0)
  local n = core.rfm_size(handle)
  local out = { ids = {}, unique = {}, skipped_messages = {} }
  for i = 1, n do out.ids[i] = core.rfm_id(handle, i - 1) end
  local fields = { frequency = core.RFM_FREQUENCY, recency = core.RFM_RECENCY, T = core.RFM_T,
                   first_purchase = core.RFM_FIRST_PURCHASE }
  if opts.amount then fields.monetary_value = core.RFM_MONETARY_VALUE end
  if cal == cal then
    fields.frequency_holdout = core.RFM_FREQUENCY_HOLDOUT
    fields.duration_holdout = core.RFM_DURATION_HOLDOUT
    if opts.amount then fields.monetary_value_holdout = core.RFM_MONETARY_VALUE_HOLDOUT end
  end
  for name, field in pairs(fields) do out[name] = core.rfm_column(n, handle, field) end
  local m = core.rfm_unique_size(handle)
  for name, field in pairs({ frequency = core.RFM_FREQUENCY, recency = core.RFM_RECENCY,
                             T = core.RFM_T, weight = core.RFM_WEIGHT }) do
    out.unique[name] = core.rfm_unique_column(m, handle, field)
  end
  out.rows = core.rfm_stat(handle, core.RFM_ROWS)
  out.skipped = core.rfm_stat(handle, core.RFM_SKIPPED)
  local i = 0
  while true do
    local message = core.rfm_skipped_message(handle, i)
    if not message then break end
    i = i + 1
    out.skipped_messages[i] = message
  end
  if opts.output then core.rfm_write_csv(handle, opts.output) end
  return out
end

--- Days since 1970-01-01 of a date: ISO 8601 by default, or in a format such as "%d/%m/%Y".
function cxm.time_parse(text, format)
  return core.time_parse(text, format)
end

--- Buy-till-you-die models (BG/NBD, MBG/NBD, Gamma-Gamma): the model engine.
--
--   local m = cxm.model("bgnbd")                   -- or cxm.model("gg"), cxm.model("mbgnbd")
--   m:fit(x, t_x, T)                               -- tables; opts.weights, opts.penalty
--   m:params()                                      --> { r = 0.2426, alpha = 4.4135, ... }
--   m:p_alive(x, t_x, T)                            -- numbers or tables (broadcast)
--   m:conditional_purchases(39, x, t_x, T)
--   local gg = cxm.model("gg"); gg:fit_spend(x, mean_spend)
--   gg:lifetime_value(m, x, t_x, T, mean_spend,        -- months of a model in weeks
--                     { period = cxm.DAYS_PER_MONTH / 7, periods = 12, discount = 0.01 })
local Model = {}
Model.__index = Model

local function wrap_model(handle)
  return setmetatable({ handle = handle }, Model)
end

--- A new model of a kind ("bgnbd", "mbgnbd", "gg"), optionally with given parameters.
function cxm.model(kind, params)
  local m = wrap_model(core.model_create_named(kind))
  if params then m:set_params(params) end
  return m
end

--- A model from JSON text (as written by m:to_json()).
function cxm.model_from_json(text) return wrap_model(core.model_from_json(text)) end
--- A model from a file written by m:save(path) or `cxm fit -o`.
function cxm.load_model(path) return wrap_model(core.model_load(path)) end

function Model:kind() return core.model_kind_name(core.model_get_kind(self.handle)) end

function Model:param_names()
  local names = {}
  for i = 0, core.model_param_count(self.handle) - 1 do
    names[#names + 1] = core.model_param_name(self.handle, i)
  end
  return names
end

--- Parameters by name ({ r = ..., alpha = ... }) or in order ({ 0.24, 4.4, 0.79, 2.4 }).
function Model:set_params(params)
  local values = {}
  for i, name in ipairs(self:param_names()) do
    local v = params[name] or params[i]
    if v == nil then error("parameter '" .. name .. "' is missing", 2) end
    values[i] = v
  end
  core.model_set_params(self.handle, values)
  return self
end

local function named(names, values)
  local out = {}
  for i, name in ipairs(names) do out[name] = values[i] end
  return out
end

function Model:params()
  return named(self:param_names(), core.model_params(#self:param_names(), self.handle))
end

function Model:standard_errors()
  return named(self:param_names(), core.model_standard_errors(#self:param_names(), self.handle))
end

function Model:log_likelihood() return core.model_log_likelihood(self.handle) end
--- The correlation of the purchase and dropout rates of a "pnbd-cor" model.
function Model:rate_correlation() return core.model_rate_correlation(self.handle) end
--- Likelihood-ratio test of this fit within a fuller one (e.g. with covariates):
-- statistic, degrees of freedom, p value.
function Model:likelihood_ratio(full)
  return core.model_likelihood_ratio(self.handle, full.handle)
end
function Model:aic() return core.model_aic(self.handle) end
function Model:bic() return core.model_bic(self.handle) end
function Model:message() return core.model_fit_message(self.handle) end

--- How the last fit ended: reason (number, see cxm/model.h), iterations, evaluations, ...
function Model:report()
  local r = core.model_fit_report(self.handle, 8)
  return { reason = r[1], iterations = r[2], evaluations = r[3], gradient_norm = r[4],
           log_likelihood = r[5], observations = r[6], rows = r[7], skipped = r[8] }
end

local function fit_options(opts)
  opts = opts or {}
  return opts.weights or {}, opts.penalty or 0, opts.max_iterations or 0, opts.tolerance or 0,
    opts.threads or 0, opts.warm_start and core.FIT_WARM_START or 0
end

--- Fit a purchase model on tables x, t_x, T. opts: weights, penalty, max_iterations,
-- tolerance, threads, warm_start. Errors (no convergence, a bad row) are raised.
function Model:fit(x, t_x, T, opts)
  core.model_fit(self.handle, x, t_x, T, fit_options(opts))
  return self
end

--- Fit BG/CNBD-k or MBG/CNBD-k (cxm.model("bgcnbd"), cxm.model("mbgcnbd")) on tables x,
-- t_x, T and litt (each customer's sum of log inter-purchase times). opts.k fixes the
-- regularity; without it k is chosen by likelihood among 1..12. Other opts as fit().
function Model:fit_regular(x, t_x, T, litt, opts)
  core.model_set_regularity(self.handle, (opts and opts.k) or 0)
  core.model_fit_regular(self.handle, x, t_x, T, litt, fit_options(opts))
  return self
end

--- Total log-likelihood of BG/CNBD-k or MBG/CNBD-k data at the model's parameters.
function Model:log_likelihood_regular(x, t_x, T, litt, weights)
  return core.model_log_likelihood_regular(self.handle, x, t_x, T, litt, weights or {})
end

--- Wheat & Morrison's (1990) regularity estimate from a transaction log: tables of
-- customer codes (whole numbers) and times. Returns the estimate and the customers used.
function cxm.estimate_regularity(customer, time)
  return core.estimate_regularity(customer, time)
end

--- Fit a Gamma-Gamma model on tables x and mean_spend (rows with x = 0 are skipped).
function Model:fit_spend(x, mean_spend, opts)
  core.model_fit_spend(self.handle, x, mean_spend, fit_options(opts))
  return self
end

-- A prediction over broadcast arguments: numbers give a number, tables a table.
local function predict(fn, ...)
  local count = select("#", ...)
  local packed = table.pack(broadcast(...))
  if not packed[1] then
    local args = table.pack(...)
    for i = 1, count do args[i] = { args[i] } end
    return fn(1, table.unpack(args, 1, count))[1]
  end
  return fn(packed[1], table.unpack(packed, 2, count + 1))
end

function Model:p_alive(x, t_x, T)
  return predict(function(n, ...) return core.model_p_alive(n, self.handle, ...) end, x, t_x, T)
end

-- A prediction with two results (lower and upper ends) over broadcast arguments.
local function predict_pair(fn, ...)
  local count = select("#", ...)
  local packed = table.pack(broadcast(...))
  if not packed[1] then
    local args = table.pack(...)
    for i = 1, count do args[i] = { args[i] } end
    local lower, upper = fn(1, table.unpack(args, 1, count))
    return lower[1], upper[1]
  end
  return fn(packed[1], table.unpack(packed, 2, count + 1))
end

--- Interval of P(alive) at level (default 0.95) from the fit's covariance (delta method,
-- docs/models.md section 1.10): returns lower, upper (numbers or tables).
function Model:p_alive_interval(x, t_x, T, level)
  return predict_pair(function(n, ...)
    return core.model_p_alive_interval(self.handle, n, n, level or 0.95, ...)
  end, x, t_x, T)
end

--- Interval of the conditional expected purchases E[Y(t) | x, t_x, T]: lower, upper.
function Model:conditional_purchases_interval(t, x, t_x, T, level)
  return predict_pair(function(n, ...)
    return core.model_conditional_purchases_interval(self.handle, n, n, level or 0.95, ...)
  end, t, x, t_x, T)
end

function Model:expected_purchases(t)
  return predict(function(n, ...) return core.model_expected_purchases(n, self.handle, ...) end, t)
end

function Model:conditional_purchases(t, x, t_x, T)
  return predict(function(n, ...) return core.model_conditional_purchases(n, self.handle, ...) end,
    t, x, t_x, T)
end

function Model:purchase_probability(count, t)
  return predict(function(n, ...) return core.model_purchase_probability(n, self.handle, ...) end,
    count, t)
end

--- P(count purchases in the next t | x, t_x, T): BG/NBD, MBG/NBD, Pareto/NBD.
function Model:conditional_purchase_probability(count, t, x, t_x, T)
  return predict(function(n, ...)
    return core.model_conditional_purchase_probability(n, self.handle, ...)
  end, count, t, x, t_x, T)
end

--- Discounted expected residual transactions at a continuous rate per time unit.
function Model:dert(rate, x, t_x, T)
  return predict(function(n, ...) return core.model_dert(n, self.handle, rate, ...) end,
    x, t_x, T)
end

function Model:expected_spend(x, mean_spend)
  return predict(function(n, ...) return core.model_expected_spend(n, self.handle, ...) end,
    x, mean_spend)
end

function Model:mean_spend() return core.model_mean_spend(self.handle) end

--- Lifetime value with this Gamma-Gamma model's expected spend and a purchase model:
-- opts.period (required, in the purchase model's time unit), periods, discount, margin.
function Model:lifetime_value(purchases, x, t_x, T, mean_spend, opts)
  opts = opts or {}
  if not opts.period then error("opts.period (the period length in model time units) is required", 2) end
  local value = self:expected_spend(x, mean_spend)
  local scalar = type(x) ~= "table" and type(t_x) ~= "table" and type(T) ~= "table"
  local n, a, b, c, d = broadcast(x, t_x, T, value)
  if not n then n, a, b, c, d = 1, { x }, { t_x }, { T }, { value } end
  local out = core.model_lifetime_value(purchases.handle, n, a, b, c, d, opts.period,
    opts.periods or 12, opts.discount or 0.01, opts.margin or 1)
  return scalar and out[1] or out
end

--- Interval of the lifetime value (arguments as lifetime_value; opts.level, default 0.95):
-- lower, upper. The purchase model's parameter uncertainty; the spend is taken as known.
function Model:lifetime_value_interval(purchases, x, t_x, T, mean_spend, opts)
  opts = opts or {}
  if not opts.period then error("opts.period (the period length in model time units) is required", 2) end
  local value = self:expected_spend(x, mean_spend)
  return predict_pair(function(n, a, b, c, d)
    return core.model_lifetime_value_interval(purchases.handle, n, n, opts.level or 0.95, a, b, c,
      d, opts.period, opts.periods or 12, opts.discount or 0.01, opts.margin or 1)
  end, x, t_x, T, value)
end

--- Static covariates (docs/models.md §1.11): names of the purchase-process and the
-- dropout-process covariates (tables of strings; {} for none). The model becomes empty;
-- the effects are parameters named "purchase.<name>" and "dropout.<name>".
function Model:set_covariates(purchase, dropout)
  core.model_set_covariates(self.handle, purchase or {}, dropout or {})
  return self
end

--- One effect for covariates of both processes (a table of names; CLVTools' names.cov.constr).
function Model:share_covariates(names)
  core.model_share_covariates(self.handle, names or {})
  return self
end

--- The numbers of purchase and dropout covariates.
function Model:covariate_count() return core.model_covariate_count(self.handle) end

-- Rows of covariates ({ {1, 0}, {0, 1}, ... }, one row per customer) as one flat table.
local function flat_rows(rows, n, width, what)
  local out = {}
  if width == 0 then return out end
  if type(rows) ~= "table" or #rows ~= n then
    error(("%s covariates: %d rows expected, one per customer"):format(what, n), 3)
  end
  for i = 1, n do
    local row = rows[i]
    if type(row) ~= "table" or #row ~= width then
      error(("%s covariates: row %d must hold %d numbers"):format(what, i, width), 3)
    end
    for c = 1, width do out[#out + 1] = row[c] end
  end
  return out
end

--- Fit with covariates (set_covariates first): purchase and dropout are tables of rows,
-- one per customer. opts as for fit, plus purchase_penalty and dropout_penalty (L2 on the
-- effects, CLVTools' reg.lambdas).
function Model:fit_covariates(x, t_x, T, purchase, dropout, opts)
  local kp, kd = self:covariate_count()
  local weights, penalty, iterations, tolerance, threads, flags = fit_options(opts)
  core.model_fit_covariates(self.handle, x, t_x, T, flat_rows(purchase, #x, kp, "purchase"),
    flat_rows(dropout, #x, kd, "dropout"), weights, opts and opts.purchase_penalty or 0,
    opts and opts.dropout_penalty or 0, penalty, iterations, tolerance, threads, flags)
  return self
end

--- One customer's own model (no covariates; every prediction applies to it), from the
-- customer's purchase and dropout covariates (tables of numbers).
function Model:for_customer(purchase, dropout)
  return wrap_model(core.model_for_customer(self.handle, purchase or {}, dropout or {}))
end

-- Time-varying covariates (Pareto/NBD with covariates; docs/models.md section 1.13).
-- data = { x = {...}, t_x = {...}, T = {...}, segments = {segments per customer},
--   ends = {each segment's end, customer time}, counts = {repeat purchases per segment},
--   purchase = {one row of purchase covariates per segment}, dropout = {...} }.
local function dynamic_arrays(model, data, with_counts)
  local kp, kd = model:covariate_count()
  if type(data) ~= "table" or type(data.ends) ~= "table" then
    error("time-varying covariate data: a table with x, t_x, T, segments, ends, counts, "
      .. "purchase and dropout", 3)
  end
  local rows = #data.ends
  local x = data.x or {}
  return x, data.t_x or x, data.T, data.segments, data.ends,
    with_counts and (data.counts or {}) or {},
    flat_rows(data.purchase, rows, kp, "purchase"), flat_rows(data.dropout, rows, kd, "dropout")
end

--- Fit the time-varying covariates model (set_covariates first on a Pareto/NBD model).
-- opts as for fit_covariates.
function Model:fit_dynamic(data, opts)
  local weights, penalty, iterations, tolerance, threads, flags = fit_options(opts)
  local x, t_x, T, per, ends, counts, zp, zd = dynamic_arrays(self, data, true)
  core.model_fit_dynamic(self.handle, x, t_x, T, per, ends, counts, zp, zd, weights,
    opts and opts.purchase_penalty or 0, opts and opts.dropout_penalty or 0, penalty,
    iterations, tolerance, threads, flags)
  return self
end

--- Each customer's log-likelihood under the time-varying covariates model.
function Model:dynamic_log_likelihood(data)
  local x, t_x, T, per, ends, counts, zp, zd = dynamic_arrays(self, data, true)
  return core.model_dynamic_predict(self.handle, 0, #x, {}, x, t_x, T, per, ends, counts, zp, zd)
end

--- Each customer's P(alive) at T given its covariates up to T.
function Model:dynamic_p_alive(data)
  local x, t_x, T, per, ends, counts, zp, zd = dynamic_arrays(self, data, false)
  return core.model_dynamic_predict(self.handle, 1, #x, {}, x, t_x, T, per, ends, counts, zp, zd)
end

--- Each customer's expected purchases in (T, T + t] (t a number or a table), given its
-- covariates up to T + t (its segments must reach that far).
function Model:dynamic_conditional_purchases(t, data)
  local x, t_x, T, per, ends, counts, zp, zd = dynamic_arrays(self, data, false)
  local horizon = t
  if type(t) ~= "table" then
    horizon = {}
    for i = 1, #x do horizon[i] = t end
  end
  return core.model_dynamic_predict(self.handle, 2, #x, horizon, x, t_x, T, per, ends, counts,
    zp, zd)
end

--- Customers drawn on data's segments and T: tables x, t_x, counts (per segment) and
-- alive (1 or 0).
function Model:dynamic_simulate(data, seed)
  local kp, kd = self:covariate_count()
  local rows, n = #data.ends, #data.T
  return core.model_dynamic_simulate(self.handle, n, n, rows, n, data.T, data.segments,
    data.ends, flat_rows(data.purchase, rows, kp, "purchase"),
    flat_rows(data.dropout, rows, kd, "dropout"), seed)
end

--- Simulated customers observed for T (a table): returns tables x and t_x.
function Model:simulate(T, seed)
  return core.model_simulate(self.handle, #T, #T, T, seed)
end

--- The repeat purchase times of m:simulate(T, seed)'s customers, customer after customer:
-- count must be the sum of their x.
function Model:simulate_times(T, seed, count)
  return core.model_simulate_times(self.handle, count, T, seed)
end

--- The hidden side of m:simulate(T, seed)'s customers: tables of the purchase parameter
-- (lambda; p for BG/BB), the dropout parameter (p, mu or theta) and alive (1 or 0).
function Model:simulate_latent(T, seed)
  return core.model_simulate_latent(self.handle, #T, #T, #T, T, seed)
end

function Model:to_json() return core.model_to_json(self.handle) end
function Model:save(path) core.model_save(self.handle, path) end

--- Subscriptions (sBG, a model of kind "sbg"): fit on survivor counts of a cohort or on
-- tenures with right-censoring, then survival, retention, DEL and DERL.
--
--   local sbg = cxm.model("sbg"):fit_survivors({ 1000, 631, 468, 382, 326, 289, 262, 241 })
--   sbg:survival(12) * 1000                         --> about 170
--   sbg:del(0.1)                                    -- discounted expected lifetime
--   sbg:derl(0.1, { 0, 4 })                          -- after 0 and 4 renewals
function Model:fit_survivors(counts, opts)
  core.model_fit_survivors(self.handle, counts, select(2, fit_options(opts)))
  return self
end

--- periods (tenure in whole periods) and active (1 still subscribed, 0 cancelled) tables.
function Model:fit_durations(periods, active, opts)
  core.model_fit_durations(self.handle, periods, active, fit_options(opts))
  return self
end

function Model:survival(t)
  return predict(function(n, ...) return core.model_survival(n, self.handle, ...) end, t)
end

function Model:retention(t)
  return predict(function(n, ...) return core.model_retention(n, self.handle, ...) end, t)
end

function Model:churn_probability(t)
  return predict(function(n, ...) return core.model_churn_probability(n, self.handle, ...) end, t)
end

function Model:del(discount) return core.model_del(self.handle, discount) end

function Model:derl(discount, renewals)
  return predict(function(n, ...) return core.model_derl(n, self.handle, discount, ...) end,
    renewals)
end

function Model:subscription_value(margin, discount, renewals)
  return predict(function(n, ...)
    return core.model_subscription_value(n, self.handle, margin, discount, ...)
  end, renewals)
end

-- ------------------------------------------------------------------ chunked work (cxm/chunk.h)
-- What an engine that cuts data into chunks needs (docs/chunked.md).

local function four(columns)
  return columns[1] or {}, columns[2] or {}, columns[3] or {}, columns[4] or {}
end

--- The chunk results of some rows at params (a list in param_names() order): a list
-- {weight, rows, log-likelihood, gradient..., Hessian...} that adds up over chunks.
-- columns: a list of the kind's column tables (x, t_x, T; x, mean_spend; ...).
-- opts: weights (a table), order (0, 1 or 2; default 2); for a model with covariates
-- purchase and dropout, tables of rows as for fit_covariates.
function Model:chunk_loglik(params, columns, opts)
  opts = opts or {}
  local a, b, c, d = four(columns)
  local kp, kd = self:covariate_count()
  local size = core.model_chunk_size(self.handle)
  if kp + kd > 0 then
    return core.model_chunk_loglik_covariates(self.handle, size, params, opts.order or 2, a, b,
      c, flat_rows(opts.purchase, #a, kp, "purchase"), flat_rows(opts.dropout, #a, kd, "dropout"),
      opts.weights or {})
  end
  return core.model_chunk_loglik(self.handle, size, params, opts.order or 2, a, b, c, d,
    opts.weights or {})
end

--- Where a fit of these rows starts (a table by parameter name). opts: weights, penalty;
-- for a model with covariates purchase and dropout (tables of rows), purchase_penalty
-- and dropout_penalty.
function Model:start(columns, opts)
  opts = opts or {}
  local a, b, c, d = four(columns)
  local kp, kd = self:covariate_count()
  local p = #self:param_names()
  if kp + kd > 0 then
    return named(self:param_names(), core.model_start_covariates(self.handle, p, a, b, c,
      flat_rows(opts.purchase, #a, kp, "purchase"), flat_rows(opts.dropout, #a, kd, "dropout"),
      opts.weights or {}, opts.penalty or 0, opts.purchase_penalty or 0,
      opts.dropout_penalty or 0, opts.threads or 0, 0))
  end
  return named(self:param_names(), core.model_start(self.handle, p, a, b, c, d,
    opts.weights or {}, opts.penalty or 0, opts.threads or 0, 0))
end

--- Make the model fitted with estimates found elsewhere: params and covariance (p*p,
-- row-major) as lists; report: log_likelihood, observations, rows, iterations,
-- evaluations, gradient_norm, penalty.
function Model:set_fit(params, covariance, report)
  core.model_set_fit(self.handle, params, covariance, report.penalty or 0, report.log_likelihood,
    report.observations, report.rows or 0, report.iterations or 0, report.evaluations or 0,
    report.gradient_norm or 0)
  return self
end

--- Transition counts of paths (arguments as cxm.markov_attribution), as a string of bytes
-- that cxm.merge_markov_counts and cxm.markov_attribution_counts read.
function cxm.markov_counts(paths, conversions, opts)
  opts = opts or {}
  local use_nulls = (opts.nulls ~= nil or type(paths) == "userdata") and 1 or 0
  return core.markov_counts_save(core.markov_counts_create(paths_of(paths, conversions, opts),
    opts.order or 1, use_nulls, opts.self_loops and 1 or 0))
end

--- Counts strings merged in their order, as one counts string.
function cxm.merge_markov_counts(first, ...)
  local merged = core.markov_counts_load(first)
  for _, more in ipairs({ ... }) do core.markov_counts_merge(merged, core.markov_counts_load(more)) end
  return core.markov_counts_save(merged)
end

--- Exact Markov attribution of counted paths (a counts string).
function cxm.markov_attribution_counts(counts)
  return result(core.attribution_markov_counts(core.markov_counts_load(counts)))
end

-- The simulated world (cxm/sim.h) --------------------------------------------

--- Simulate a world. opts: settings (JSON text changing the built-in world, or
-- nil), settings_file, customers, seed, quality ({touchpoint = q}). Returns a
-- world w: w:events(), w:transactions(), w:survey(), w:customers() (tables of
-- columns, as cxm.result), w:journeys() (for cxm.journey_analysis),
-- w:journey_map(), w:write(directory), w:settings() (JSON text).
function cxm.simulate(opts)
  opts = opts or {}
  local s
  if opts.settings_file then
    s = core.sim_settings_load_json(opts.settings_file)
  elseif opts.settings then
    s = core.sim_settings_parse_json(opts.settings, "settings")
  else
    s = core.sim_settings_default()
  end
  if opts.customers then core.sim_settings_set_customers(s, opts.customers) end
  if opts.seed then core.sim_settings_set_seed(s, opts.seed) end
  for id, q in pairs(opts.quality or {}) do core.sim_settings_set_quality(s, id, q) end
  local handle = core.sim_run(s)
  local world = { handle = handle, settings_handle = s }
  function world:events() return result(core.sim_events(self.handle)) end
  function world:transactions() return result(core.sim_transactions(self.handle)) end
  function world:survey() return result(core.sim_survey(self.handle)) end
  function world:customers() return result(core.sim_customers(self.handle)) end
  function world:journeys() return core.sim_journeys(self.handle) end
  function world:journey_map() return core.sim_journey_map(self.handle) end
  function world:write(directory) core.sim_write(self.handle, directory) end
  function world:settings() return core.sim_settings_to_json(self.settings_handle) end
  return world
end

return cxm
