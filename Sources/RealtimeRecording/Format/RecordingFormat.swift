public import Foundation

/// Constants and clocks of the recording format.
public enum RecordingFormat {
    /// The version this build writes.
    public static let currentVersion = 1
    /// Versions this build reads natively.
    ///
    /// Newer versions are read as the newest known one.
    public static let readableVersions: ClosedRange<Int> = 1...1
    /// The tool version written into headers.
    public static let toolVersion = "0.1.0"
    public static let toolName = "rtscope \(toolVersion)"

    /// ISO 8601 UTC with microseconds, for example `2026-11-25T10:00:01.234567Z`.
    public static func wallClock(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = Int64(seconds.rounded(.down))
        var micros = Int64(((seconds - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        var t = time_t(whole)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let micro = String(micros)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - micro.count) + micro + "Z"
    }
}
