-- POST /v1/auth/login as the seeded users, round robin (each opens a session; Argon2id bound).
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
local common = require("common")
setup = common.setup
local users, i
function init(args)
  users = common.seed("users.txt")
  i = 0
end
function request()
  i = i % #users + 1
  return wrk.format("POST", "/v1/auth/login", {["Content-Type"] = "application/json"},
                    '{"username":"' .. users[i] .. '","password":"bench password 0123"}')
end
