import Foundation
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeValidation

/// Prints the recorder's live view: one line per event, live findings, and a closing summary.
///
/// Each line goes out in one `write(2)` (lines from concurrent connections never interleave).
/// Summaries are escaped by the recorder; nothing printed holds a secret (headers are not shown).
enum LiveConsole {
    /// Writes one line to standard output, unbuffered.
    ///
    /// The output boundary: event types, ids and summaries come from the wire, so the whole line
    /// passes `SafeText.escape` (console lines carry no control characters of their own).
    static func line(_ text: String) {
        let bytes = Array((SafeText.escape(text) + "\n").utf8)
        bytes.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
    }

    static func observer(quiet: Bool) -> @Sendable (RecorderEvent) -> Void {
        { event in
            if let text = text(for: event, quiet: quiet) { line(text) }
        }
    }

    /// The console line for one recorder event (nil: not shown), escaped for the terminal.
    static func text(for event: RecorderEvent, quiet: Bool) -> String? {
        let text: String
        switch event {
        case .frame(let frame):
            guard !quiet else { return nil }
            let time = String(format: "%9.3f", Double(frame.tUs) / 1000)
            let what = frame.type ?? "[\(frame.opcode.rawValue)]"
            text =
                "\(frame.conn) \(time) ms \(frame.direction.arrow) \(what)\(frame.summary.isEmpty ? "" : "  " + frame.summary)"
        case .failure(let conn, let message):
            text =
                "\(conn) ERROR cannot write the recording (\(message)); the connection is closed so that no frame goes unrecorded."
        case .refused(let conn, let message):
            text = "\(conn) REFUSED \(message)"
        case .notice(let message):
            text = "rtscope record: \(message)"
        case .turn(let conn, let turnLine):
            text = "\(conn) \(turnLine)"
        case .closed: return nil
        case .finding(let conn, let finding, let file):
            // FILE:LINE of the frame's part (its real line, after rotation too); "line N" without a file.
            let place = file.map { "\($0):\(finding.line)" } ?? "line \(finding.line)"
            text = "\(conn) \(finding.severity.rawValue.uppercased()) [\(finding.rule)] \(place): \(finding.message)"
        }
        return SafeText.escape(text)
    }

    static func summary(_ connections: [RecordingProxy.ConnectionSummary]) {
        let frames = connections.reduce(0) { $0 + $1.frames }
        let bytes = connections.reduce(0) { $0 + $1.bytes }
        let findings = connections.reduce(0) { $0 + $1.findings.count }
        line(
            "rtscope record: \(Plural.count(connections.count, "connection")), \(Plural.count(frames, "frame")), \(Plural.count(bytes, "payload byte")), \(Plural.count(findings, "finding"))"
        )
        for c in connections {
            let outcome =
                c.connectFailure.map { "could not connect to the upstream: \($0)" }
                ?? c.refusedStatus.map { "refused by the upstream (HTTP \($0))" }
                ?? "\(Plural.count(c.frames, "frame")), \(Plural.count(c.findings.count, "finding"))"
            let files = c.paths.count > 1 ? " (\(c.paths.count) parts)" : ""
            line("  \(c.conn): \(outcome)\(c.path.map { " → \($0)" } ?? "")\(files)")
            if let session = c.session { line("    \(session)") }
            if c.liveDropped > 0 {
                line(
                    "    live validation skipped \(Plural.count(c.liveDropped, "frame")) (the console fell behind); the recording has every frame"
                )
            }
        }
    }
}

/// Waits for SIGINT or SIGTERM.
///
/// `install()` starts catching them; commands call it before they announce that they listen, so
/// a signal sent right after the announcement is never lost (it used to be ignored when it came
/// before `wait()` had set up its handlers, and the process then ran on).
enum ShutdownSignal {
    /// Catches SIGINT and SIGTERM from now on (once per process; later calls do nothing).
    static func install() { _ = caught }

    /// Resumed by the first SIGINT/SIGTERM after `install()`.
    ///
    /// A plain signal handler, installed synchronously, writes one byte to a pipe that a thread
    /// waits on: a signal that arrives at once after `install()` returns is in the pipe, never
    /// dropped. (A Dispatch signal source with the signal set to SIG_IGN lost one now and then:
    /// `aSIGTERMRightAfterTheListeningLineStopsTheRecorder` failed in one CI run of five.)
    private static let caught: ContinuationBox = {
        let box = ContinuationBox()
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return box }
        Keep.writeFD = fds[1]
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                var byte: UInt8 = 1
                _ = write(ShutdownSignal.Keep.writeFD, &byte, 1)  // async-signal-safe
            }
        }
        let readFD = fds[0]
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(readFD, &byte, 1) < 0, errno == EINTR {}
            box.resume()
        }
        return box
    }()

    /// Returns on the first SIGINT/SIGTERM (at once if one came since `install()`), or when the
    /// calling task is cancelled (after which every later call returns at once: one wait per process).
    static func wait() async {
        let box = caught
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                box.set(continuation)
            }
        } onCancel: {
            box.resume()
        }
    }

    final class ContinuationBox: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        private var resumed = false
        func set(_ c: CheckedContinuation<Void, Never>) {
            lock.lock()
            defer { lock.unlock() }
            if resumed { c.resume() } else { continuation = c }
        }
        /// Resumes the waiter once; later calls do nothing.
        func resume() {
            lock.lock()
            defer { lock.unlock() }
            resumed = true
            continuation?.resume()
            continuation = nil
        }
    }

    /// The pipe the signal handler writes to.
    enum Keep {
        /// Written once, before the handler is installed; read only by the handler.
        nonisolated(unsafe) static var writeFD: Int32 = -1
    }
}

/// One sentence for a failure to listen.
func listenFailure(_ error: any Error) -> String {
    let text = "\(error)"
    if text.contains("Address already in use") {
        return "the address is already in use (is another rtscope or service listening there?)"
    }
    if text.contains("Permission denied") { return "permission denied (ports below 1024 need privileges)" }
    return text
}

/// `host:port` parsing for --listen.
enum ListenAddress {
    static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
