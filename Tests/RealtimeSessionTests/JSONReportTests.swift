import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import Testing

/// `stats --format json` and `diff --json` are written by `JSON`'s serializer; their bytes must stay what
/// `JSONSerialization` wrote (pretty, keys sorted, `/` as `\/`), checked by letting Foundation re-write our output.
struct JSONReportTests {
    static func foundationRewrite(_ text: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    @Test func statsJSONHasJSONSerializationsBytes() throws {
        var files: [StatsReport.File] = []
        for name in ["barge-in.jsonl", "function-call.jsonl", "ga-text-session.jsonl", "audio-vad.jsonl"] {
            let path = StatsTests.root.appendingPathComponent("recordings/\(name)").path
            let model = try SessionModel.load(path, keepsAudioChunks: false).model
            files.append(StatsReport.file(path: "recordings/\(name)", model: model, prices: .bundled))
        }
        for grouping in StatsReport.Grouping.allCases {
            let rendered = try StatsRenderer.json(StatsReport(files: files, prices: .bundled, by: grouping))
            #expect(rendered.contains("recordings\\/barge-in.jsonl"))
            #expect(try rendered == Self.foundationRewrite(rendered))
        }
    }

    @Test func diffJSONHasJSONSerializationsBytes() throws {
        let a = SessionDiffTests.side([SessionDiffTests.textResponse("r1", text: "plain/text")])
        let b = SessionDiffTests.side([
            SessionDiffTests.textResponse("r1", text: "other"),
            SessionDiffTests.callResponse("r2", name: "f", arguments: "{}"),
        ])
        let rendered = try DiffRenderer.json(SessionDiff(a, b))
        #expect(try rendered == Self.foundationRewrite(rendered))
    }
}
