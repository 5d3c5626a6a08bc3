-- wrk script: POSTs the JSON bodies of a file (one a line) in turn, and ends with one line
--   BENCH {"requests": ..., "p50_us": ..., ...}
-- for bench/run.py. Usage: wrk ... -s bench/post.lua URL -- BODIES_FILE [TOKEN]
local prepared = {}
local position = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  if args[2] and #args[2] > 0 then headers["Authorization"] = "Bearer " .. args[2] end
  local file = assert(io.open(args[1], "r"), "cannot open the bodies file")
  for line in file:lines() do
    if #line > 0 then
      prepared[#prepared + 1] =
        wrk.format("POST", nil, headers, line)
    end
  end
  file:close()
  assert(#prepared > 0, "no bodies")
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
