import Testing

@testable import RealtimeProxy

/// The relay's decisions, driven in memory: frames are strings, actions are compared as text.
struct RelayCoreTests {
    typealias Core = RelayCore<String>

    /// One line per action, frames by name (`send upstream:a client:b`).
    static func describe(_ actions: [Core.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .send(let frames): "send " + frames.map { "\($0.to):\($0.frame)" }.joined(separator: " ")
            case .publish: "publish"
            case .sendClose(let code, _, let to): "close \(code) to \(to)"
            case .recordTooLarge(let from): "record too large from \(from)"
            case .recordLimitClose(let to): "record 1009 to \(to)"
            case .flushRecording: "flush"
            case .reportFailure: "report failure"
            case .startGraceTimer: "start grace"
            case .cancelGraceTimer: "cancel grace"
            case .closeAll: "close all"
            case .resumeReads(let side): "resume \(side)"
            }
        }
    }

    /// A core with the client attached and nothing parked.
    static func attached() -> Core {
        var core = Core(sendAtOnce: 1000)
        _ = core.attach()
        _ = core.attachDone()
        return core
    }

    @Test func framesBeforeTheClientAreParkedThenSentFirstInOneBurst() {
        var core = Core()
        #expect(core.admit(from: .upstream) == .park)
        core.park("created")
        core.park("updated")
        #expect(core.attach() == ["created", "updated"])
        #expect(core.admit(from: .upstream) == .record)
        // The driver records each parked frame and reports it recorded; nothing goes out yet.
        #expect(core.recorded("created", from: .upstream, isClose: false, bytes: 10).isEmpty)
        #expect(core.recorded("updated", from: .upstream, isClose: false, bytes: 10).isEmpty)
        #expect(Self.describe(core.attachDone()) == ["send client:created client:updated", "resume upstream"])
    }

    @Test func anUpstreamThatLeftBeforeTheClientCameEndsTheSessionAtAttach() {
        var core = Core()
        #expect(core.inactive(.upstream).isEmpty)  // no client yet: `attachDone` decides
        _ = core.attach()
        #expect(Self.describe(core.attachDone()) == ["publish", "publish", "close all"])
        #expect(core.admit(from: .client) == .drop)
    }

    @Test func recordedFramesWaitForTheEndOfTheBurstAndLargeOnesGoAtOnce() {
        var core = Self.attached()
        #expect(core.recorded("a", from: .client, isClose: false, bytes: 200).isEmpty)
        #expect(core.recorded("b", from: .upstream, isClose: false, bytes: 200).isEmpty)
        #expect(Self.describe(core.readComplete()) == ["send upstream:a client:b"])
        #expect(Self.describe(core.readComplete()) == ["publish"])  // an empty burst forwards nothing
        #expect(
            Self.describe(core.recorded("big", from: .client, isClose: false, bytes: 1000)) == ["send upstream:big"])
    }

    /// `takeBurst` decides as `readComplete` does, and the array the driver hands in is the one the
    /// next burst is collected in (no new array, and no action array, per burst).
    @Test func takeBurstSendsTheSameFramesInTheDriversArray() {
        var core = Self.attached()
        var spare: [(to: Core.Side, frame: String)] = []
        spare.reserveCapacity(64)
        core.takeBurst(swappingWith: &spare)
        #expect(spare.isEmpty)  // nothing recorded: the driver publishes, as `readComplete` says
        for round in 0..<3 {
            #expect(core.recorded("a\(round)", from: .client, isClose: false, bytes: 200).isEmpty)
            #expect(core.recorded("b\(round)", from: .upstream, isClose: false, bytes: 200).isEmpty)
            core.takeBurst(swappingWith: &spare)
            #expect(spare.map { "\($0.to):\($0.frame)" } == ["upstream:a\(round)", "client:b\(round)"])
            #expect(spare.capacity >= 64)  // collected in the array handed in before
            spare.removeAll(keepingCapacity: true)
            core.takeBurst(swappingWith: &spare)  // an empty burst: the array goes back to the core
            #expect(spare.isEmpty)
        }
        #expect(Self.describe(core.readComplete()) == ["publish"])
    }

    @Test func aFailedRecordingForwardsNothingHeldAndEndsTheSession() {
        var core = Self.attached()
        _ = core.recorded("a", from: .client, isClose: false, bytes: 10)
        struct DiskFull: Error {}
        #expect(Self.describe(core.recordingFailed(DiskFull())) == ["report failure", "publish", "close all"])
        #expect(Self.describe(core.readComplete()) == ["publish"])
        #expect(core.admit(from: .client) == .drop)
    }

    @Test func aCompleteCloseHandshakeClosesBothAtOnce() {
        var core = Self.attached()
        #expect(Self.describe(core.recorded("close-c", from: .client, isClose: true, bytes: 2)) == ["start grace"])
        #expect(core.closeSent == [false, true])
        #expect(
            Self.describe(core.recorded("close-u", from: .upstream, isClose: true, bytes: 2)) == [
                "send upstream:close-c client:close-u", "cancel grace", "close all",
            ])
        #expect(core.ended)
        #expect(core.inactive(.client).isEmpty)
        #expect(core.graceExpired().isEmpty)
    }

    @Test func theGraceTimerEndsAHalfClosedSession() {
        var core = Self.attached()
        _ = core.recorded("close-c", from: .client, isClose: true, bytes: 2)
        #expect(Self.describe(core.readComplete()) == ["send upstream:close-c"])
        #expect(Self.describe(core.graceExpired()) == ["publish", "close all"])
    }

    @Test func aSideThatLeavesAfterItsHandshakeLetsTheOtherAnswer() {
        var core = Self.attached()
        // The upstream sends close, the client answers: the upstream's handshake is done, the
        // proxy's own close to the client is still unanswered.
        _ = core.shutdown(code: 1001, reason: "bye")  // close to both sides
        _ = core.recorded("close-u", from: .upstream, isClose: true, bytes: 2)  // the upstream answers
        #expect(core.inactive(.upstream).isEmpty)  // its handshake is complete: wait for the client
        #expect(Self.describe(core.inactive(.client)) == ["publish", "cancel grace", "close all"])
    }

    @Test func aSideThatDropsWithoutAHandshakeTakesTheOtherDown() {
        var core = Self.attached()
        _ = core.recorded("a", from: .client, isClose: false, bytes: 10)
        #expect(Self.describe(core.inactive(.client)) == ["send upstream:a", "close all"])
    }

    @Test func aTooLargeFrameIsRecordedAndBothSidesGetClose1009() {
        var core = Self.attached()
        #expect(
            Self.describe(core.tooLarge(from: .client)) == [
                "record too large from client", "record 1009 to client", "close 1009 to upstream", "start grace",
                "flush",
            ])
        #expect(core.closeSent == [true, true])
    }

    @Test func shutdownBeforeTheClientIsAttachedDoesNothing() {
        var core = Core()
        #expect(core.shutdown(code: 1001, reason: "bye").isEmpty)
        #expect(core.tooLarge(from: .upstream).isEmpty)
    }

    @Test func aCloseToASideThatAlreadyHadTheProxysIsRecordedButNotForwarded() {
        var core = Self.attached()
        _ = core.shutdown(code: 1001, reason: "bye")
        // The client answers the proxy's close: the upstream already has the proxy's, so nothing is queued.
        #expect(core.recorded("close-c", from: .client, isClose: true, bytes: 2).isEmpty)
        #expect(Self.describe(core.readComplete()) == ["publish"])
        #expect(core.closeReceived == [true, false])
    }
}
