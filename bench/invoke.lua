-- wrk script: POST the same small JSON object to the path given on the command line (an invoke endpoint), e.g.
--   wrk -t2 -c16 -d30s --latency -s bench/invoke.lua http://127.0.0.1:18080/functions/bench/invoke
-- BENCH_BODY overrides the body. Every non-2xx answer is counted and printed at the end, so a run that only
-- measured refusals cannot pass for a fast one.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or '{"name":"World"}'
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failed = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failed")
  end
  io.write(string.format("non-2xx answers: %d\n", total))
end
