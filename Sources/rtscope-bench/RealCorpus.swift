import Foundation

/// Writes bench corpora shaped like real sessions, with the warnings such sessions really have.
///
/// Shapes from ../shared/docs/realtime-protocol.md §4, §6 and its real-traffic notes; generated,
/// never captured.
///
/// - webrtc: a bare event log as a WebRTC data channel client logs it (no envelope, no timestamps,
///   beta names), for `rtscope import`: transcript deltas and no audio deltas,
///   `output_audio_buffer.*` (a third of the turns with their older January 2025 names), input
///   transcriptions that arrive late (after `response.done`), barge-ins cancelled with empty output
///   (two turns in fifteen), responses failed on rate limits (every third turn: `response-failed`),
///   `rate_limits.updated` after each response, at the end of each turn the client's
///   `response.cancel` racing the response's end, answered with `response_cancel_not_active`
///   (`server-error`), and in four turns of fifteen a client `response.create` sent while the
///   VAD's response runs, answered with `conversation_already_has_active_response`
///   (`response-create-while-active`, `server-error`). About 5 % of the events have a finding.
/// - clean: the webrtc session without its warnings (no cancel race, no second `response.create`,
///   no failed response: those turns complete), the baseline "clean file of the same size".
/// - broken: the same session written by a broken client: every turn appears twice, the second time
///   replayed with the same ids (what two recordings concatenated look like), so nearly every
///   event of the replay has one or more findings.
///
/// Memory: one turn at a time; output goes out in 8 MiB writes.
struct RealCorpus {
    enum Kind: String { case webrtc, broken, clean }

    let kind: Kind
    private var turn = 0
    private var serial = 0
    private var previousItem: String?

    init(kind: Kind) { self.kind = kind }

    /// Writes about `bytes` bytes of JSONL events to `path`; returns (bytes, lines) written.
    mutating func write(to path: String, bytes target: Int64) throws -> (Int64, Int) {
        func emit(_ events: [String], _ buffer: inout [UInt8], _ lines: inout Int) {
            for event in events {
                buffer.append(contentsOf: event.utf8)
                buffer.append(0x0A)
            }
            lines += events.count
        }
        return try CorpusFile.write(
            to: path, bytes: target, start: { buffer, lines in emit(opening(), &buffer, &lines) },
            next: { buffer, lines in
                let events = nextTurn()
                emit(events, &buffer, &lines)
                if kind == .broken { emit(events, &buffer, &lines) }
            })
    }

    /// A server event id shaped like the real ones (`event_` and 21 characters).
    private mutating func eventID() -> String {
        serial += 1
        let digits = String(serial, radix: 36)
        return "event_B" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    private mutating func opening() -> [String] {
        [
            #"{"type":"session.created","event_id":"\#(eventID())","session":{"id":"sess_BRtc0001","object":"realtime.session","model":"gpt-4o-realtime-preview-2024-12-17","expires_at":1764494000,"modalities":["audio","text"],"instructions":"You are a helpful assistant.","voice":"verse","input_audio_format":"pcm16","output_audio_format":"pcm16","input_audio_transcription":{"model":"whisper-1","language":null,"prompt":null},"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":200,"create_response":true,"interrupt_response":true},"tools":[],"tool_choice":"auto","temperature":0.8,"max_response_output_tokens":"inf"}}"#
        ]
    }

    static let words = [
        " Sure", ",", " the", " train", " to", " Göteborg", " leaves", " at", " 14:05", " from", " track", " 3",
        ".", " It", " takes", " about", " three", " hours", " —", " would", " you", " like", " a", " ticket", "?",
    ]

    /// One user turn: VAD, the user item, a response (completed, cancelled by barge-in, or failed on a
    /// rate limit), the output audio buffer and the input transcription that arrives late.
    private mutating func nextTurn() -> [String] {
        turn += 1
        let t = turn
        let user = "item_U\(String(t, radix: 36))Kq"
        let assistant = "item_A\(String(t, radix: 36))Kq"
        let resp = "resp_\(String(t, radix: 36))Rz"
        let previous = previousItem.map { "\"\($0)\"" } ?? "null"
        let older = t % 3 == 0  // a third of the turns use the January 2025 output_audio_buffer names
        let started = older ? "output_audio_buffer.audio_started" : "output_audio_buffer.started"
        let stopped = older ? "output_audio_buffer.audio_stopped" : "output_audio_buffer.stopped"
        let heard = "Hi, when does the next train to Göteborg leave?"
        var out: [String] = [
            #"{"type":"input_audio_buffer.speech_started","event_id":"\#(eventID())","audio_start_ms":\#(t * 9000),"item_id":"\#(user)"}"#,
            #"{"type":"input_audio_buffer.speech_stopped","event_id":"\#(eventID())","audio_end_ms":\#(t * 9000 + 2300),"item_id":"\#(user)"}"#,
            #"{"type":"input_audio_buffer.committed","event_id":"\#(eventID())","previous_item_id":\#(previous),"item_id":"\#(user)"}"#,
            #"{"type":"conversation.item.created","event_id":"\#(eventID())","previous_item_id":\#(previous),"item":{"id":"\#(user)","object":"realtime.item","type":"message","status":"completed","role":"user","content":[{"type":"input_audio","transcript":null}]}}"#,
            #"{"type":"response.created","event_id":"\#(eventID())","response":{"object":"realtime.response","id":"\#(resp)","status":"in_progress","status_details":null,"output":[],"conversation_id":"conv_BRtc0001","modalities":["audio","text"],"voice":"verse","output_audio_format":"pcm16","temperature":0.8,"max_output_tokens":"inf","usage":null,"metadata":null}}"#,
        ]
        let transcription =
            #"{"type":"conversation.item.input_audio_transcription.completed","event_id":"\#(eventID())","item_id":"\#(user)","content_index":0,"transcript":"\#(heard)\n"}"#
        previousItem = user
        let warnings = kind != .clean
        let race =
            !warnings
            ? []
            : [
                #"{"type":"response.cancel","event_id":"evt_C\#(String(t, radix: 36))x"}"#,
                #"{"type":"error","event_id":"\#(eventID())","error":{"type":"invalid_request_error","code":"response_cancel_not_active","message":"Cancellation failed: no active response found","param":null,"event_id":"evt_C\#(String(t, radix: 36))x"}}"#,
            ]
        if warnings, t % 3 == 1, t % 15 != 10 {  // the client asks for a response the VAD already started
            let create = "evt_R\(String(t, radix: 36))x"
            out += [
                #"{"type":"response.create","event_id":"\#(create)"}"#,
                #"{"type":"error","event_id":"\#(eventID())","error":{"type":"invalid_request_error","code":"conversation_already_has_active_response","message":"Conversation already has an active response in progress: \#(resp). Wait until the response is finished before creating a new one.","param":null,"event_id":"\#(create)"}}"#,
            ]
        }
        switch warnings ? t % 15 : (t % 15 == 5 || t % 15 == 10 ? 5 : 1) {
        case 5, 10:  // barge-in: cancelled before any output
            out.append(
                #"{"type":"response.done","event_id":"\#(eventID())","response":{"object":"realtime.response","id":"\#(resp)","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},"output":[],"conversation_id":"conv_BRtc0001","modalities":["audio","text"],"voice":"verse","output_audio_format":"pcm16","temperature":0.8,"max_output_tokens":"inf","usage":{"total_tokens":0,"input_tokens":0,"output_tokens":0,"input_token_details":{"text_tokens":0,"audio_tokens":0,"cached_tokens":0,"cached_tokens_details":{"text_tokens":0,"audio_tokens":0}},"output_token_details":{"text_tokens":0,"audio_tokens":0}},"metadata":null}}"#
            )
            out.append(transcription)
            return out + race
        case 0, 3, 6, 9, 12:  // failed on a rate limit
            out.append(
                #"{"type":"response.done","event_id":"\#(eventID())","response":{"object":"realtime.response","id":"\#(resp)","status":"failed","status_details":{"type":"failed","error":{"type":"tokens","code":"rate_limit_exceeded","message":"Rate limit reached for tokens per min (TPM): Limit 40000, Used 39873, Requested 1532."}},"output":[],"conversation_id":"conv_BRtc0001","modalities":["audio","text"],"voice":"verse","output_audio_format":"pcm16","temperature":0.8,"max_output_tokens":"inf","usage":null,"metadata":null}}"#
            )
            out.append(
                #"{"type":"rate_limits.updated","event_id":"\#(eventID())","rate_limits":[{"name":"requests","limit":5000,"remaining":4999,"reset_seconds":0.012},{"name":"tokens","limit":40000,"remaining":127,"reset_seconds":2.31}]}"#
            )
            out.append(transcription)
            return out + race
        default:
            break
        }
        out += [
            #"{"type":"response.output_item.added","event_id":"\#(eventID())","response_id":"\#(resp)","output_index":0,"item":{"id":"\#(assistant)","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}"#,
            #"{"type":"conversation.item.created","event_id":"\#(eventID())","previous_item_id":"\#(user)","item":{"id":"\#(assistant)","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}"#,
            #"{"type":"response.content_part.added","event_id":"\#(eventID())","response_id":"\#(resp)","item_id":"\#(assistant)","output_index":0,"content_index":0,"part":{"type":"audio","transcript":""}}"#,
            #"{"type":"\#(started)","event_id":"\#(eventID())","response_id":"\#(resp)"}"#,
        ]
        let count = 30 + (t * 7) % 31
        var transcript = ""
        for k in 0..<count {
            let word = Self.words[(t + k) % Self.words.count]
            transcript += word
            out.append(
                #"{"type":"response.audio_transcript.delta","event_id":"\#(eventID())","response_id":"\#(resp)","item_id":"\#(assistant)","output_index":0,"content_index":0,"delta":"\#(word)"}"#
            )
        }
        let outputTokens = 40 + count * 3
        out += [
            #"{"type":"response.audio.done","event_id":"\#(eventID())","response_id":"\#(resp)","item_id":"\#(assistant)","output_index":0,"content_index":0}"#,
            #"{"type":"response.audio_transcript.done","event_id":"\#(eventID())","response_id":"\#(resp)","item_id":"\#(assistant)","output_index":0,"content_index":0,"transcript":"\#(transcript)"}"#,
            #"{"type":"response.content_part.done","event_id":"\#(eventID())","response_id":"\#(resp)","item_id":"\#(assistant)","output_index":0,"content_index":0,"part":{"type":"audio","transcript":"\#(transcript)"}}"#,
            #"{"type":"response.output_item.done","event_id":"\#(eventID())","response_id":"\#(resp)","output_index":0,"item":{"id":"\#(assistant)","object":"realtime.item","type":"message","status":"completed","role":"assistant","content":[{"type":"audio","transcript":"\#(transcript)"}]}}"#,
            #"{"type":"response.done","event_id":"\#(eventID())","response":{"object":"realtime.response","id":"\#(resp)","status":"completed","status_details":null,"output":[{"id":"\#(assistant)","object":"realtime.item","type":"message","status":"completed","role":"assistant","content":[{"type":"audio","transcript":"\#(transcript)"}]}],"conversation_id":"conv_BRtc0001","modalities":["audio","text"],"voice":"verse","output_audio_format":"pcm16","temperature":0.8,"max_output_tokens":"inf","usage":{"total_tokens":\#(1200 + outputTokens),"input_tokens":1200,"output_tokens":\#(outputTokens),"input_token_details":{"text_tokens":1100,"audio_tokens":100,"cached_tokens":1024,"cached_tokens_details":{"text_tokens":1024,"audio_tokens":0}},"output_token_details":{"text_tokens":40,"audio_tokens":\#(count * 3)}},"metadata":null}}"#,
            #"{"type":"rate_limits.updated","event_id":"\#(eventID())","rate_limits":[{"name":"requests","limit":5000,"remaining":4999,"reset_seconds":0.012},{"name":"tokens","limit":40000,"remaining":\#(40000 - outputTokens * 4),"reset_seconds":0.9}]}"#,
            transcription,
            #"{"type":"\#(stopped)","event_id":"\#(eventID())","response_id":"\#(resp)"}"#,
        ]
        previousItem = assistant
        return out + race
    }
}
