import Foundation

/// Removes credentials from URLs, headers and subprotocol lists before anything is written.
///
/// Covers: `Authorization`, `api-key` and similar headers, cookies, `api-key=` / `key=` /
/// `access_token=` / `client_secret=` query parameters, and the browser subprotocol
/// `openai-insecure-api-key.<key>`. Each removal is named in the returned list (e.g.
/// `"header:authorization"`) so the recording's header can say what was removed.
public enum Redactor {
    /// The placeholder written instead of a secret.
    public static let placeholder = "REDACTED"

    static let secretHeaders: Set<String> = [
        "authorization", "api-key", "x-api-key", "openai-api-key", "cookie", "set-cookie", "proxy-authorization",
        "ocp-apim-subscription-key",
    ]
    static let secretQueryKeys: Set<String> = [
        "api-key", "api_key", "apikey", "key", "access_token", "token", "client_secret", "authorization", "sig",
    ]
    /// The browser subprotocol that carries a key (`openai-insecure-api-key.<key>`).
    public static let insecureKeyPrefix = "openai-insecure-api-key."

    /// A URL with secret query values replaced, and its userinfo (`user:password@`) and fragment (`#…`) removed
    /// (noted as `url:userinfo` and `url:fragment`): neither is ever needed to read a recording, and both can hold
    /// a credential.
    public static func url(_ url: String, removed: inout [String]) -> String {
        var url = url
        if let hash = url.firstIndex(of: "#") {
            url = String(url[..<hash])
            note("url:fragment", &removed)
        }
        url = withoutUserinfo(url, removed: &removed)
        guard let q = url.firstIndex(of: "?") else { return url }
        let base = url[..<q]
        let query = String(url[url.index(after: q)...])
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pieces[0])
            guard secretQueryKeys.contains(name.lowercased().removingPercentEscapesLossy()) else { return String(part) }
            note("query:\(name.lowercased())", &removed)
            return "\(name)=\(placeholder)"
        }
        return base + "?" + parts.joined(separator: "&")
    }

    /// `url` without `user:password@` in its authority (a path-only target is returned as it is).
    private static func withoutUserinfo(_ url: String, removed: inout [String]) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityEnd = url[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        guard let at = url[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else { return url }
        note("url:userinfo", &removed)
        return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
    }

    /// Headers (lower-cased names) with secret values replaced.
    public static func headers(_ headers: [String: String], removed: inout [String]) -> [String: String] {
        var out: [String: String] = [:]
        for (rawName, value) in headers.sorted(by: { $0.key.lowercased() < $1.key.lowercased() }) {
            let name = rawName.lowercased()
            if secretHeaders.contains(name) {
                note("header:\(name)", &removed)
                let scheme = value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                out[name] = name == "authorization" && value.contains(" ") ? "\(scheme) \(placeholder)" : placeholder
            } else if name == "sec-websocket-protocol" {
                out[name] = subprotocols(value, removed: &removed)
            } else {
                out[name] = value
            }
        }
        return out
    }

    /// A comma-separated subprotocol list with `openai-insecure-api-key.<key>` redacted.
    public static func subprotocols(_ list: String, removed: inout [String]) -> String {
        list.split(separator: ",").map { raw -> String in
            let p = raw.trimmingCharacters(in: " ")
            guard p.hasPrefix(insecureKeyPrefix) else { return p }
            note("subprotocol:openai-insecure-api-key", &removed)
            return insecureKeyPrefix + placeholder
        }.joined(separator: ", ")
    }

    private static func note(_ what: String, _ removed: inout [String]) {
        if !removed.contains(what) { removed.append(what) }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

extension String {
    /// Decodes `%XX` escapes; invalid ones are kept as they are.
    fileprivate func removingPercentEscapesLossy() -> String {
        var bytes: [UInt8] = []
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
                let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
