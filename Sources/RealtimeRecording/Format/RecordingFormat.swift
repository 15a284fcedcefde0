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

    /// The last second `wallClock` can write (9999-12-31T23:59:59Z): the format's years have four digits.
    public static let latestSeconds: Double = 253_402_300_799

    /// ISO 8601 UTC with microseconds, for example `2026-11-25T10:00:01.234567Z`.
    ///
    /// A date before 1970 is written as 1970-01-01T00:00:00.000000Z and one after `latestSeconds` as that second
    /// (as is a date that is not finite), so no date traps.
    public static func wallClock(_ date: Date) -> String {
        let given = date.timeIntervalSince1970
        let seconds = given >= 0 ? min(given, latestSeconds) : 0
        var whole = Int64(seconds.rounded(.down))
        var micros = Int64(((seconds - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        var t = time_t(whole)
        var parts = tm()
        gmtime_r(&t, &parts)
        // "YYYY-MM-DDTHH:MM:SS.ffffffZ": 27 ASCII bytes written in place (this runs once per recorded frame).
        return String(unsafeUninitializedCapacity: 27) { out in
            var i = 0
            func put(_ value: Int64, _ width: Int) {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += width
            }
            func put(_ scalar: Unicode.Scalar) {
                out[i] = UInt8(truncatingIfNeeded: scalar.value)
                i += 1
            }
            put(Int64(parts.tm_year) + 1900, 4)
            put("-")
            put(Int64(parts.tm_mon) + 1, 2)
            put("-")
            put(Int64(parts.tm_mday), 2)
            put("T")
            put(Int64(parts.tm_hour), 2)
            put(":")
            put(Int64(parts.tm_min), 2)
            put(":")
            put(Int64(parts.tm_sec), 2)
            put(".")
            put(micros, 6)
            put("Z")
            return i
        }
    }
}
