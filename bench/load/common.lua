-- Shared by the wrk scripts: each wrk thread reads its own share of a seed file.
local M = {}
local counter = 0

function M.setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function M.lines(path, id, threads)
  local out = {}
  local i = 0
  for line in io.lines(path) do
    if i % threads == id then table.insert(out, line) end
    i = i + 1
  end
  return out
end

-- This thread's share of seed file `name` (users.txt, access.txt, refresh.txt).
function M.seed(name)
  return M.lines(os.getenv("BENCH_SEED") .. "/" .. name, tonumber(wrk.thread:get("id")),
                 tonumber(os.getenv("BENCH_THREADS")))
end

return M
