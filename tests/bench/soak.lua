-- soak.lua — wrk script of the soak benchmark (tests/bench/bench-soak.sh)
--
-- Cycles, on every connection, through a fixed mix of ten requests:
-- 1 × GET /health, 4 × resident search, 2 × resident detail,
-- 1 × visitor list, 2 × visitor registration, each with a real bearer
-- token drawn from the sessions the driver signed in. The driver passes a
-- directory holding:
--   tokens     one bearer token a line
--   queries    search texts (names, name parts, rooms, last-4), one a line
--   rooms      rooms that exist on the estate, one a line
--   max-id     the largest resident id
-- A second argument "visitors" makes every request a visitor registration
-- (the write throughput of docs/benchmarks.md).
-- done() prints one "SOAK …" line that the driver parses. Nothing of the
-- resident data is printed.
--
-- SPDX-License-Identifier: GPL-3.0-or-later

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then
      lines[#lines + 1] = line
    end
  end
  assert(#lines > 0, path .. " is empty")
  return lines
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local tokens, queries, rooms, max_id, only_visitors
local counter = 0
local surnames = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴" }
local given = { "小明", "建国", "丽", "芳", "伟", "秀英", "磊", "静", "强", "敏" }
local purposes = { "送快递", "探亲", "维修", "送外卖", "访友" }

n2xx, n4xx, n5xx, nother = 0, 0, 0, 0

function init(args)
  local dir = args[1]
  tokens = read_lines(dir .. "/tokens")
  queries = read_lines(dir .. "/queries")
  for i, q in ipairs(queries) do
    queries[i] = urlencode(q)
  end
  rooms = read_lines(dir .. "/rooms")
  max_id = tonumber(read_lines(dir .. "/max-id")[1])
  only_visitors = args[2] == "visitors"
  math.randomseed(os.time() * 97 + thread_id)
  -- Connections of one thread start at different points of the cycle.
  counter = thread_id * 3
end

local function pick(list)
  return list[math.random(#list)]
end

local function headers()
  return { ["Authorization"] = "Bearer " .. pick(tokens) }
end

local function visitor_body()
  return string.format(
    '{"name":"%s%s","phone":"1%d%09d","room":"%s","purpose":"%s"}',
    pick(surnames), pick(given), math.random(3, 9), math.random(0, 999999999),
    pick(rooms), pick(purposes))
end

function request()
  counter = counter + 1
  local k = only_visitors and 9 or counter % 10
  if k == 0 then
    return wrk.format("GET", "/api/v1/health")
  elseif k <= 4 then
    return wrk.format("GET", "/api/v1/residents?limit=50&q=" .. pick(queries), headers())
  elseif k <= 6 then
    return wrk.format("GET", "/api/v1/residents/" .. math.random(1, max_id), headers())
  elseif k == 7 then
    return wrk.format("GET", "/api/v1/visitors?limit=50", headers())
  else
    local h = headers()
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/visitors", h, visitor_body())
  end
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    n2xx = n2xx + 1
  elseif status >= 400 and status < 500 then
    n4xx = n4xx + 1
  elseif status >= 500 then
    n5xx = n5xx + 1
  else
    nother = nother + 1
  end
end

function done(summary, latency, requests)
  local c2, c4, c5, co = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    c2 = c2 + thread:get("n2xx")
    c4 = c4 + thread:get("n4xx")
    c5 = c5 + thread:get("n5xx")
    co = co + thread:get("nother")
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d seconds=%.1f 2xx=%d 4xx=%d 5xx=%d other=%d "
      .. "sockerr=%d timeouts=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, c2, c4, c5, co,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
