#!/usr/bin/env python3
"""A Causeway party in Python: the reference for implementing the protocol in another language (docs/protocol.md).

It joins a coordinator over HTTP/2 + TLS, describes its table (schema and aggregate statistics, never rows), long-polls
for tasks and answers them: train tasks by full-batch or mini-batch SGD on a logistic model, evaluate tasks with its
(empty) evaluation, protocol steps with a refusal (it takes part in plain horizontal runs only). Everything it computes
follows docs/protocol.md, "Reference computations"; its test vectors are in docs/protocol-vectors/.

Supported: schemas with numeric (standard scaling), categorical, label (classes), id and ignore columns, no missing
values; binary logistic models; SGD with momentum, weight decay and FedProx's proximal term. Anything else is refused
with a message naming it, at start or in a FailureReport.

Install its dependencies (Debian packages) and generate the message modules: scripts/install-python-party.sh.
Run:  CAUSEWAY_JOIN_TOKEN=... python3 clients/python/causeway_party.py --join https://127.0.0.1:7443 --id py-1 \
        --data my.csv --schema schema.json --ca certs/ca.crt.pem
"""

import argparse
import csv
import hashlib
import json
import math
import os
import random
import ssl
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))

import httpx  # noqa: E402  (Debian: python3-httpx, with python3-h2 for HTTP/2)
from causeway.v1 import evaluation_pb2, messages_pb2, parameters_pb2, secure_pb2  # noqa: E402,F401

CONTENT_TYPE = "application/x-protobuf"
PREFIX = "/causeway.v1/"


class Unsupported(Exception):
    """Something this reference party does not implement; the message names it."""


# ---- Schema and table (docs/configuration.md, "Data schema") ----

class Schema:
    def __init__(self, text):
        document = json.loads(text)
        fmt = document.get("format") or {}
        self.text = text
        self.delimiter = fmt.get("delimiter", ",")
        self.header = fmt.get("header", True)
        self.trim = fmt.get("trimWhitespace", True)
        self.skip = fmt.get("skipLinesStartingWith", [])
        self.missing_values = set(fmt.get("missingValues", [""]))
        if document.get("window") is not None:
            raise Unsupported("windowed schemas")
        self.columns = document["columns"]
        for column in self.columns:
            kind = column["type"]
            if kind not in ("numeric", "categorical", "label", "id", "ignore"):
                raise Unsupported(f"column '{column['name']}' of type {kind}")
            if kind == "numeric" and (column.get("scale", "standard") != "standard" or "bins" in column or column.get("indicator")):
                raise Unsupported(f"column '{column['name']}': scaling other than standard, bins or indicators")
        self.label = next(c for c in self.columns if c["type"] == "label")
        if self.label.get("regression"):
            raise Unsupported("regression labels")
        self.class_of = {raw: int(index) for index, raws in self.label["classes"].items() for raw in raws}

    def numeric(self):
        return [c["name"] for c in self.columns if c["type"] == "numeric"]

    def categorical(self):
        return [c for c in self.columns if c["type"] == "categorical"]


def read_table(path, schema):
    """Rows as {column: text}, read as the schema's format says; a missing value is refused (policy reject)."""
    with open(path, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not any(line.startswith(p) for p in schema.skip)]
    reader = csv.reader(lines, delimiter=schema.delimiter)
    names = [c["name"] for c in schema.columns]
    rows = []
    header = None
    for number, fields in enumerate(reader, start=1):
        if schema.trim:
            fields = [f.strip() for f in fields]
        if schema.header and header is None:
            header = fields
            continue
        order = header if header is not None else names
        if len(fields) != len(order):
            raise ValueError(f"{path}, row {number}: {len(fields)} fields, expected {len(order)}")
        row = dict(zip(order, fields))
        for column in schema.columns:
            if column["type"] in ("numeric", "categorical", "label") and row[column["name"]] in schema.missing_values:
                raise Unsupported(f"{path}, row {number}: a missing value in '{column['name']}' (this party implements the reject policy only)")
        rows.append(row)
    return rows


# ---- Statistics (docs/protocol.md, "Reference computations") ----

def exact_partials(values):
    """Shewchuk's non-overlapping partials of the exact sum, smallest magnitude first (the algorithm of math.fsum)."""
    partials = []
    for x in values:
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[i] = low
                i += 1
            x = high
        partials[i:] = [x]
    return partials


def statistics(rows, schema):
    numeric = schema.numeric()
    values = {name: [float(row[name]) for row in rows] for name in numeric}
    categorical = schema.categorical()
    return {
        "Rows": len(rows),
        "NumericColumns": numeric,
        "Counts": [len(values[name]) for name in numeric],
        "Sums": [{"Partials": exact_partials(values[name])} for name in numeric],
        "SumsOfSquares": [{"Partials": exact_partials([v * v for v in values[name]])} for name in numeric],
        "CategoricalColumns": [c["name"] for c in categorical],
        "CategoryCounts": [[sum(1 for row in rows if row[c["name"]] == category) for category in c["categories"]] for c in categorical],
    }


def means_and_deviations(merged):
    """Per numeric column: mean = sum / count, population deviation sqrt(max(0, sumsq / count - mean^2)); 1 when below 1e-12 x max(1, |mean|)."""
    result = []
    for count, sums, squares in zip(merged["Counts"], merged["Sums"], merged["SumsOfSquares"]):
        total, total_squares = math.fsum(sums["Partials"]), math.fsum(squares["Partials"])
        mean = total / count if count else 0.0
        variance = max(0.0, total_squares / count - mean * mean) if count else 0.0
        deviation = math.sqrt(variance)
        result.append((mean, deviation if deviation > 1e-12 * max(1.0, abs(mean)) else 1.0))
    return result


def encode(rows, schema, merged):
    """Features in schema column order: numeric (x - mean) / deviation; categorical one-hot (all zero when unknown)."""
    scaling = dict(zip(merged["NumericColumns"], means_and_deviations(merged)))
    features, labels = [], []
    for row in rows:
        vector = []
        for column in schema.columns:
            name, kind = column["name"], column["type"]
            if kind == "numeric":
                mean, deviation = scaling[name]
                vector.append((float(row[name]) - mean) / deviation)
            elif kind == "categorical":
                vector.extend(1.0 if row[name] == category else 0.0 for category in column["categories"])
        features.append(vector)
        raw = row[schema.label["name"]]
        if raw not in schema.class_of:
            raise ValueError(f"label '{raw}' is not one of the schema's classes")
        labels.append(float(schema.class_of[raw]))
    return features, labels


# ---- Parameters and training ----

def read_parameters(message):
    """ParameterSet -> [(name, shape, [floats])]; data is float32 little-endian, row-major."""
    return [(t.name, list(t.shape), list(struct.unpack(f"<{len(t.data) // 4}f", t.data))) for t in message.tensors]


def write_parameters(tensors):
    message = parameters_pb2.ParameterSet()
    for name, shape, values in tensors:
        message.tensors.add(name=name, shape=shape, data=struct.pack(f"<{len(values)}f", *values))
    return message


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def train_logistic(tensors, features, labels, plan, seed):
    """LocalTrainer's loop for a binary logistic model: returns (weights, bias, mean loss of the last epoch)."""
    if plan.optimizer != messages_pb2.OPTIMIZER_SGD:
        raise Unsupported("optimizers other than SGD")
    if plan.dp_noise_multiplier > 0 or plan.dp_clip_norm > 0 or plan.frozen_layers or plan.personal_layers:
        raise Unsupported("DP-SGD, frozen or personal layers")
    named = {name: values for name, _, values in tensors}
    if set(named) != {"layer0.weight", "layer0.bias"} or len(named["layer0.bias"]) != 1:
        raise Unsupported("models other than binary logistic regression")
    start = named["layer0.weight"] + named["layer0.bias"]
    w = list(start)
    velocity = [0.0] * len(w)
    n, d = len(features), len(named["layer0.weight"])
    batch = n if plan.batch_size == 0 else min(plan.batch_size, n)
    order = list(range(n))
    shuffle = random.Random(seed)
    last_loss = 0.0
    for _ in range(plan.epochs):
        shuffle.shuffle(order)  # batches differ from .NET's (its own seeded shuffle); a full batch does not depend on it
        loss_sum = 0.0
        for first in range(0, n, batch):
            rows = order[first:first + batch]
            gradient = [0.0] * (d + 1)
            for r in rows:
                z = sum(wi * xi for wi, xi in zip(w, features[r])) + w[d]
                y = labels[r]
                loss_sum += max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))  # BCE with logits
                error = (sigmoid(z) - y) / len(rows)
                for j in range(d):
                    gradient[j] += error * features[r][j]
                gradient[d] += error
            pull = plan.weight_decay + plan.proximal_mu
            for j in range(d + 1):
                gradient[j] += pull * w[j] - plan.proximal_mu * start[j]
                velocity[j] = plan.momentum * velocity[j] + gradient[j]
                w[j] -= plan.learning_rate * (velocity[j] if plan.momentum > 0 else gradient[j])
        last_loss = loss_sum / n
    return w[:d], w[d:], last_loss


# ---- The protocol ----

class Coordinator:
    def __init__(self, address, ca):
        context = ssl.create_default_context(cafile=ca)
        self.address = address.rstrip("/")
        self.http = httpx.Client(http2=True, verify=context, timeout=httpx.Timeout(90.0))
        self.heartbeat_http = httpx.Client(http2=True, verify=context, timeout=httpx.Timeout(30.0))
        self.session = None

    def call(self, name, message, response_type, client=None):
        headers = {"Content-Type": CONTENT_TYPE}
        if self.session:
            headers["Authorization"] = f"Bearer {self.session}"
        response = (client or self.http).post(self.address + PREFIX + name, content=message.SerializeToString(), headers=headers)
        if response.status_code != 200:
            error = messages_pb2.Error.FromString(response.content)
            raise RuntimeError(f"{name}: {response.status_code} {messages_pb2.ErrorReason.Name(error.reason)}: {error.message}")
        return response_type.FromString(response.content)


def run(args):
    schema = Schema(open(args.schema, encoding="utf-8").read())
    rows = read_table(args.data, schema)
    coordinator = Coordinator(args.join, args.ca)
    description = messages_pb2.DataDescription(schema_json=schema.text, statistics_json=json.dumps(statistics(rows, schema)))
    joined = coordinator.call("Join", messages_pb2.JoinRequest(
        party_id=args.id, join_token=os.environ["CAUSEWAY_JOIN_TOKEN"], client_version="causeway-python/1", data=description),
        messages_pb2.JoinResponse)
    coordinator.session = joined.session_token
    print(f"joined federation {joined.federation_id} as {args.id} ({len(rows)} rows)", flush=True)

    stop = threading.Event()

    def heartbeat():
        while not stop.wait(joined.heartbeat_interval_ms / 1000):
            try:
                coordinator.call("Heartbeat", messages_pb2.HeartbeatRequest(), messages_pb2.HeartbeatResponse, coordinator.heartbeat_http)
            except Exception as e:  # the pull loop notices a dead session; heartbeats keep trying
                print(f"heartbeat failed: {e}", file=sys.stderr, flush=True)

    threading.Thread(target=heartbeat, daemon=True).start()
    setups = {}  # digest -> RunSetup
    digest = b""
    try:
        while True:
            pulled = coordinator.call("PullTask", messages_pb2.PullTaskRequest(setup_digest=digest), messages_pb2.PullTaskResponse)
            if not pulled.HasField("task"):
                continue
            task = pulled.task
            if task.HasField("setup"):
                setups[task.setup_digest] = task.setup
            digest = task.setup_digest or digest
            result = answer(task, setups.get(task.setup_digest), rows, schema)
            result.task_id, result.run_id, result.round = task.task_id, task.run_id, task.round
            coordinator.call("PushResult", result, messages_pb2.PushResultResponse)
    finally:
        stop.set()


def answer(task, setup, rows, schema):
    result = messages_pb2.PushResultRequest()
    try:
        if task.kind == messages_pb2.TASK_KIND_TRAIN:
            if setup is None or setup.recommendation_json:
                raise Unsupported("a train task without a horizontal run setup")
            if json.loads(setup.schema_json) != json.loads(schema.text):
                raise Unsupported("the run's schema differs from this party's")
            features, labels = encode(rows, schema, json.loads(setup.statistics_json))
            started = time.monotonic()
            tensors = read_parameters(getattr(task, "global"))
            weights, bias, loss = train_logistic(tensors, features, labels, task.plan, task.seed)
            start = {name: values for name, _, values in tensors}
            delta = [("layer0.weight", tensors[0][1], [a - b for a, b in zip(weights, start["layer0.weight"])]),
                     ("layer0.bias", tensors[1][1], [a - b for a, b in zip(bias, start["layer0.bias"])])]
            result.train.CopyFrom(messages_pb2.TrainResult(
                delta=write_parameters(delta), examples=len(rows), train_loss=loss, train_seconds=time.monotonic() - started))
            print(f"run {task.run_id} round {task.round}: train done", flush=True)
        elif task.kind == messages_pb2.TASK_KIND_EVALUATE:
            result.evaluation.CopyFrom(evaluation_pb2.EvaluationResult())  # this party holds no evaluation rows
        elif task.kind == messages_pb2.TASK_KIND_PROTOCOL_STEP and task.protection.HasField("evaluation_report"):
            result.step_reply.CopyFrom(secure_pb2.ProtocolMessage(evaluation_report_received=evaluation_pb2.EvaluationReportReceived()))
        else:
            raise Unsupported(f"task kind {messages_pb2.TaskKind.Name(task.kind)}")
    except Unsupported as e:
        result.failure.CopyFrom(messages_pb2.FailureReport(reason=f"the reference Python party does not support {e}"))
    return result


def check_vectors(directory):
    """Recomputes docs/protocol-vectors from its table and checks every figure; returns the lines it prints."""
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    schema = Schema(open(path("schema.json"), encoding="utf-8").read())
    rows = read_table(path("table.csv"), schema)
    expected = json.load(open(path("statistics.json"), encoding="utf-8"))
    mine = statistics(rows, schema)
    for key in ("Rows", "NumericColumns", "Counts", "CategoricalColumns", "CategoryCounts"):
        assert mine[key] == expected[key], f"statistics {key}: {mine[key]} != {expected[key]}"
    for key in ("Sums", "SumsOfSquares"):
        for a, b in zip(mine[key], expected[key]):
            assert math.fsum(a["Partials"]) == math.fsum(b["Partials"]), f"statistics {key}: {a} != {b}"

    encoded = json.load(open(path("encoded.json"), encoding="utf-8"))
    features, labels = encode(rows, schema, expected)
    worst = max(abs(x - y) for row, other in zip(features, encoded["features"]) for x, y in zip(row, other))
    assert worst < 1e-6 and labels == encoded["labels"], f"encoding differs by {worst}"

    step = json.load(open(path("train-step.json"), encoding="utf-8"))
    plan = messages_pb2.TrainingPlan(**step["plan"])
    tensors = [(name, t["shape"], t["values"]) for name, t in step["global"].items()]
    weights, bias, loss = train_logistic(tensors, features, labels, plan, seed=7)
    delta = [w - g for w, g in zip(weights + bias, step["global"]["layer0.weight"]["values"] + step["global"]["layer0.bias"]["values"])]
    want = step["delta"]["layer0.weight"]["values"] + step["delta"]["layer0.bias"]["values"]
    worst_delta = max(abs(a - b) for a, b in zip(delta, want))
    assert worst_delta < 1e-5, f"training step's delta differs by {worst_delta}"
    assert abs(loss - step["train_loss"]) < 1e-5 and len(rows) == step["examples"], f"train_loss {loss} != {step['train_loss']}"
    return [f"statistics: {len(rows)} rows, sums exact",
            f"encoding: {len(features[0])} features, largest difference {worst:.1e}",
            f"training step: largest delta difference {worst_delta:.1e}, train_loss {loss:.6f}"]


def main():
    parser = argparse.ArgumentParser(description="A Causeway party in Python (the protocol's reference client).")
    parser.add_argument("--join", help="the coordinator's https:// address")
    parser.add_argument("--id", help="the party id (1 to 128 characters, no spaces, control or formatting characters)")
    parser.add_argument("--data", help="the training table")
    parser.add_argument("--schema", help="the federation's schema file")
    parser.add_argument("--ca", help="the federation CA's certificate (PEM)")
    parser.add_argument("--print-statistics", action="store_true", help="print the statistics_json of --data and exit")
    parser.add_argument("--check-vectors", metavar="DIR", help="check this implementation against docs/protocol-vectors and exit")
    args = parser.parse_args()
    if args.check_vectors:
        for line in check_vectors(args.check_vectors):
            print(line)
    elif not (args.data and args.schema):
        parser.error("--data and --schema are required")
    elif args.print_statistics:
        schema = Schema(open(args.schema, encoding="utf-8").read())
        print(json.dumps(statistics(read_table(args.data, schema), schema)))
    elif not (args.join and args.id and args.ca):
        parser.error("--join, --id and --ca are required to take part (or give --print-statistics or --check-vectors)")
    else:
        run(args)


if __name__ == "__main__":
    main()
