import Foundation

/// Writes synthetic recordings for benchmarks (format v1, realistic event mix).
///
/// - mixed: a voice session. Per turn: five 500 ms `input_audio_buffer.append` frames (~32 KB of
///   base64 each), VAD and item events, a response with 24 transcript deltas (non-ASCII text and
///   escaped quotes) interleaved with `response.audio.delta` frames, 4 of them ~16 KB and the rest
///   100–400 B, then the done events, `response.done` with usage and `rate_limits.updated`.
/// - small: the same session without large audio (every audio frame 100–400 B), to expose the
///   per-line cost.
/// - voice: the mixed session with the warnings a WebSocket voice client really gets: the client
///   sends its own `response.create` although server VAD already started one, answered with
///   `conversation_already_has_active_response` (`response-create-while-active`, `server-error`);
///   after each response the client's `response.cancel` races its end and the server answers
///   `response_cancel_not_active` (`server-error`); every fourth response stops at
///   `max_output_tokens` (`incomplete`, `response-failed`). About 4.5 % of the events have a finding.
struct Corpus {
    enum Kind: String { case mixed, small, voice }

    let kind: Kind
    private var seq = 0
    private var tUs: Int64 = 0
    private var turn = 0
    private let base64: [UInt8]

    init(kind: Kind) {
        self.kind = kind
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        base64 = (0..<70_000).map { _ in alphabet[Int(rng.next() % 64)] }
    }

    /// Writes about `bytes` bytes to `path`; returns (bytes, lines) written.
    mutating func write(to path: String, bytes target: Int64) throws -> (Int64, Int) {
        try CorpusFile.write(
            to: path, bytes: target,
            start: { buffer, lines in
                buffer.append(
                    contentsOf: Array(
                        #"{"format":"rtscope-recording","version":1,"created":"2026-11-25T09:00:00.000000Z","source":"synthetic","tool":"rtscope-bench","note":"benchmark corpus"}"#
                            .utf8))
                buffer.append(0x0A)
                lines += 1
                frame(
                    &buffer, &lines, "s2c", 0,
                    #"{"type":"session.created","event_id":"event_0","session":{"id":"sess_1","object":"realtime.session","model":"gpt-4o-realtime-preview","modalities":["text","audio"],"voice":"alloy","input_audio_format":"pcm16","output_audio_format":"pcm16","turn_detection":{"type":"server_vad","threshold":0.5}}}"#
                )
            },
            next: { buffer, lines in appendTurn(&buffer, &lines) })
    }

    private mutating func frame(
        _ out: inout [UInt8], _ lines: inout Int, _ dir: String, _ gapUs: Int64, _ event: String
    ) {
        seq += 1
        tUs += gapUs
        out.append(
            contentsOf: Array(#"{"seq":\#(seq),"t_us":\#(tUs),"conn":"c0a1","dir":"\#(dir)","op":"text","event":"#.utf8)
        )
        out.append(contentsOf: Array(event.utf8))
        out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        lines += 1
    }

    private func audio(_ length: Int, offset: Int) -> String {
        String(decoding: base64[(offset % 1000)..<(offset % 1000 + length)], as: UTF8.self)
    }

    private mutating func appendTurn(_ out: inout [UInt8], _ lines: inout Int) {
        turn += 1
        let t = turn
        let user = "item_U\(t)"
        let item = "item_A\(t)"
        let resp = "resp_\(t)"
        let big = kind != .small
        let incomplete = kind == .voice && t % 4 == 0
        for k in 0..<5 {
            let size = big ? 32_000 : 100 + (k * 73) % 300
            frame(
                &out, &lines, "c2s", 100_000,
                #"{"type":"input_audio_buffer.append","event_id":"evt_\#(t)_\#(k)","audio":"\#(audio(size, offset: k))"}"#
            )
        }
        frame(
            &out, &lines, "s2c", 3_000,
            #"{"type":"input_audio_buffer.speech_started","event_id":"event_\#(t)a","audio_start_ms":\#(t * 3000),"item_id":"\#(user)"}"#
        )
        frame(
            &out, &lines, "s2c", 400_000,
            #"{"type":"input_audio_buffer.speech_stopped","event_id":"event_\#(t)b","audio_end_ms":\#(t * 3000 + 1800),"item_id":"\#(user)"}"#
        )
        frame(
            &out, &lines, "s2c", 3_000,
            #"{"type":"input_audio_buffer.committed","event_id":"event_\#(t)c","previous_item_id":null,"item_id":"\#(user)"}"#
        )
        frame(
            &out, &lines, "s2c", 1_000,
            #"{"type":"conversation.item.created","event_id":"event_\#(t)d","previous_item_id":null,"item":{"id":"\#(user)","object":"realtime.item","type":"message","status":"completed","role":"user","content":[{"type":"input_audio","transcript":null}]}}"#
        )
        frame(
            &out, &lines, "s2c", 60_000,
            #"{"type":"response.created","event_id":"event_\#(t)e","response":{"id":"\#(resp)","object":"realtime.response","status":"in_progress","status_details":null,"output":[],"usage":null}}"#
        )
        if kind == .voice {  // the client also asks for the response the VAD just started
            frame(&out, &lines, "c2s", 2_000, #"{"type":"response.create","event_id":"evt_\#(t)r"}"#)
            frame(
                &out, &lines, "s2c", 9_000,
                #"{"type":"error","event_id":"event_\#(t)z","error":{"type":"invalid_request_error","code":"conversation_already_has_active_response","message":"Conversation already has an active response in progress: \#(resp). Wait until the response is finished before creating a new one.","param":null,"event_id":"evt_\#(t)r"}}"#
            )
        }
        frame(
            &out, &lines, "s2c", 150_000,
            #"{"type":"response.output_item.added","event_id":"event_\#(t)f","response_id":"\#(resp)","output_index":0,"item":{"id":"\#(item)","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}"#
        )
        frame(
            &out, &lines, "s2c", 1_000,
            #"{"type":"conversation.item.created","event_id":"event_\#(t)f2","previous_item_id":"\#(user)","item":{"id":"\#(item)","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}"#
        )
        frame(
            &out, &lines, "s2c", 1_000,
            #"{"type":"response.content_part.added","event_id":"event_\#(t)g","response_id":"\#(resp)","item_id":"\#(item)","output_index":0,"content_index":0,"part":{"type":"audio","transcript":""}}"#
        )
        let words = [" Hej", " \\\"så\\\"", " här", " fungerar", " det", " — ", "日本語", " ok\\n", " then", " 🎧"]
        // JSON-escaped pieces: their concatenation is the escaped final transcript.
        let transcript = (0..<24).map { words[$0 % words.count] }.joined()
        for k in 0..<24 {
            frame(
                &out, &lines, "s2c", 8_000,
                #"{"type":"response.audio_transcript.delta","event_id":"event_\#(t)t\#(k)","response_id":"\#(resp)","item_id":"\#(item)","output_index":0,"content_index":0,"delta":"\#(words[k % words.count])"}"#
            )
            let size = big && k % 6 == 0 ? 16_000 : 100 + (k * 37) % 300
            frame(
                &out, &lines, "s2c", 14_000,
                #"{"type":"response.audio.delta","event_id":"event_\#(t)u\#(k)","response_id":"\#(resp)","item_id":"\#(item)","output_index":0,"content_index":0,"delta":"\#(audio(size - size % 8, offset: k * 7))"}"#
            )
        }
        frame(
            &out, &lines, "s2c", 2_000,
            #"{"type":"response.audio.done","event_id":"event_\#(t)h","response_id":"\#(resp)","item_id":"\#(item)","output_index":0,"content_index":0}"#
        )
        frame(
            &out, &lines, "s2c", 1_000,
            #"{"type":"response.audio_transcript.done","event_id":"event_\#(t)i","response_id":"\#(resp)","item_id":"\#(item)","output_index":0,"content_index":0,"transcript":"\#(transcript)"}"#
        )
        frame(
            &out, &lines, "s2c", 1_000,
            #"{"type":"response.content_part.done","event_id":"event_\#(t)j","response_id":"\#(resp)","item_id":"\#(item)","output_index":0,"content_index":0,"part":{"type":"audio","transcript":"\#(transcript)"}}"#
        )
        frame(
            &out, &lines, "s2c", 1_000,
            #"{"type":"response.output_item.done","event_id":"event_\#(t)k","response_id":"\#(resp)","output_index":0,"item":{"id":"\#(item)","object":"realtime.item","type":"message","status":"\#(incomplete ? "incomplete" : "completed")","role":"assistant","content":[{"type":"audio","transcript":"\#(transcript)"}]}}"#
        )
        frame(
            &out, &lines, "s2c", 2_000,
            #"{"type":"response.done","event_id":"event_\#(t)l","response":{"id":"\#(resp)","object":"realtime.response","status":"\#(incomplete ? "incomplete" : "completed")","status_details":\#(incomplete ? #"{"type":"incomplete","reason":"max_output_tokens"}"# : "null"),"output":[{"id":"\#(item)","type":"message","role":"assistant"}],"usage":{"total_tokens":253,"input_tokens":132,"output_tokens":121,"input_token_details":{"cached_tokens":0,"text_tokens":119,"audio_tokens":13},"output_token_details":{"text_tokens":30,"audio_tokens":91}}}}"#
        )
        frame(
            &out, &lines, "s2c", 3_000,
            #"{"type":"rate_limits.updated","event_id":"event_\#(t)m","rate_limits":[{"name":"tokens","limit":40000,"remaining":\#(40000 - t % 40000),"reset_seconds":0.2}]}"#
        )
        if kind == .voice {
            frame(&out, &lines, "c2s", 1_000, #"{"type":"response.cancel","event_id":"evt_\#(t)x"}"#)
            frame(
                &out, &lines, "s2c", 20_000,
                #"{"type":"error","event_id":"event_\#(t)y","error":{"type":"invalid_request_error","code":"response_cancel_not_active","message":"Cancellation failed: no active response found","param":null,"event_id":"evt_\#(t)x"}}"#
            )
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case io(String)
    case tool(String)
    var description: String {
        switch self {
        case .io(let s), .tool(let s): s
        }
    }
}
