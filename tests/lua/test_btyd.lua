-- The BTYD models from Lua: CDNOW (docs/models.md §1.4, §1.7), errors, persistence.
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
local x, t_x, T, m = {}, {}, {}, {}
local file = assert(io.open(top .. "/tests/data/cdnow_customers_summary_with_transactions.csv"))
file:read("l")
for line in file:lines() do
  local _, a, b, c, d = line:match("^(%d+),([^,]+),([^,]+),([^,]+),([^,\r]+)")
  if a then
    x[#x + 1], t_x[#t_x + 1], T[#T + 1], m[#m + 1] = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
  end
end
file:close()
check("CDNOW rows", #x == 2357, #x)

local bg = cxm.model("bgnbd"):fit(x, t_x, T)
local p = bg:params()
check("r", near(p.r, 0.243, 5e-4), p.r)
check("alpha", near(p.alpha, 4.414, 5e-4), p.alpha)
check("a", near(p.a, 0.793, 5e-4), p.a)
check("b", near(p.b, 2.426, 5e-4), p.b)
check("log-likelihood", near(bg:log_likelihood(), -9582.4, 0.1), bg:log_likelihood())
check("standard errors", bg:standard_errors().r > 0)
check("converged", bg:report().reason == 1)
check("E[Y(39)]", near(bg:conditional_purchases(39, 2, 30.43, 38.86), 1.226, 5e-4))
local ex = bg:expected_purchases({ 1, 78 })
check("E[X(t)] table", near(ex[1], 0.0532, 5e-4) and near(ex[2], 1.8576, 5e-4))
local alive = bg:p_alive(x, t_x, T)
check("P(alive) table", #alive == 2357 and alive[3] == 1)
check("P(X=0)", bg:purchase_probability(0, 39) > 0.5)
check("dert", bg:dert(0.01, 2, 30.43, 38.86) > 0)

local gg = cxm.model("gg"):fit_spend(x, m)
local q = gg:params()
check("gg p", near(q.p, 6.2488, 1e-4), q.p)
check("gg q", near(q.q, 3.7446, 1e-4), q.q)
check("gg gamma", near(q.gamma, 15.4477, 1e-4), q.gamma)
check("E[M]", near(gg:expected_spend(2, 22.35), 24.6586, 1e-3))
check("nothing skipped", gg:report().skipped == 0)
-- A repeat customer who spent 0: skipped and counted, the fit that of the others,
-- and still a value p*gamma/(p*x + q - 1) (docs/models.md §1.7).
local x0, m0 = { 1 }, { 0 }
for i = 1, #x do x0[i + 1], m0[i + 1] = x[i], m[i] end
local gg0 = cxm.model("gg"):fit_spend(x0, m0)
check("zero spend skipped", gg0:report().skipped == 1 and near(gg0:params().p, q.p, 1e-8))
check("zero spend valued", near(gg:expected_spend(1, 0), q.p * q.gamma / (q.p + q.q - 1), 1e-12))
local value = gg:lifetime_value(bg, 2, 30.43, 38.86, 22.35, { period = cxm.DAYS_PER_MONTH / 7 })
check("lifetime value", value > 0, value)
check("lifetime value needs a period", not pcall(gg.lifetime_value, gg, bg, 2, 30.43, 38.86, 22.35, {}))

local ok, message
-- Intervals from the fit's covariance: around the estimate, a point where P(alive) is 1.
local lo, hi = bg:p_alive_interval(2, 30.43, 38.86)
local est = bg:p_alive(2, 30.43, 38.86)
check("P(alive) interval", lo < est and est < hi and lo > 0 and hi < 1, lo .. " " .. hi)
local los, his = bg:p_alive_interval({ 0, 2 }, { 0, 30.43 }, { 38.86, 38.86 }, 0.9)
check("P(alive) interval table", los[1] == 1 and his[1] == 1 and los[2] > lo and his[2] < hi)
lo, hi = bg:conditional_purchases_interval(39, 2, 30.43, 38.86)
check("E[Y] interval", lo < 1.226 and 1.226 < hi, lo .. " " .. hi)
lo, hi = gg:lifetime_value_interval(bg, 2, 30.43, 38.86, 22.35, { period = cxm.DAYS_PER_MONTH / 7 })
check("lifetime value interval", lo < value and value < hi, lo .. " " .. hi)
ok, message = pcall(bg.p_alive_interval, bg, 2, 30.43, 38.86, 1.5)
check("interval level is checked", not ok and message:find("level"), message)

ok, message = pcall(cxm.model("bgnbd").fit, cxm.model("bgnbd"), { 1, 2 }, { 1, 6 }, { 5, 5 })
-- Positions in Lua's terms: the second row is element 2.
check("bad row is an error", not ok and message:find("element 2: t_x 6 is greater than T 5", 1, true),
  message)
ok, message = pcall(function()
  local zeros, zero_t, lengths = {}, {}, {}
  for i = 1, 40 do zeros[i], zero_t[i], lengths[i] = 0, 0, 10 + i end
  cxm.model("bgnbd"):fit(zeros, zero_t, lengths)
end)
check("divergence is an error", not ok and message:find("fit failed"), message)
ok, message = pcall(function() return cxm.model("gg", { p = 2, q = 0.8, gamma = 10 }):mean_spend() end)
check("q <= 1 is an error", not ok and message:find("q = 0.8"), message)

local back = cxm.model_from_json(bg:to_json())
check("JSON round trip", back:params().b == p.b and back:log_likelihood() == bg:log_likelihood())
local lengths = {}
for i = 1, 1000 do lengths[i] = 39 end
local sx, stx = bg:simulate(lengths, 42)
local sx2 = bg:simulate(lengths, 42)
check("simulation", #sx == 1000 and #stx == 1000 and sx[17] == sx2[17])
local lam, drop, alive = bg:simulate_latent(lengths, 42)
local consistent = #lam == 1000 and #drop == 1000 and #alive == 1000
for i = 1, 1000 do
  consistent = consistent and lam[i] > 0 and drop[i] > 0 and drop[i] < 1
    and (alive[i] == 0 or alive[i] == 1)
end
check("simulated latent rates", consistent)

-- Static covariates: a channel that doubles the purchase rate is found again.
local truth = cxm.model("bgnbd"):set_covariates({ "channel" }, {})
truth:set_params({ r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, ["purchase.channel"] = math.log(2) })
local cx, ctx, cT, rows = {}, {}, {}, {}
for channel = 0, 1 do
  local customer = truth:for_customer({ channel }, {})
  local lengths = {}
  for i = 1, 20000 do lengths[i] = 39 end
  local sx, stx = customer:simulate(lengths, 11 + channel)
  for i = 1, #sx do
    cx[#cx + 1], ctx[#ctx + 1], cT[#cT + 1], rows[#rows + 1] = sx[i], stx[i], 39, { channel }
  end
end
local fitted = cxm.model("bgnbd"):set_covariates({ "channel" }, {})
fitted:fit_covariates(cx, ctx, cT, rows, nil)
local effect, se = fitted:params()["purchase.channel"], fitted:standard_errors()["purchase.channel"]
check("covariate effect recovered", math.abs(effect - math.log(2)) <= 3 * se, effect .. " " .. se)
local plain_fit = cxm.model("bgnbd"):fit(cx, ctx, cT)
local stat, df, pvalue = plain_fit:likelihood_ratio(fitted)
check("likelihood ratio", df == 1 and near(stat, 2 * (fitted:log_likelihood() - plain_fit:log_likelihood()), 1e-6)
  and pvalue < 1e-6, stat .. " " .. df .. " " .. pvalue)
local shrunk = cxm.model("bgnbd"):set_covariates({ "channel" }, {})
shrunk:fit_covariates(cx, ctx, cT, rows, nil, { purchase_penalty = 1 })
check("effect penalty shrinks", math.abs(shrunk:params()["purchase.channel"]) < math.abs(effect))
local sharing = cxm.model("bgnbd"):set_covariates({ "channel" }, { "channel" }):share_covariates({ "channel" })
check("shared effect", sharing:param_names()[5] == "shared.channel" and #sharing:param_names() == 5)
local correlated = cxm.model("pnbd-cor", { r = 0.5, alpha = 1, s = 0.5, beta = 1, omega = 2 })
check("rate correlation", near(correlated:rate_correlation(), 0.125, 1e-15), correlated:rate_correlation())
local gg = cxm.model("ggomnbd", { r = 0.553, alpha = 10.578, b = 1e-9, s = 0.606, beta = 11.669e-9 })
local pn = cxm.model("pnbd", { r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669 })
check("GGompertz/NBD by CLVTools' name, its Pareto/NBD limit",
  gg:param_names()[3] == "b" and near(gg:p_alive(2, 30.43, 38.86), pn:p_alive(2, 30.43, 38.86), 1e-7),
  gg:p_alive(2, 30.43, 38.86))
local kp, kd = fitted:covariate_count()
check("covariate count", kp == 1 and kd == 0)
local one = fitted:for_customer({ 1 }, {})
check("customer model", near(one:params().alpha, fitted:params().alpha * math.exp(-effect), 1e-12))
ok, message = pcall(fitted.fit_covariates, fitted, cx, ctx, cT, { { 1 } }, nil)
check("covariate rows are checked", not ok and message:find("rows expected"), message)

-- The library's summary path, bound as it is: the numbers of the fitter on the summary's columns.
local core = cxm.core
local cal = core.time_parse("1997-09-30", nil)
local rfm = core.rfm_read_csv(top .. "/tests/data/cdnow/CDNOW_sample.txt", "2", "3", "5", 32, 34, 0,
  0, "", 1, 0, -3, 7, cal, 0 / 0, 0, 1)
local n = core.rfm_size(rfm)
local sx = core.rfm_column(n, rfm, core.RFM_FREQUENCY)
local stx = core.rfm_column(n, rfm, core.RFM_RECENCY)
local sT = core.rfm_column(n, rfm, core.RFM_T)
local handle = core.model_create(core.MODEL_BGNBD)
core.model_fit_rfm(handle, rfm, nil)
local fitted = core.model_params(4, handle)
local bg2 = cxm.model("bgnbd"):fit(sx, stx, sT)
local p2 = bg2:params()
check("fit from a summary", fitted[1] == p2.r and fitted[2] == p2.alpha and fitted[3] == p2.a
  and fitted[4] == p2.b and near(fitted[1], 0.243, 5e-4), fitted[1])
local alive = core.model_predict_rfm(n, handle, rfm, core.PREDICT_P_ALIVE, 0)
local want = bg2:p_alive(sx, stx, sT)
local next52 = core.model_predict_rfm(n, handle, rfm, core.PREDICT_PURCHASES, 52)
local horizon = {}
for i = 1, n do horizon[i] = 52 end
local want52 = bg2:conditional_purchases(horizon, sx, stx, sT)
local same = #alive == n
for i = 1, n do same = same and alive[i] == want[i] and next52[i] == want52[i] end
check("predictions from a summary", same)
local curve = core.model_tracking_rfm(2, handle, rfm, { -20, 10 })
check("tracking from a summary", #curve == 2 and curve[1] > 0 and curve[2] > curve[1], curve[1])
ok, message = pcall(core.model_p_alive, 2, handle, { 1, 2, 3 }, { 0, 1 }, { 5, 5 })
check("lengths that differ are named", not ok and message:find("x has 3 elements where 2"), message)

if failures > 0 then
  print(failures .. " checks failed")
  os.exit(1)
end
