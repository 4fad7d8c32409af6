-- wrk script: every request carries the next cookie of a pool (one Cookie header per line of the file).
-- Requests are built once in init, so choosing a cookie costs the load generator a table lookup.
local requests = {}
local count = 0
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      count = count + 1
      requests[count] = wrk.format("GET", wrk.path, { ["Host"] = wrk.host .. ":" .. wrk.port, ["Cookie"] = line })
    end
  end
  -- Each run starts at a different place in the pool, so warm-up and rounds see different cookies first.
  index = tonumber(args[2] or "0") % count
end

function request()
  index = index % count + 1
  return requests[index]
end
