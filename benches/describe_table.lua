-- wrk: DynamoDB DescribeTable against moto's server (a comparable awsJson1_0 read).
wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.DescribeTable"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
wrk.body = '{"TableName":"bench"}'
