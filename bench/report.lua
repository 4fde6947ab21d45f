-- wrk script: optional POST bodies from a file (BENCH_BODIES, one a line: each thread takes
-- its own lines in turn, so no body is sent twice), counts responses by status, and prints a JSON
-- summary with p50/p95/p99 in done().
local counts = {}
local threads = {}
local bodies_path = os.getenv("BENCH_BODIES")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local method = os.getenv("BENCH_METHOD") or "GET"

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  statuses = {}
  if bodies_path then
    bodies = {}
    local n = 0
    for line in io.lines(bodies_path) do
      n = n + 1
      if n % nthreads == id % nthreads then table.insert(bodies, line) end
    end
    next_body = 1
  end
end

function request()
  if bodies then
    local body = bodies[next_body]
    next_body = next_body % #bodies + 1
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format(method, nil, headers, body)
  end
  return wrk.format(method)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(parts, ", ")))
end
