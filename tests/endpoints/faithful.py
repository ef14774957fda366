"""An endpoint written from the AWS API references, independently of the harness's own
endpoints, to judge the harness's checks away from home: DynamoDB, Secrets Manager, ECS and ACM
token operations with the documented idempotency contract, and the slowness of the real
services (a table CREATING, a task PROVISIONING then STOPPING, a service DRAINING, each for
seconds). It offers no /_conformance/ control API: it is like any foreign endpoint.

    python3 tests/endpoints/faithful.py PORT [--fault retry-applied-twice]

retry-applied-twice: a retry with the same token and parameters is answered as the first call
was, but performed again (a second task, item, secret version, certificate).
"""
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REGION, ACCOUNT = "us-east-1", "123456789012"
FAULTS = set(a for a in sys.argv[2:] if not a.startswith("--")) | set(
    sys.argv[sys.argv.index("--fault") + 1:sys.argv.index("--fault") + 2] if "--fault" in sys.argv else [])
# How long the services take (seconds): long enough that nothing can assume it is instant.
CREATING, STARTING, STOPPING, DRAINING, DELETING = 3.0, 2.0, 2.0, 2.0, 2.0

lock = threading.RLock()
state = {"tables": {}, "items": {}, "exports": [], "imports": [], "secrets": {},
         "clusters": {}, "taskdefs": {}, "tasks": {}, "services": {}, "certs": {},
         "tokens": {}, "account": {}}


class ApiError(Exception):
    def __init__(self, kind, message, status=400, extra=None):
        super().__init__(message)
        self.kind, self.message, self.status, self.extra = kind, message, status, extra or {}


def now():
    return time.time()


def arn(service, resource):
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


def idempotent(service, op, token, params, window, perform, mismatch):
    """The documented token contract: within the window, the same token and parameters get the
    first answer without a second effect; other parameters get the mismatch error."""
    if token is None:
        return perform()
    key = (service, op, token)
    bound = state["tokens"].get(key)
    if bound and now() - bound["at"] <= window:
        if bound["params"] != params:
            raise ApiError(*mismatch)
        if "retry-applied-twice" in FAULTS:
            try:
                perform()
            except ApiError:
                pass
        return bound["answer"]
    answer = perform()
    state["tokens"][key] = {"params": params, "answer": answer, "at": now()}
    return answer


def without(body, member):
    return {k: v for k, v in body.items() if k != member}


def check_token(token, longest, kind="ValidationException", pattern=None):
    if token is None:
        return
    if len(token) > longest or len(token) < 1:
        raise ApiError(kind, f"token length must be at most {longest}")
    if pattern and not pattern(token):
        raise ApiError(kind, "token does not match its pattern")


# --- DynamoDB -------------------------------------------------------------------------------

def table(name, live=True):
    t = state["tables"].get(name)
    if t is None or (live and t["status"] == "DELETED"):
        raise ApiError("ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
    return t


def table_status(t):
    if t["status"] == "CREATING" and now() - t["at"] >= CREATING:
        t["status"] = "ACTIVE"
    if t["status"] == "DELETING" and now() - t["deleted"] >= DELETING:
        t["status"] = "DELETED"
    return t["status"]


def table_description(t):
    return {"TableName": t["name"], "TableArn": t["arn"], "TableId": t["id"], "TableStatus": table_status(t),
            "KeySchema": t["keys"], "AttributeDefinitions": t["attrs"], "CreationDateTime": t["at"],
            "ItemCount": len(state["items"].get(t["name"], {})), "TableSizeBytes": 0,
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}


def make_table(name, keys, attrs):
    if name in state["tables"] and table_status(state["tables"][name]) != "DELETED":
        raise ApiError("ResourceInUseException", f"Table already exists: {name}")
    t = {"name": name, "arn": arn("dynamodb", f"table/{name}"), "id": str(uuid.uuid4()), "status": "CREATING",
         "at": now(), "keys": keys, "attrs": attrs, "pitr": False}
    state["tables"][name] = t
    state["items"][name] = {}
    return t


def dynamodb(op, body):
    if op == "CreateTable":
        t = make_table(body["TableName"], body["KeySchema"], body["AttributeDefinitions"])
        return {"TableDescription": table_description(t)}
    if op == "DescribeTable":
        t = table(body["TableName"])
        if table_status(t) == "DELETED":
            raise ApiError("ResourceNotFoundException", "Requested resource not found")
        return {"Table": table_description(t)}
    if op == "DeleteTable":
        t = table(body["TableName"])
        t["status"], t["deleted"] = "DELETING", now()
        return {"TableDescription": table_description(t)}
    if op == "ListTables":
        return {"TableNames": sorted(n for n, t in state["tables"].items() if table_status(t) != "DELETED")}
    if op == "UpdateContinuousBackups":
        t = table(body["TableName"])
        t["pitr"] = bool(body["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"])
        return {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED",
                "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED" if t["pitr"] else "DISABLED"}}}
    if op == "TransactWriteItems":
        token = body.get("ClientRequestToken")
        check_token(token, 36)

        def perform():
            puts = [i["Put"] for i in body["TransactItems"] if "Put" in i]
            reasons, live = [], []
            for put in puts:
                t = table(put["TableName"])
                if table_status(t) != "ACTIVE":
                    raise ApiError("ResourceNotFoundException", f"Table {t['name']} is {t['status']}")
                key = json.dumps({k["AttributeName"]: put["Item"][k["AttributeName"]] for k in t["keys"]}, sort_keys=True)
                failed = put.get("ConditionExpression", "").startswith("attribute_not_exists") and key in state["items"][t["name"]]
                reasons.append({"Code": "ConditionalCheckFailed" if failed else "None"})
                live.append((t["name"], key, put["Item"]))
            if any(r["Code"] != "None" for r in reasons):
                raise ApiError("TransactionCanceledException", "Transaction cancelled", extra={"CancellationReasons": reasons})
            for name, key, item in live:
                state["items"][name][key] = item
            return {}
        return idempotent("dynamodb", op, token, without(body, "ClientRequestToken"), 600, perform,
                          ("IdempotentParameterMismatchException", "the token was used with other parameters"))
    if op == "Scan":
        items = list(state["items"].get(table(body["TableName"])["name"], {}).values())
        return {"Items": items, "Count": len(items), "ScannedCount": len(items)}
    if op == "ExportTableToPointInTime":
        token = body.get("ClientToken")
        check_token(token, 64)

        def perform():
            t = next((t for t in state["tables"].values() if t["arn"] == body["TableArn"]), None)
            if t is None:
                raise ApiError("TableNotFoundException", "no such table")
            if not t["pitr"]:
                raise ApiError("PointInTimeRecoveryUnavailableException", "point in time recovery is not enabled")
            e = {"ExportArn": f"{t['arn']}/export/{uuid.uuid4().hex}", "ExportStatus": "IN_PROGRESS",
                 "TableArn": t["arn"], "S3Bucket": body["S3Bucket"], "ExportType": "FULL_EXPORT"}
            state["exports"].append(e)
            return {"ExportDescription": e}
        return idempotent("dynamodb", op, token, without(body, "ClientToken"), 8 * 3600, perform,
                          ("ExportConflictException", "the token was used with other parameters"))
    if op == "ListExports":
        mine = [e for e in state["exports"] if body.get("TableArn") in (None, e["TableArn"])]
        return {"ExportSummaries": [{"ExportArn": e["ExportArn"], "ExportStatus": e["ExportStatus"], "ExportType": e["ExportType"]} for e in mine]}
    raise ApiError("UnknownOperationException", f"{op} is not implemented here")


# --- Secrets Manager --------------------------------------------------------------------------

def secrets(op, body):
    if op in ("CreateSecret", "PutSecretValue"):
        token = body.get("ClientRequestToken") or str(uuid.uuid4())
        check_token(token, 64)
        if len(token) < 32:
            raise ApiError("ValidationException", "ClientRequestToken must be at least 32 characters")
        name = body.get("Name") or body.get("SecretId")
        value = body.get("SecretString")
        s = state["secrets"].get(name)
        if op == "CreateSecret" and s is None:
            s = {"name": name, "arn": arn("secretsmanager", f"secret:{name}-{uuid.uuid4().hex[:6]}"), "versions": {}}
            state["secrets"][name] = s
        elif op == "PutSecretValue" and s is None:
            raise ApiError("ResourceNotFoundException", f"Secrets Manager can't find {name}")
        version = s["versions"].get(token)
        if version is not None:
            # "If a version with this value already exists and the version SecretString ... are
            # the same as those in the request, then the request is ignored. ... different ...
            # then the request fails because you cannot modify an existing version."
            if version != value:
                raise ApiError("ResourceExistsException", "a version with this token exists with another value")
            if "retry-applied-twice" in FAULTS:
                s["versions"][str(uuid.uuid4())] = value
            return {"ARN": s["arn"], "Name": name, "VersionId": token}
        if op == "CreateSecret" and s["versions"]:
            raise ApiError("ResourceExistsException", f"The operation failed because the secret {name} already exists.")
        s["versions"][token] = value
        return {"ARN": s["arn"], "Name": name, "VersionId": token}
    if op == "ListSecrets":
        return {"SecretList": [{"ARN": s["arn"], "Name": s["name"]} for s in state["secrets"].values()]}
    if op == "ListSecretVersionIds":
        s = state["secrets"][body["SecretId"]]
        return {"ARN": s["arn"], "Name": s["name"], "Versions": [{"VersionId": v} for v in s["versions"]]}
    if op == "DeleteSecret":
        s = state["secrets"].pop(body["SecretId"], None)
        if s is None:
            raise ApiError("ResourceNotFoundException", "no such secret")
        return {"ARN": s["arn"], "Name": s["name"], "DeletionDate": now()}
    raise ApiError("UnknownOperationException", f"{op} is not implemented here")


# --- ECS --------------------------------------------------------------------------------------

def task_view(t):
    age = now() - t["at"]
    if t["stopped"] is not None:
        last = "STOPPED" if now() - t["stopped"] >= STOPPING else "DEPROVISIONING"
    else:
        last = "PROVISIONING" if age < STARTING / 2 else ("PENDING" if age < STARTING else "RUNNING")
    return {"taskArn": t["arn"], "clusterArn": t["cluster_arn"], "taskDefinitionArn": t["taskdef"],
            "lastStatus": last, "desiredStatus": "STOPPED" if t["stopped"] is not None else "RUNNING",
            "createdAt": t["at"], "containers": [], "launchType": "EC2"}


def service_view(s):
    status = s["status"]
    if status == "DRAINING" and now() - s["deleted"] >= DRAINING:
        status = "INACTIVE"
    return {"serviceArn": s["arn"], "serviceName": s["name"], "clusterArn": s["cluster_arn"], "status": status,
            "desiredCount": s["desired"], "runningCount": 0, "pendingCount": 0, "taskDefinition": s["taskdef"]}


def cluster(name):
    c = state["clusters"].get(name.split("/")[-1])
    if c is None:
        raise ApiError("ClusterNotFoundException", "Cluster not found.")
    return c


def taskdef(ref):
    family = ref.split("/")[-1].split(":")[0]
    if family not in state["taskdefs"] or state["taskdefs"][family]["status"] != "ACTIVE":
        raise ApiError("ClientException", f"Unable to find task definition {ref}")
    return state["taskdefs"][family]


def ecs(op, body):
    if op == "CreateCluster":
        name = body["clusterName"]
        c = state["clusters"].setdefault(name, {"name": name, "arn": arn("ecs", f"cluster/{name}")})
        return {"cluster": {"clusterName": name, "clusterArn": c["arn"], "status": "ACTIVE"}}
    if op == "DeleteCluster":
        c = cluster(body["cluster"])
        if any(task_view(t)["lastStatus"] != "STOPPED" for t in state["tasks"].values() if t["cluster"] == c["name"]):
            raise ApiError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        if any(service_view(s)["status"] != "INACTIVE" for s in state["services"].values() if s["cluster"] == c["name"]):
            raise ApiError("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.")
        del state["clusters"][c["name"]]
        return {"cluster": {"clusterName": c["name"], "clusterArn": c["arn"], "status": "INACTIVE"}}
    if op == "RegisterTaskDefinition":
        family = body["family"]
        d = state["taskdefs"].get(family, {"revision": 0})
        d = {"family": family, "revision": d["revision"] + 1, "status": "ACTIVE"}
        d["arn"] = arn("ecs", f"task-definition/{family}:{d['revision']}")
        state["taskdefs"][family] = d
        return {"taskDefinition": {"taskDefinitionArn": d["arn"], "family": family, "revision": d["revision"],
                                   "status": "ACTIVE", "containerDefinitions": body["containerDefinitions"]}}
    if op == "DeregisterTaskDefinition":
        d = taskdef(body["taskDefinition"])
        d["status"] = "INACTIVE"
        return {"taskDefinition": {"taskDefinitionArn": d["arn"], "family": d["family"], "revision": d["revision"], "status": "INACTIVE"}}
    if op == "RunTask":
        token = body.get("clientToken")
        # "Up to 64 ASCII characters are allowed."
        check_token(token, 64, "InvalidParameterException")

        def perform():
            c, d = cluster(body.get("cluster", "default")), taskdef(body["taskDefinition"])
            tasks = []
            for _ in range(body.get("count", 1)):
                t = {"arn": arn("ecs", f"task/{c['name']}/{uuid.uuid4().hex}"), "cluster": c["name"],
                     "cluster_arn": c["arn"], "taskdef": d["arn"], "at": now(), "stopped": None}
                state["tasks"][t["arn"]] = t
                tasks.append(task_view(t))
            return {"tasks": tasks, "failures": []}
        return idempotent("ecs", op, token, without(body, "clientToken"), 24 * 3600, perform,
                          ("ConflictException", "the client token was used with other parameters", 400,
                           {"resourceIds": []}))
    if op == "StopTask":
        t = state["tasks"].get(body["task"])
        if t is None:
            raise ApiError("InvalidParameterException", "The referenced task was not found.")
        if t["stopped"] is None:
            t["stopped"] = now()
        return {"task": task_view(t)}
    if op == "ListTasks":
        c = cluster(body.get("cluster", "default"))
        want = body.get("desiredStatus", "RUNNING")
        return {"taskArns": [t["arn"] for t in state["tasks"].values()
                             if t["cluster"] == c["name"] and task_view(t)["desiredStatus"] == want]}
    if op == "DescribeTasks":
        found = [task_view(state["tasks"][a]) for a in body["tasks"] if a in state["tasks"]]
        missing = [{"arn": a, "reason": "MISSING"} for a in body["tasks"] if a not in state["tasks"]]
        return {"tasks": found, "failures": missing}
    if op == "CreateService":
        token = body.get("clientToken")
        # "Up to 36 ASCII characters in the range of 33-126 (inclusive) are allowed."
        check_token(token, 36, "InvalidParameterException", lambda t: all(33 <= ord(ch) <= 126 for ch in t))

        def perform():
            c, d = cluster(body.get("cluster", "default")), taskdef(body["taskDefinition"])
            name = body["serviceName"]
            old = state["services"].get((c["name"], name))
            if old and service_view(old)["status"] != "INACTIVE":
                raise ApiError("InvalidParameterException", "Creation of service was not idempotent.")
            s = {"name": name, "cluster": c["name"], "cluster_arn": c["arn"], "taskdef": d["arn"],
                 "arn": arn("ecs", f"service/{c['name']}/{name}") + ("" if not old else f"-{uuid.uuid4().hex[:4]}"),
                 "status": "ACTIVE", "desired": body.get("desiredCount", 0)}
            state["services"][(c["name"], name)] = s
            return {"service": service_view(s)}
        # "the retry succeeds without performing any further actions"; a changed request's
        # answer is not stated: it is refused here as RunTask's is.
        return idempotent("ecs", op, token, without(body, "clientToken"), 24 * 3600, perform,
                          ("InvalidParameterException", "the client token was used with other parameters"))
    if op == "DeleteService":
        c = cluster(body.get("cluster", "default"))
        s = state["services"].get((c["name"], body["service"].split("/")[-1]))
        if s is None or service_view(s)["status"] == "INACTIVE":
            raise ApiError("ServiceNotFoundException", "Service not found.")
        if s["desired"] > 0 and not body.get("force"):
            raise ApiError("InvalidParameterException", "The service cannot be stopped while it is scaled above 0.")
        s["status"], s["deleted"] = "DRAINING", now()
        return {"service": service_view(s)}
    if op == "DescribeServices":
        c = cluster(body.get("cluster", "default"))
        known = [(c["name"], n.split("/")[-1]) for n in body["services"]]
        found = [service_view(state["services"][k]) for k in known if k in state["services"]]
        missing = [{"arn": n, "reason": "MISSING"} for n, k in zip(body["services"], known) if k not in state["services"]]
        return {"services": found, "failures": missing}
    if op == "ListServices":
        c = cluster(body.get("cluster", "default"))
        return {"serviceArns": [s["arn"] for s in state["services"].values()
                                if s["cluster"] == c["name"] and service_view(s)["status"] != "INACTIVE"]}
    raise ApiError("UnknownOperationException", f"{op} is not implemented here")


# --- ACM --------------------------------------------------------------------------------------

def acm(op, body):
    word = lambda t: t != "" and all(ch.isalnum() or ch == "_" for ch in t)
    if op == "RequestCertificate":
        token = body.get("IdempotencyToken")
        check_token(token, 32, pattern=word)

        def perform():
            c = {"arn": arn("acm", f"certificate/{uuid.uuid4()}"), "domain": body["DomainName"]}
            state["certs"][c["arn"]] = c
            return {"CertificateArn": c["arn"]}
        # "if you call RequestCertificate multiple times with the same idempotency token within
        # one hour, ACM recognizes that you are requesting only one certificate"
        return idempotent("acm", op, token, without(body, "IdempotencyToken"), 3600, perform,
                          ("ValidationException", "the token was used with other parameters"))
    if op == "ListCertificates":
        return {"CertificateSummaryList": [{"CertificateArn": c["arn"], "DomainName": c["domain"], "Status": "PENDING_VALIDATION"}
                                           for c in state["certs"].values()]}
    if op == "DeleteCertificate":
        if state["certs"].pop(body["CertificateArn"], None) is None:
            raise ApiError("ResourceNotFoundException", "no such certificate")
        return {}
    if op == "PutAccountConfiguration":
        token = body.get("IdempotencyToken")
        check_token(token, 32, pattern=word)

        def perform():
            state["account"] = body.get("ExpiryEvents", {})
            return {}
        return idempotent("acm", op, token, without(body, "IdempotencyToken"), 3600, perform,
                          ("ValidationException", "the token was used with other parameters"))
    raise ApiError("UnknownOperationException", f"{op} is not implemented here")


SERVICES = {
    "DynamoDB_20120810": (dynamodb, "1.0"),
    "secretsmanager": (secrets, "1.1"),
    "AmazonEC2ContainerServiceV20141113": (ecs, "1.1"),
    "CertificateManager": (acm, "1.1"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; without this each answer waits on a delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def answer(self, status, body, version, error=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", f"application/x-amz-json-{version}")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        # What runs left behind, for the test to see that teardowns cleaned up.
        if self.path == "/leftovers":
            with lock:
                left = {
                    # A table DELETING was deleted: its delete was accepted, and only time remains.
                    "tables": [n for n, t in state["tables"].items() if table_status(t) not in ("DELETING", "DELETED")],
                    "clusters": list(state["clusters"]),
                    "tasks": [a for a, t in state["tasks"].items() if task_view(t)["lastStatus"] != "STOPPED"],
                    "services": [s["name"] for s in state["services"].values() if service_view(s)["status"] == "ACTIVE"],
                    "task definitions": [f for f, d in state["taskdefs"].items() if d["status"] == "ACTIVE"],
                    "secrets": list(state["secrets"]),
                    "certificates": list(state["certs"]),
                }
            return self.answer(200, {k: v for k, v in left.items() if v}, "1.0")
        self.answer(404, {"message": "no such resource"}, "1.0")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        prefix, _, op = (self.headers.get("X-Amz-Target") or "").partition(".")
        if prefix not in SERVICES:
            return self.answer(400, {"__type": "UnknownOperationException", "message": "unknown target"}, "1.0")
        handler, version = SERVICES[prefix]
        try:
            body = json.loads(raw or b"{}")
            with lock:
                result = handler(op, body)
            self.answer(200, result, version)
        except ApiError as e:
            self.answer(e.status, {"__type": e.kind, "message": e.message, **e.extra}, version, e.kind)
        except (KeyError, TypeError, ValueError) as e:
            self.answer(400, {"__type": "ValidationException", "message": f"invalid request: {e}"}, version, "ValidationException")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"listening on {sys.argv[1]}", flush=True)
    server.serve_forever()
