-- POST /v1/auth/refresh where every request rotates its own session: a token is taken from
-- this thread's queue and the new token from the answer goes back into it.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
local common = require("common")
setup = common.setup
-- Explicit head and tail indices: a Lua table with holes has no reliable length.
local queue, head, tail
function init(args)
  queue = common.seed("refresh.txt")
  head, tail = 1, #queue
end
function request()
  local token = queue[head]
  if token == nil then error("refresh.lua: the token queue ran dry (seed more sessions)") end
  queue[head] = nil
  head = head + 1
  return wrk.format("POST", "/v1/auth/refresh", {["Content-Type"] = "application/json"},
                    '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then
    tail = tail + 1
    queue[tail] = token
  end
end
