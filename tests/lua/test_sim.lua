-- The simulated world from Lua.
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

local w = cxm.simulate { customers = 400, seed = 6 }
local truth = w:customers()
check("400 customers", truth.n == 400)
check("buyers counted", truth.scalars.buyers > 100, truth.scalars.buyers)
local events = w:events()
check("events have the reader's columns", events.columns[1] == "customer" and events.columns[2] == "timestamp"
  and events.columns[3] == "touchpoint")
local survey = w:survey()
check("one survey row per respondent", survey.n == truth.scalars.respondents)
local funnel = cxm.journey_analysis(w:journeys(), "funnel")
check("the funnel starts with everyone", funnel.customers[1] == 400)
local again = cxm.simulate { customers = 400, seed = 6 }:events()
local same = again.n == events.n
for i = 1, math.min(again.n, events.n) do
  if again.timestamp[i] ~= events.timestamp[i] then same = false end
end
check("same seed, same events", same)
local better = cxm.simulate { customers = 400, seed = 6, quality = { checkout = 7.6 } }
check("a what-if keeps the customers", better:customers().expectation[1] == truth.expectation[1])
check("settings as JSON", w:settings():find('"customers":%s*400') ~= nil)
local ok, err = pcall(cxm.simulate, { settings = '{"decisions": {"explore": {"continue": 2}}}' })
check("bad settings raise", not ok and tostring(err):find("continue") ~= nil, err)
ok, err = pcall(cxm.simulate, { quality = { kiosk = 5 } })
check("unknown touchpoint raises", not ok and tostring(err):find("kiosk") ~= nil, err)

if failures > 0 then os.exit(1) end
print("all sim tests passed")
