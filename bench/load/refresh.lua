-- POST /v1/auth/refresh where every request rotates its own session: a token is taken from
-- this thread's queue and the new token from the answer goes back into it.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
local common = require("common")
setup = common.setup
local queue, head
function init(args)
  queue = common.lines(os.getenv("BENCH_SEED") .. "/refresh.txt", tonumber(wrk.thread:get("id")), tonumber(os.getenv("BENCH_THREADS")))
  head = 1
end
function request()
  local token = queue[head]
  queue[head] = nil
  head = head + 1
  return wrk.format("POST", "/v1/auth/refresh", {["Content-Type"] = "application/json"},
                    '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then table.insert(queue, token) end
end
