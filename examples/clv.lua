-- Closed-form lifetime value from Lua.
local cxm = require "cxm"

print(cxm.clv(100, 0.8, 0.12))                        -- 250.0
for i, v in ipairs(cxm.clv(100, { 0.80, 0.85, 0.90 }, 0.12)) do print(i, v) end
print(pcall(cxm.clv, 100, 1.5, 0.12))                 -- false  retention 1.5 is outside [0, 1]
