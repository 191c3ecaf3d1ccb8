-- The summary from Lua: the published CDNOW summary and errors.
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

local top = os.getenv("top_srcdir") or "../.."
local data = top .. "/tests/data/cdnow/"
local s = cxm.rfm(data .. "CDNOW_sample.txt", {
  customer = 2, date = 3, amount = 5, header = false, scale = 7, calibration_end = "1997-09-30",
})
check("2357 customers", #s.ids == 2357, #s.ids)
check("6919 rows", s.rows == 6919, s.rows)
check("first id", s.ids[1] == "0001", s.ids[1])

-- The published summary: ID,frequency,recency,T (weeks, 2 decimals).
local published = {}
local f = assert(io.open(data .. "cdnow_customers_summary.csv"))
f:read("l")
for line in f:lines() do
  local id, x, r, t = line:match("^(%d+),([%d.]+),([%d.]+),([%d.]+)")
  if id then published[tonumber(id)] = { tonumber(x), tonumber(r), tonumber(t) } end
end
f:close()
local bad, sum = 0, 0
for i, id in ipairs(s.ids) do
  local p = published[tonumber(id)]
  if not p or s.frequency[i] ~= p[1] or math.abs(s.recency[i] - p[2]) > 0.005 + 1e-9
      or math.abs(s.T[i] - p[3]) > 0.005 + 1e-9 then
    bad = bad + 1
  end
  sum = sum + s.frequency[i]
end
check("published frequency, recency, T", bad == 0, bad)
check("frequency sum 2457", sum == 2457, sum)
check("holdout duration 39 weeks", s.duration_holdout[1] == 39, s.duration_holdout[1])
local w = 0
for _, v in ipairs(s.unique.weight) do w = w + v end
check("compressed weights", w == 2357, w)
check("first purchase 1997-01-01", s.first_purchase[1] == cxm.time_parse("1997-01-01"))

local ok, err = pcall(cxm.rfm, data .. "CDNOW_sample.txt", { customer = 2, date = 3 })
check("header line that is data is refused", not ok and tostring(err):find("is the first line data?", 1, true), err)
ok, err = pcall(cxm.rfm, data .. "missing.csv", { customer = 1, date = 2 })
check("missing file", not ok and tostring(err):find("cannot open", 1, true), err)
ok, err = pcall(cxm.rfm, data .. "CDNOW_sample.txt", { customer = 2 })
check("date column required", not ok and tostring(err):find("opts.date", 1, true), err)
ok, err = pcall(cxm.rfm, data .. "CDNOW_sample.txt", { customer = 2, date = 3, header = false, unit = "fortnight" })
check("bad unit", not ok and tostring(err):find("fortnight", 1, true), err)

if failures > 0 then
  print(failures .. " Lua checks failed")
  os.exit(1)
end
