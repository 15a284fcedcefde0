import Foundation

/// Removes credentials from URLs, headers and subprotocol lists before anything is written.
///
/// Covers every header and query parameter whose name (case-insensitively) contains `key`, `token`,
/// `secret` or `signature`, plus `Authorization`, cookies and `sig`; `name=value` pieces inside a
/// query value separated by `;` (Azure's `deployment=x;api-key=…`); and the browser subprotocol
/// `openai-insecure-api-key.<key>` in any letter case. Each removal is named in the returned list
/// (e.g. `"header:authorization"`) so the recording's header can say what was removed.
public enum Redactor {
    /// The placeholder written instead of a secret.
    public static let placeholder = "REDACTED"

    /// Names that carry a credential without saying key, token, secret or signature.
    static let secretNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "sig", "auth", "password",
    ]
    static let secretWords = ["key", "token", "secret", "signature"]

    /// Whether a header or query parameter called `name` carries a credential.
    ///
    /// True when its lower-cased name contains key, token, secret or signature, or is one of
    /// `secretNames`. Not secrets although their names say so: `Sec-WebSocket-Key` (a nonce) and
    /// the `x-ratelimit-*-tokens` counts.
    public static func isSecret(name: String) -> Bool {
        let name = name.lowercased()
        if name == "sec-websocket-key" || name.hasPrefix("x-ratelimit-") { return false }
        return secretNames.contains(name) || secretWords.contains { name.contains($0) }
    }

    /// The browser subprotocol that carries a key (`openai-insecure-api-key.<key>`).
    public static let insecureKeyPrefix = "openai-insecure-api-key."

    /// The key in a browser subprotocol (prefix matched in any letter case), else nil.
    public static func insecureKey(inSubprotocol p: some StringProtocol) -> Substring? {
        guard p.count > insecureKeyPrefix.count,
            p.prefix(insecureKeyPrefix.count).lowercased() == insecureKeyPrefix
        else { return nil }
        return Substring(p.dropFirst(insecureKeyPrefix.count))
    }

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
            let decodedName = name.removingPercentEscapesLossy()
            if isSecret(name: decodedName) {
                note("query:\(decodedName.lowercased())", &removed)
                return "\(name)=\(placeholder)"
            }
            guard pieces.count == 2, let inner = innerSecrets(String(pieces[1]), in: decodedName, &removed) else {
                return String(part)
            }
            return "\(name)=\(inner)"
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
            if isSecret(name: name) {
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
            guard insecureKey(inSubprotocol: p) != nil else { return p }
            note("subprotocol:openai-insecure-api-key", &removed)
            return insecureKeyPrefix + placeholder
        }.joined(separator: ", ")
    }

    /// A query value holding `;`-separated `name=value` pieces (Azure's `deployment=x;api-key=…`)
    /// with the secret pieces' values replaced (the value is percent-decoded first, so `%3B` and
    /// `%3D` count too); nil when it holds no secret piece.
    private static func innerSecrets(_ rawValue: String, in outer: String, _ removed: inout [String]) -> String? {
        let value = rawValue.removingPercentEscapesLossy()
        guard value.contains(";") || value.contains("=") else { return nil }
        var found = false
        let pieces = value.split(separator: ";", omittingEmptySubsequences: false).map { piece -> String in
            let nameValue = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = nameValue[0].trimmingCharacters(in: " ")
            guard nameValue.count == 2, isSecret(name: name) else { return String(piece) }
            found = true
            note("query:\(outer.lowercased());\(name.lowercased())", &removed)
            return "\(nameValue[0])=\(placeholder)"
        }
        guard found else { return nil }
        // Re-encoded so the result is still one query value.
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&+#"))
        return pieces.joined(separator: ";").addingPercentEncoding(withAllowedCharacters: allowed) ?? placeholder
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
