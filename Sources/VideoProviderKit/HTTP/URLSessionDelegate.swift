import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// The delegate side of URLSessionTransport: the session calls these as an answer arrives.

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
