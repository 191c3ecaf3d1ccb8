-- The quality of a PLS path model and consistent PLS from Lua (docs/chain.md,
-- "Reading the quality of a model"). Items are sums of the orthogonal ±1
-- columns of an 8 × 8 Hadamard matrix, so every criterion is exact: within
-- a block items correlate 2/3, across blocks 1/3 (see tests/check_pls_quality.c).
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
local function near(a, b, tol) return a ~= nil and math.abs(a - b) <= (tol or 1e-12) end

local function hadamard(i, j)
  local bits, x = 0, i & j
  while x > 0 do bits, x = bits + (x & 1), x >> 1 end
  return bits % 2 == 1 and -1 or 1
end
local columns = { x1 = { 1, 2, 6 }, x2 = { 1, 3, 6 }, y1 = { 1, 4, 7 }, y2 = { 1, 5, 7 } }
local rows = {}
for i = 0, 7 do
  local row = {}
  for item, cols in pairs(columns) do
    local v = 0
    for _, j in ipairs(cols) do v = v + hadamard(i, j) end
    row[item] = v
  end
  rows[#rows + 1] = row
end

local model = cxm.path_model({
  constructs = { { name = "X", items = { "x1", "x2" } }, { name = "Y", items = { "y1", "y2" } } },
  paths = { { "X", "Y" } } })
local plain = model:fit(rows, { tolerance = 1e-12 })
local q = plain.quality()
check("alpha = 2r/(1 + r)", near(q.reliability.X.alpha, 0.8))
check("rho_A", near(q.reliability.Y.rhoA, 0.8))
check("rho_C", near(q.reliability.X.rhoC, 10 / 11))
check("AVE", near(q.reliability.Y.AVE, 5 / 6))
check("R² adjusted", near(q.reliability.Y.r_squared_adjusted, 0.02) and
  q.reliability.X.r_squared_adjusted == nil)
check("HTMT", near(q.htmt.X.Y, 0.5) and q.htmt.X.X == nil)
check("Fornell-Larcker", near(q.fornell_larcker.X.X, math.sqrt(5 / 6)) and
  near(q.fornell_larcker.Y.X, 0.4))
check("cross-loadings", q.cross_loadings[1].item == "x1" and
  near(q.cross_loadings[1].Y, math.sqrt(0.3) * 2 / 3) and near(q.cross_loadings[1].vif, 1.8))
check("f² and structural VIF", near(q.paths[1].f_squared, 0.16 / 0.84) and near(q.paths[1].vif, 1))

local correlations = {}
local order = { "x1", "x2", "y1", "y2" }
for a = 1, 4 do
  correlations[a] = {}
  for b = 1, 4 do
    correlations[a][b] = a == b and 1 or ((a - 1) // 2 == (b - 1) // 2 and 2 / 3 or 1 / 3)
  end
end
check("items order", table.concat(model:items(), ",") == table.concat(order, ","))
check("HTMT from correlations", near(model:htmt(correlations).Y.X, 0.5))
local ok, err = pcall(model.htmt, model, { { 1 } })
check("bad correlations raise", not ok and tostring(err):find("4 rows of 4 values", 1, true), err)

local consistent = model:fit(rows, { tolerance = 1e-12, consistent = true })
check("PLSc path = r / sqrt(rhoA_X rhoA_Y)", near(consistent.paths[1].estimate,
  plain.paths[1].estimate / math.sqrt(q.reliability.X.rhoA * q.reliability.Y.rhoA)))
check("PLSc path = the factors' correlation", near(consistent.paths[1].estimate, 0.5))
check("PLSc loadings", near(consistent.weights[1].loading, math.sqrt(2 / 3)))
check("PLSc in JSON", consistent.json():find('"consistent":%s*true') ~= nil)

-- HTMT's bootstrap: every resample's HTMT from its own item correlations.
check("no resamples, no HTMT interval", q.htmt_interval == nil)
math.randomseed(18)
local function normal() return math.sqrt(-2 * math.log(1 - math.random())) * math.cos(2 * math.pi * math.random()) end
local sim = {}
for i = 1, 60 do
  local fx = normal()
  local fy = 0.5 * fx + math.sqrt(0.75) * normal()
  sim[i] = { x1 = 0.8 * fx + 0.6 * normal(), x2 = 0.7 * fx + 0.71 * normal(),
    y1 = 0.8 * fy + 0.6 * normal(), y2 = 0.7 * fy + 0.71 * normal() }
end
local boot = model:fit(sim, { bootstrap = 200, seed = 3, bca = true })
local bq = boot.quality()
local pair = bq.htmt_interval and bq.htmt_interval.X.Y
check("HTMT interval", pair ~= nil and near(pair.estimate, bq.htmt.X.Y) and pair.lower < pair.upper
  and pair.bca_lower < pair.bca_upper and pair.std_error > 0 and bq.htmt_interval.X.X == nil)
check("HTMT interval symmetric", pair ~= nil and near(bq.htmt_interval.Y.X.upper, pair.upper))
check("HTMT interval in JSON", pair ~= nil and boot.json():find('"htmt_intervals"') ~= nil)

local mixed = cxm.path_model({ constructs = { { name = "F", items = { "f1" }, mode = "B" },
  { name = "R", items = { "r1" } } }, paths = { { "F", "R" } } })
check("modes", mixed:modes().F == "B" and mixed:modes().R == "A")

if failures > 0 then
  print(failures .. " Lua checks failed")
  os.exit(1)
end
