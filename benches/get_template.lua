-- wrk: GetEnvironmentTemplate against the proton-conform emulator.
wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "AwsProton20200720.GetEnvironmentTemplate"
wrk.body = '{"name":"bench"}'
