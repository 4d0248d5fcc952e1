import CCurlLoader
import Foundation

/// One request through ``CurlTransport``, from its first hop to its last redirect.
///
/// Everything libcurl touches (the easy handle, the callbacks' state) belongs to the event loop's thread.
/// Only ``requestCancel()``, ``installContinuation(_:)`` and the completion cross threads, under `lock`.
final class CurlTransfer: @unchecked Sendable {
    struct Settings: Sendable {
        var idleTimeout: Duration
        var resourceTimeout: Duration
        var maximumRedirects: Int
        var proxies: ProxyConfiguration
    }

    /// The caller's request, as given: its origin and ``HTTPRequest/createsTask`` govern every hop.
    let original: HTTPRequest
    let destination: ResponseBodyDestination
    let settings: Settings
    /// Where a `.temporaryFile` body goes.
    let file: ResponseFileWriter?

    // Loop thread only:
    /// The hop being sent.
    private(set) var request: HTTPRequest
    private var hops = 0
    private(set) var easy: OpaquePointer?
    private var headerList: OpaquePointer?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(VPK_CURL_ERROR_SIZE))
    private var bodyReader: HTTPBodyReader?
    private var status = 0
    private var responseHeaders = HTTPHeaders()
    private var headerBytes = 0
    private var headersComplete = false
    /// The next hop, decided when the redirect's headers are complete; its body is then discarded.
    private var nextHop: HTTPRequest?
    private var limit: Int64?
    private var received: Int64 = 0
    private var memory = Data()
    /// Set by a callback that stops the transfer, to say why.
    private var failure: HTTPTransportError?
    /// Monotonic nanoseconds of the last byte in either direction (or of the start, or of a resume).
    private(set) var lastActivity: UInt64 = 0
    /// Paused because the file writer is behind: the idle clock stops.
    var paused = false
    /// The origin whose turn the current hop holds in the event loop, while it holds one.
    var admittedOrigin: String?
    /// Where the transfer is in the event loop's hands.
    var phase = Phase.new

    enum Phase {
        /// Not yet seen by the loop.
        case new
        /// Queued behind other transfers to its origin.
        case waiting
        /// A hop is in the multi handle (or being set up).
        case active
        /// Completed, or completing: nothing may touch its file any more.
        case done
    }

    /// Restarts the idle clock (a resume after a pause).
    func markActive() { lastActivity = monotonicNanoseconds() }

    private let lock = NSLock()
    // Guarded by `lock`:
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var cancelRequested = false
    private var completed = false

    /// The most header bytes accepted for one response: a server that never ends its headers stops here.
    static let headerLimit = 256 << 10

    init(request: HTTPRequest, destination: ResponseBodyDestination, settings: Settings, file: ResponseFileWriter?) {
        self.original = request
        self.request = request
        self.destination = destination
        self.settings = settings
        self.file = file
        errorBuffer.initialize(repeating: 0, count: Int(VPK_CURL_ERROR_SIZE))
    }

    deinit {
        // The loop cleans the handle up; this only frees what the transfer allocated itself.
        errorBuffer.deallocate()
    }

    // MARK: Across threads

    /// Called once, before the transfer is handed to the loop.
    func installContinuation(_ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Marks the transfer cancelled; the loop stops it (or never starts it).
    func requestCancel() { lock.withLock { cancelRequested = true } }

    var isCancelRequested: Bool { lock.withLock { cancelRequested } }

    /// Resumes the caller exactly once.
    func complete(_ result: Result<HTTPResponse, HTTPTransportError>) {
        let waiting = lock.withLock { () -> CheckedContinuation<HTTPResponse, any Error>? in
            guard !completed else { return nil }
            completed = true
            defer { continuation = nil }
            return continuation
        }
        guard let waiting else { return }
        switch result {
        case .success(let response): waiting.resume(returning: response)
        case .failure(let error): waiting.resume(throwing: error)
        }
    }

    // MARK: Loop thread: setting up a hop

    /// An easy handle (`recycled`, reset, or a new one) for the current hop, configured and ready to add to
    /// the multi handle; or the error that prevents it (nothing was sent).
    func prepareHop(recycled: OpaquePointer?) -> HTTPTransportError? {
        resetResponse()
        guard let easy = recycled ?? vpk_curl_easy_init() else {
            return HTTPTransportError(.other, requestMayHaveBeenSent: false, message: "curl_easy_init failed")
        }
        self.easy = easy
        errorBuffer[0] = 0
        var failed: Int32 = 0
        func set(_ option: Int32, _ value: Int) {
            let code = vpk_curl_easy_setopt_long(easy, option, value)
            if code != VPK_CURLE_OK && failed == 0 { failed = code }
        }
        func set(_ option: Int32, _ text: String) {
            let code = text.withCString { vpk_curl_easy_setopt_pointer(easy, option, $0) }
            if code != VPK_CURLE_OK && failed == 0 { failed = code }
        }
        func set(_ option: Int32, pointer: UnsafeRawPointer?) {
            let code = vpk_curl_easy_setopt_pointer(easy, option, pointer)
            if code != VPK_CURLE_OK && failed == 0 { failed = code }
        }
        func set(_ option: Int32, offset: Int64) {
            let code = vpk_curl_easy_setopt_offset(easy, option, offset)
            if code != VPK_CURLE_OK && failed == 0 { failed = code }
        }
        func set(_ option: Int32, callback: vpk_curl_data_callback) {
            let code = vpk_curl_easy_setopt_callback(easy, option, callback)
            if code != VPK_CURLE_OK && failed == 0 { failed = code }
        }

        let context = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        set(VPK_CURLOPT_URL, request.url.absoluteString)
        set(VPK_CURLOPT_PRIVATE, pointer: context)
        set(VPK_CURLOPT_ERRORBUFFER, pointer: UnsafeRawPointer(errorBuffer))
        set(VPK_CURLOPT_NOSIGNAL, 1)
        set(VPK_CURLOPT_NOPROGRESS, 1)
        // This transport follows redirects itself (RedirectRules), so each hop is judged.
        set(VPK_CURLOPT_FOLLOWLOCATION, 0)
        let protocols = "http,https".withCString { vpk_curl_easy_setopt_pointer(easy, VPK_CURLOPT_PROTOCOLS_STR, $0) }
        if protocols != VPK_CURLE_OK {
            // libcurl before 7.85.0 has only the bitmask form.
            set(VPK_CURLOPT_PROTOCOLS, Int(VPK_CURLPROTO_HTTP | VPK_CURLPROTO_HTTPS))
        }
        set(VPK_CURLOPT_HTTP_VERSION, Int(VPK_CURL_HTTP_VERSION_2TLS))
        if request.url.scheme?.lowercased() == "https" {
            // Wait for a connection being set up to say (through TLS's ALPN) whether it multiplexes
            // rather than open another. Plain http learns that only from a whole answer, so there a
            // second request would wait for the first to finish.
            set(VPK_CURLOPT_PIPEWAIT, 1)
        }
        set(VPK_CURLOPT_TCP_KEEPALIVE, 1)
        set(VPK_CURLOPT_TIMEOUT_MS, Self.milliseconds(settings.resourceTimeout))
        set(VPK_CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.idleTimeout))
        if original.createsTask {
            // A submission never shares a connection: libcurl resends a request on a reused connection
            // that the server closed without answering, which could create (and bill) a second task.
            set(VPK_CURLOPT_FRESH_CONNECT, 1)
            set(VPK_CURLOPT_FORBID_REUSE, 1)
        }
        switch destination {
        case .memory:
            // Answers are decoded (any encoding libcurl has) and limited after decoding.
            set(VPK_CURLOPT_ACCEPT_ENCODING, "")
        case .temporaryFile:
            // Files arrive as sent, as `curl -o` writes them: a paused transfer keeps at most one read
            // buffer, never a decompressed burst.
            set(VPK_CURLOPT_HTTP_CONTENT_DECODING, 0)
            set(VPK_CURLOPT_BUFFERSIZE, 256 << 10)
        }
        switch settings.proxies.route(for: request) {
        case .direct, .directInsteadOf:
            // An empty proxy also stops libcurl from reading proxies from the environment.
            set(VPK_CURLOPT_PROXY, "")
        case .proxy(let proxy):
            set(VPK_CURLOPT_PROXY, proxy)
            // The route was decided above (no_proxy included); libcurl must not decide again.
            set(VPK_CURLOPT_NOPROXY, "")
            set(VPK_CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        }

        let method = request.method.rawValue
        let hasBody = !request.body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH"
        if method == "HEAD" {
            set(VPK_CURLOPT_NOBODY, 1)
        } else if hasBody {
            set(VPK_CURLOPT_POST, 1)
            set(VPK_CURLOPT_POSTFIELDSIZE_LARGE, offset: request.body.length)
            bodyReader = HTTPBodyReader(request.body)
            set(VPK_CURLOPT_READFUNCTION, callback: curlReadCallback)
            set(VPK_CURLOPT_READDATA, pointer: context)
            if method != "POST" { set(VPK_CURLOPT_CUSTOMREQUEST, method) }
        } else {
            set(VPK_CURLOPT_HTTPGET, 1)
            if method != "GET" { set(VPK_CURLOPT_CUSTOMREQUEST, method) }
        }
        guard let lines = headerLines() else {
            return HTTPTransportError(
                .localIO, requestMayHaveBeenSent: false,
                message: "a request header contains a line break or NUL; nothing was sent")
        }
        for line in lines {
            guard let appended = line.withCString({ vpk_curl_slist_append(headerList, $0) }) else {
                return HTTPTransportError(.other, requestMayHaveBeenSent: false, message: "curl_slist_append failed")
            }
            headerList = appended
        }
        set(VPK_CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(headerList))
        set(VPK_CURLOPT_HEADERFUNCTION, callback: curlHeaderCallback)
        set(VPK_CURLOPT_HEADERDATA, pointer: context)
        set(VPK_CURLOPT_WRITEFUNCTION, callback: curlWriteCallback)
        set(VPK_CURLOPT_WRITEDATA, pointer: context)
        if failed != 0 {
            return HTTPTransportError(
                .other, requestMayHaveBeenSent: false,
                message: "libcurl refused an option: \(CurlLibrary.describe(failed))")
        }
        lastActivity = monotonicNanoseconds()
        return nil
    }

    /// The request's header lines for libcurl, or `nil` when a name or value would break the framing.
    private func headerLines() -> [String]? {
        var lines: [String] = []
        var hasContentType = false
        for field in request.headers {
            let name = field.name.lowercased()
            // The transport owns the body's framing.
            if name == "content-length" || name == "transfer-encoding" || name == "expect" { continue }
            if name == "content-type" { hasContentType = true }
            let bad = { (text: String) in text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 } }
            if bad(field.name) || bad(field.value) || field.name.contains(":") { return nil }
            // `Name;` is libcurl's spelling of a header with an empty value (`Name:` would remove it).
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // No `Expect: 100-continue` wait before large bodies, and no form type libcurl would invent for a
        // body that has none.
        lines.append("Expect:")
        if !hasContentType { lines.append("Content-Type:") }
        return lines
    }

    private func resetResponse() {
        status = 0
        responseHeaders = HTTPHeaders()
        headerBytes = 0
        headersComplete = false
        nextHop = nil
        limit = nil
        received = 0
        memory = Data()
        failure = nil
        bodyReader = nil
        paused = false
    }

    /// Frees the current hop's header list and hands its easy handle back for reuse or cleanup. The
    /// handle must be out of the multi handle.
    func releaseHop() -> OpaquePointer? {
        let released = easy
        easy = nil
        if let headerList { vpk_curl_slist_free_all(headerList) }
        headerList = nil
        bodyReader = nil
        return released
    }

    /// Whether the current hop's request may have reached the server: libcurl counts the request bytes
    /// it sent (`CURLINFO_REQUEST_SIZE`); an earlier hop was sent whole.
    var requestMayHaveBeenSent: Bool {
        if hops > 0 { return true }
        guard let easy else { return false }
        var size = 0
        return vpk_curl_easy_getinfo_long(easy, VPK_CURLINFO_REQUEST_SIZE, &size) != VPK_CURLE_OK || size > 0
    }

    // MARK: Loop thread: callbacks

    /// `CURLOPT_HEADERFUNCTION`: one header line at a time, status lines included.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = monotonicNanoseconds()
        headerBytes += bytes.count
        guard headerBytes <= Self.headerLimit else {
            failure = tooLarge("the response headers exceed \(Self.headerLimit) bytes")
            return 0
        }
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        let line = Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self))
        if line.hasPrefix("HTTP/") {
            // A new response (after a 1xx, or the first): start over.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            responseHeaders = HTTPHeaders()
            headersComplete = false
            return bytes.count
        }
        if headersComplete { return bytes.count }  // trailers
        if line.isEmpty {
            if (100..<200).contains(status) { return bytes.count }  // an interim response
            headersComplete = true
            return beginBody() ? bytes.count : 0
        }
        if let first = line.first, first == " " || first == "\t", let last = responseHeaders.fields.last {
            // An obsolete folded continuation of the previous header.
            var fields = responseHeaders.fields
            fields.removeLast()
            var rebuilt = HTTPHeaders()
            for field in fields { rebuilt.add(field.name, field.value) }
            rebuilt.add(last.name, last.value + " " + line.trimmingWhitespace())
            responseHeaders = rebuilt
            return bytes.count
        }
        guard let colon = line.firstIndex(of: ":") else { return bytes.count }
        responseHeaders.add(
            String(line[..<colon]).trimmingWhitespace(), String(line[line.index(after: colon)...]).trimmingWhitespace())
        return bytes.count
    }

    /// The headers are complete: decides whether this response is followed or kept, and its bound.
    private func beginBody() -> Bool {
        let location = RedirectRules.location(responseHeaders["Location"], relativeTo: request.url)
        nextHop = RedirectRules.nextRequest(
            after: status, location: location, from: request, original: original, hops: hops,
            maximum: settings.maximumRedirects)
        // A redirect that is followed has its body read and dropped, within the error-body bound.
        limit =
            nextHop == nil
            ? destination.limit(status: status, request: original) : Int64(ResponseBodyDestination.errorBodyLimit)
        let declared = responseHeaders["Content-Length"].flatMap { Int64($0.trimmingWhitespace()) }
        if let limit, let declared, declared > limit {
            failure = tooLarge("the server declared a \(declared)-byte body; the limit is \(limit) bytes")
            return false
        }
        if nextHop == nil, case .memory = destination, let declared, declared > 0 {
            memory.reserveCapacity(Int(min(declared, limit ?? declared)))
        }
        return true
    }

    /// `CURLOPT_WRITEFUNCTION`: body bytes (decoded, for answers in memory).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = monotonicNanoseconds()
        if let limit, received + Int64(bytes.count) > limit {
            failure = tooLarge("the body exceeds the \(limit)-byte limit")
            return 0
        }
        received += Int64(bytes.count)
        if nextHop != nil { return bytes.count }
        guard let file else {
            memory.append(bytes.bindMemory(to: UInt8.self))
            return bytes.count
        }
        switch file.offer(bytes) {
        case .accepted:
            return bytes.count
        case .full:
            // libcurl keeps these bytes and hands them over again on resume.
            received -= Int64(bytes.count)
            paused = true
            return Int(VPK_CURL_WRITEFUNC_PAUSE)
        case .failed(let message):
            failure = HTTPTransportError(.localWrite, requestMayHaveBeenSent: true, message: message)
            return 0
        }
    }

    /// `CURLOPT_READFUNCTION`: the request body, pulled piece by piece.
    func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        lastActivity = monotonicNanoseconds()
        guard let bodyReader else { return 0 }
        do {
            return try bodyReader.read(into: buffer)
        } catch {
            // The body stopped short of its Content-Length, so the server cannot take it for a request.
            let path = ((error as NSError).userInfo[NSFilePathErrorKey] as? String).map { "\($0): " } ?? ""
            failure = HTTPTransportError(
                .localIO, requestMayHaveBeenSent: false,
                message: "cannot read the request body: \(path)\(SystemErrorText.describe(error))")
            return Int(VPK_CURL_READFUNC_ABORT)
        }
    }

    private func tooLarge(_ detail: String) -> HTTPTransportError {
        HTTPTransportError(
            .responseTooLarge, requestMayHaveBeenSent: true,
            message: "the response from \(request.url.host ?? "the server") (HTTP \(status)) is too large: \(detail)")
    }

    // MARK: Loop thread: the end of a hop

    /// What the finished hop means: the response, the next hop to send, or a failure.
    enum Outcome {
        case response(HTTPResponse)
        case redirect
        case failure(HTTPTransportError)
    }

    /// Called once the hop's handle is out of the multi handle, before ``releaseHop()``.
    func finishHop(code: Int32) -> Outcome {
        if code != VPK_CURLE_OK {
            return .failure(failure ?? error(for: code))
        }
        if let nextHop {
            hops += 1
            request = nextHop
            return .redirect
        }
        if status == 0, let easy {
            var code = 0
            _ = vpk_curl_easy_getinfo_long(easy, VPK_CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        return .response(
            HTTPResponse(
                status: status, headers: responseHeaders, body: file == nil ? memory : Data(), bodyFile: file?.url,
                url: request.url))
    }

    /// A failure that is not the idle clock's or a callback's, from libcurl's code.
    func error(for code: Int32) -> HTTPTransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : CurlLibrary.describe(code)
        let message = "\(detail) (curl \(code))"
        let sent = requestMayHaveBeenSent
        switch code {
        case VPK_CURLE_UNSUPPORTED_PROTOCOL, VPK_CURLE_URL_MALFORMAT, VPK_CURLE_COULDNT_RESOLVE_PROXY,
            VPK_CURLE_COULDNT_RESOLVE_HOST, VPK_CURLE_COULDNT_CONNECT, VPK_CURLE_SSL_CONNECT_ERROR,
            VPK_CURLE_SSL_CERTPROBLEM, VPK_CURLE_SSL_CIPHER, VPK_CURLE_PEER_FAILED_VERIFICATION,
            VPK_CURLE_SSL_CACERT_BADFILE, VPK_CURLE_PROXY:
            // No connection to the server was made (or TLS never completed): nothing was sent.
            return HTTPTransportError(.connectionFailed, requestMayHaveBeenSent: false, message: message)
        case VPK_CURLE_OPERATION_TIMEDOUT:
            return HTTPTransportError(.timedOut, requestMayHaveBeenSent: sent, message: message)
        case VPK_CURLE_FILESIZE_EXCEEDED:
            return tooLarge(message)
        case VPK_CURLE_READ_ERROR:
            return HTTPTransportError(.localIO, requestMayHaveBeenSent: false, message: message)
        default:
            return HTTPTransportError(.connectionLost, requestMayHaveBeenSent: true, message: message)
        }
    }
}

// libcurl's callbacks. The user data is the transfer, unretained: the event loop holds it while its
// handle is in the multi handle, and libcurl calls back only on the loop's thread.

private let curlHeaderCallback: vpk_curl_data_callback = { buffer, size, count, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let curlWriteCallback: vpk_curl_data_callback = { buffer, size, count, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let curlReadCallback: vpk_curl_data_callback = { buffer, size, count, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

extension CurlTransfer {
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return Int(min(max(total.rounded(.up), 1), Double(Int32.max)))
    }
}

/// A monotonic clock in nanoseconds, for idle deadlines.
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
