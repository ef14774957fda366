"""The boto3 baseline of benches/harness_overhead.sh: GetEnvironmentTemplate from N threads for
S seconds; prints requests per second. Usage: boto3_gets.py URL THREADS SECONDS"""
import os
import sys
import threading
import time

import boto3

url, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "proton-conform-bench")
session = boto3.session.Session(region_name="us-east-1")
counts = [0] * threads
deadline = time.monotonic() + seconds


def worker(i):
    client = session.client("proton", endpoint_url=url)
    while time.monotonic() < deadline:
        client.get_environment_template(name="bench")
        counts[i] += 1


started = time.monotonic()
pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
print(sum(counts) / (time.monotonic() - started))
