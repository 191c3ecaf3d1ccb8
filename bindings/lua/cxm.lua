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

return cxm
