/// A failure to do the work (not a finding about the traffic): unreadable files, failed writes.
///
/// Each case's `description` is one sentence naming the file.
public enum RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case notARecording(path: String, detail: String)
    case importFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)."
        case .cannotRead(let path, let reason): "\(path): read failed: \(reason)."
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)."
        case .notARecording(let path, let detail): "\(path): not a recording or a supported log: \(detail)."
        case .importFailed(let path, let detail): "\(path): cannot import: \(detail)."
        }
    }
}
