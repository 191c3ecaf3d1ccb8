-- BG/CNBD-k and MBG/CNBD-k from Lua: k = 1 is BG/NBD, k chosen on simulated data, the
-- regularity estimate.
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

-- k = 1: BG/NBD's likelihood whatever litt is.
local bg = cxm.model("bgnbd", { r = 0.24, alpha = 4.4, a = 0.79, b = 2.4 })
local c1 = cxm.model("bgcnbd", { r = 0.24, alpha = 4.4, a = 0.79, b = 2.4, k = 1 })
local x, t_x, T, litt = { 0, 1, 3 }, { 0, 5, 20 }, { 30, 30, 30 }, { 0, math.log(5), 1.0 }
local l4 = require("cxm_core").model_log_likelihood_of(bg.handle, x, t_x, T, {})
local l5 = c1:log_likelihood_regular(x, t_x, T, litt)
check("k = 1 is BG/NBD", math.abs(l4 - l5) <= 1e-12 * math.abs(l4), l4 .. " " .. l5)
check("P(alive) k = 1", math.abs(bg:p_alive(3, 20, 30) - c1:p_alive(3, 20, 30)) < 1e-12)

-- 4000 MBG/CNBD-3 customers with every purchase time: k = 3 comes back.
local truth = cxm.model("mbgcnbd", { r = 1.2, alpha = 3.0, a = 0.8, b = 2.5, k = 3 })
local n = 4000
local Ts = {}
for i = 1, n do Ts[i] = 52 end
local sx, stx = truth:simulate(Ts, 5)
local total = 0
for i = 1, n do total = total + sx[i] end
local times = truth:simulate_times(Ts, 5, total)
local ls, cust, tt = {}, {}, {}
local at = 1
for i = 1, n do
  local prev, sum = 0, 0
  cust[#cust + 1], tt[#tt + 1] = i, 0
  for _ = 1, sx[i] do
    sum = sum + math.log(times[at] - prev)
    prev = times[at]
    cust[#cust + 1], tt[#tt + 1] = i, times[at]
    at = at + 1
  end
  ls[i] = sum
end
local m = cxm.model("mbgcnbd"):fit_regular(sx, stx, Ts, ls)
check("k chosen", m:params().k == 3, m:message())
local fixed = cxm.model("mbgcnbd"):fit_regular(sx, stx, Ts, ls, { k = 1 })
check("k fixed", fixed:params().k == 1)
check("k = 3 fits better", m:log_likelihood() > fixed:log_likelihood())
local k_hat, used = cxm.estimate_regularity(cust, tt)
check("regularity estimate", math.abs(k_hat - 3) < 0.6, k_hat)
check("customers used", used > 1000, used)

if failures > 0 then
  print(failures .. " failure(s)")
  os.exit(1)
end
