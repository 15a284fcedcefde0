#!/usr/bin/env python3
"""A small OTLP/HTTP (protobuf) receiver for tests: decodes with the official opentelemetry-proto package.

It is a test peer, not a collector: it keeps every request in memory (and, from the command line,
writes each one as a JSON line), answers 200 with an empty Export*ServiceResponse, and can be told
to answer slowly (--delay) or with an HTTP error (--status) to exercise a client's failure paths.
Listens on loopback only.

Usage: python3 scripts/otlp-receiver.py [--port 4318] [--out requests.jsonl] [--delay S] [--status N]
Needs: pip install opentelemetry-proto
"""
import argparse
import gzip
import http.server
import json
import sys
import threading
import time

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

SIGNALS = {
    "/v1/traces": (trace_service_pb2.ExportTraceServiceRequest, trace_service_pb2.ExportTraceServiceResponse),
    "/v1/metrics": (metrics_service_pb2.ExportMetricsServiceRequest, metrics_service_pb2.ExportMetricsServiceResponse),
}


class Receiver:
    """Runs the server in a thread; `traces` and `metrics` hold the decoded requests."""

    def __init__(self, port=0, delay=0.0, status=200, out=None):
        self.traces, self.metrics, self.headers = [], [], []
        self.delay, self.status, self.out = delay, status, out
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as OTLP clients expect

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                signal = SIGNALS.get(self.path)
                if receiver.delay:
                    time.sleep(receiver.delay)
                if signal is None or receiver.status != 200:
                    self.send_response(404 if signal is None else receiver.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                request = signal[0]()
                request.ParseFromString(body)
                with receiver.lock:
                    receiver.headers.append({k.lower(): v for k, v in self.headers.items()})
                    (receiver.traces if self.path == "/v1/traces" else receiver.metrics).append(request)
                    if receiver.out:
                        receiver.out.write(json.dumps({"path": self.path, "request": MessageToDict(request)}) + "\n")
                        receiver.out.flush()
                reply = signal[1]().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                try:
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a --delay longer than its timeout)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def spans(self):
        """Every received span as (span, resource attributes)."""
        with self.lock:
            return [
                (span, rs.resource)
                for request in self.traces
                for rs in request.resource_spans
                for ss in rs.scope_spans
                for span in ss.spans
            ]

    def metric_points(self):
        """Every received metric as (name, data point, kind), kind being 'sum' or 'histogram'."""
        out = []
        with self.lock:
            for request in self.metrics:
                for rm in request.resource_metrics:
                    for sm in rm.scope_metrics:
                        for metric in sm.metrics:
                            kind = metric.WhichOneof("data")
                            for point in getattr(metric, kind).data_points:
                                out.append((metric.name, point, kind))
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4318)
    parser.add_argument("--out", help="append each decoded request as a JSON line to this file (default stdout)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")
    parser.add_argument("--status", type=int, default=200, help="HTTP status to answer with")
    args = parser.parse_args()
    out = open(args.out, "a") if args.out else sys.stdout
    with Receiver(args.port, args.delay, args.status, out) as receiver:
        print(f"otlp-receiver listening on http://127.0.0.1:{receiver.port}", file=sys.stderr, flush=True)
        try:
            receiver.thread.join()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
