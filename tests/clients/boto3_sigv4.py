"""Proves the emulator's SigV4 verifier with boto3's own signer: the right secret passes, a
wrong secret or an unknown key is refused with AWS's error codes. Usage: boto3_sigv4.py ENDPOINT"""

import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def client(key, secret):
    return boto3.client("proton", region_name="us-east-1", endpoint_url=ENDPOINT,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


def refused(c, code):
    try:
        c.list_environment_templates()
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response["Error"]
        return
    raise AssertionError(f"expected {code}, the request passed")


good = client("AKIDEXAMPLE", SECRET)
made = good.create_environment_template(name="signed", description="a body that is signed too")
assert made["environmentTemplate"]["name"] == "signed"
assert good.list_environment_templates()["templates"][0]["name"] == "signed"
refused(client("AKIDEXAMPLE", "not-the-secret"), "InvalidSignatureException")
refused(client("AKIDOTHER", SECRET), "UnrecognizedClientException")
print("sigv4 verified")
