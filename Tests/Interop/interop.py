#!/usr/bin/env python3
"""Interop check: real clients through `rtscope record` to `rtscope serve`.

Runs the official `openai` Python SDK (OpenAI client, GA; AzureOpenAI client, preview form) and a
browser-style `websockets` client (credentials in subprotocols) through the recorder, with only
their base URL changed. Each session sends session.update, a user message and response.create, and
must receive the streamed response; every recording must validate clean (`rtscope validate`
exit 0), hold no secret, and the proxy's console must not print one.

Usage: python3 Tests/Interop/interop.py [path/to/rtscope]   (run by .ci/run after `swift test`)
"""
import asyncio
import glob
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

RTSCOPE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/rtscope")
KEY = "sk-interop-secret-7f3a9c"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, env=None):
    proc = subprocess.Popen([RTSCOPE] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    line = proc.stdout.readline()  # the "listening on" line
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"{args[0]} did not start: {line!r}")
    return proc


def wait_for(predicate, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def openai_ga(base):
    from openai import OpenAI

    client = OpenAI(api_key=KEY, base_url=f"{base}/v1")
    deltas, done = [], None
    with client.realtime.connect(model="gpt-realtime") as conn:
        conn.session.update(session={"type": "realtime", "output_modalities": ["text"], "instructions": "Be brief."})
        conn.conversation.item.create(
            item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hello from the SDK"}]}
        )
        conn.response.create()
        for event in conn:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
            elif event.type == "response.done":
                done = event
                break
    assert done is not None and done.response.status == "completed", done
    assert "".join(deltas) == "You said: Hello from the SDK", deltas
    return "openai GA client: %d text deltas, response.done completed" % len(deltas)


def azure_preview(base):
    from openai import AzureOpenAI

    client = AzureOpenAI(
        azure_endpoint=base, api_key=KEY, api_version="2025-04-01-preview",
        websocket_base_url=base.replace("http://", "ws://") + "/openai",
    )
    deltas, done = [], None
    with client.realtime.connect(model="gpt-4o-realtime-preview") as conn:
        conn.send({"type": "session.update", "session": {"modalities": ["text"], "instructions": "Be brief."}})
        conn.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user",
                   "content": [{"type": "input_text", "text": "Hello from Azure"}]}})
        conn.send({"type": "response.create"})
        for event in conn:
            if event.type in ("response.text.delta", "response.output_text.delta"):
                deltas.append(event.delta)
            elif event.type == "response.done":
                done = event
                break
    assert done is not None, "no response.done"
    assert "".join(deltas) == "You said: Hello from Azure", deltas
    return "AzureOpenAI client (preview form): %d text deltas, response.done" % len(deltas)


async def browser(base):
    import websockets

    url = base.replace("http://", "ws://") + "/v1/realtime?model=gpt-realtime"
    protocols = ["realtime", f"openai-insecure-api-key.{KEY}", "openai-beta.realtime-v1"]
    async with websockets.connect(url, subprotocols=protocols, max_size=None) as ws:
        assert ws.subprotocol == "realtime", ws.subprotocol
        first = json.loads(await ws.recv())
        assert first["type"] == "session.created", first
        await ws.send(json.dumps({"type": "session.update", "session": {"modalities": ["text"]}}))
        await ws.send(json.dumps({"type": "conversation.item.create", "item": {"type": "message", "role": "user",
                      "content": [{"type": "input_text", "text": "Hi from a browser"}]}}))
        await ws.send(json.dumps({"type": "response.create"}))
        text = ""
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == "response.text.delta":
                text += event["delta"]
            if event["type"] == "response.done":
                break
        await ws.close(code=4001, reason="browser done")
        assert ws.close_code == 4001, ws.close_code
    assert text == "You said: Hi from a browser", text
    return "browser-style client (subprotocol key): streamed text, close 4001 passed through"


async def killed_mid_session(base, recorder, out):
    """SIGKILL the recorder while audio streams; the recording must stay readable."""
    import base64
    import signal

    import websockets

    url = base.replace("http://", "ws://") + "/v1/realtime?model=gpt-realtime"
    chunk = base64.b64encode(bytes(9600)).decode()  # 200 ms of silence
    sent = 0
    try:
        async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {KEY}"}, max_size=None) as ws:
            await ws.recv()
            for _ in range(200):
                await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": chunk}))
                sent += 1
                if sent == 100:
                    os.kill(recorder.pid, signal.SIGKILL)
                await asyncio.sleep(0.002)
    except Exception:  # noqa: BLE001 - the connection dies with the recorder
        pass
    files = glob.glob(os.path.join(out, "*.jsonl"))
    assert len(files) == 1, files
    count = subprocess.run([RTSCOPE, "cat", "--count", files[0]], capture_output=True, text=True)
    frames = int(count.stdout.strip() or 0)
    assert frames >= 10, (frames, count.stderr)
    check = subprocess.run([RTSCOPE, "validate", "--format", "json", files[0]], capture_output=True, text=True)
    rules = [f["rule"] for r in json.loads(check.stdout)["files"] for f in r["findings"]]
    assert all(rule in ("reader.truncated-line",) or not rule.startswith("reader.") for rule in rules), rules
    return f"kill -9 mid-session: recording readable, {frames} frames kept ({sent} appends sent), reader findings: " + (
        ", ".join(r for r in rules if r.startswith("reader.")) or "none")


async def interrupted(base, recorder, out):
    """SIGINT the recorder during a session: the client gets close 1001 and the file is complete."""
    import signal

    import websockets

    url = base.replace("http://", "ws://") + "/v1/realtime?model=gpt-realtime"
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {KEY}"}) as ws:
        await ws.recv()
        recorder.send_signal(signal.SIGINT)
        try:
            while True:
                await asyncio.wait_for(ws.recv(), timeout=10)
        except websockets.ConnectionClosed:
            pass
        code = ws.close_code
    status = recorder.wait(timeout=15)
    assert code == 1001, code
    assert status == 0, status
    files = glob.glob(os.path.join(out, "*.jsonl"))
    with open(files[0], encoding="utf-8") as f:
        last = [json.loads(line) for line in f][-2:]
    assert [line.get("op") for line in last] == ["close", "close"], last
    return "SIGINT: client got close 1001, recorder exited 0, recording ends with both close frames"


def main():
    work = tempfile.mkdtemp(prefix="rtscope-interop-")
    serve_port, record_port = free_port(), free_port()
    env = dict(os.environ, OPENAI_API_KEY="", AZURE_OPENAI_API_KEY="")
    server = start(["serve", "--listen", f"127.0.0.1:{serve_port}", "--require-key", KEY, "--delta-ms", "5"], env)
    results, failures = [], []
    recorders = []
    try:
        cases = [
            ("openai", ["--upstream", f"ws://127.0.0.1:{serve_port}/v1/realtime"], lambda b: openai_ga(b)),
            ("azure", ["--azure", f"http://127.0.0.1:{serve_port}", "--deployment", "gpt-4o-realtime-preview"],
             lambda b: azure_preview(b)),
            ("browser", ["--upstream", f"ws://127.0.0.1:{serve_port}/v1/realtime"], lambda b: asyncio.run(browser(b))),
        ]
        for name, upstream_args, run in cases:
            out = os.path.join(work, name)
            port = free_port()
            recorder = start(["record", *upstream_args, "--listen", f"127.0.0.1:{port}", "--out", out], env)
            recorders.append(recorder)
            try:
                results.append(run(f"http://127.0.0.1:{port}"))
            except Exception as error:  # noqa: BLE001 - report every case
                failures.append(f"{name}: {type(error).__name__}: {error}")
            files = []
            wait_for(lambda: bool(files.extend(glob.glob(os.path.join(out, "*.jsonl"))) or files))
            recorder.terminate()
            console, _ = recorder.communicate(timeout=20)
            if KEY in console:
                failures.append(f"{name}: the API key appeared on the recorder's console")
            if not files:
                failures.append(f"{name}: no recording written")
                continue
            for path in files:
                with open(path, encoding="utf-8") as f:
                    if KEY in f.read():
                        failures.append(f"{name}: the API key is in {path}")
                check = subprocess.run([RTSCOPE, "validate", path], capture_output=True, text=True)
                if check.returncode != 0:
                    failures.append(f"{name}: {path} does not validate clean:\n{check.stdout}{check.stderr}")
                else:
                    results.append(f"  {os.path.basename(path)}: " + check.stdout.strip().splitlines()[0])
        out = os.path.join(work, "killed")
        port = free_port()
        recorder = start(["record", "--upstream", f"ws://127.0.0.1:{serve_port}/v1/realtime", "--listen",
                          f"127.0.0.1:{port}", "--out", out, "--quiet"], env)
        recorders.append(recorder)
        try:
            results.append(asyncio.run(killed_mid_session(f"http://127.0.0.1:{port}", recorder, out)))
        except Exception as error:  # noqa: BLE001
            failures.append(f"kill -9: {type(error).__name__}: {error}")
        out = os.path.join(work, "interrupted")
        port = free_port()
        recorder = start(["record", "--upstream", f"ws://127.0.0.1:{serve_port}/v1/realtime", "--listen",
                          f"127.0.0.1:{port}", "--out", out], env)
        recorders.append(recorder)
        try:
            results.append(asyncio.run(interrupted(f"http://127.0.0.1:{port}", recorder, out)))
        except Exception as error:  # noqa: BLE001
            failures.append(f"SIGINT: {type(error).__name__}: {error}")
    finally:
        server.terminate()
        for proc in recorders:
            if proc.poll() is None:
                proc.kill()
    for line in results:
        print(line)
    if failures:
        print("INTEROP FAILED:\n" + "\n".join(failures))
        return 1
    print("interop: all clients passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
