import ArgumentParser
import RTScopeCommands

/// The executable's entry point: everything lives in RTScopeCommands.
@main
struct Entry {
    static func main() async {
        await RTScope.start()
    }
}
