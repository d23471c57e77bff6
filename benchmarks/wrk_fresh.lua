-- Every request asks something not asked before: FRESH in the path becomes a number of its
-- own (the thread's and the request's), so no answer kept in memory can serve it.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, (wrk.path:gsub("FRESH", id .. "-" .. counter)))
end

-- Printed by wrk when the run ends: one line that benchmarks/load.py reads.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCHMARK requests=%d duration_us=%d bytes=%d errors=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
