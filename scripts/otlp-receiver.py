#!/usr/bin/env python3
"""A small OTLP receiver for tests (HTTP protobuf or JSON, or gRPC): decodes with the official opentelemetry-proto package.

It is a test peer, not a collector: it keeps every request in memory (and, from the command line,
writes each one as a JSON line), answers with an empty Export*ServiceResponse, and can be told
to answer slowly (--delay) or with an HTTP error (--status) to exercise a client's failure paths.
Over HTTP it takes `application/x-protobuf` and `application/json` bodies (gzip or not); with
--grpc it serves the OTLP gRPC services instead (needs grpcio). Listens on loopback only.

Usage: python3 scripts/otlp-receiver.py [--port 4318] [--grpc] [--out requests.jsonl] [--delay S] [--status N]
Needs: pip install opentelemetry-proto (and grpcio for --grpc)
"""
import argparse
import base64
import gzip
import http.server
import json
import sys
import threading
import time

from google.protobuf.json_format import MessageToDict, Parse
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

SIGNALS = {
    "/v1/traces": (trace_service_pb2.ExportTraceServiceRequest, trace_service_pb2.ExportTraceServiceResponse),
    "/v1/metrics": (metrics_service_pb2.ExportMetricsServiceRequest, metrics_service_pb2.ExportMetricsServiceResponse),
}


def hex_ids_to_base64(value):
    """OTLP/JSON writes trace and span ids as hex (not protobuf JSON's base64): convert them for `Parse`."""
    if isinstance(value, list):
        return [hex_ids_to_base64(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key in ("traceId", "spanId", "parentSpanId") and isinstance(v, str) and len(v) in (16, 32):
            try:
                v = base64.b64encode(bytes.fromhex(v)).decode()
            except ValueError:
                pass  # not hex: leave it to Parse
        out[key] = hex_ids_to_base64(v)
    return out


class Store:
    """The decoded requests: `traces`, `metrics`, each request's headers, and the protocols seen."""

    def __init__(self, delay=0.0, status=200, out=None):
        self.traces, self.metrics, self.headers, self.protocols = [], [], [], set()
        self.delay, self.status, self.out = delay, status, out
        self.lock = threading.Lock()

    def keep(self, path, request, headers, protocol):
        with self.lock:
            self.headers.append(headers)
            self.protocols.add(protocol)
            (self.traces if path == "/v1/traces" else self.metrics).append(request)
            if self.out:
                self.out.write(json.dumps({"path": path, "protocol": protocol, "request": MessageToDict(request)}) + "\n")
                self.out.flush()

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


class Receiver(Store):
    """OTLP/HTTP on loopback, served from a thread."""

    def __init__(self, port=0, delay=0.0, status=200, out=None):
        super().__init__(delay, status, out)
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
                is_json = self.headers.get("Content-Type", "").startswith("application/json")
                if is_json:
                    Parse(json.dumps(hex_ids_to_base64(json.loads(body))), request)
                else:
                    request.ParseFromString(body)
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.keep(self.path, request, headers, "http/json" if is_json else "http/protobuf")
                reply = b"{}" if is_json else signal[1]().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/json" if is_json else "application/x-protobuf")
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


class GRPCReceiver(Store):
    """The OTLP gRPC trace and metrics services on loopback (grpcio), keeping requests like `Receiver`."""

    def __init__(self, port=0, delay=0.0, status=200, out=None):
        super().__init__(delay, status, out)
        from concurrent import futures

        import grpc
        from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

        receiver = self

        def handle(path, request, context):
            if receiver.delay:
                time.sleep(receiver.delay)
            if receiver.status != 200:
                context.abort(grpc.StatusCode.UNAVAILABLE, f"told to fail ({receiver.status})")
            receiver.keep(path, request, dict(context.invocation_metadata()), "grpc")
            return SIGNALS[path][1]()

        class Traces(trace_service_pb2_grpc.TraceServiceServicer):
            def Export(self, request, context):
                return handle("/v1/traces", request, context)

        class Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
            def Export(self, request, context):
                return handle("/v1/metrics", request, context)

        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), self.server)
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Metrics(), self.server)
        self.port = self.server.add_insecure_port(f"127.0.0.1:{port}")
        self.thread = None

    def __enter__(self):
        self.server.start()
        return self

    def __exit__(self, *exc):
        self.server.stop(grace=None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="default 4318, or 4317 with --grpc")
    parser.add_argument("--grpc", action="store_true", help="serve OTLP over gRPC instead of HTTP")
    parser.add_argument("--out", help="append each decoded request as a JSON line to this file (default stdout)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")
    parser.add_argument("--status", type=int, default=200, help="HTTP status to answer with")
    args = parser.parse_args()
    out = open(args.out, "a") if args.out else sys.stdout
    kind = GRPCReceiver if args.grpc else Receiver
    port = args.port if args.port is not None else (4317 if args.grpc else 4318)
    with kind(port, args.delay, args.status, out) as receiver:
        print(f"otlp-receiver listening on http://127.0.0.1:{receiver.port}" + (" (gRPC)" if args.grpc else ""),
              file=sys.stderr, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
