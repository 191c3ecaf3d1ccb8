-- Hostile input (issue 14): bad arguments raise an error whose message names them; nothing
-- is silently truncated (1.5 to 1, -1 wrapped around an unsigned, a string cut at a NUL).
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

-- fn(...) raises an error whose message contains each of the plain-text needles.
local function refuses(name, needles, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then
    check(name, false, "accepted")
    return
  end
  local text = tostring(err)
  for _, needle in ipairs(type(needles) == "table" and needles or { needles }) do
    if not text:find(needle, 1, true) then
      check(name, false, ("message %q lacks %q"):format(text, needle))
      return
    end
  end
  check(name, true)
end

local NAN, INF = 0 / 0, math.huge
local PATHS, CONV = { "A > B", "B", "A > C", "C > B > C" }, { 1, 2, 1, 1 }

-- Markov order 1.5 was cut to 1 and attributed; -1 wrapped around.
for _, order in ipairs({ 1.5, -1, NAN, INF, 2 ^ 40 }) do
  refuses("markov order " .. tostring(order), "argument 'order'", cxm.markov_attribution,
    PATHS, CONV, { order = order })
end
refuses("markov order text", { "argument 'order'", "string" }, cxm.markov_attribution, PATHS,
  CONV, { order = "two" })
check("markov order 2 still works", cxm.markov_attribution(PATHS, CONV, { order = 2 }).n == 3)
refuses("markov order 5 (library range)", "order 5", cxm.markov_attribution, PATHS, CONV,
  { order = 5 })

-- A NUL byte cut "a\0b > c" to "a".
refuses("NUL in a path", { "element 1", "NUL byte" }, cxm.markov_attribution,
  { "a\0b > c", "c" }, { 1, 1 })
refuses("NUL in a separator", { "argument 'separator'", "NUL byte" }, cxm.markov_attribution,
  { "a", "b" }, { 1, 1 }, { separator = ">\0" })
refuses("NUL in a file name", { "argument 'filename'", "NUL byte" }, cxm.read_paths,
  "paths.csv\0.txt")
refuses("conversions not numbers", "element 2", cxm.markov_attribution, PATHS, { 1, "x", 1, 1 })
refuses("conversions missing", "conversions", cxm.markov_attribution, PATHS, { 1, 2 })
refuses("negative conversions", "conversions", cxm.markov_attribution, PATHS, { 1, -2, 1, 1 })
refuses("paths not strings", "element 1", cxm.markov_attribution, { 1, 2 }, { 1, 1 })
refuses("heuristic weights NaN", "weight", cxm.heuristic_attribution, PATHS, CONV,
  { weights = { NAN, 0.2, 0.4 } })
refuses("heuristic half-life", "argument 'half_life'", cxm.heuristic_attribution, PATHS, CONV,
  { half_life = "soon" })
refuses("importance-performance lengths", "performance", cxm.importance_performance,
  { 1, 2, 3 }, { 1, 2 })
refuses("decision chain NaN", "transition", cxm.decision_chain, { { 1, NAN, 1, 1 }, { 1, 1, 1, 1 } })

-- Closed forms: numbers by name.
refuses("clv margin nil", { "argument 'margin'", "nil" }, cxm.clv, nil, 0.8, 0.1)
refuses("clv retention text", { "argument 'retention'", "string" }, cxm.clv, 100, "high", 0.1)
refuses("clv NaN retention", "retention", cxm.clv, 100, NAN, 0.1)
refuses("clv horizon 1.5", "argument 'horizon'", cxm.clv, 100, 0.8, 0.1, { horizon = 1.5 })
refuses("clv horizon -1", "argument 'horizon'", cxm.clv, 100, 0.8, 0.1, { horizon = -1 })
refuses("clv tables of two lengths", "3 elements where 2", cxm.clv, { 1, 2 }, { 0.5, 0.5, 0.5 }, 0.1)

-- Models: fit data, parameters, seeds.
local m = cxm.model("bgnbd", { r = 0.24, alpha = 4.4, a = 0.79, b = 2.4 })
refuses("p_alive x NaN", { "element 1: x", "nan" }, m.p_alive, m, NAN, 1, 2)
refuses("p_alive x 1.5", "x 1.5", m.p_alive, m, 1.5, 1, 2)
refuses("p_alive T -1", "T -1", m.p_alive, m, 1, 0, -1)
refuses("p_alive recency inf", "t_x inf", m.p_alive, m, 1, INF, 2)
refuses("simulate seed -1", "argument 'seed'", m.simulate, m, { 10, 20 }, -1)
refuses("simulate seed 1.5", "argument 'seed'", m.simulate, m, { 10, 20 }, 1.5)
refuses("fit NaN", { "element 1: x", "nan" }, cxm.model("bgnbd").fit, cxm.model("bgnbd"), { NAN, 1 }, { 0, 1 }, { 2, 2 })
refuses("fit lengths", "3 elements where 2", cxm.model("bgnbd").fit, cxm.model("bgnbd"), { 1, 1 },
  { 0, 1, 1 }, { 2, 2 })
refuses("fit max_iterations 1.5", "argument 'max_iterations'", m.fit, m, { 1 }, { 1 }, { 2 },
  { max_iterations = 1.5 })
refuses("fit threads -1", "argument 'threads'", m.fit, m, { 1 }, { 1 }, { 2 }, { threads = -1 })
refuses("set_params NaN", "r must be a finite number", m.set_params, m, { r = NAN, alpha = 1, a = 1, b = 1 })
refuses("set_params missing", "'b' is missing", m.set_params, m, { r = 1, alpha = 1, a = 1 })
refuses("unknown model kind", "nope", cxm.model, "nope")

-- Model JSON: a check's message is prefixed once, trailing text and bad fit numbers refused.
local json = m:to_json()
refuses("model JSON with trailing text", "text after the JSON document", cxm.model_from_json,
  json .. " garbage")
local negative = json:gsub('"r":%s*[%d.e+-]+', '"r": -1', 1)
local ok, err = pcall(cxm.model_from_json, negative)
check("model JSON message is whole", not ok and tostring(err) ==
  "model JSON: 'parameters': BG/NBD parameter r = -1 must be greater than 0", err)
-- A model fitted on data that identify it (12 customers do not).
local weeks = {}
for i = 1, 2000 do weeks[i] = 39 end
local sim_x, sim_tx = cxm.model("bgnbd", { r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 })
  :simulate(weeks, 3)
local fitted = cxm.model("bgnbd"):fit(sim_x, sim_tx, weeks)
local observations = fitted:to_json():gsub('"observations":%s*[%d.e+-]+', '"observations": -3', 1)
refuses("model JSON negative observations", "observations -3", cxm.model_from_json, observations)

-- Subscriptions and the emotion chain.
local sbg = cxm.model("sbg", { alpha = 0.7, beta = 1.2 })
refuses("sbg survival NaN", "nan", sbg.survival, sbg, NAN)
refuses("sbg del discount text", "argument 'discount'", sbg.del, sbg, "ten percent")
refuses("nps not numbers", "element 2", cxm.nps, { 9, "ten" })
refuses("nps out of scale", "score 11", cxm.nps, { 9, 11 })
refuses("csat level", "argument 'level'", cxm.csat, { 4, 5 }, { level = "high" })
refuses("kano lengths", "elements where", cxm.kano, { 1, 2 }, { 1 })
refuses("peak-end empty", "moment", cxm.peak_end, {})
refuses("adaptive lambda nil", "argument 'lambda'", cxm.adaptive_expectations, { 8, 7 }, 7, nil)

-- PLS: counts and seeds by name; collinear Mode B items named.
local model = cxm.path_model({ constructs = { { name = "X", items = { "x1", "x2" }, mode = "B" },
  { name = "Y", items = { "y1", "y2" } } }, paths = { { "X", "Y" } } })
local rows = {}
local state = 7
local function noise()
  state = (state * 1103515245 + 12345) % 2147483648
  return state / 2147483648 - 0.5
end
for i = 1, 40 do
  local a = noise()
  rows[i] = { x1 = a, x2 = noise(), y1 = a + noise(), y2 = a + noise() }
end
check("PLS fits", model:fit(rows).rows == 40)
refuses("PLS bootstrap 1.5", "argument 'bootstrap'", model.fit, model, rows, { bootstrap = 1.5 })
refuses("PLS seed -1", "argument 'seed'", model.fit, model, rows, { seed = -1 })
refuses("PLS threads NaN", "argument 'threads'", model.fit, model, rows, { threads = NAN })
for _, row in ipairs(rows) do row.x2 = row.x1 end
refuses("PLS identical Mode B items", "the items of Mode B construct 'X' are collinear: 'x2' is a "
  .. "linear combination of 'x1'", model.fit, model, rows)
refuses("PLS construct with NUL", "NUL byte", cxm.path_model,
  { constructs = { { name = "X\0", items = { "x1" } } }, paths = {} })

-- The simulated world.
refuses("simulate customers 1.5", "argument 'customers'", cxm.simulate, { customers = 1.5 })
refuses("simulate customers -1", "argument 'customers'", cxm.simulate, { customers = -1 })
refuses("simulate seed -1", "argument 'seed'", cxm.simulate, { customers = 10, seed = -1 })
refuses("simulate quality 11", "quality 11 of touchpoint 'checkout'", cxm.simulate,
  { customers = 10, quality = { checkout = 11 } })
refuses("simulate quality NaN", "quality", cxm.simulate, { customers = 10, quality = { checkout = NAN } })
refuses("simulate quality NUL id", "NUL byte", cxm.simulate,
  { customers = 10, quality = { ["check\0out"] = 5 } })
refuses("settings trailing text", "text after the JSON document", cxm.simulate,
  { settings = '{"seed": 3} {"seed": 4}' })

-- Transaction summaries.
refuses("rfm without columns", "opts.customer", cxm.rfm, "log.csv", {})
refuses("rfm file name with NUL", { "argument 'path'", "NUL byte" }, cxm.rfm, "log\0.csv",
  { customer = "id", date = "date" })
refuses("rfm threads 1.5", "argument 'threads'", cxm.rfm, "log.csv",
  { customer = "id", date = "date", threads = 1.5 })

if failures > 0 then
  print(failures .. " checks failed")
  os.exit(1)
end
