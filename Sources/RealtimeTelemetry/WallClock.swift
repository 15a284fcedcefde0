/// Parses the recording format's wall-clock stamps (`2026-11-25T09:00:00.090000Z`, ISO 8601 UTC,
/// up to nanosecond fractions) to nanoseconds since the Unix epoch, without Foundation's formatters.
public enum WallClock {
    /// Nil for anything that is not `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (a `+00:00` suffix is accepted).
    public static func nanoseconds(_ text: String) -> UInt64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A,
            b[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61, year >= 1970
        else { return nil }
        var i = 19
        var fraction: UInt64 = 0
        var digits = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 {
                    fraction = fraction * 10 + UInt64(b[i] - 0x30)
                    digits += 1
                }
                i += 1
            }
            while digits < 9 {
                fraction *= 10
                digits += 1
            }
        }
        let rest = b[i...]
        guard rest.elementsEqual("Z".utf8) || rest.elementsEqual("+00:00".utf8) else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        return UInt64(seconds) * 1_000_000_000 + fraction
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
