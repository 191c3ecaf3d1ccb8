-- Pareto/NBD with time-varying covariates from Lua: every effect 0 is the Pareto/NBD,
-- a fit on simulated customers finds the effects, errors name the customer.
local cxm = require "cxm"

local failures = 0
local function check(name, condition, detail)
  if condition then
    print("ok: " .. name)
  else
    failures = failures + 1
    print("FAIL: " .. name .. (detail and (": " .. tostring(detail)) or ""))
  end
end

-- 3000 customers over 30 weeks, one segment per week (the first partial).
local n, data = 3000, { x = {}, t_x = {}, T = {}, segments = {}, ends = {}, counts = {},
                        purchase = {}, dropout = {} }
for i = 1, n do
  local join = (i % 40) / 10
  data.T[i] = 30 - join
  local k, e = 0, math.ceil(join + 1e-9) - join
  while true do
    k = k + 1
    data.ends[#data.ends + 1] = e
    local week = #data.ends
    data.purchase[#data.purchase + 1] = { math.sin(week / 3), (i % 2) }
    data.dropout[#data.dropout + 1] = { math.cos(week * 1.7 + i) }
    if e >= data.T[i] then break end
    e = e + 1
  end
  data.segments[i] = k
end

local truth = cxm.model("pareto-nbd")
truth:set_covariates({ "season", "group" }, { "z" })
truth:set_params({ 0.8, 6.0, 0.7, 15.0, 0.5, -0.4, 0.6 })
local x, t_x, counts, alive = truth:dynamic_simulate(data, 3)
data.x, data.t_x, data.counts = x, t_x, counts
check("simulated", #x == n and #counts == #data.ends)

local fit = cxm.model("pareto-nbd")
fit:set_covariates({ "season", "group" }, { "z" })
fit:fit_dynamic(data)
local est, se = fit:params(), fit:standard_errors()
local want = { r = 0.8, alpha = 6.0, s = 0.7, beta = 15.0, ["purchase.season"] = 0.5,
               ["purchase.group"] = -0.4, ["dropout.z"] = 0.6 }
for name, value in pairs(want) do
  check(name .. " within 3 standard errors", math.abs(est[name] - value) < 3 * se[name],
    est[name] .. " " .. se[name])
end
local p = fit:dynamic_p_alive(data)
local ok = true
for i = 1, n do ok = ok and p[i] >= 0 and p[i] <= 1 end
check("P(alive) in [0, 1]", ok)

-- Every effect 0: the Pareto/NBD's P(alive).
local zero = cxm.model("pareto-nbd")
zero:set_covariates({ "season", "group" }, { "z" })
zero:set_params({ 0.8, 6.0, 0.7, 15.0, 0, 0, 0 })
local plain = cxm.model("pareto-nbd", { r = 0.8, alpha = 6.0, s = 0.7, beta = 15.0 })
local pz = zero:dynamic_p_alive(data)
local worst = 0
for i = 1, 50 do
  worst = math.max(worst, math.abs(pz[i] - plain:p_alive(x[i], t_x[i], data.T[i])))
end
check("zero effects are the Pareto/NBD", worst < 1e-12, worst)

-- Predictions need the covariates' future: the first customer's segments end at T (Lua counts from 1).
local okp, err = pcall(function() return fit:dynamic_conditional_purchases(5, data) end)
check("horizon beyond the covariates", not okp and tostring(err):find("element 1: the segments end at") ~= nil, err)

if failures > 0 then os.exit(1) end
