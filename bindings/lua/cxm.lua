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

return cxm
