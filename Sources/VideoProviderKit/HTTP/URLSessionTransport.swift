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

/// Where one response goes: memory or a file, within its limits, fed by the session delegate.
final class ResponseSink: @unchecked Sendable {
    let request: HTTPRequest
    private let destination: ResponseBodyDestination
    private let fileURL: URL?

    private let lock = NSLock()
    // Guarded by `lock`:
    private var handle: FileHandle?
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var memory = Data()
    private var received: Int64 = 0
    private var limit: Int64?
    private var failure: HTTPTransportError?
    private var response: HTTPURLResponse?
    private var finished = false

    init(request: HTTPRequest, destination: ResponseBodyDestination, file: URL?) throws {
        self.request = request
        self.destination = destination
        self.fileURL = file
        if let file {
            // `open` rather than `FileManager.createFile`, which says only that it failed, not why.
            let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw HTTPTransportError(
                    .localWrite, requestMayHaveBeenSent: false,
                    message: "cannot create \(file.path): \(SystemErrorText.describe(errno: errno))")
            }
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }
    }

    func start(_ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// The headers arrived. `false`: the declared length is over the limit (the caller cancels).
    func begin(_ response: HTTPURLResponse) -> Bool {
        lock.withLock {
            self.response = response
            memory = Data()
            received = 0
            limit = destination.limit(status: response.statusCode, request: request)
            let declared = response.value(forHTTPHeaderField: "Content-Length").flatMap {
                Int64($0.trimmingWhitespace())
            }
            if let limit, let declared, declared > limit {
                failure = tooLarge(
                    status: response.statusCode,
                    "the server declared a \(declared)-byte body; the limit is \(limit) bytes")
                return false
            }
            if handle == nil, let declared, declared > 0 {
                memory.reserveCapacity(Int(min(declared, limit ?? declared)))
            }
            return true
        }
    }

    /// Returns `false` when the piece is over the limit or cannot be written (the caller cancels).
    func append(_ data: Data) -> Bool {
        lock.withLock {
            guard failure == nil, !finished else { return false }
            if let limit, received + Int64(data.count) > limit {
                failure = tooLarge(status: response?.statusCode ?? 0, "the body exceeds the \(limit)-byte limit")
                return false
            }
            received += Int64(data.count)
            guard let handle else {
                memory.append(data)
                return true
            }
            do {
                try handle.write(contentsOf: data)
                return true
            } catch {
                failure = HTTPTransportError(
                    .localWrite, requestMayHaveBeenSent: true,
                    message: "cannot write \(fileURL?.path ?? "the download"): \(SystemErrorText.describe(error))")
                return false
            }
        }
    }

    /// A download task's finished file (background sessions): checked against the limit and moved to
    /// where a data task would have written it.
    func adopt(downloadedFile location: URL, response: URLResponse?) {
        lock.withLock {
            guard failure == nil, let fileURL else { return }
            if let http = response as? HTTPURLResponse { self.response = http }
            let size =
                (try? FileManager.default.attributesOfItem(atPath: location.path)[.size] as? NSNumber)?
                .int64Value ?? 0
            if let limit = destination.limit(status: self.response?.statusCode ?? 200, request: request), size > limit {
                failure = tooLarge(status: self.response?.statusCode ?? 0, "the body exceeds the \(limit)-byte limit")
                return
            }
            try? handle?.close()
            handle = nil
            do {
                _ = try FileManager.default.replaceItemAt(fileURL, withItemAt: location)
            } catch {
                failure = HTTPTransportError(
                    .localWrite, requestMayHaveBeenSent: true,
                    message: "cannot move the download to \(fileURL.path): \(SystemErrorText.describe(error))")
            }
        }
    }

    /// A download task's progress (background sessions): `false` once it is over the limit.
    func progress(totalBytesWritten: Int64, expected: Int64, response: URLResponse?) -> Bool {
        lock.withLock {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 200
            guard let limit = destination.limit(status: status, request: request) else { return true }
            if totalBytesWritten > limit || expected > limit {
                failure = tooLarge(status: status, "the body exceeds the \(limit)-byte limit")
                return false
            }
            return true
        }
    }

    private func tooLarge(status: Int, _ detail: String) -> HTTPTransportError {
        HTTPTransportError(
            .responseTooLarge, requestMayHaveBeenSent: true,
            message: "the response from \(request.url.host ?? "the server") (HTTP \(status)) is too large: \(detail)")
    }

    /// Closes the file and resumes the waiting send exactly once.
    func finish(_ error: (any Error)?, response: URLResponse?) {
        let (continuation, outcome) = lock.withLock {
            () -> (CheckedContinuation<HTTPResponse, any Error>?, Result<HTTPResponse, any Error>) in
            let pending = self.continuation
            self.continuation = nil
            finished = true
            try? handle?.close()
            handle = nil
            if let failure { return (pending, .failure(failure)) }
            if let error { return (pending, .failure(Self.urlError(error))) }
            guard let http = (response as? HTTPURLResponse) ?? self.response else {
                return (
                    pending,
                    .failure(HTTPTransportError(.other, requestMayHaveBeenSent: true, message: "not an HTTP response"))
                )
            }
            var headers = HTTPHeaders()
            for (name, value) in http.allHeaderFields {
                headers.add(String(describing: name), String(describing: value))
            }
            return (
                pending,
                .success(
                    HTTPResponse(
                        status: http.statusCode, headers: headers, body: fileURL == nil ? memory : Data(),
                        bodyFile: fileURL, url: http.url))
            )
        }
        if case .failure = outcome, let fileURL { try? FileManager.default.removeItem(at: fileURL) }
        continuation?.resume(with: outcome)
    }

    /// The send failed before or outside the delegate's completion: no file is left behind.
    func discard() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
        if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
    }

    /// Linux's `URLSession` reports failures as `NSError`s in `NSURLErrorDomain`; `send` maps `URLError`s.
    private static func urlError(_ error: any Error) -> any Error {
        if error is URLError { return error }
        let nsError = error as NSError
        guard nsError.domain == NSURLErrorDomain, let code = URLError.Code(rawValue: nsError.code) else { return error }
        return URLError(code, userInfo: nsError.userInfo)
    }
}

/// The session-level delegate: it governs redirects and feeds every response to its sink (see
/// ``URLSessionTransport``). Linux's `URLSession` ignores per-task delegates for both.
final class SessionDelegate: NSObject, URLSessionDataDelegate, URLSessionDownloadDelegate, @unchecked Sendable {
    private let maximumRedirects: Int
    private let proxies: ProxyConfiguration
    private let lock = NSLock()
    private var redirectCounts: [Int: Int] = [:]  // guarded by `lock`
    private var sinks: [Int: ResponseSink] = [:]  // guarded by `lock`

    init(maximumRedirects: Int, proxies: ProxyConfiguration) {
        self.maximumRedirects = maximumRedirects
        self.proxies = proxies
    }

    /// Task identifiers are per session; a submission's own session reuses small numbers, so its sink is
    /// keyed by the task object's identity as well.
    private func key(_ task: URLSessionTask) -> Int { ObjectIdentifier(task).hashValue }

    func register(_ sink: ResponseSink, for task: URLSessionTask) {
        lock.withLock { sinks[key(task)] = sink }
    }

    private func sink(for task: URLSessionTask) -> ResponseSink? { lock.withLock { sinks[key(task)] } }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let sink = sink(for: dataTask), let http = response as? HTTPURLResponse else {
            completionHandler(.allow)
            return
        }
        if sink.begin(http) {
            completionHandler(.allow)
        } else {
            // Linux's URLSession ignores the disposition: cancel the task itself.
            dataTask.cancel()
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let sink = sink(for: dataTask) else { return }
        if !sink.append(data) { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL
    ) {
        sink(for: downloadTask)?.adopt(downloadedFile: location, response: downloadTask.response)
    }

    func urlSession(
        _ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
        totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64
    ) {
        guard let sink = sink(for: downloadTask) else { return }
        if !sink.progress(
            totalBytesWritten: totalBytesWritten, expected: totalBytesExpectedToWrite, response: downloadTask.response)
        {
            downloadTask.cancel()
        }
    }

    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(
            decide(
                task: task, status: response.statusCode, proposed: request,
                location: RedirectRules.location(
                    response.value(forHTTPHeaderField: "Location"), relativeTo: response.url)))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let sink = lock.withLock { () -> ResponseSink? in
            redirectCounts.removeValue(forKey: key(task))
            return sinks.removeValue(forKey: key(task))
        }
        sink?.finish(error, response: task.response)
    }

    #if !canImport(FoundationNetworking)
        func urlSessionDidFinishEvents(forBackgroundURLSession session: URLSession) {
            guard let identifier = session.configuration.identifier,
                let handler = BackgroundEvents.shared.take(identifier)
            else { return }
            DispatchQueue.main.async { handler() }
        }
    #endif

    /// `nil` stops following and hands the redirect response itself to the caller (``RedirectRules``).
    /// `location` is the `Location` header resolved against the redirecting URL: Linux's `URLSession`
    /// rewrites a host-less absolute `Location` (`file:///etc/passwd`) into a path on the redirecting
    /// host, so the proposed request alone cannot show where the server pointed.
    func decide(task: URLSessionTask, status: Int, proposed: URLRequest, location: URL?) -> URLRequest? {
        let count = lock.withLock { () -> Int in
            redirectCounts[key(task), default: 0] += 1
            return redirectCounts[key(task)]!
        }
        guard let sink = sink(for: task), let target = proposed.url, RedirectRules.isHTTP(target) else { return nil }
        let original = sink.request
        var current = original
        current.url = task.currentRequest?.url ?? original.url
        guard
            let next = RedirectRules.nextRequest(
                after: status, location: location, from: current, original: original, hops: count - 1,
                maximum: maximumRedirects)
        else { return nil }
        #if canImport(FoundationNetworking)
            // The environment's proxy would carry this hop, and it must not (see ProxyConfiguration).
            if case .directInsteadOf = proxies.route(for: next) { return nil }
        #endif
        var request = proposed
        #if canImport(FoundationNetworking)
            // 307 and 308 repeat the body, which Linux's URLSession drops on every redirect: hand the redirect
            // to the caller rather than send the method without its body.
            if next.method == original.method && !original.body.isEmpty { return nil }
        #endif
        if !RedirectRules.sameOrigin(original.url, target) {
            for (name, _) in request.allHTTPHeaderFields ?? [:]
            where !RedirectRules.crossOriginHeaders.contains(name.lowercased()) {
                request.setValue(nil, forHTTPHeaderField: name)
            }
        }
        return request
    }

    static func sameOrigin(_ lhs: URL, _ rhs: URL) -> Bool { RedirectRules.sameOrigin(lhs, rhs) }
}
