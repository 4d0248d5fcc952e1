public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The default ``HTTPTransport``, on `URLSession`.
///
/// - Request bodies larger than ``Configuration/inMemoryBodyLimit`` (or that read image files) are
///   written to a temporary file first and uploaded from it with a `Content-Length`, so memory stays near
///   the image bytes whatever the body size; the file is deleted afterwards. (An `httpBodyStream` would
///   make Linux's `URLSession` send `Transfer-Encoding: chunked` next to any `Content-Length`, a
///   malformed request many gateways refuse.)
/// - Task-creating requests (``HTTPRequest/createsTask``) get a connection of their own. On a reused
///   keep-alive connection that the server closes without answering, libcurl silently sends the request
///   again; for a submission that could create (and bill) a second task.
/// - Response bodies go to memory (bounded) or stream into a new file in the directory the caller names
///   (next to the final destination, so the caller's move is an atomic rename). The session delegate
///   writes each piece as it arrives and deletes the file when the transfer fails. (`download(for:)`
///   would leave a partial file in `NSTemporaryDirectory()` after every failed transfer on Linux, and
///   copy the finished one across volumes.) Linux's `URLSession` cannot pause a transfer, so a disk far
///   slower than the network would queue pieces in memory; on loopback a 200 MiB body grew RSS by about
///   10 MiB.
/// - Redirects: credentials (`Authorization` and the other ``HTTPHeaders/sensitiveNames``) are removed
///   whenever a redirect leaves the original scheme, host and port; redirects to anything but http(s)
///   are refused (judged from the `Location` header itself: Linux's `URLSession` turns
///   `file:///etc/passwd` into a path on the redirecting host), and chains are cut after
///   ``Configuration/maximumRedirects``; a refused redirect is returned as the response. This is done by a
///   session-level delegate because Linux's `URLSession` ignores per-task delegates for redirects and
///   would otherwise forward the `Authorization` header to the new host.
/// - Sessions are ephemeral: no cookies, no cache, no credential storage.
public final class URLSessionTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// Longest silence allowed while waiting for data. Rounded up to whole seconds (at least one):
        /// Linux's `URLSession` truncates it to whole seconds, and a sub-second value would time out at once.
        public var idleTimeout: Duration = .seconds(60)
        /// Longest a whole request may take (downloads included).
        public var resourceTimeout: Duration = .seconds(3600)
        /// Bodies up to this size with no file segments are sent from memory.
        public var inMemoryBodyLimit: Int = 1 << 20
        public var maximumRedirects: Int = 10
        /// Where large request bodies are staged.
        public var temporaryDirectory: URL = FileManager.default.temporaryDirectory

        public init() {}
    }

    private let session: URLSession
    private let delegate: SessionDelegate
    private let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        (session, delegate) = Self.makeSession(configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// An ephemeral session with its own connection pool and delegate (task identifiers, which the
    /// delegate keys on, are per session).
    private static func makeSession(_ configuration: Configuration) -> (URLSession, SessionDelegate) {
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = max(1, configuration.idleTimeout.seconds.rounded(.up))
        sessionConfiguration.timeoutIntervalForResource = max(1, configuration.resourceTimeout.seconds.rounded(.up))
        sessionConfiguration.httpCookieAcceptPolicy = .never
        sessionConfiguration.httpShouldSetCookies = false
        sessionConfiguration.urlCache = nil
        sessionConfiguration.urlCredentialStorage = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegate = SessionDelegate(maximumRedirects: configuration.maximumRedirects)
        return (URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: nil), delegate)
    }

    public func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method.rawValue
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }

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
        let (session, delegate) = request.createsTask ? Self.makeSession(configuration) : (session, delegate)
        defer { if request.createsTask { session.finishTasksAndInvalidate() } }

        do {
            switch bodyDestination {
            case .memory(let limit):
                let (data, response) =
                    if let stagedBody {
                        // The file's size becomes the Content-Length; the body streams from disk.
                        try await session.upload(for: urlRequest, fromFile: stagedBody)
                    } else {
                        try await session.data(for: urlRequest)
                    }
                let http = try httpResponse(response)
                guard data.count <= limit else {
                    throw HTTPTransportError(
                        .responseTooLarge, requestMayHaveBeenSent: true,
                        message: "response body of \(data.count) bytes exceeds the \(limit)-byte limit")
                }
                return HTTPResponse(status: http.statusCode, headers: headers(of: http), body: data, url: http.url)
            case .temporaryFile(let directory):
                if let stagedBody {
                    // Downloads cannot upload a file: stream it, chunked (a Content-Length here would be
                    // sent alongside `Transfer-Encoding: chunked`).
                    guard let stream = InputStream(url: stagedBody) else {
                        throw HTTPTransportError(
                            .localIO, requestMayHaveBeenSent: false, message: "cannot stream the request body")
                    }
                    urlRequest.httpBodyStream = stream
                    urlRequest.setValue(nil, forHTTPHeaderField: "Content-Length")
                }
                let (file, http) = try await download(
                    urlRequest, into: directory, session: session, delegate: delegate)
                return HTTPResponse(status: http.statusCode, headers: headers(of: http), bodyFile: file, url: http.url)
            }
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

    /// Runs a data task whose body the session delegate writes into a new file in `directory`. The file
    /// is deleted if anything fails, cancellation included.
    private func download(
        _ urlRequest: URLRequest, into directory: URL, session: URLSession, delegate: SessionDelegate
    ) async throws -> (URL, HTTPURLResponse) {
        let file = directory.appendingPathComponent("videoproviderkit-download-\(UUID().uuidString)")
        // `open` rather than `FileManager.createFile`, which says only that it failed, not why.
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HTTPTransportError(
                .localWrite, requestMayHaveBeenSent: false,
                message: "cannot create \(file.path): \(SystemErrorText.describe(errno: errno))")
        }
        let sink = DownloadSink(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), path: file.path)
        do {
            try Task.checkCancellation()
            let task = session.dataTask(with: urlRequest)
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    sink.start(continuation)
                    delegate.register(sink, for: task)
                    task.resume()
                }
            } onCancel: {
                task.cancel()
            }
            return (file, try httpResponse(task.response))
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    private func localIO<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch {
            let path = ((error as NSError).userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
            throw HTTPTransportError(
                .localIO, requestMayHaveBeenSent: false, message: path + SystemErrorText.describe(error))
        }
    }

    private func httpResponse(_ response: URLResponse?) throws -> HTTPURLResponse {
        guard let http = response as? HTTPURLResponse else {
            throw HTTPTransportError(.other, requestMayHaveBeenSent: true, message: "not an HTTP response")
        }
        return http
    }

    private func headers(of response: HTTPURLResponse) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in response.allHeaderFields {
            headers.add(String(describing: name), String(describing: value))
        }
        return headers
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

/// Where one download's body goes: a file, written piece by piece as the delegate receives it.
final class DownloadSink: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`:
    private let handle: FileHandle
    private let path: String
    private var continuation: CheckedContinuation<Void, any Error>?
    private var writeError: (any Error)?

    init(handle: FileHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    func start(_ continuation: CheckedContinuation<Void, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Returns `false` when the file cannot be written (the caller then cancels the transfer).
    func write(_ data: Data) -> Bool {
        lock.withLock {
            guard writeError == nil else { return false }
            do {
                try handle.write(contentsOf: data)
                return true
            } catch {
                writeError = error
                return false
            }
        }
    }

    /// Closes the file and resumes the waiting send exactly once.
    func finish(_ error: (any Error)?) {
        let (continuation, outcome) = lock.withLock { () -> (CheckedContinuation<Void, any Error>?, (any Error)?) in
            let pending = self.continuation
            self.continuation = nil
            try? handle.close()
            if let writeError {
                return (
                    pending,
                    HTTPTransportError(
                        .localWrite, requestMayHaveBeenSent: true,
                        message: "cannot write \(path): \(SystemErrorText.describe(writeError))")
                )
            }
            return (pending, error.map(Self.urlError))
        }
        if let outcome { continuation?.resume(throwing: outcome) } else { continuation?.resume() }
    }

    /// Linux's `URLSession` reports failures as `NSError`s in `NSURLErrorDomain`; `send` maps `URLError`s.
    private static func urlError(_ error: any Error) -> any Error {
        if error is URLError { return error }
        let nsError = error as NSError
        guard nsError.domain == NSURLErrorDomain, let code = URLError.Code(rawValue: nsError.code) else { return error }
        return URLError(code, userInfo: nsError.userInfo)
    }
}

/// The session-level delegate: it governs redirects and feeds downloads to their files (see
/// ``URLSessionTransport``). Linux's `URLSession` ignores per-task delegates for both.
final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let maximumRedirects: Int
    private let lock = NSLock()
    private var redirectCounts: [Int: Int] = [:]  // guarded by `lock`
    private var sinks: [Int: DownloadSink] = [:]  // guarded by `lock`

    init(maximumRedirects: Int) { self.maximumRedirects = maximumRedirects }

    func register(_ sink: DownloadSink, for task: URLSessionTask) {
        lock.withLock { sinks[task.taskIdentifier] = sink }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let sink = lock.withLock({ sinks[dataTask.taskIdentifier] }) else { return }
        if !sink.write(data) { dataTask.cancel() }
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
                task: task, original: task.originalRequest, proposed: request,
                location: Self.location(of: response)))
    }

    /// The redirect's target as the server wrote it, resolved against the redirecting URL. Linux's
    /// `URLSession` rewrites a host-less absolute `Location` (`file:///etc/passwd`) into a path on the
    /// redirecting host, so the proposed request alone cannot show where the server pointed.
    static func location(of response: HTTPURLResponse) -> URL? {
        guard let value = response.value(forHTTPHeaderField: "Location")?.trimmingWhitespace()
        else { return nil }
        return URL(string: value, relativeTo: response.url)?.absoluteURL
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let sink = lock.withLock { () -> DownloadSink? in
            redirectCounts.removeValue(forKey: task.taskIdentifier)
            return sinks.removeValue(forKey: task.taskIdentifier)
        }
        sink?.finish(error)
    }

    /// `nil` stops following and hands the redirect response itself to the caller. `location` is the
    /// `Location` header resolved against the redirecting URL; its scheme must be http(s) too.
    func decide(task: URLSessionTask, original: URLRequest?, proposed: URLRequest, location: URL?) -> URLRequest? {
        let count = lock.withLock { () -> Int in
            redirectCounts[task.taskIdentifier, default: 0] += 1
            return redirectCounts[task.taskIdentifier]!
        }
        func isHTTP(_ url: URL?) -> Bool {
            guard let scheme = url?.scheme?.lowercased() else { return false }
            return scheme == "http" || scheme == "https"
        }
        guard count <= maximumRedirects, let target = proposed.url, isHTTP(target), isHTTP(location) else {
            return nil
        }
        var request = proposed
        if let source = original?.url, !Self.sameOrigin(source, target) {
            for name in HTTPHeaders.sensitiveNames {
                request.setValue(nil, forHTTPHeaderField: name)
            }
            // Headers the original request carried are copied by URLSession; strip them by their
            // original spelling too, since header lookup can be case-sensitive on some platforms.
            for (name, _) in request.allHTTPHeaderFields ?? [:]
            where HTTPHeaders.sensitiveNames.contains(name.lowercased()) {
                request.setValue(nil, forHTTPHeaderField: name)
            }
        }
        return request
    }

    static func sameOrigin(_ lhs: URL, _ rhs: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80) }
        return lhs.scheme?.lowercased() == rhs.scheme?.lowercased() && lhs.host?.lowercased() == rhs.host?.lowercased()
            && port(lhs) == port(rhs)
    }
}
