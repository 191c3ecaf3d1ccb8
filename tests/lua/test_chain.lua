-- The emotion chain from Lua: docs/models.md §3.1, §3.2 and §3.4 exact values.
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

local r = cxm.nps({ promoters = 50, passives = 30, detractors = 20 })
check("nps 30", near(r.nps, 30) and near(r.std_error, 7.8102, 5e-5))
check("nps wald", near(r.wald_lower, 14.692, 5e-4) and near(r.wald_upper, 45.308, 5e-4))
check("nps adjusted", near(r.adjusted_lower, 14.051, 5e-4) and near(r.adjusted_upper, 44.201, 5e-4))
r = cxm.nps({ promoters = 291, passives = 476, detractors = 395 })
check("nps -8.95", near(r.nps, -8.950, 5e-4) and near(r.std_error, 2.2387, 5e-5))
r = cxm.nps({ promoters = 5, passives = 3, detractors = 2 })
check("nps small", near(r.wald_lower, -18.41, 5e-3) and near(r.adjusted_upper, 65.20, 5e-3))
r = cxm.nps({ 10, 9, 3, 0 / 0, 7 })
check("nps from scores", r.respondents == 4 and near(r.nps, 25))
local c = cxm.nps_compare({ promoters = 50, passives = 30, detractors = 20 }, { 10, 9, 3 })
check("nps compare", near(c.difference, 30 - 100 / 3))

local e, p = {}, {}
for i = 1, 22 do
  e[i] = (i >= 5 and i <= 9) and 7 or 6
  p[i] = (i <= 4) and 6 or ((i >= 10 and i <= 13) and 4 or 5)
end
local s = cxm.servqual({ e }, { p }, { weights = { 11, 32, 22, 19, 16 } })
check("servqual gaps", s.dimension_gaps[1] == 0 and s.dimension_gaps[2] == -2 and
  s.dimension_gaps[3] == -2 and s.dimension_gaps[4] == -1 and s.dimension_gaps[5] == -1)
check("servqual unweighted", near(s.unweighted, -1.2, 1e-14))
check("servqual weighted", near(s.weighted, -1.43, 1e-14))
check("servqual item mean", near(s.item_mean, -27 / 22, 1e-14))

local f, d = {}, {}
local function add(count, a, b)
  for _ = 1, count do f[#f + 1] = a; d[#d + 1] = b end
end
add(12, "like", "neutral"); add(8, "like", "dislike"); add(5, "must-be", "dislike")
add(3, "neutral", "neutral"); add(1, "dislike", "like"); add(1, "like", "like")
local k = cxm.kano(f, d)
check("kano counts", k.A == 12 and k.O == 8 and k.M == 5 and k.I == 3 and k.R == 1 and k.Q == 1)
check("kano category", k.category == "A")
check("kano better worse", near(k.better, 5 / 7, 1e-15) and near(k.worse, -13 / 28, 1e-15))

local ex = cxm.adaptive_expectations({ 8, 8, 6 }, 7, 0.3)
check("adaptive expectations", near(ex[1], 7.3) and near(ex[2], 7.51) and near(ex[3], 7.057))
check("disconfirmation", cxm.disconfirmation({ 8, 5 }, { 7, 6 })[2] == -1)
local classes = cxm.delight({ 2, -2, 0.5 }, { 1.5, -1.5, 0 })
check("delight", classes[1] == "delighted" and classes[2] == "outraged" and classes[3] == "satisfied")
check("valence peak-end", cxm.valence({ 1, -3, 2, 4, 1 }, "peak-end") == 2.5)
check("valence mean", cxm.valence({ 1, -3, 2, 4, 1 }) == 1)

local v = cxm.value_of_improvement({ intercept = -2, slope = 0.5 }, 7, 0.5,
  { margin = 100, discount = 0.12, customers = 100 })
check("value link retention", near(v.retention, 0.817574, 5e-7) and near(v.improved_retention, 0.851953, 5e-7))
check("value link clv", near(v.clv, 270.3391, 5e-5) and near(v.improved_clv, 317.8369, 5e-5))
check("value link gain", near(v.gain_per_customer, 47.4977, 5e-5) and near(v.gain, 4749.77, 5e-3))
check("index", near(cxm.satisfaction_index({ 0.3885, 0.3190, 0.2925 }, { 8, 7, 7.5 }, 1, 10), 72.6083, 5e-5))
local m = cxm.fit_retention({ 2, 3, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 10, 10, 4 },
  { 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 })
check("fit retention", near(m.slope, 0.62528980593745998, 1e-10) and near(m.slope_se, 0.305027611619909, 1e-10))
check("roq", near(cxm.return_on_quality(300, 100).return_on_quality, 3))

local ok, err = pcall(cxm.nps, { 3, 11 })
check("bad score raises", not ok and tostring(err):find("element 2: score 11", 1, true), err)
ok, err = pcall(cxm.fit_retention, { 1, 2, 3, 4 }, { 0, 0, 1, 1 })
check("separation raises", not ok and tostring(err):find("separates", 1, true), err)

-- PLS path models: a two-construct model whose path is the composites' correlation.
local model = cxm.path_model({
  constructs = { { name = "Q", items = { "q1", "q2" } }, { name = "S", items = { "s1", "s2" } } },
  paths = { { "Q", "S" } }, target = "S" })
local rows, seed = {}, 12345
local function rand()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
end
for i = 1, 200 do
  local q = rand() * 4
  rows[i] = { q1 = math.floor(3 + q + rand() * 3), q2 = math.floor(2 + q + rand() * 4),
    s1 = math.floor(1 + q + rand() * 5), s2 = math.floor(2 + q * 0.8 + rand() * 4) }
end
local fit = model:fit(rows, { bootstrap = 40, seed = 3 })
check("pls rows", fit.rows == 200 and fit.resamples == 40)
check("pls one path", #fit.paths == 1 and fit.paths[1].from == "Q" and fit.paths[1].to == "S")
check("pls path = sqrt(R2)", near(fit.paths[1].estimate ^ 2, fit.r_squared.S, 1e-12))
check("pls interval", fit.paths[1].lower < fit.paths[1].estimate and fit.paths[1].estimate < fit.paths[1].upper)
check("pls drivers", fit.target == "S" and fit.drivers[1].driver == "Q")
check("pls weights", #fit.weights == 4 and fit.weights[1].item == "q1")
check("pls json", fit.json():find('"importance_performance"', 1, true) ~= nil)
local worth = fit.value_of_driver("Q", { intercept = -3, slope = 0.07 },
  { margin = 100, discount = 0.12, customers = 10 })
check("pls value of driver", near(worth.satisfaction, fit.indices.S, 1e-12) and
  near(worth.improved_satisfaction - worth.satisfaction, fit.drivers[1].importance, 1e-12) and
  near(worth.gain, 10 * worth.gain_per_customer, 1e-9))
local ecsi = cxm.path_model("ecsi")
check("preset", #ecsi:constructs() == 7 and #ecsi:items() == 24)
check("json round trip", #cxm.path_model(ecsi:to_json()):items() == 24)
ok, err = pcall(cxm.path_model, "scsi")
check("unknown preset raises", not ok and tostring(err):find("no preset model 'scsi'", 1, true), err)
ok, err = pcall(model.fit, model, { { q1 = 1 } })
check("missing item raises", not ok and tostring(err):find("no value for 'q2'", 1, true), err)

-- A chain Q -> S -> L: BCa intervals, the indirect effect and PLSpredict.
local chain = cxm.path_model({
  constructs = { { name = "Q", items = { "q1", "q2" } }, { name = "S", items = { "s1", "s2" } },
    { name = "L", items = { "l1" } } },
  paths = { { "Q", "S" }, { "S", "L" } } })
for i = 1, 200 do rows[i].l1 = math.floor(rows[i].s1 / 2 + rand() * 4) end
local cfit = chain:fit(rows, { bootstrap = 60, seed = 5, bca = true })
local qs = cfit.paths[1]
check("pls bca interval", qs.bca_lower < qs.estimate and qs.estimate < qs.bca_upper)
check("pls t and p", near(qs.t_value, qs.estimate / qs.std_error, 1e-12) and qs.p_value < 0.01)
local route = cfit.indirect_effects[1]
check("pls indirect = product of paths", #cfit.indirect_effects == 1 and route.path[1] == "Q" and
  route.path[3] == "L" and route.estimate == cfit.paths[1].estimate * cfit.paths[2].estimate)
check("pls indirect interval", route.bca_lower < route.bca_upper and route.std_error > 0)
local prediction = cfit.predict({ folds = 5, repetitions = 2 })
check("plspredict tables", #prediction.indicators == 3 and #prediction.constructs == 2 and
  prediction.indicators[3].item == "l1" and prediction.constructs[1].construct == "S")
check("plspredict numbers", prediction.indicators[1].rmse > 0 and prediction.indicators[1].lm_rmse > 0
  and prediction.constructs[1].q2_predict > 0 and prediction.constructs[1].lm_rmse == nil)
check("plspredict json", prediction.json():find('"q2_predict"', 1, true) ~= nil)
ok, err = pcall(cfit.predict, { folds = 1 })
check("plspredict folds raise", not ok and tostring(err):find("at least 2 folds", 1, true), err)

if failures > 0 then
  print(failures .. " Lua checks failed")
  os.exit(1)
end
