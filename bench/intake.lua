-- wrk script: POST a realistic emergency intake record with a unique id per request.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  template = io.open(args[2]):read("*a")
end

function request()
  counter = counter + 1
  local body = string.gsub(template, "__ID__", "bench-" .. tid .. "-" .. counter)
  return wrk.format("POST", "/api/v1/requests",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
