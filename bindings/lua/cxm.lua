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

--- Buy-till-you-die models (BG/NBD, MBG/NBD, Gamma-Gamma): the model engine.
--
--   local m = cxm.model("bgnbd")                   -- or cxm.model("gg"), cxm.model("mbgnbd")
--   m:fit(x, t_x, T)                               -- tables; opts.weights, opts.penalty
--   m:params()                                      --> { r = 0.2426, alpha = 4.4135, ... }
--   m:p_alive(x, t_x, T)                            -- numbers or tables (broadcast)
--   m:conditional_purchases(39, x, t_x, T)
--   local gg = cxm.model("gg"); gg:fit_spend(x, mean_spend)
--   gg:lifetime_value(m, x, t_x, T, mean_spend, { period = 52 / 12, periods = 12, discount = 0.01 })
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
  return named(self:param_names(), core.model_params(self.handle, #self:param_names()))
end

function Model:standard_errors()
  return named(self:param_names(), core.model_standard_errors(self.handle, #self:param_names()))
end

function Model:log_likelihood() return core.model_log_likelihood(self.handle) end
function Model:aic() return core.model_aic(self.handle) end
function Model:bic() return core.model_bic(self.handle) end
function Model:message() return core.model_fit_message(self.handle) end

--- How the last fit ended: reason (number, see cxm/model.h), iterations, evaluations, ...
function Model:report()
  local r = core.model_fit_report(self.handle, 7)
  return { reason = r[1], iterations = r[2], evaluations = r[3], gradient_norm = r[4],
           log_likelihood = r[5], observations = r[6], rows = r[7] }
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
  return predict(function(n, ...) return core.model_p_alive(self.handle, n, ...) end, x, t_x, T)
end

function Model:expected_purchases(t)
  return predict(function(n, ...) return core.model_expected_purchases(self.handle, n, ...) end, t)
end

function Model:conditional_purchases(t, x, t_x, T)
  return predict(function(n, ...) return core.model_conditional_purchases(self.handle, n, ...) end,
    t, x, t_x, T)
end

function Model:purchase_probability(count, t)
  return predict(function(n, ...) return core.model_purchase_probability(self.handle, n, ...) end,
    count, t)
end

--- Discounted expected residual transactions at a continuous rate per time unit.
function Model:dert(rate, x, t_x, T)
  return predict(function(n, ...) return core.model_dert(self.handle, n, rate, ...) end,
    x, t_x, T)
end

function Model:expected_spend(x, mean_spend)
  return predict(function(n, ...) return core.model_expected_spend(self.handle, n, ...) end,
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

--- Simulated customers observed for T (a table): returns tables x and t_x.
function Model:simulate(T, seed)
  return core.model_simulate(self.handle, #T, #T, T, seed)
end

function Model:to_json() return core.model_to_json(self.handle) end
function Model:save(path) core.model_save(self.handle, path) end

return cxm
