import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a listener responsive when the process runs out of file descriptors.
///
/// At the limit, `accept(2)` fails with EMFILE while the pending connection stays in the backlog,
/// and the accept loop spins. This guard keeps one spare descriptor open: on EMFILE or ENFILE it
/// closes the spare, so the next `accept` succeeds, and while `shedding` (until a second passes
/// without EMFILE) every new connection is closed as soon as it is accepted. NIO's accept backoff
/// pauses 50 ms (not its default second) after each EMFILE (`shortenAcceptBackoff`), so the backlog
/// drains, the loop goes idle, and clients get a closed connection at once instead of a timeout.
/// Then the spare is opened again. The notice is printed once per episode.
///
/// Confined to the listening channel's event loop (the only place its state is touched).
final class DescriptorGuard: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny

    /// Read by the child channel initializer (on other loops), written here.
    let shedding = NIOLockedValueBox(false)
    private let notice: (@Sendable (String) -> Void)?
    private var spare: Int32 = -1
    /// When the last EMFILE came (the episode ends a second later).
    private var lastFailure = NIODeadline.uptimeNanoseconds(0)

    init(notice: (@Sendable (String) -> Void)?) {
        self.notice = notice
        spare = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? IOError, error.errnoCode == EMFILE || error.errnoCode == ENFILE {
            lastFailure = .now()
            if spare >= 0 {
                close(spare)
                spare = -1
            }
            if !shedding.withLockedValue({ $0 }) {
                shedding.withLockedValue { $0 = true }
                notice?(
                    "out of file descriptors (\(error.errnoCode == EMFILE ? "EMFILE" : "ENFILE")): new connections "
                        + "are closed at once until some are free; raise `ulimit -n` or lower --max-connections")
                recover(on: context.eventLoop)
            }
        }
        context.fireErrorCaught(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if spare >= 0 { close(spare) }
        spare = -1
    }

    private func recover(on loop: any EventLoop) {
        loop.scheduleTask(in: .seconds(1)) { [self] in
            if NIODeadline.now() - lastFailure >= .seconds(1), spare < 0 {
                spare = open("/dev/null", O_RDONLY | O_CLOEXEC)
            }
            if spare >= 0 {
                shedding.withLockedValue { $0 = false }
            } else {
                recover(on: loop)
            }
        }
    }

    /// Replaces NIO's accept backoff (one second after EMFILE) with a 50 ms one, so a shedding
    /// listener drains its backlog quickly.
    static func shortenAcceptBackoff(on channel: any Channel) async throws {
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let old = try pipeline.handler(type: AcceptBackoffHandler.self)
            try pipeline.addHandler(
                AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { _ in .milliseconds(50) },
                position: .after(old))
            pipeline.removeHandler(old, promise: nil)
        }.get()
    }

    /// Raises the soft limit on open files to the hard limit (at most 1,048,576), as servers do, so
    /// `--max-connections` rather than a low default `ulimit -n` bounds the recorder.
    static func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, 1 << 20)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = wanted
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
