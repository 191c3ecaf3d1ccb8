-- Pareto/NBD, BG/BB and sBG from Lua: the published numbers, the heavy buyer, errors.
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
local function near(a, b, tol) return math.abs(a - b) <= (tol or 1e-9) end

local top = os.getenv("top_srcdir") or ".."

-- Pareto/NBD on CDNOW
local x, t_x, T = {}, {}, {}
local file = assert(io.open(top .. "/tests/data/cdnow_customers_summary.csv"))
file:read("l")
for line in file:lines() do
  local _, a, b, c = line:match("^(%d+),([^,]+),([^,]+),([^,\r]+)")
  if a then x[#x + 1], t_x[#t_x + 1], T[#T + 1] = tonumber(a), tonumber(b), tonumber(c) end
end
file:close()
local pnbd = cxm.model("pareto-nbd"):fit(x, t_x, T)
local p = pnbd:params()
check("pnbd r", near(p.r, 0.553, 5e-4), p.r)
check("pnbd alpha", near(p.alpha, 10.578, 5e-4), p.alpha)
check("pnbd s", near(p.s, 0.606, 5e-4), p.s)
check("pnbd beta", near(p.beta, 11.669, 0.02), p.beta)
check("pnbd LL", near(pnbd:log_likelihood(), -9595.0, 0.1), pnbd:log_likelihood())
local heavy = pnbd:p_alive(221, 103.4, 103.6)
check("heavy buyer P(alive) in [0, 1]", heavy >= 0 and heavy <= 1, heavy)
local counts = {}
for n = 0, 399 do counts[#counts + 1] = n end
local total = 0
for _, v in ipairs(pnbd:conditional_purchase_probability(counts, 39, 2, 30.43, 38.86)) do
  total = total + v
end
check("conditional P(X = n) sums to 1", near(total, 1, 1e-10), total)
check("conditional P(X = n) of a new customer",
  near(pnbd:conditional_purchase_probability(1, 39, 0, 0, 0), pnbd:purchase_probability(1, 39), 1e-15))

-- BG/BB on the donations
local fx, ftx, fn, fw = {}, {}, {}, {}
file = assert(io.open(top .. "/tests/data/donations.csv"))
file:read("l")
for line in file:lines() do
  local a, b, c, d = line:match("^([^,]+),([^,]+),([^,]+),([^,\r]+)")
  if a then
    fx[#fx + 1], ftx[#ftx + 1], fn[#fn + 1], fw[#fw + 1] = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
  end
end
file:close()
local bgbb = cxm.model("bgbb"):fit(fx, ftx, fn, { weights = fw })
local q = bgbb:params()
check("bgbb alpha", near(q.alpha, 1.204, 5e-4), q.alpha)
check("bgbb delta", near(q.delta, 2.783, 5e-4), q.delta)
check("bgbb LL", near(bgbb:log_likelihood(), -33225.6, 0.1), bgbb:log_likelihood())
local next5 = bgbb:conditional_purchases(5, fx, ftx, fn)
local total = 0
for i = 1, #next5 do total = total + next5[i] * fw[i] end
check("sum of next 5 opportunities", near(total, 12884.2, 0.5), total)

-- sBG on the Regular cohort
local sbg = cxm.model("sbg"):fit_survivors({ 1000, 631, 468, 382, 326, 289, 262, 241 })
local s = sbg:params()
check("sbg alpha", near(s.alpha, 0.704, 5e-4), s.alpha)
check("sbg beta", near(s.beta, 1.182, 5e-4), s.beta)
check("year 12", near(1000 * sbg:survival(12), 170, 0.5), 1000 * sbg:survival(12))
check("retention table", #sbg:retention({ 1, 2, 3 }) == 3)
local del = sbg:del(0.1)
local sum, st = 0, 1
for t = 0, 3000 do
  sum = sum + sbg:survival(t) / 1.1 ^ t
end
check("DEL = direct sum", near(del, sum, 1e-9 * sum), del .. " vs " .. sum)
check("value", near(sbg:subscription_value(50, 0.1, 0), 50 * sbg:derl(0.1, 0), 1e-9))
local ok, err = pcall(function() return cxm.model("sbg"):fit_survivors({ 100, 120 }) end)
check("growing counts are an error", not ok and tostring(err):find("cannot grow"), err)

if failures > 0 then os.exit(1) end
