-- wrk script: optional POST body template with a fresh UUID per request ({{uuid}}),
-- counts responses by status, and prints a JSON summary with p50/p95/p99 in done().
local counts = {}
local threads = {}
local body_template = os.getenv("BENCH_BODY")
local method = os.getenv("BENCH_METHOD") or "GET"

local function uuid4()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(t, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  statuses = {}
end

function request()
  if body_template then
    local body = string.gsub(body_template, "{{uuid}}", uuid4())
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
