-- wrk script: POST pre-signed bodies, one per request, none sent twice (while they last).
-- Usage: wrk ... -s bench/lua/signed_bodies.lua URL -- BODIES_FILE
-- BODIES_FILE holds one "signature<TAB>body" per line. Each wrk thread takes every n-th line, so
-- two threads never send the same body; a thread that runs out starts again (LINE's
-- redeliveries) and says so. done() prints the 95th percentile, which wrk's --latency omits.
local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  table.insert(threads, thread)
  count = count + 1
end

function init(args)
  nthreads = tonumber(args[2])
  sigs, bodies = {}, {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % nthreads == id then
      local tab = line:find("\t", 1, true)
      sigs[#sigs + 1] = line:sub(1, tab - 1)
      bodies[#bodies + 1] = line:sub(tab + 1)
    end
    n = n + 1
  end
  i, wrapped = 0, 0
end

function request()
  i = i + 1
  if i > #bodies then
    i, wrapped = 1, wrapped + 1
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Line-Signature"] = sigs[i],
    ["X-Forwarded-Proto"] = "https",
  }, bodies[i])
end

function done(summary, latency, requests)
  local again = 0
  for _, thread in ipairs(threads) do
    again = again + thread:get("wrapped")
  end
  io.write(string.format("p95_us %d\nwrapped %d\n", latency:percentile(95), again))
end
