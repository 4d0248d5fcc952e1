public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The default ``HTTPTransport``, on `URLSession`.
///
/// - Request bodies larger than ``Configuration/inMemoryBodyLimit`` (or that read image files) are
///   written to a temporary file first and streamed from it with a `Content-Length`, so memory stays near
///   the image bytes whatever the body size; the file is deleted afterwards.
/// - Response bodies go to memory (bounded) or stream to a file (`download(for:)`).
/// - Redirects: credentials (`Authorization` and the other ``HTTPHeaders/sensitiveNames``) are removed
///   whenever a redirect leaves the original scheme, host and port; redirects to anything but http(s)
///   are refused, and chains are cut after ``Configuration/maximumRedirects``. This is done by a
///   session-level delegate because Linux's `URLSession` ignores per-task delegates for redirects and
///   would otherwise forward the `Authorization` header to the new host.
/// - Sessions are ephemeral: no cookies, no cache, no credential storage.
public final class URLSessionTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// Longest silence allowed while waiting for data.
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
    private let redirectPolicy: RedirectPolicy
    private let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.idleTimeout.seconds
        sessionConfiguration.timeoutIntervalForResource = configuration.resourceTimeout.seconds
        sessionConfiguration.httpCookieAcceptPolicy = .never
        sessionConfiguration.httpShouldSetCookies = false
        sessionConfiguration.urlCache = nil
        sessionConfiguration.urlCredentialStorage = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        redirectPolicy = RedirectPolicy(maximumRedirects: configuration.maximumRedirects)
        session = URLSession(configuration: sessionConfiguration, delegate: redirectPolicy, delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

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
                let file = try localIO { try request.body.writeToTemporaryFile(in: configuration.temporaryDirectory) }
                stagedBody = file
                guard let stream = InputStream(url: file) else {
                    throw HTTPTransportError(
                        .localIO, requestMayHaveBeenSent: false, message: "cannot stream the request body")
                }
                urlRequest.httpBodyStream = stream
                urlRequest.setValue(String(request.body.length), forHTTPHeaderField: "Content-Length")
            }
        }

        do {
            switch bodyDestination {
            case .memory(let limit):
                let (data, response) = try await session.data(for: urlRequest)
                let http = try httpResponse(response)
                guard data.count <= limit else {
                    throw HTTPTransportError(
                        .responseTooLarge, requestMayHaveBeenSent: true,
                        message: "response body of \(data.count) bytes exceeds the \(limit)-byte limit")
                }
                return HTTPResponse(status: http.statusCode, headers: headers(of: http), body: data, url: http.url)
            case .temporaryFile(let directory):
                let (location, response) = try await session.download(for: urlRequest)
                let http = try httpResponse(response)
                let destination = directory.appendingPathComponent("videoproviderkit-download-\(UUID().uuidString)")
                do {
                    try FileManager.default.moveItem(at: location, to: destination)
                } catch {
                    try? FileManager.default.removeItem(at: location)
                    throw HTTPTransportError(
                        .localIO, requestMayHaveBeenSent: true,
                        message: "cannot keep the download: \(error.localizedDescription)")
                }
                return HTTPResponse(
                    status: http.statusCode, headers: headers(of: http), bodyFile: destination, url: http.url)
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

    private func localIO<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch {
            throw HTTPTransportError(.localIO, requestMayHaveBeenSent: false, message: error.localizedDescription)
        }
    }

    private func httpResponse(_ response: URLResponse) throws -> HTTPURLResponse {
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

    /// Which URL errors prove the request never left: only failures to connect at all.
    static func map(_ error: URLError) -> HTTPTransportError {
        let message = "\(error.code.rawValue): \(error.localizedDescription)"
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
            .cannotCloseFile, .fileDoesNotExist, .noPermissionsToReadFile:
            return HTTPTransportError(.localIO, requestMayHaveBeenSent: true, message: message)
        default:
            return HTTPTransportError(.other, requestMayHaveBeenSent: true, message: message)
        }
    }
}

/// The session-level delegate that governs redirects (see ``URLSessionTransport``).
final class RedirectPolicy: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    private let maximumRedirects: Int
    private let lock = NSLock()
    private var redirectCounts: [Int: Int] = [:]  // guarded by `lock`

    init(maximumRedirects: Int) { self.maximumRedirects = maximumRedirects }

    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(decide(task: task, original: task.originalRequest, proposed: request))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.withLock { _ = redirectCounts.removeValue(forKey: task.taskIdentifier) }
    }

    /// `nil` stops following and hands the redirect response itself to the caller.
    func decide(task: URLSessionTask, original: URLRequest?, proposed: URLRequest) -> URLRequest? {
        let count = lock.withLock { () -> Int in
            redirectCounts[task.taskIdentifier, default: 0] += 1
            return redirectCounts[task.taskIdentifier]!
        }
        guard count <= maximumRedirects, let target = proposed.url,
            let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
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
