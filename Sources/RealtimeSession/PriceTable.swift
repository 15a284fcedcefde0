import Foundation

/// US dollars per million tokens, by model, for `rtscope stats` costs.
///
/// The bundled table is a copy of OpenAI's published Realtime prices (see `bundled.source` and
/// `date`); Azure bills the same models at its own rates, and prices change, so `--prices FILE`
/// replaces it with a JSON file of the same shape:
/// `{"date": "…", "source": "…", "models": {"gpt-realtime": {"text_input": 4, "cached_text_input": 0.4,
/// "text_output": 16, "audio_input": 32, "cached_audio_input": 0.4, "audio_output": 64}}}`.
/// A model is priced by its exact name, else by the longest table name it starts with
/// (`gpt-4o-realtime-preview-2024-12-17` → `gpt-4o-realtime-preview`); an unknown model has no cost.
public struct PriceTable: Sendable, Codable, Equatable {
    public struct Prices: Sendable, Codable, Equatable {
        public var textInput: Double
        public var cachedTextInput: Double
        public var textOutput: Double
        public var audioInput: Double
        public var cachedAudioInput: Double
        public var audioOutput: Double

        enum CodingKeys: String, CodingKey {
            case textInput = "text_input", cachedTextInput = "cached_text_input", textOutput = "text_output"
            case audioInput = "audio_input", cachedAudioInput = "cached_audio_input", audioOutput = "audio_output"
        }
    }

    public var date: String
    public var source: String
    public var models: [String: Prices]

    /// OpenAI's list prices per 1M tokens as published for these models (gpt-realtime at its
    /// August 2025 launch, the preview models from December 2024).
    public static let bundled = PriceTable(
        date: "2025-09-01",
        source: "OpenAI API pricing page (list prices per 1M tokens); pass --prices FILE for yours",
        models: [
            "gpt-realtime": Prices(
                textInput: 4, cachedTextInput: 0.4, textOutput: 16, audioInput: 32, cachedAudioInput: 0.4,
                audioOutput: 64),
            "gpt-4o-realtime-preview": Prices(
                textInput: 5, cachedTextInput: 2.5, textOutput: 20, audioInput: 40, cachedAudioInput: 2.5,
                audioOutput: 80),
            "gpt-4o-mini-realtime-preview": Prices(
                textInput: 0.6, cachedTextInput: 0.3, textOutput: 2.4, audioInput: 10, cachedAudioInput: 0.3,
                audioOutput: 20),
        ])

    /// Reads a table from a JSON file.
    /// - Throws: a one-sentence `PriceTable.Failure` naming the file.
    public static func load(_ path: String) throws -> PriceTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(message: "\(path): cannot read the price table.")
        }
        do {
            return try JSONDecoder().decode(PriceTable.self, from: data)
        } catch {
            throw Failure(
                message: "\(path): not a price table (expected {\"date\", \"source\", \"models\": {name: prices}}).")
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The prices for `model`: its own entry, else the longest entry it starts with.
    public func prices(for model: String) -> (name: String, prices: Prices)? {
        if let exact = models[model] { return (model, exact) }
        let match = models.keys.filter { model.hasPrefix($0) }.max { $0.count < $1.count }
        return match.flatMap { name in models[name].map { (name, $0) } }
    }

    /// The cost of `usage` in US dollars; cached tokens are a subset of input tokens, split by
    /// modality when the server said (else counted as text first).
    public static func cost(_ usage: Usage, _ p: Prices) -> Double {
        var cachedText = usage.cachedTextTokens
        var cachedAudio = usage.cachedAudioTokens
        if cachedText + cachedAudio == 0, usage.cachedTokens > 0 {
            cachedText = min(usage.cachedTokens, usage.inputTextTokens)
            cachedAudio = usage.cachedTokens - cachedText
        }
        let dollars =
            Double(max(0, usage.inputTextTokens - cachedText)) * p.textInput + Double(cachedText) * p.cachedTextInput
            + Double(max(0, usage.inputAudioTokens - cachedAudio)) * p.audioInput
            + Double(cachedAudio) * p.cachedAudioInput + Double(usage.outputTextTokens) * p.textOutput
            + Double(usage.outputAudioTokens) * p.audioOutput
        return dollars / 1_000_000
    }
}
