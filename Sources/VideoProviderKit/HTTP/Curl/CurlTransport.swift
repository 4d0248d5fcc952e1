import Foundation

/// An ``HTTPTransport`` on libcurl, driven directly: the default on Linux.
///
/// FoundationNetworking's `URLSession` keeps a core busy for as long as a request waits for its answer,
/// hands every 16 KiB of a download to another thread without bound, and cannot pause a transfer. This
/// transport drives the same system library (`libcurl.so.4`, which FoundationNetworking links) itself:
///
/// - One thread per transport runs a libcurl multi handle for all its transfers and sleeps in
///   `curl_multi_poll` until there is something to do, so a request that waits costs no CPU. `send` is
///   `async`; cancelling the calling task removes the transfer at once.
/// - libcurl is loaded at run time (`dlopen`); nothing is installed and no curl headers are needed. When
///   it cannot be loaded, ``init(configuration:)`` throws and ``DefaultHTTPTransport`` falls back to
///   ``URLSessionTransport``, saying why.
/// - Request bodies stream from ``HTTPBody`` through libcurl's read callback with an exact
///   `Content-Length`; nothing is staged to disk.
/// - Response bodies go to memory or stream into a new file in the directory the caller names. A
///   writer thread owns the file; when it falls behind (``Configuration/downloadBufferLimit``), the
///   transfer is paused (libcurl stops reading the socket) and resumed once it catches up, so memory
///   stays bounded at any speed. A failed or cancelled transfer deletes its file.
/// - Every limit of ``ResponseBodyDestination`` is enforced while the body arrives, after decoding:
///   answers in memory are decoded (gzip, deflate, brotli, zstd: whatever the library has) and counted
///   decoded; files are written as sent (as `curl -o` does). A declared `Content-Length` over the limit
///   fails before any body byte is read.
/// - Redirects are followed by the transport itself, hop by hop: never for a task-creating request
///   (the redirect is the response), only to http(s), at most ``Configuration/maximumRedirects`` hops,
///   and a hop to another origin carries only `Accept`, `Accept-Language` and `User-Agent` (no
///   `Authorization`, `Cookie` or app header).
/// - A task-creating request gets a connection of its own, never reused: libcurl silently resends a
///   request on a reused connection that the server closed without answering.
/// - Proxies: see ``ProxyConfiguration`` (never for a loopback host, never for a plain-http request that
///   carries a key). TLS uses libcurl's defaults (the system's CA store, peer and host verification on).
///   HTTP/2 is used over TLS when the library has it; plain http stays HTTP/1.1.
/// - No cookies, no cache, no credential storage.
public final class CurlTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// Longest silence allowed, from the start or from the last byte in either direction (time spent
        /// paused for the disk does not count). Also bounds connecting.
        public var idleTimeout: Duration = .seconds(60)
        /// Longest a whole request may take (downloads included).
        public var resourceTimeout: Duration = .seconds(3600)
        public var maximumRedirects: Int = 10
        /// Connections to one host at a time; more requests wait for one (`URLSession`'s default is 6).
        public var maximumConnectionsPerHost: Int = 6
        /// How many bytes of a download may wait in memory for the disk before the transfer pauses.
        public var downloadBufferLimit: Int = 4 << 20
        /// Where proxies come from, and the rules that keep keys away from them.
        public var proxies = ProxyConfiguration()

        public init() {}
    }

    public let configuration: Configuration
    private let loop: CurlEventLoop

    /// The version of the libcurl in use (`7.88.1`), or `nil` when it cannot be loaded.
    public static var libraryVersion: String? { CurlLibrary.version }

    /// Why libcurl cannot be loaded, or `nil` when it can.
    public static var unavailableReason: String? { CurlLibrary.loadFailure }

    /// A transport on the system's libcurl.
    ///
    /// - Throws: ``HTTPTransportError`` (kind `other`, nothing sent) when libcurl cannot be loaded or is
    ///   older than 7.68.0; its message says why.
    public init(configuration: Configuration = Configuration()) throws(HTTPTransportError) {
        if let reason = CurlLibrary.loadFailure {
            throw HTTPTransportError(
                .other, requestMayHaveBeenSent: false, message: "libcurl is unavailable: \(reason)")
        }
        guard let loop = CurlEventLoop(maximumConnectionsPerHost: configuration.maximumConnectionsPerHost) else {
            throw HTTPTransportError(.other, requestMayHaveBeenSent: false, message: "curl_multi_init failed")
        }
        self.configuration = configuration
        self.loop = loop
    }

    deinit { loop.shutdown() }

    public func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        guard RedirectRules.isHTTP(request.url), request.url.host != nil else {
            throw HTTPTransportError(
                .connectionFailed, requestMayHaveBeenSent: false,
                message: "unsupported URL \(request.url.absoluteString.prefix(200)): only http(s) is sent")
        }
        if Task.isCancelled {
            throw HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled")
        }
        var file: ResponseFileWriter?
        let transfer: CurlTransfer
        let settings = CurlTransfer.Settings(
            idleTimeout: configuration.idleTimeout, resourceTimeout: configuration.resourceTimeout,
            maximumRedirects: configuration.maximumRedirects, proxies: configuration.proxies)
        if case .temporaryFile(let directory) = bodyDestination {
            let url = directory.appendingPathComponent("videoproviderkit-download-\(UUID().uuidString)")
            let resume = ResumeLink()
            file = try ResponseFileWriter(url: url, highWater: configuration.downloadBufferLimit) { resume.fire() }
            transfer = CurlTransfer(request: request, destination: bodyDestination, settings: settings, file: file)
            resume.connect(loop, transfer)
        } else {
            transfer = CurlTransfer(request: request, destination: bodyDestination, settings: settings, file: nil)
        }
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.installContinuation(continuation)
                loop.send(.start(transfer))
            }
        } onCancel: {
            transfer.requestCancel()
            loop.send(.cancel(transfer))
        }
    }
}

/// Lets a file writer, created before its transfer, ask the loop to resume that transfer.
private final class ResumeLink: @unchecked Sendable {
    private let lock = NSLock()
    private weak var loop: CurlEventLoop?
    private weak var transfer: CurlTransfer?

    func connect(_ loop: CurlEventLoop, _ transfer: CurlTransfer) {
        lock.withLock {
            self.loop = loop
            self.transfer = transfer
        }
    }

    func fire() {
        let (loop, transfer) = lock.withLock { (self.loop, self.transfer) }
        if let loop, let transfer { loop.send(.resume(transfer)) }
    }
}
