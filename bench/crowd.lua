-- wrk script for bench/http_bench.py: every request is a different customer's, taking
-- the session cookies one per line from the file named by $BENCH_COOKIES. Threads start
-- far apart in the list, so two of them never ask for the same customer at once.
local cookies = {}
local position = 0
local threads = 0

function setup(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    cookies[#cookies + 1] = line
  end
  position = thread_no * math.floor(#cookies / 2)
end

function request()
  position = position % #cookies + 1
  return wrk.format(nil, nil, { ["Cookie"] = "sessionid=" .. cookies[position] })
end
