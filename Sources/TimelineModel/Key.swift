/// A key press, independent of the terminal library.
public enum Key: Sendable, Hashable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, tab, backTab, escape, backspace, resize

    /// Parses a key script such as `jjj/error<enter>e<tab>` (names in angle brackets:
    /// enter, tab, backtab, esc, bs, up, down, left, right, pgup, pgdn, home, end; `<lt>` is `<`).
    public static func script(_ text: String) -> [Key] {
        var keys: [Key] = []
        var rest = Substring(text)
        while let c = rest.first {
            if c == "<", let close = rest.firstIndex(of: ">") {
                let name = rest[rest.index(after: rest.startIndex)..<close].lowercased()
                if let key = named[name] {
                    keys.append(key)
                    rest = rest[rest.index(after: close)...]
                    continue
                }
            }
            keys.append(.char(c))
            rest = rest.dropFirst()
        }
        return keys
    }

    static let named: [String: Key] = [
        "enter": .enter, "cr": .enter, "tab": .tab, "backtab": .backTab, "esc": .escape, "bs": .backspace,
        "up": .up, "down": .down, "left": .left, "right": .right, "pgup": .pageUp, "pgdn": .pageDown,
        "home": .home, "end": .end, "lt": .char("<"), "space": .char(" "),
    ]

    /// How the help overlay names the key.
    public var label: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .resize: "resize"
        }
    }
}

/// Everything the user can ask the timeline to do; key bindings map keys to these.
public enum TimelineAction: Sendable, Hashable {
    case down, up, pageDown, pageUp, top, bottom
    case nextError, previousError, nextWarning, previousWarning
    case nextInResponse, previousInResponse
    case toggleFold, switchPane, toggleHelp, related, previousRelated, toggleConversation, toggleStats
    case playPause, faster, slower, stepForward, stepBack
    case beginSearch, searchNext, searchPrevious, beginFilter, clearFilter, goToLine
    case toggleLevels, playSelection, playMix, stopPlayback
    case quit
}

/// One key binding: the key, the action, and the help text the `?` overlay shows.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    public let action: TimelineAction
    public let help: String
}

/// The key bindings, in one table (conventions of lnav, mitmproxy, tig and k9s).
public enum Keymap {
    public static let bindings: [KeyBinding] = [
        KeyBinding(keys: [.char("j"), .down], action: .down, help: "next event / scroll down"),
        KeyBinding(keys: [.char("k"), .up], action: .up, help: "previous event / scroll up"),
        KeyBinding(keys: [.pageDown, .char("d")], action: .pageDown, help: "page down"),
        KeyBinding(keys: [.pageUp, .char("b")], action: .pageUp, help: "page up"),
        KeyBinding(keys: [.char("g"), .home], action: .top, help: "first event"),
        KeyBinding(keys: [.char("G"), .end], action: .bottom, help: "last event"),
        KeyBinding(keys: [.char("e")], action: .nextError, help: "next error (finding or server error event)"),
        KeyBinding(keys: [.char("E")], action: .previousError, help: "previous error (finding or server error event)"),
        KeyBinding(keys: [.char("w")], action: .nextWarning, help: "next warning finding"),
        KeyBinding(keys: [.char("W")], action: .previousWarning, help: "previous warning finding"),
        KeyBinding(keys: [.char("o")], action: .nextInResponse, help: "next in same response"),
        KeyBinding(keys: [.char("O")], action: .previousInResponse, help: "previous in same response"),
        KeyBinding(keys: [.char("r")], action: .related, help: "related event; stats pane: next metric event"),
        KeyBinding(keys: [.char("R")], action: .previousRelated, help: "related event; stats: previous metric event"),
        KeyBinding(keys: [.char(" "), .char("p")], action: .playPause, help: "replay: play / pause"),
        KeyBinding(keys: [.char("+"), .char("=")], action: .faster, help: "replay faster"),
        KeyBinding(keys: [.char("-")], action: .slower, help: "replay slower"),
        KeyBinding(keys: [.char(".")], action: .stepForward, help: "replay: step one event"),
        KeyBinding(keys: [.char(",")], action: .stepBack, help: "replay: step back"),
        KeyBinding(keys: [.char("z")], action: .toggleFold, help: "fold / unfold deltas"),
        KeyBinding(keys: [.char("c")], action: .toggleConversation, help: "conversation pane"),
        KeyBinding(keys: [.char("s")], action: .toggleStats, help: "stats: latency, turns, cost"),
        KeyBinding(keys: [.enter, .tab], action: .switchPane, help: "list ↔ detail pane"),
        KeyBinding(keys: [.char("/")], action: .beginSearch, help: "search types and text"),
        KeyBinding(keys: [.char("n")], action: .searchNext, help: "next search hit"),
        KeyBinding(keys: [.char("N")], action: .searchPrevious, help: "previous search hit"),
        KeyBinding(keys: [.char("f")], action: .beginFilter, help: "filter: glob, dir or id"),
        KeyBinding(keys: [.char("F")], action: .clearFilter, help: "clear the filter"),
        KeyBinding(keys: [.char(":")], action: .goToLine, help: "go to a JSONL line (as reports name it)"),
        KeyBinding(keys: [.char("l")], action: .toggleLevels, help: "audio level strip: input, output"),
        KeyBinding(keys: [.char("a")], action: .playSelection, help: "play this turn's audio as heard"),
        KeyBinding(keys: [.char("A")], action: .playMix, help: "play the session mix from here"),
        KeyBinding(keys: [.escape], action: .stopPlayback, help: "stop playback"),
        KeyBinding(keys: [.char("?")], action: .toggleHelp, help: "this help"),
        KeyBinding(keys: [.char("q")], action: .quit, help: "quit"),
    ]

    static let byKey: [Key: TimelineAction] = {
        var map: [Key: TimelineAction] = [:]
        for binding in bindings { for key in binding.keys where map[key] == nil { map[key] = binding.action } }
        return map
    }()

    /// The action bound to `key`, if any.
    public static func action(for key: Key) -> TimelineAction? { byKey[key] }
}
