-- The journey model from Lua: docs/models.md §2.2, §2.3 and §2.6 exact values.
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
local function near(a, b, tol) return math.abs(a - b) <= (tol or 1e-12) end
local function row(t, column, label)
  for i = 1, t.n do if t[column][i] == label then return i end end
end

local paths = { "A > B", "B", "A > C", "C > B > C", "A > A > C" }
local conv, nulls = { 3, 1, 2, 1, 1 }, { 2, 4, 1, 1, 1 }
local m = cxm.markov_attribution(paths, conv, { nulls = nulls })
check("P(conversion) = 8/17", near(m.scalars.conversion_probability, 8 / 17))
check("RE A = 125/208", near(m.removal_effect[row(m, "channel", "A")], 125 / 208))
check("RE B = 11/18", near(m.removal_effect[row(m, "channel", "B")], 11 / 18))
check("attributed C = 8736/3361", near(m.conversions[row(m, "channel", "C")], 8736 / 3361))
local m2 = cxm.markov_attribution(paths, conv, { nulls = nulls, order = 2 })
check("order 2 attributed A = 16/5", near(m2.conversions[row(m2, "channel", "A")], 16 / 5))
local m0 = cxm.markov_attribution(paths, conv)
check("no nulls: A = 40/13", near(m0.conversions[row(m0, "channel", "A")], 40 / 13))
local h = cxm.heuristic_attribution(paths, conv)
check("first touch A = 6", h.first_touch[row(h, "channel", "A")] == 6)
check("linear B = 17/6", near(h.linear[row(h, "channel", "B")], 17 / 6))
check("position-based C = 11/5", near(h.position_based[row(h, "channel", "C")], 11 / 5))
local s = cxm.shapley_attribution(paths, conv)
check("Shapley A = 3", near(s.shapley[row(s, "channel", "A")], 3))

local chain = cxm.decision_chain({ { 1 / 5, 2 / 5, 0, 2 / 5 }, { 0, 3 / 10, 1 / 5, 1 / 2 } })
check("N[E][B] = 5/7", near(chain.n_buy[1], 5 / 7))
check("steps from EXPLORE = 55/28", near(chain.steps[1], 55 / 28))
check("P(PROMOTE|BUY) = 2/7", near(chain.promote[2], 2 / 7))

local ipa = cxm.importance_performance({ 4.5, 4.2, 2.5, 2.8 }, { 3.0, 4.4, 2.8, 4.6 }, { "T1", "T2", "T3", "T4" })
check("T1 pain point", ipa.quadrant[1] == "pain point")
check("T4 possible overkill", ipa.quadrant[4] == "possible overkill")

local top = os.getenv("top_srcdir") or "."
local map = cxm.journey_map(top .. "/examples/journey/map.json")
local j = cxm.journeys(map, top .. "/examples/journey/events.csv", { segment = "segment" })
local f = cxm.journey_analysis(j, "funnel")
check("funnel 9 > 7 > 2", f.customers[1] == 9 and f.customers[2] == 7 and f.customers[3] == 2)
local dc = cxm.journey_analysis(j, "decision_chain")
check("estimated chain steps 55/28", near(dc.steps[1], 55 / 28))
local p = cxm.read_paths(top .. "/examples/journey/paths.csv")
local fromfile = cxm.markov_attribution(p)
check("path file", near(fromfile.removal_effect[1], 125 / 208))

local ok, err = pcall(cxm.markov_attribution, { "A", "A > > B" }, { 1, 1 })
check("bad path raises", not ok and tostring(err):find("path 1: touch 2 of 'A > > B' is empty", 1, true), err)
ok, err = pcall(cxm.journey_analysis, j, "horoscope")
check("unknown analysis raises", not ok and tostring(err):find("unknown journey analysis", 1, true), err)
ok, err = pcall(cxm.journey_map, "/nonexistent.json")
check("missing map raises", not ok and tostring(err):find("cannot open", 1, true), err)

if failures > 0 then
  print(failures .. " Lua checks failed")
  os.exit(1)
end
