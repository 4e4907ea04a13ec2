-- wrk script for bench/mixed.sh: each connection's requests rotate over the paths listed,
-- one a line, in the file named by the environment variable MIXED_PATHS (already
-- percent-encoded, e.g. /article/%D8%B1...). Each wrk thread starts at a different offset.
--
-- With MIXED_COUNT=1 every response is also looked at: how many were answered stale
-- (X-Sahifa-Cache: stale, a retired page served while its successor renders) and how many
-- were not 200, printed at the end as "mixed: stale N, non200 N, responses N". Looking
-- costs wrk some time per response, so throughput runs leave it off.

local paths = {}
local file = os.getenv("MIXED_PATHS")
if not file then
  error("MIXED_PATHS is not set")
end
for line in io.lines(file) do
  if line ~= "" then
    paths[#paths + 1] = line
  end
end
if #paths == 0 then
  error("no paths in " .. file)
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
stale, non200, responses = 0, 0, 0

function init(args)
  counter = (id or 0) * 7919
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

if os.getenv("MIXED_COUNT") == "1" then
  function response(status, headers, body)
    responses = responses + 1
    if status ~= 200 then
      non200 = non200 + 1
    end
    if headers["x-sahifa-cache"] == "stale" or headers["X-Sahifa-Cache"] == "stale" then
      stale = stale + 1
    end
  end

  function done(summary, latency, requests)
    local s, n, r = 0, 0, 0
    for _, thread in ipairs(threads) do
      s = s + thread:get("stale")
      n = n + thread:get("non200")
      r = r + thread:get("responses")
    end
    io.write(string.format("mixed: stale %d, non200 %d, responses %d\n", s, n, r))
  end
end
