-- Chunked work from Lua (cxm/chunk.h): chunk sums are the whole likelihood
-- (with covariates too), set_fit makes a fitted model, merged counts give the attribution.
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
local function near(a, b, tol) return math.abs(a - b) <= (tol or 1e-9) * math.max(1, math.abs(b)) end

local top = os.getenv("top_srcdir") or ".."
local x, t_x, T = {}, {}, {}
local file = assert(io.open(top .. "/tests/data/cdnow_customers_summary_with_transactions.csv"))
file:read("l")
for line in file:lines() do
  local _, a, b, c = line:match("^(%d+),([^,]+),([^,]+),([^,]+),")
  if a then x[#x + 1], t_x[#t_x + 1], T[#T + 1] = tonumber(a), tonumber(b), tonumber(c) end
end
file:close()

local fitted = cxm.model("bgnbd"):fit(x, t_x, T)
local p = fitted:params()
local params = { p.r, p.alpha, p.a, p.b }
local m = cxm.model("bgnbd")
local whole = m:chunk_loglik(params, { x, t_x, T })
check("chunk size", #whole == 3 + 4 + 16, #whole)
check("weight", whole[1] == #x, whole[1])
check("log-likelihood", near(whole[3], fitted:log_likelihood(), 1e-12), whole[3])
-- Two halves add up to the whole (but for the row counts: identical rows merge
-- within a chunk); the gradient vanishes at the estimate.
local half = math.floor(#x / 2)
local function slice(t, i, j) local s = {} for k = i, j do s[#s + 1] = t[k] end return s end
local one = m:chunk_loglik(params, { slice(x, 1, half), slice(t_x, 1, half), slice(T, 1, half) })
local two = m:chunk_loglik(params, { slice(x, half + 1, #x), slice(t_x, half + 1, #x),
  slice(T, half + 1, #x) })
local same = true
for i = 1, #whole do same = same and (i == 2 or near(one[i] + two[i], whole[i], 1e-11)) end
check("halves add up", same)
check("gradient at the estimate", math.abs(whole[4]) < 1e-3 * #x, whole[4])
local start = m:start({ x, t_x, T })
check("start", start.r == 1 and start.b == 3, start.alpha)

-- With covariates: the chunks of a covariate fit's likelihood (g alternates by customer).
local rows = {}
for i = 1, #x do rows[i] = { (i - 1) % 2 } end
local cv = cxm.model("bgnbd"):set_covariates({ "g" }, { "g" })
local cfit = cxm.model("bgnbd"):set_covariates({ "g" }, { "g" }):fit_covariates(x, t_x, T, rows, rows)
local cp = cfit:params()
local cparams = { cp.r, cp.alpha, cp.a, cp.b, cp["purchase.g"], cp["dropout.g"] }
local cwhole = cv:chunk_loglik(cparams, { x, t_x, T }, { purchase = rows, dropout = rows })
check("covariate chunk size", #cwhole == 3 + 6 + 36, #cwhole)
check("covariate log-likelihood", near(cwhole[3], cfit:log_likelihood(), 1e-12), cwhole[3])
local c1 = cv:chunk_loglik(cparams, { slice(x, 1, half), slice(t_x, 1, half), slice(T, 1, half) },
  { purchase = slice(rows, 1, half), dropout = slice(rows, 1, half) })
local c2 = cv:chunk_loglik(cparams, { slice(x, half + 1, #x), slice(t_x, half + 1, #x),
  slice(T, half + 1, #x) }, { purchase = slice(rows, half + 1, #x), dropout = slice(rows, half + 1, #x) })
same = true
for i = 1, #cwhole do same = same and (i == 2 or near(c1[i] + c2[i], cwhole[i], 1e-10)) end
check("covariate halves add up", same)
local cstart = cv:start({ x, t_x, T }, { purchase = rows, dropout = rows })
check("covariate start: the plain fit, no effects",
  near(cstart.r, p.r, 1e-6) and cstart["purchase.g"] == 0 and cstart["dropout.g"] == 0, cstart.r)
local okc, errc = pcall(function() cv:chunk_loglik(cparams, { x, t_x, T }, { purchase = rows }) end)
check("covariate rows are required", not okc and tostring(errc):find("dropout covariates"), errc)

-- A fit from elsewhere.
local cov = {}
for i = 1, 16 do cov[i] = (i == 1 or i == 6 or i == 11 or i == 16) and 0.01 or 0 end
m:set_fit(params, cov, { log_likelihood = whole[3], observations = #x, iterations = 5 })
check("set_fit", near(m:aic(), fitted:aic(), 1e-12), m:aic())
check("set_fit standard errors", near(m:standard_errors().alpha, 0.1, 1e-12))
local ok, err = pcall(function() m:set_fit(params, cov, { log_likelihood = 0 / 0, observations = 1 }) end)
check("set_fit refuses", not ok and tostring(err):find("not finite"), err)

-- Attribution counts.
local paths = { "a > b", "b > c", "a", "c > a > b", "b" }
local conv, nulls = { 1, 0, 1, 2, 0 }, { 1, 2, 0, 1, 3 }
local expected = cxm.markov_attribution(paths, conv, { nulls = nulls, order = 2 })
local c1 = cxm.markov_counts({ paths[1], paths[2] }, { conv[1], conv[2] },
  { nulls = { nulls[1], nulls[2] }, order = 2 })
local c2 = cxm.markov_counts({ paths[3], paths[4], paths[5] }, { conv[3], conv[4], conv[5] },
  { nulls = { nulls[3], nulls[4], nulls[5] }, order = 2 })
check("counts are bytes", type(c1) == "string" and c1:sub(1, 8) == "CXMCOUNT")
local got = cxm.markov_attribution_counts(cxm.merge_markov_counts(c1, c2))
local equal = #got.channel == #expected.channel
for i = 1, #expected.channel do
  equal = equal and got.channel[i] == expected.channel[i] and
    near(got.removal_effect[i], expected.removal_effect[i], 1e-12)
end
check("merged counts attribute as the paths", equal)
ok, err = pcall(cxm.markov_attribution_counts, "CXMCOUNT garbage")
check("bad counts", not ok and tostring(err):find("markov counts"), err)

if failures > 0 then os.exit(1) end
