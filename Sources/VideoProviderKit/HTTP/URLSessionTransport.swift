public import Foundation

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An ``HTTPTransport`` on `URLSession`: the default on Apple platforms, and available on Linux (where
/// ``CurlTransport`` is the default).
///
/// - It takes the app's `URLSessionConfiguration` (``Configuration/sessionConfiguration``): its proxies,
///   timeouts, connection limits and HTTP/2 or HTTP/3 settings apply, except that cookies, the cache and
///   credential storage stay off. On Apple platforms a background configuration (one with an
///   `identifier`) carries downloads in download tasks the system continues while the app is suspended;
///   see ``handleEventsForBackgroundURLSession(identifier:completionHandler:)``.
/// - Request bodies larger than ``Configuration/inMemoryBodyLimit`` (or that read image files) are
///   written to a temporary file first and uploaded from it with a `Content-Length`, so memory stays near
///   the image bytes whatever the body size; the file is deleted afterwards. (An `httpBodyStream` would
///   make Linux's `URLSession` send `Transfer-Encoding: chunked` next to any `Content-Length`, a
///   malformed request many gateways refuse.)
/// - Task-creating requests (``HTTPRequest/createsTask``) get a connection of their own. On a reused
///   keep-alive connection that the server closes without answering, libcurl silently sends the request
///   again; for a submission that could create (and bill) a second task.
/// - Response bodies go to memory or stream into a new file in the directory the caller names (next to
///   the final destination, so the caller's move is an atomic rename), through the session delegate,
///   which enforces every limit of ``ResponseBodyDestination`` as the pieces arrive (after decoding) and
///   cancels the transfer past it; a declared `Content-Length` over the limit is refused before the body.
///   The file is deleted when the transfer fails. (`download(for:)` would leave a partial file in
///   `NSTemporaryDirectory()` after every failed transfer on Linux.) Linux's `URLSession` cannot pause a
///   transfer and queues every piece for the delegate without bound, so memory there depends on how fast
///   the delegate's thread keeps up (``CurlTransport`` does not have this problem).
/// - Redirects: never followed for a task-creating request (the redirect is the response); on Linux, a 307
///   or 308 for a request with a body is not followed either (FoundationNetworking would drop the body);
///   only to
///   http(s) (judged from the `Location` header itself: Linux's `URLSession` turns `file:///etc/passwd`
///   into a path on the redirecting host); at most ``Configuration/maximumRedirects`` hops; a hop to
///   another origin keeps only `Accept`, `Accept-Language` and `User-Agent`. This is done by a
///   session-level delegate because Linux's `URLSession` ignores per-task delegates for redirects.
/// - Proxies: see ``ProxyConfiguration``. On Apple platforms a request that must not be proxied goes
///   through a session with proxies turned off. Linux's `URLSession` takes proxies from the environment
///   (through libcurl) and cannot turn them off for one request, so there such a request is refused,
///   before anything is sent, when ``Configuration/proxies`` says an environment proxy would apply.
public final class URLSessionTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// Longest silence allowed while waiting for data. Rounded up to whole seconds (at least one):
        /// Linux's `URLSession` truncates it to whole seconds, and a sub-second value would time out at once.
        /// Ignored when ``sessionConfiguration`` is set (its `timeoutIntervalForRequest` applies).
        public var idleTimeout: Duration = .seconds(60)
        /// Longest a whole request may take (downloads included). Ignored when ``sessionConfiguration`` is
        /// set (its `timeoutIntervalForResource` applies).
        public var resourceTimeout: Duration = .seconds(3600)
        /// Bodies up to this size with no file segments are sent from memory.
        public var inMemoryBodyLimit: Int = 1 << 20
        public var maximumRedirects: Int = 10
        /// Where large request bodies are staged.
        public var temporaryDirectory: URL = FileManager.default.temporaryDirectory
        /// On Linux, the environment `URLSession`'s libcurl reads proxies from: the process environment
        /// (leave it so; it decides which requests are refused rather than sent through a proxy). Apple
        /// platforms take proxies from the system or ``sessionConfiguration``.
        public var proxies = ProxyConfiguration()

        /// The app's session configuration (a copy is kept, and copies are handed out). `nil`: an
        /// ephemeral configuration with ``idleTimeout`` and ``resourceTimeout``.
        public var sessionConfiguration: URLSessionConfiguration? {
            get { sessionConfigurationBox?.copy }
            set { sessionConfigurationBox = newValue.map(SessionConfigurationBox.init) }
        }
        private var sessionConfigurationBox: SessionConfigurationBox?

        public init() {}

        /// Settings from the app's session configuration; see ``sessionConfiguration``.
        public init(sessionConfiguration: URLSessionConfiguration) {
            self.sessionConfiguration = sessionConfiguration
        }
    }

    private let configuration: Configuration
    private let session: URLSession
    private let delegate: SessionDelegate
    /// Apple platforms: proxies off, for requests that must not go through one (see ``ProxyConfiguration``).
    private let directSession: URLSession?
    /// Apple platforms, with a background ``Configuration/sessionConfiguration``: the session downloads go
    /// through.
    private let backgroundSession: URLSession?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let delegate = SessionDelegate(maximumRedirects: configuration.maximumRedirects, proxies: configuration.proxies)
        self.delegate = delegate
        session = Self.makeSession(configuration, delegate: delegate, direct: false)
        #if canImport(FoundationNetworking)
            directSession = nil
            backgroundSession = nil
        #else
            directSession = Self.makeSession(configuration, delegate: delegate, direct: true)
            if let app = configuration.sessionConfiguration, app.identifier != nil {
                Self.applySafetyOverrides(to: app)
                backgroundSession = URLSession(configuration: app, delegate: delegate, delegateQueue: nil)
            } else {
                backgroundSession = nil
            }
        #endif
    }

    /// A transport on the app's session configuration (see ``Configuration/sessionConfiguration``).
    public convenience init(sessionConfiguration: URLSessionConfiguration) {
        self.init(configuration: Configuration(sessionConfiguration: sessionConfiguration))
    }

    deinit {
        session.finishTasksAndInvalidate()
        directSession?.finishTasksAndInvalidate()
        backgroundSession?.finishTasksAndInvalidate()
    }

    /// A session with its own connection pool, on the app's configuration (foreground settings only) or
    /// an ephemeral one, with the safety overrides.
    private static func makeSession(_ configuration: Configuration, delegate: SessionDelegate, direct: Bool)
        -> URLSession
    {
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        if let app = configuration.sessionConfiguration {
            sessionConfiguration.timeoutIntervalForRequest = app.timeoutIntervalForRequest
            sessionConfiguration.timeoutIntervalForResource = app.timeoutIntervalForResource
            sessionConfiguration.httpMaximumConnectionsPerHost = app.httpMaximumConnectionsPerHost
            sessionConfiguration.httpAdditionalHeaders = app.httpAdditionalHeaders
            sessionConfiguration.allowsCellularAccess = app.allowsCellularAccess
            sessionConfiguration.connectionProxyDictionary = app.connectionProxyDictionary
            #if !canImport(FoundationNetworking)
                sessionConfiguration.waitsForConnectivity = app.waitsForConnectivity
                sessionConfiguration.allowsExpensiveNetworkAccess = app.allowsExpensiveNetworkAccess
                sessionConfiguration.allowsConstrainedNetworkAccess = app.allowsConstrainedNetworkAccess
                sessionConfiguration.tlsMinimumSupportedProtocolVersion = app.tlsMinimumSupportedProtocolVersion
                if #available(macOS 14, iOS 17, tvOS 17, watchOS 10, *) {
                    sessionConfiguration.assumesHTTP3Capable = app.assumesHTTP3Capable
                }
            #endif
        } else {
            sessionConfiguration.timeoutIntervalForRequest = max(1, configuration.idleTimeout.seconds.rounded(.up))
            sessionConfiguration.timeoutIntervalForResource = max(1, configuration.resourceTimeout.seconds.rounded(.up))
        }
        applySafetyOverrides(to: sessionConfiguration)
        if direct {
            // CFNetwork's proxy dictionary keys (kCFNetworkProxiesHTTPEnable, …), spelled out: not every
            // constant exists on every Apple platform.
            sessionConfiguration.connectionProxyDictionary = [
                "HTTPEnable": 0, "HTTPSEnable": 0, "SOCKSEnable": 0, "ProxyAutoConfigEnable": 0,
                "ProxyAutoDiscoveryEnable": 0,
            ]
        }
        return URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: nil)
    }

    /// No cookies, no cache, no credential storage, whatever the app's configuration says.
    private static func applySafetyOverrides(to configuration: URLSessionConfiguration) {
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.urlCredentialStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    }

    /// Apple platforms: hand the system's background-events completion handler here from the app
    /// delegate's `application(_:handleEventsForBackgroundURLSession:completionHandler:)` (after making the
    /// transport again with the same background configuration); it is called once the session has
    /// delivered every event.
    public static func handleEventsForBackgroundURLSession(
        identifier: String, completionHandler: @escaping @Sendable () -> Void
    ) {
        BackgroundEvents.shared.store(completionHandler, for: identifier)
    }

    public func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method.rawValue
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }

        #if canImport(FoundationNetworking)
            if case .directInsteadOf(_, let reason) = configuration.proxies.route(for: request) {
                throw HTTPTransportError(
                    .connectionFailed, requestMayHaveBeenSent: false,
                    message: Self.proxyRefusal(request.url, reason: reason))
            }
            let direct = false
        #else
            let direct: Bool
            if case .directInsteadOf = configuration.proxies.route(for: request) {
                direct = true
            } else {
                direct = false
            }
        #endif

        var stagedBody: URL?
        defer { if let stagedBody { try? FileManager.default.removeItem(at: stagedBody) } }
        if !request.body.isEmpty {
            if !request.body.readsFiles && request.body.length <= Int64(configuration.inMemoryBodyLimit) {
                urlRequest.httpBody = try localIO { try request.body.collect() }
            } else {
                stagedBody = try localIO {
                    try request.body.writeToTemporaryFile(in: configuration.temporaryDirectory)
                }
            }
        }
        // Cancelled before anything left: say so, rather than start a request the cancellation may miss.
        guard !Task.isCancelled else {
            throw HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled before sending")
        }
        // A submission never shares a connection (see the type's documentation).
        let session: URLSession
        if request.createsTask {
            session = Self.makeSession(configuration, delegate: delegate, direct: direct)
        } else {
            #if canImport(FoundationNetworking)
                session = self.session
            #else
                session = (direct ? directSession : nil) ?? self.session
            #endif
        }
        defer { if request.createsTask { session.finishTasksAndInvalidate() } }

        do {
            let file: URL?
            if case .temporaryFile(let directory) = bodyDestination {
                file = directory.appendingPathComponent("videoproviderkit-download-\(UUID().uuidString)")
            } else {
                file = nil
            }
            let sink = try localIO {
                try ResponseSink(request: request, destination: bodyDestination, file: file)
            }
            let task: URLSessionTask
            if let background = backgroundSession, file != nil, request.body.isEmpty, !request.createsTask, !direct {
                // The system carries the download on while the app is suspended; the file is moved into
                // place when it is complete.
                task = background.downloadTask(with: urlRequest)
            } else if let stagedBody {
                if file != nil {
                    // Streamed, chunked: a Content-Length here would be sent next to
                    // `Transfer-Encoding: chunked`.
                    guard let stream = InputStream(url: stagedBody) else {
                        throw HTTPTransportError(
                            .localIO, requestMayHaveBeenSent: false, message: "cannot stream the request body")
                    }
                    urlRequest.httpBodyStream = stream
                    urlRequest.setValue(nil, forHTTPHeaderField: "Content-Length")
                    task = session.dataTask(with: urlRequest)
                } else {
                    // The file's size becomes the Content-Length; the body streams from disk.
                    task = session.uploadTask(with: urlRequest, fromFile: stagedBody)
                }
            } else {
                task = session.dataTask(with: urlRequest)
            }
            return try await run(task, sink: sink)
        } catch let error as HTTPTransportError {
            throw error
        } catch let error as URLError {
            throw Self.map(error)
        } catch is CancellationError {
            throw HTTPTransportError(.cancelled, requestMayHaveBeenSent: true, message: "cancelled")
        } catch {
            throw HTTPTransportError(.other, requestMayHaveBeenSent: true, message: String(describing: error))
        }
    }

    /// Runs `task`, whose events the session delegate feeds to `sink`. The sink's file (if any) is
    /// deleted if anything fails, cancellation included.
    private func run(_ task: URLSessionTask, sink: ResponseSink) async throws -> HTTPResponse {
        do {
            try Task.checkCancellation()
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                    sink.start(continuation)
                    delegate.register(sink, for: task)
                    task.resume()
                }
            } onCancel: {
                task.cancel()
            }
        } catch {
            sink.discard()
            throw error
        }
    }

    static func proxyRefusal(_ url: URL, reason: ProxyRoute.Reason) -> String {
        let why =
            switch reason {
            case .loopback: "\(url.host ?? "the host") is a loopback host"
            case .credentialsInClear: "the request carries a key over plain http"
            }
        return
            "refusing to send to \(url.host ?? "the host") through the environment's proxy: \(why), and Linux's URLSession cannot bypass the proxy for one request (use CurlTransport, or list the host in no_proxy)"
    }

    private func localIO<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            let path = ((error as NSError).userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
            throw HTTPTransportError(
                .localIO, requestMayHaveBeenSent: false, message: path + SystemErrorText.describe(error))
        }
    }

    /// Which URL errors prove the request never left: failures to connect at all, and TLS handshakes
    /// that failed (the request is written only after the handshake).
    package static func map(_ error: URLError) -> HTTPTransportError {
        let message = "\(error.code.rawValue): \(error.localizedDescription)"
        if error.code == .unknown, isTLSHandshakeFailure(error.localizedDescription) {
            return HTTPTransportError(.connectionFailed, requestMayHaveBeenSent: false, message: message)
        }
        switch error.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet,
            .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
            .clientCertificateRequired, .cannotLoadFromNetwork, .internationalRoamingOff, .dataNotAllowed,
            .callIsActive, .unsupportedURL, .badURL:
            return HTTPTransportError(.connectionFailed, requestMayHaveBeenSent: false, message: message)
        case .timedOut:
            return HTTPTransportError(.timedOut, requestMayHaveBeenSent: true, message: message)
        case .networkConnectionLost, .badServerResponse, .zeroByteResource, .cannotParseResponse,
            .cannotDecodeRawData, .cannotDecodeContentData:
            return HTTPTransportError(.connectionLost, requestMayHaveBeenSent: true, message: message)
        case .cancelled:
            return HTTPTransportError(.cancelled, requestMayHaveBeenSent: true, message: message)
        case .httpTooManyRedirects, .redirectToNonExistentLocation:
            return HTTPTransportError(.redirectRefused, requestMayHaveBeenSent: true, message: message)
        case .dataLengthExceedsMaximum:
            return HTTPTransportError(.responseTooLarge, requestMayHaveBeenSent: true, message: message)
        case .cannotCreateFile, .cannotOpenFile, .cannotWriteToFile, .cannotMoveFile, .cannotRemoveFile,
            .cannotCloseFile:
            return HTTPTransportError(.localWrite, requestMayHaveBeenSent: true, message: message)
        case .fileDoesNotExist, .noPermissionsToReadFile:
            return HTTPTransportError(.localIO, requestMayHaveBeenSent: true, message: message)
        default:
            return HTTPTransportError(.other, requestMayHaveBeenSent: true, message: message)
        }
    }
}

extension URLSessionTransport {
    /// Whether a libcurl error text (Linux's `URLSession` reports every TLS failure as `URLError.unknown`
    /// with libcurl's message) says the TLS handshake failed, before any byte of the request was written.
    ///
    /// libcurl's OpenSSL backend words handshake failures as `OpenSSL/3.0.19: error:…:SSL routines::…`,
    /// `OpenSSL SSL_connect: …`, `SSL certificate problem: …`, `SSL: no alternative certificate subject
    /// name …`, `SSL: certificate subject name … does not match …`; GnuTLS's as `gnutls_handshake() failed`.
    /// Failures once the connection is up read `OpenSSL SSL_read: …` or `SSL_write`, and stay "may have
    /// been sent"; so does anything else, such as a reset (`Recv failure: Connection reset by peer`)
    /// that libcurl does not attribute to the handshake.
    package static func isTLSHandshakeFailure(_ text: String) -> Bool {
        let lowered = text.lowercased()
        if lowered.contains("ssl_read") || lowered.contains("ssl_write") { return false }
        return lowered.hasPrefix("openssl/") || lowered.contains("ssl_connect")
            || lowered.contains("ssl certificate problem") || lowered.contains("ssl: no alternative certificate")
            || lowered.contains("ssl: certificate subject name") || lowered.contains("gnutls_handshake")
            || lowered.contains("ssl peer certificate") || lowered.contains("unable to communicate securely")
    }
}

/// A copy of the app's `URLSessionConfiguration`, never mutated after it is made (it crosses threads
/// inside a `Sendable` configuration; Apple's SDKs do not all declare the class `Sendable`).
private final class SessionConfigurationBox: @unchecked Sendable {
    private let configuration: URLSessionConfiguration

    init(_ configuration: URLSessionConfiguration) {
        self.configuration = configuration.copy() as! URLSessionConfiguration
    }

    var copy: URLSessionConfiguration { configuration.copy() as! URLSessionConfiguration }
}

/// Background-session completion handlers the app handed over, by session identifier.
final class BackgroundEvents: @unchecked Sendable {
    static let shared = BackgroundEvents()
    private let lock = NSLock()
    private var handlers: [String: @Sendable () -> Void] = [:]  // guarded by `lock`

    func store(_ handler: @escaping @Sendable () -> Void, for identifier: String) {
        lock.withLock { handlers[identifier] = handler }
    }

    func take(_ identifier: String) -> (@Sendable () -> Void)? {
        lock.withLock { handlers.removeValue(forKey: identifier) }
    }
}
