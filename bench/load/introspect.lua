-- POST /v1/auth/introspect with the seeded access tokens, round robin.
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
  return wrk.format("POST", "/v1/auth/introspect", {["Content-Type"] = "application/json"},
                    '{"token":"' .. tokens[i] .. '"}')
end
