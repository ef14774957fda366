-- wrk: creates environment templates with distinct names, to measure memory per resource.
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"name":"mem-%d-%d","description":"a template for the memory benchmark"}', math.random(1, 1000000000), counter)
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "AwsProton20200720.CreateEnvironmentTemplate",
  }, body)
end
