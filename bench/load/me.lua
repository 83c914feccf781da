-- GET /v1/users/me with the seeded access tokens, round robin.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
local common = require("common")
setup = common.setup
local tokens, i
function init(args)
  tokens = common.seed("access.txt")
  i = 0
end
function request()
  i = i % #tokens + 1
  return wrk.format("GET", "/v1/users/me", {["Authorization"] = "Bearer " .. tokens[i]})
end
