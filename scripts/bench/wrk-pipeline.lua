-- wrk script: HTTP/1.1 pipelining, N requests in one write per connection (default 10).
--   wrk -s scripts/bench/wrk-pipeline.lua URL -- [DEPTH]
--
-- Why override wrk.format instead of defining a global request(): wrk treats a script with a
-- request() function as "dynamic" and calls into Lua before every write. wrk.init() builds its
-- static request with wrk.format() right after calling init(), so returning the whole batch from
-- wrk.format keeps wrk on its static fast path: the fairest (cheapest) pipelining wrk can do.
-- wrk counts the requests in the batch itself and writes again once all N responses arrived.

local depth = 10

function init(args)
  local n = tonumber(args[1])
  if n ~= nil and n >= 1 then
    depth = math.floor(n)
  end
  local format_one = wrk.format
  wrk.format = function(method, path, headers, body)
    return string.rep(format_one(method, path, headers, body), depth)
  end
end
