import Foundation
import RealtimeRecording
import RealtimeSession
import RealtimeValidation
import TimelineModel

/// One fuzz input through everything that parses: the reader (via `RecordingInput`, which also
/// detects and runs the importers; events read both from their bytes and from the scanner's tapes),
/// the validator (its JSON report from findings kept as values and as bytes, its text report from
/// every finding and from the first of each rule), the session model with its metrics, the audio
/// export (WAV files into a scratch folder), each importer forced on the raw bytes, a headless
/// timeline that is loaded, driven by a key script and rendered at several sizes, and the relay's
/// WebSocket frame cutter (`WireFuzz`).
///
/// Invariant checked: no input traps (crash), hangs or leaves the process unable to continue.
/// Findings, import failures and `RecordingError`s are expected outcomes, never failures.
/// Limits: inputs are written to one scratch file per process (the timeline reads files), so
/// one process runs one input at a time.
enum FuzzTarget {
    /// Where each input is written before it is read back (tmpfs when there is one).
    static let scratch: String = {
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return (dir as NSString).appendingPathComponent("rtscope-fuzz-\(getpid()).jsonl")
    }()

    /// Key scripts the timeline runs: movement, search, filter, folds, replay steps, related jumps.
    static let keyScripts = ["jjjjGgkk", "eEwWrrz", "/response<enter>nN", "fclient<enter>Fo O", "G.,.,+-c<tab>jj?q"]

    static func run(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes)) else { return }
        defer { unlink(scratch) }
        read()
        tapes()
        validate()
        session()
        for kind in [LogImporter.Kind.har, .jsonArray, .jsonlEvents] {
            _ = try? LogImporter.importBytes(bytes, kind: kind, name: "fuzz")
        }
        timeline(script: keyScripts[Int(bytes.count % keyScripts.count)])
        WireFuzz.run(bytes)
    }

    /// Reads every line and decodes every event (to a `JSON` tree, checked to survive its own serializer) and frame, as
    /// `cat` does.
    static func read() {
        guard let reader = try? RecordingInput.open(scratch).reader else { return }
        _ = try? reader.read { event in
            if case .line(let line) = event {
                if let event = line.event() {
                    // The tree's text reads back to the same tree (compact and pretty).
                    precondition((try? JSON(parsing: event.encoded)) == event, "JSON round trip changed the event")
                    let pretty = try? JSON(parsing: event.encoded(.init(pretty: true, sortedKeys: true)))
                    precondition(pretty?.keysSorted == event.keysSorted, "pretty JSON round trip changed the event")
                }
                _ = line.frame()
            }
            return true
        }
    }

    /// Reads the events twice, parsed from their bytes and from the nodes the scanner built in its pass, appended to
    /// one batch tape as `validate`'s read-ahead does (so every event after the first is shifted): the same values,
    /// and the same repeated-key verdicts.
    static func tapes() {
        func events(scannerTapes: Bool) -> [(JSON?, Bool?)] {
            var options = RecordingReader.Options()
            options.buildsEventTapes = scannerTapes
            guard let reader = try? RecordingInput.open(scratch, options: options).reader else { return [] }
            var out: [(JSON?, Bool?)] = []
            let batch = JSONTape.batch()
            _ = try? reader.read { event in
                if case .line(let line) = event {
                    let value = scannerTapes ? line.eventValue(appendingTo: batch) : line.eventValue()
                    out.append((value.map { JSON($0) }, value?.hasRepeatedKeys))
                }
                return true
            }
            return out
        }
        let parsed = events(scannerTapes: false)
        let scanned = events(scannerTapes: true)
        precondition(parsed.count == scanned.count, "the scanner's tapes changed which lines were read")
        for (a, b) in zip(parsed, scanned) {
            precondition(a.0 == b.0 && a.1 == b.1, "the scanner's tape differs from the parsed one")
        }
    }

    /// Validates the input three times, keeping the findings as `Finding`s, as bytes (`validate --format json`) and as
    /// the first of each rule (`validate`'s text): the JSON reports must be the same text, and so must the text ones.
    static func validate() {
        let limit = 2  // small, so that inputs with a few findings of one rule already drop some
        guard let plain = try? ValidationRun.validate(path: scratch, excerpts: .firstPerRule(limit)),
            let compact = try? ValidationRun.validate(path: scratch, compactFindings: true),
            let sampled = try? ValidationRun.validate(path: scratch, excerpts: .firstPerRule(limit), sample: limit)
        else { return }
        let report = { (r: FileReport) in
            try? JSONReporter.render(ValidationResult(reports: [r], rules: RuleCatalog.all, failAt: .error))
        }
        precondition(report(compact) == report(plain), "findings kept as bytes gave another JSON report")
        let text = { (r: FileReport) in
            TextReporter.render(
                ValidationResult(reports: [r], rules: RuleCatalog.all, failAt: .error), color: false, limit: limit)
        }
        precondition(text(sampled) == text(plain), "the first findings of each rule gave another text report")
    }

    /// The session model, every metric, and the audio export (files removed afterwards).
    static func session() {
        if let loaded = try? SessionModel.load(scratch) { _ = loaded.model.metricSamples() }
        let folder = scratch + ".audio"
        _ = try? AudioExport.run(scratch, options: AudioExport.Options(outDir: folder))
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func timeline(script: String) {
        guard let source = try? TimelineSource.load(scratch) else { return }
        while !source.caughtUp, (try? source.refresh()) != nil {}
        // Every key is rendered at one size; the other sizes render the start and the end state.
        for (k, (width, height)) in [(100, 30), (40, 10), (200, 60)].enumerated() {
            var model = TimelineModel(source: source, width: width, height: height)
            _ = TimelineView.render(model)
            for key in Key.script(script) where !model.state.quit {
                model.press(key)
                if k == 0 { _ = TimelineView.render(model) }
            }
            _ = TimelineView.render(model)
        }
    }
}

#if FUZZING
    /// libFuzzer's driver, started from `main` (SwiftPM gives executables a `main` of their own,
    /// so libFuzzer's is not used).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The fuzzer's entry point, built with `-sanitize=fuzzer -DFUZZING -parse-as-library`.
    ///
    /// SwiftPM links an executable's `main` to `<module>_main`, so this takes that name and hands
    /// libFuzzer's usual command line (`CORPUS_DIR -max_total_time=60 …`) to its driver; see
    /// scripts/fuzz.sh.
    @_cdecl("rtscope_fuzz_main")
    public func fuzzMain(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    ) -> CInt {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
    }

    /// The per-input entry libFuzzer's own object files refer to (its `main` is linked in too).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        FuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
#else
    /// Without libFuzzer: runs every file named on the command line (or in the folders named)
    /// through the fuzz target, so saved crashes and the seed corpus replay as regression tests.
    @main
    struct FuzzReplay {
        static func main() {
            var count = 0
            for argument in CommandLine.arguments.dropFirst() {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                    FileHandle.standardError.write(Data("rtscope-fuzz: \(argument): no such file.\n".utf8))
                    exit(66)
                }
                let files =
                    isDirectory.boolValue
                    ? ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map {
                        (argument as NSString).appendingPathComponent($0)
                    } : [argument]
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    FuzzTarget.run(Array(data))
                    count += 1
                }
            }
            print("rtscope-fuzz: \(count) inputs replayed, no crash.")
        }
    }
#endif
