-- The Lua binding: the same functions, errors raised with the library's message.
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

-- docs/models.md §1.1
check("clv 0.80", near(cxm.clv(100, 0.80, 0.12), 250))
check("clv 0.85", near(cxm.clv(100, 0.85, 0.12), 314.814815, 5e-7))
check("clv 0.90", near(cxm.clv(100, 0.90, 0.12), 409.090909, 5e-7))
check("prepaid", near(cxm.clv(100, 0.8, 0.12, { prepaid = true }), 350))
check("elasticity", near(cxm.clv_elasticity(0.8, 0.12), 3.5))

local many = cxm.clv(100, { 0.8, 0.85, 0.9 }, 0.12)
check("table in, table out", type(many) == "table" and #many == 3)
check("table values", near(many[1], 250) and near(many[3], 4500 / 11))
local horizon = cxm.clv({ 100 }, { 1 }, { 0 }, { horizon = 3 })
check("horizon on tables", near(horizon[1], 300))
check("schedule", near(cxm.clv_schedule({ 50, 80, 120 }, { 0.5, 0.6, 0.9 }, 0.1),
  50 * 0.5 / 1.1 + 80 * 0.3 / 1.21 + 120 * 0.27 / 1.331))
check("equity", near(cxm.customer_equity({ 1000, 1200 }, { 250, 250 }, { 120, 120 }, 0.1),
  1000 * 130 + 1200 * 130 / 1.1, 1e-6))
check("version", cxm.version:match("^%d+%.%d+%.%d+$") ~= nil)

local ok, err = pcall(cxm.clv, 100, 1.5, 0.12)
check("bad retention raises", not ok and tostring(err):find("retention 1.5 is outside [0, 1]", 1, true), err)
ok, err = pcall(cxm.clv, 100, 0.8, -0.1)
check("negative discount raises", not ok and tostring(err):find("discount -0.1 must not be negative", 1, true), err)
ok, err = pcall(cxm.clv, 100, { 0.5, 2 }, 0.1)
check("element named", not ok and tostring(err):find("element 2: retention 2", 1, true), err)
ok, err = pcall(cxm.clv, 100, 1, 0)
check("infinite raises", not ok and tostring(err):find("infinite", 1, true), err)
ok, err = pcall(cxm.clv, { 1, 2 }, { 0.5 }, 0.1)
check("length mismatch raises", not ok and tostring(err):find("elements where", 1, true), err)
ok, err = pcall(cxm.clv, { 1, "x" }, { 0.5, 0.5 }, 0.1)
check("non-number raises", not ok and tostring(err):find("not a number", 1, true), err)

check("peak-end", cxm.peak_end({ 2, 4, 6, 7, 8, 8, 7.5, 7, 6.5 }) == 7.25)
local remembered = cxm.peak_end({ { 1, -3, 2, 4, 1 }, { -2 } })
check("peak-end many", remembered[1] == 2.5 and remembered[2] == -2)
ok, err = pcall(cxm.peak_end, {})
check("peak-end empty raises", not ok and tostring(err):find("at least one moment", 1, true), err)

if failures > 0 then
  print(failures .. " Lua checks failed")
  os.exit(1)
end
