#!/usr/bin/env python3
"""Writes the sample recordings in recordings/ (format v1).

The samples are synthesized, not captured from a live service: each follows an event sequence
documented in the protocol reference (../shared/docs/realtime-protocol.md §4) with realistic
ids, timings and payloads, and is internally consistent (deltas concatenate to their done
values, usage adds up, output and content indexes count from 0). Audio is a real PCM16 24 kHz
mono tone or silence of the stated length. Run from the repository root:

    python3 scripts/make-samples.py
"""
import base64, json, math, os, struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "recordings")
CREATED = "2026-11-25T09:00:00.000000Z"
BASE_EPOCH = 1795597200.0  # 2026-11-25T09:00:00Z


def pcm16(ms, freq=440.0, amp=0.3):
    n = int(24000 * ms / 1000)
    return base64.b64encode(b"".join(struct.pack("<h", int(amp * 32767 * math.sin(2 * math.pi * freq * i / 24000)))
                                     for i in range(n))).decode()


def silence(ms):
    return base64.b64encode(b"\x00\x00" * int(24000 * ms / 1000)).decode()


class Rec:
    def __init__(self, name, dialect, note, path, headers):
        self.name, self.dialect, self.note = name, dialect, note
        self.lines, self.t_us, self.seq, self.server_ev, self.client_ev = [], 0, 0, 0, 0
        self.header = {"format": "rtscope-recording", "version": 1, "conn": "c0a1", "created": CREATED,
                       "dialect": dialect, "note": note, "source": "synthetic", "tool": "make-samples.py",
                       "upstream": "wss://example-resource.openai.azure.com" + path,
                       "handshake": {"request": {"method": "GET", "path": path, "headers": headers},
                                     "response": {"status": 101, "headers": {"apim-request-id": "3f1c2a9e-0000-4000-8000-000000000001",
                                                                             "x-ms-region": "Sweden Central"}}},
                       "redacted": ["header:api-key"]}

    def _frame(self, direction, ev, dt_ms):
        self.t_us += int(dt_ms * 1000)
        self.seq += 1
        wall = BASE_EPOCH + self.t_us / 1e6
        whole = int(wall)
        stamp = "2026-11-25T09:%02d:%02d.%06dZ" % ((whole - int(BASE_EPOCH)) // 60, (whole - int(BASE_EPOCH)) % 60,
                                                   round((wall - whole) * 1e6) % 1000000)
        payload = json.dumps(ev, separators=(",", ":"), ensure_ascii=False)
        self.lines.append('{"seq":%d,"t_us":%d,"wall":"%s","conn":"c0a1","dir":"%s","op":"text","event":%s}'
                          % (self.seq, self.t_us, stamp, direction, payload))

    def c(self, dt_ms, type_, **fields):
        self.client_ev += 1
        ev = {"type": type_, "event_id": "evt_c%03d" % self.client_ev}
        ev.update(fields)
        self._frame("c2s", ev, dt_ms)
        return ev["event_id"]

    def s(self, dt_ms, type_, **fields):
        self.server_ev += 1
        ev = {"type": type_, "event_id": "event_%s%03d" % (self.name[:3].upper(), self.server_ev)}
        ev.update(fields)
        self._frame("s2c", ev, dt_ms)

    def raw(self, line):
        self.lines.append(line)

    def write(self, filename):
        rest = {k: v for k, v in self.header.items() if v is not None and k not in ("format", "version")}
        header = '{"format":"rtscope-recording","version":1,' + json.dumps(rest, separators=(",", ":"), sort_keys=True)[1:]
        with open(os.path.join(OUT, filename), "w", encoding="utf-8") as f:
            f.write(header + "\n" + "\n".join(self.lines) + "\n")


BETA_PATH = "/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview"
BETA_HEADERS = {"api-key": "REDACTED", "openai-beta": "realtime=v1", "user-agent": "openai-python/1.99.0"}
GA_PATH = "/openai/v1/realtime?model=gpt-realtime"
GA_HEADERS = {"api-key": "REDACTED", "user-agent": "openai-python/2.8.0"}


def beta_session(model="gpt-4o-realtime-preview", **over):
    s = {"id": "sess_BETA01", "object": "realtime.session", "model": model, "expires_at": 1795599000,
         "modalities": ["text", "audio"], "instructions": "", "voice": "alloy", "input_audio_format": "pcm16",
         "output_audio_format": "pcm16", "input_audio_transcription": None,
         "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 200,
                            "create_response": True, "interrupt_response": True},
         "tools": [], "tool_choice": "auto", "temperature": 0.8, "max_response_output_tokens": "inf"}
    s.update(over)
    return s


def usage(in_text, in_audio, out_text, out_audio, cached=0):
    i, o = in_text + in_audio, out_text + out_audio
    return {"total_tokens": i + o, "input_tokens": i, "output_tokens": o,
            "input_token_details": {"cached_tokens": cached, "text_tokens": in_text, "audio_tokens": in_audio},
            "output_token_details": {"text_tokens": out_text, "audio_tokens": out_audio}}


def response_obj(rid, status, output, use, conv="conv_001", details=None, modalities=("text",)):
    return {"id": rid, "object": "realtime.response", "status": status, "status_details": details,
            "output": output, "conversation_id": conv, "modalities": list(modalities), "voice": "alloy",
            "output_audio_format": "pcm16", "temperature": 0.8, "max_output_tokens": "inf", "usage": use, "metadata": None}


def text_response(r, rid, iid, prev, pieces, use, ga=False, gap=14):
    """A beta (or GA) text response: created, item added, part, deltas, dones, response.done."""
    text = "".join(pieces)
    added_name = "conversation.item.added" if ga else "conversation.item.created"
    delta, done = ("response.output_text.delta", "response.output_text.done") if ga else ("response.text.delta", "response.text.done")
    ctype = "output_text" if ga else "text"
    r.s(60, "response.created", response=response_obj(rid, "in_progress", [], None))
    item0 = {"id": iid, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    r.s(180, "response.output_item.added", response_id=rid, output_index=0, item=item0)
    r.s(1, added_name, previous_item_id=prev, item=item0)
    r.s(1, "response.content_part.added", response_id=rid, item_id=iid, output_index=0, content_index=0, part={"type": "text", "text": ""})
    for p in pieces:
        extra = {"obfuscation": "Xq3kP0"} if ga else {}
        r.s(gap, delta, response_id=rid, item_id=iid, output_index=0, content_index=0, delta=p, **extra)
    r.s(3, done, response_id=rid, item_id=iid, output_index=0, content_index=0, text=text)
    r.s(1, "response.content_part.done", response_id=rid, item_id=iid, output_index=0, content_index=0, part={"type": "text", "text": text})
    final = {"id": iid, "object": "realtime.item", "type": "message", "status": "completed", "role": "assistant",
             "content": [{"type": ctype, "text": text}]}
    r.s(1, "response.output_item.done", response_id=rid, output_index=0, item=final)
    if ga:
        r.s(1, "conversation.item.done", previous_item_id=prev, item=final)
    r.s(2, "response.done", response=response_obj(rid, "completed", [final], use))


def text_in_text_out():
    r = Rec("txt", "beta", "Synthesized by scripts/make-samples.py: the seed text-in/text-out sequence "
            "(session.created, session.update, session.updated, conversation.item.create, conversation.item.created, "
            "response.create, response.created, response.text.delta*, response.text.done, response.done) with the "
            "output_item/content_part events the protocol nests around the deltas.", BETA_PATH, BETA_HEADERS)
    r.s(85, "session.created", session=beta_session())
    r.c(12, "session.update", session={"modalities": ["text"], "instructions": "You are a terse assistant.", "turn_detection": None})
    r.s(41, "session.updated", session=beta_session(modalities=["text"], instructions="You are a terse assistant.", turn_detection=None))
    r.c(5, "conversation.item.create", item={"id": "item_U001", "type": "message", "role": "user",
                                            "content": [{"type": "input_text", "text": "What is the capital of Sweden?"}]})
    r.s(38, "conversation.item.created", previous_item_id=None,
        item={"id": "item_U001", "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
              "content": [{"type": "input_text", "text": "What is the capital of Sweden?"}]})
    r.c(3, "response.create")
    text_response(r, "resp_T001", "item_A001", "item_U001", ["The", " capital", " of", " Sweden", " is", " Stockholm", "."], usage(122, 0, 9, 0))
    r.s(4, "rate_limits.updated", rate_limits=[{"name": "requests", "limit": 5000, "remaining": 4999, "reset_seconds": 0.012},
                                                {"name": "tokens", "limit": 40000, "remaining": 39869, "reset_seconds": 0.196}])
    r.write("text-in-text-out.jsonl")


def audio_response(r, rid, iid, prev, transcript_pieces, audio_chunks_ms, use, status="completed", details=None,
                   cut_after=None):
    """A beta audio response; `cut_after` stops deltas early (cancelled), still closing every part."""
    r.s(70, "response.created", response=response_obj(rid, "in_progress", [], None, modalities=("text", "audio")))
    item0 = {"id": iid, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    r.s(150, "response.output_item.added", response_id=rid, output_index=0, item=item0)
    r.s(1, "conversation.item.created", previous_item_id=prev, item=item0)
    r.s(1, "response.content_part.added", response_id=rid, item_id=iid, output_index=0, content_index=0, part={"type": "audio", "transcript": ""})
    said, sent = [], 0
    n = max(len(transcript_pieces), len(audio_chunks_ms))
    for k in range(n):
        if cut_after is not None and k >= cut_after:
            break
        if k < len(transcript_pieces):
            r.s(8, "response.audio_transcript.delta", response_id=rid, item_id=iid, output_index=0, content_index=0, delta=transcript_pieces[k])
            said.append(transcript_pieces[k])
        if k < len(audio_chunks_ms):
            r.s(22, "response.audio.delta", response_id=rid, item_id=iid, output_index=0, content_index=0, delta=pcm16(audio_chunks_ms[k], 330 + 40 * k))
            sent += audio_chunks_ms[k]
    transcript = "".join(said)
    r.s(2, "response.audio.done", response_id=rid, item_id=iid, output_index=0, content_index=0)
    r.s(1, "response.audio_transcript.done", response_id=rid, item_id=iid, output_index=0, content_index=0, transcript=transcript)
    r.s(1, "response.content_part.done", response_id=rid, item_id=iid, output_index=0, content_index=0, part={"type": "audio", "transcript": transcript})
    final = {"id": iid, "object": "realtime.item", "type": "message", "status": "completed" if status == "completed" else "incomplete",
             "role": "assistant", "content": [{"type": "audio", "transcript": transcript}]}
    r.s(1, "response.output_item.done", response_id=rid, output_index=0, item=final)
    r.s(2, "response.done", response=response_obj(rid, status, [final], use, details=details, modalities=("text", "audio")))
    return sent


def vad_turn(r, iid, prev, speech_ms, start_ms, chunk_ms=100, transcript=None):
    """Client appends audio; server VAD detects a turn and commits it."""
    for k in range(speech_ms // chunk_ms):
        r.c(chunk_ms if k else 30, "input_audio_buffer.append", audio=pcm16(chunk_ms, 220, 0.25) if k < speech_ms // chunk_ms - 3 else silence(chunk_ms))
        if k == 2:
            r.s(4, "input_audio_buffer.speech_started", audio_start_ms=start_ms, item_id=iid)
    r.s(5, "input_audio_buffer.speech_stopped", audio_end_ms=start_ms + speech_ms - 250, item_id=iid)
    r.s(3, "input_audio_buffer.committed", previous_item_id=prev, item_id=iid)
    r.s(1, "conversation.item.created", previous_item_id=prev,
        item={"id": iid, "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
              "content": [{"type": "input_audio", "transcript": None}]})


def audio_vad():
    r = Rec("vad", "beta", "Synthesized by scripts/make-samples.py: an audio turn with server VAD "
            "(append, speech_started/stopped, committed, item created, input transcription) and an audio answer "
            "with interleaved audio and transcript deltas. Audio is a real PCM16 24 kHz tone.", BETA_PATH, BETA_HEADERS)
    r.s(90, "session.created", session=beta_session())
    r.c(10, "session.update", session={"input_audio_transcription": {"model": "whisper-1"}, "voice": "alloy"})
    r.s(40, "session.updated", session=beta_session(input_audio_transcription={"model": "whisper-1", "language": None, "prompt": None}))
    vad_turn(r, "item_U101", None, 900, 120)
    audio_response(r, "resp_V001", "item_A101", "item_U101", ["Hello", "!", " How", " can", " I", " help", "?"],
                   [100, 100, 100, 100, 100, 100, 60], usage(30, 45, 12, 58))
    r.s(30, "conversation.item.input_audio_transcription.completed", item_id="item_U101", content_index=0, transcript="Hi there.")
    r.s(3, "rate_limits.updated", rate_limits=[{"name": "tokens", "limit": 40000, "remaining": 39855, "reset_seconds": 0.218}])
    r.write("audio-vad.jsonl")


def function_call():
    r = Rec("fnc", "beta", "Synthesized by scripts/make-samples.py: a function call round trip: the model calls "
            "get_weather (arguments streamed as deltas), the client sends function_call_output and response.create, "
            "and the model answers with text.", BETA_PATH, BETA_HEADERS)
    tools = [{"type": "function", "name": "get_weather", "description": "Current weather for a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    r.s(80, "session.created", session=beta_session())
    r.c(9, "session.update", session={"modalities": ["text"], "tools": tools, "tool_choice": "auto", "turn_detection": None})
    r.s(37, "session.updated", session=beta_session(modalities=["text"], tools=tools, turn_detection=None))
    r.c(4, "conversation.item.create", item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Weather in Oslo?"}]})
    r.s(33, "conversation.item.created", previous_item_id=None,
        item={"id": "item_U201", "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
              "content": [{"type": "input_text", "text": "Weather in Oslo?"}]})
    r.c(2, "response.create")
    rid, iid, call = "resp_F001", "item_F201", "call_7xZq2"
    r.s(65, "response.created", response=response_obj(rid, "in_progress", [], None))
    fc0 = {"id": iid, "object": "realtime.item", "type": "function_call", "status": "in_progress", "name": "get_weather", "call_id": call, "arguments": ""}
    r.s(240, "response.output_item.added", response_id=rid, output_index=0, item=fc0)
    r.s(1, "conversation.item.created", previous_item_id="item_U201", item=fc0)
    pieces = ['{"', 'city', '":"', 'Oslo', '"}']
    for p in pieces:
        r.s(11, "response.function_call_arguments.delta", response_id=rid, item_id=iid, output_index=0, call_id=call, delta=p)
    args = "".join(pieces)
    r.s(2, "response.function_call_arguments.done", response_id=rid, item_id=iid, output_index=0, call_id=call, name="get_weather", arguments=args)
    fc1 = dict(fc0, status="completed", arguments=args)
    r.s(1, "response.output_item.done", response_id=rid, output_index=0, item=fc1)
    r.s(2, "response.done", response=response_obj(rid, "completed", [fc1], usage(180, 0, 17, 0)))
    r.c(412, "conversation.item.create", item={"type": "function_call_output", "call_id": call, "output": '{"temp_c":4,"sky":"overcast"}'})
    r.s(30, "conversation.item.created", previous_item_id=iid,
        item={"id": "item_O201", "object": "realtime.item", "type": "function_call_output", "status": "completed", "call_id": call,
              "output": '{"temp_c":4,"sky":"overcast"}'})
    r.c(2, "response.create")
    text_response(r, "resp_F002", "item_A202", "item_O201", ["It", "'s", " 4", " °C", " and", " overcast", " in", " Oslo", "."], usage(214, 0, 11, 0, cached=128))
    r.write("function-call.jsonl")


def barge_in():
    r = Rec("brg", "beta", "Synthesized by scripts/make-samples.py: a barge-in. The user speaks while the assistant's "
            "audio answer plays; server VAD cancels the response (status cancelled, reason turn_detected, every part "
            "still closed) and the client truncates the assistant item to the audio actually played.", BETA_PATH, BETA_HEADERS)
    r.s(88, "session.created", session=beta_session())
    vad_turn(r, "item_U301", None, 800, 100)
    audio_response(r, "resp_B001", "item_A301", "item_U301", ["Sure", ",", " here", " is", " a", " long", " story"],
                   [100] * 7, usage(40, 38, 6, 40), status="cancelled", details={"type": "cancelled", "reason": "turn_detected"}, cut_after=5)
    # The user starts speaking again: VAD already fired for the new item, then the client truncates what was played.
    r.s(5, "input_audio_buffer.speech_started", audio_start_ms=1450, item_id="item_U302")
    r.c(6, "conversation.item.truncate", item_id="item_A301", content_index=0, audio_end_ms=320)
    r.s(28, "conversation.item.truncated", item_id="item_A301", content_index=0, audio_end_ms=320)
    for k in range(6):
        r.c(100 if k else 20, "input_audio_buffer.append", audio=pcm16(100, 250, 0.25) if k < 3 else silence(100))
    r.s(4, "input_audio_buffer.speech_stopped", audio_end_ms=1900, item_id="item_U302")
    r.s(3, "input_audio_buffer.committed", previous_item_id="item_A301", item_id="item_U302")
    r.s(1, "conversation.item.created", previous_item_id="item_A301",
        item={"id": "item_U302", "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
              "content": [{"type": "input_audio", "transcript": None}]})
    audio_response(r, "resp_B002", "item_A302", "item_U302", ["Okay", ",", " stopping", "."], [100, 100, 80], usage(96, 52, 5, 28))
    r.write("barge-in.jsonl")


def errors():
    r = Rec("err", "beta", "Synthesized by scripts/make-samples.py: two documented client mistakes answered with "
            "error events: response.create while a response is active (conversation_already_has_active_response, "
            "error.event_id naming the client event) and input_audio_buffer.commit with too little audio "
            "(input_audio_buffer_commit_empty). The session carries on after each.", BETA_PATH, BETA_HEADERS)
    r.s(84, "session.created", session=beta_session())
    r.c(10, "session.update", session={"modalities": ["text"], "turn_detection": None})
    r.s(39, "session.updated", session=beta_session(modalities=["text"], turn_detection=None))
    r.c(3, "conversation.item.create", item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Tell me a joke."}]})
    r.s(31, "conversation.item.created", previous_item_id=None,
        item={"id": "item_U401", "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
              "content": [{"type": "input_text", "text": "Tell me a joke."}]})
    r.c(2, "response.create")
    rid, iid = "resp_E001", "item_A401"
    r.s(60, "response.created", response=response_obj(rid, "in_progress", [], None))
    second = r.c(5, "response.create")
    r.s(21, "error", error={"type": "invalid_request_error", "code": "conversation_already_has_active_response",
                            "message": "Conversation already has an active response in progress: resp_E001. Wait until the response is finished before creating a new one.",
                            "param": None, "event_id": second})
    item0 = {"id": iid, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    r.s(150, "response.output_item.added", response_id=rid, output_index=0, item=item0)
    r.s(1, "conversation.item.created", previous_item_id="item_U401", item=item0)
    r.s(1, "response.content_part.added", response_id=rid, item_id=iid, output_index=0, content_index=0, part={"type": "text", "text": ""})
    pieces = ["Why", " did", " the", " socket", " close", "?", " It", " needed", " a", " break", "."]
    for p in pieces:
        r.s(13, "response.text.delta", response_id=rid, item_id=iid, output_index=0, content_index=0, delta=p)
    text = "".join(pieces)
    r.s(2, "response.text.done", response_id=rid, item_id=iid, output_index=0, content_index=0, text=text)
    r.s(1, "response.content_part.done", response_id=rid, item_id=iid, output_index=0, content_index=0, part={"type": "text", "text": text})
    final = {"id": iid, "object": "realtime.item", "type": "message", "status": "completed", "role": "assistant", "content": [{"type": "text", "text": text}]}
    r.s(1, "response.output_item.done", response_id=rid, output_index=0, item=final)
    r.s(2, "response.done", response=response_obj(rid, "completed", [final], usage(119, 0, 14, 0)))
    r.c(300, "input_audio_buffer.append", audio=silence(40))
    commit = r.c(5, "input_audio_buffer.commit")
    r.s(19, "error", error={"type": "invalid_request_error", "code": "input_audio_buffer_commit_empty",
                            "message": "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 40.00ms of audio.",
                            "param": None, "event_id": commit})
    r.c(200, "input_audio_buffer.clear")
    r.s(18, "input_audio_buffer.cleared")
    r.write("errors.jsonl")


def ga_session():
    r = Rec("ga_", "ga", "Synthesized by scripts/make-samples.py: a GA-dialect text session (session.type realtime, "
            "conversation.item.added/done, response.output_text.* with obfuscation fields), shaped after the GA "
            "traffic quoted in the protocol reference §4.3.", GA_PATH, GA_HEADERS)
    sess = {"type": "realtime", "object": "realtime.session", "id": "sess_GA01", "model": "gpt-realtime", "output_modalities": ["audio"],
            "instructions": "", "tools": [], "tool_choice": "auto", "max_output_tokens": "inf", "tracing": None, "truncation": "auto",
            "prompt": None, "expires_at": 1795599000, "include": None,
            "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": None, "noise_reduction": None,
                                "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 200,
                                                   "idle_timeout_ms": None, "create_response": True, "interrupt_response": True}},
                      "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin", "speed": 1.0}}}
    r.s(95, "session.created", session=sess)
    r.c(11, "session.update", session={"type": "realtime", "output_modalities": ["text"], "audio": {"input": {"turn_detection": None}}})
    updated = json.loads(json.dumps(sess))
    updated["output_modalities"] = ["text"]
    updated["audio"]["input"]["turn_detection"] = None
    r.s(44, "session.updated", session=updated)
    user = {"id": "item_G001", "type": "message", "status": "completed", "role": "user", "content": [{"type": "input_text", "text": "Say hello in Swedish."}]}
    r.c(4, "conversation.item.create", item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Say hello in Swedish."}]})
    r.s(35, "conversation.item.added", previous_item_id=None, item=user)
    r.s(1, "conversation.item.done", previous_item_id=None, item=user)
    r.c(3, "response.create")
    text_response(r, "resp_G001", "item_G002", "item_G001", ["Hej", "!", " Hur", " mår", " du", "?"], usage(132, 0, 8, 0), ga=True)
    r.s(3, "rate_limits.updated", rate_limits=[{"name": "tokens", "limit": 40000, "remaining": 39860, "reset_seconds": 0.21}])
    r.write("ga-text-session.jsonl")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for make in (text_in_text_out, audio_vad, function_call, barge_in, errors, ga_session):
        make()
    for name in sorted(os.listdir(OUT)):
        if name.endswith(".jsonl"):
            print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")
