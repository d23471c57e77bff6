-- Printed by wrk when the run ends: one line that benchmarks/load.py reads.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCHMARK requests=%d duration_us=%d bytes=%d errors=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
