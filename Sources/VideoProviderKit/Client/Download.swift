public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension VideoClient {
    /// Downloads the finished video to `destination`.
    ///
    /// The body streams to a temporary file next to `destination` and is moved into place only when
    /// complete (an existing file is replaced atomically), so a failed download never leaves a partial
    /// file behind. The gateway's content endpoint is used when it has one, else the video URL; the
    /// `Authorization` header (and the app's extra headers) go only to the provider's own host, never to a
    /// CDN. Non-http(s) URLs are refused. When the server states a length, the file must match it.
    ///
    /// Only a video is saved: a body whose first bytes are a known container (`ftyp` at offset 4 for MP4 and
    /// MOV, the EBML signature of WebM and Matroska, AVI, MPEG-TS, MPEG-PS, FLV) is accepted whatever its
    /// `Content-Type` (CDNs serve MP4s as `application/octet-stream`); an empty body, JSON, HTML, XML or other
    /// text never is, whatever its label; other binary data only with a `video/…` type. A refused body fails
    /// with ``VideoProviderError/Kind/download``, quotes its start (control characters escaped, the key
    /// scrubbed) and leaves the previous file at `destination` untouched. A failure to write names what the
    /// system said (`No space left on device (ENOSPC)`, `Permission denied (EACCES)`, …) and the path.
    ///
    /// - Parameters:
    ///   - job: the job ``VideoClient/submit(_:options:)`` returned, possibly decoded in a later process.
    ///   - destination: where the video goes; its directory is created if needed.
    ///   - snapshot: a completed snapshot, if the caller has one; otherwise the task's status is fetched
    ///     first.
    @discardableResult
    public func download(_ job: VideoJob, to destination: URL, snapshot: TaskSnapshot? = nil)
        async throws(VideoProviderError) -> DownloadedVideo
    {
        let entry = try registered(for: job)
        let key = entry.configuration.apiKey?.secret
        var finished = snapshot
        if finished?.status != .completed { finished = try await status(of: job) }
        guard let finished, finished.status == .completed else {
            if let finished, finished.status.isTerminal { throw taskFailure(job, finished) }
            let raw = finished?.rawStatus ?? finished?.status.rawValue ?? "unknown"
            let progress = finished?.progress.map { ", \($0)%" } ?? ""
            throw VideoProviderError(
                .taskNotFinished,
                "Task \(job.taskID) on \(job.providerID) is still running (\(raw)\(progress)); there is nothing to download yet.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, rawStatus: raw)
        }
        guard let context = entry.context(boundary: bodilessRequestBoundary), let base = entry.baseURL else {
            throw VideoProviderError(.configuration, "\(job.providerID) has no base URL.", providerID: job.providerID)
        }
        var sources: [HTTPRequest] = []
        do {
            if let request = try entry.provider.contentRequest(for: finished, context: context) {
                sources.append(request)
            }
        } catch {
            throw Self.wrap(error, as: .download, job.providerID, job.model).redacting(key)
        }
        // When the content endpoint fails, the video URL is a second chance (and vice versa).
        if let url = finished.videoURL, !sources.contains(where: { $0.url == url }),
            let plain = entry.provider.videoURLRequest(for: finished)
        {
            sources.append(plain)
        }
        guard !sources.isEmpty else {
            throw VideoProviderError(
                .download, "\(job.providerID) reported task \(job.taskID) completed without a video URL.",
                providerID: job.providerID, model: job.model, taskID: job.taskID)
        }
        var lastError: VideoProviderError?
        for source in sources {
            do {
                let video = try await fetch(
                    Self.sanitized(
                        Self.authorizedOnSameOrigin(source, providerBase: base, context: context),
                        providerBase: base, additional: entry.configuration.additionalHeaders),
                    job: job, to: destination, secret: key)
                observer(.downloaded(job: job.id, bytes: video.byteCount, host: video.sourceHost))
                return video
            } catch {
                lastError = error.redacting(key)
                if error.kind == .cancelled { throw error }
            }
        }
        throw lastError!
    }

    /// A video URL on the provider's own origin (new-api's `/v1/videos/{id}/content` proxy, a path the
    /// gateway gave relative to itself) needs the key like any request to the gateway; any other origin
    /// never gets it (``sanitized(_:providerBase:additional:)`` strips it).
    static func authorizedOnSameOrigin(_ request: HTTPRequest, providerBase: URL, context: ProviderContext)
        -> HTTPRequest
    {
        guard VendorResponse.isSameOrigin(request.url, providerBase), !request.headers.contains("Authorization")
        else { return request }
        var copy = request
        for field in context.standardHeaders(accept: "video/*, */*") where !copy.headers.contains(field.name) {
            copy.headers[field.name] = field.value
        }
        return copy
    }

    /// Removes credentials from a request whose host is not the provider's own, and refuses schemes
    /// other than http(s).
    static func sanitized(_ request: HTTPRequest, providerBase: URL, additional: HTTPHeaders) -> HTTPRequest {
        var copy = request
        if !SessionDelegate.sameOrigin(request.url, providerBase) {
            for name in HTTPHeaders.sensitiveNames { copy.headers.remove(name) }
            for field in additional { copy.headers.remove(field.name) }
        }
        return copy
    }

    private func fetch(_ request: HTTPRequest, job: VideoJob, to destination: URL, secret: String?)
        async throws(VideoProviderError) -> DownloadedVideo
    {
        func failure(_ message: String, status: Int? = nil) -> VideoProviderError {
            VideoProviderError(
                .download, message, providerID: job.providerID, model: job.model, taskID: job.taskID, httpStatus: status
            )
        }
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw failure(
                "Refusing to download from a \(request.url.scheme ?? "scheme-less") URL; only http(s) is allowed.")
        }
        var request = request
        request.maximumResponseBytes = configuration.maximumDownloadBytes
        let directory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw failure("Cannot create the folder \(directory.path): \(SystemErrorText.describe(error)).")
        }
        let response: HTTPResponse
        switch await send(
            request, provider: job.providerID, model: job.model, operation: .content,
            destination: .temporaryFile(in: directory), taskID: job.taskID)
        {
        case .success(let value): response = value
        case .failure(var error):
            if error.kind != .cancelled { error.kind = .download }
            // A local write failure (disk full, read-only, no permission) is about the destination, not the
            // server: say so, with the file the user asked for.
            if let cause = error.underlying, cause.hasPrefix(HTTPTransportError.Kind.localWrite.rawValue + ":") {
                let detail = cause.dropFirst(HTTPTransportError.Kind.localWrite.rawValue.count + 1).trimmingWhitespace()
                error.message =
                    "Could not save the video to \(destination.path) (\(detail)); any earlier file there is untouched."
            }
            throw error
        }
        guard let file = response.bodyFile else {
            // A transport that ignored the destination: write what it returned.
            return try writeInMemoryBody(response, job: job, to: destination, host: request.url.host, secret: secret)
        }
        var keep = false
        defer { if !keep { try? FileManager.default.removeItem(at: file) } }

        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
        let head =
            (try? FileHandle(forReadingFrom: file)).flatMap { handle in
                defer { try? handle.close() }
                return try? handle.read(upToCount: 2048)
            } ?? Data()
        guard response.isSuccess else {
            // The key is scrubbed before anything is cut from the body.
            let vendor = VendorResponse.error(
                for: HTTPResponse(
                    status: response.status, headers: response.headers, body: head.redactingSecretPrefixes(secret)),
                provider: job.providerID, model: job.model, taskID: job.taskID, operation: "download")
            var error = failure(
                "Downloading the video failed (HTTP \(response.status) from \(request.url.host ?? "?")).",
                status: response.status)
            error.vendorMessage = vendor.vendorMessage
            error.vendorCode = vendor.vendorCode
            throw error
        }
        if let expected = response.headers["Content-Length"].flatMap({ Int64($0.trimmingWhitespace()) }
        ),
            response.headers["Content-Encoding"] == nil, expected != size
        {
            throw failure("The download was cut short: \(size) of \(expected) bytes arrived.", status: response.status)
        }
        try Self.requireVideo(
            head: head, size: size, response: response, host: request.url.host, job: job, secret: secret)
        guard rename(file.path, destination.path) == 0 else {
            let reason = SystemErrorText.describe(errno: errno)
            throw failure("Cannot move the download into place at \(destination.path): \(reason).")
        }
        keep = true
        return DownloadedVideo(
            job: job, fileURL: destination, byteCount: size, contentType: response.headers["Content-Type"],
            sourceHost: request.url.host)
    }

    private func writeInMemoryBody(
        _ response: HTTPResponse, job: VideoJob, to destination: URL, host: String?, secret: String?
    ) throws(VideoProviderError) -> DownloadedVideo {
        guard response.isSuccess else {
            throw VideoProviderError(
                .download, "Downloading the video failed (HTTP \(response.status)).",
                providerID: job.providerID, taskID: job.taskID, httpStatus: response.status)
        }
        try Self.requireVideo(
            head: response.body.prefix(2048), size: Int64(response.body.count), response: response, host: host,
            job: job, secret: secret)
        do {
            try response.body.write(to: destination, options: .atomic)
        } catch {
            throw VideoProviderError(
                .download, "Cannot write \(destination.path): \(SystemErrorText.describe(error)).",
                providerID: job.providerID, taskID: job.taskID)
        }
        return DownloadedVideo(
            job: job, fileURL: destination, byteCount: Int64(response.body.count),
            contentType: response.headers["Content-Type"], sourceHost: host)
    }

    /// Throws unless the body is a video (see ``VideoSignature``): the error says what came instead, with the
    /// vendor's code and message when it is a JSON error, and quotes the body's start.
    ///
    /// - Parameter raw: the body's first bytes as received (the sniffer judges them; the key is scrubbed from
    ///   them before anything is quoted).
    private static func requireVideo(
        head raw: Data, size: Int64, response: HTTPResponse, host: String?, job: VideoJob, secret: String?
    ) throws(VideoProviderError) {
        let verdict = VideoSignature.judge(
            head: raw.prefix(VideoSignature.headLength), totalSize: size, contentType: response.mediaType)
        guard case .notVideo(let what) = verdict else { return }
        let head = raw.redactingSecretPrefixes(secret)
        let label = response.headers["Content-Type"].map { ", Content-Type \($0.escapingControlCharacters())" } ?? ""
        var message =
            "\(host ?? "The server") answered HTTP \(response.status) with \(what)\(label), not a video; nothing was saved."
        if size > 0 { message += " It starts: \(quote(head, secret: secret))" }
        var error = VideoProviderError(
            .download, message, providerID: job.providerID, model: job.model, taskID: job.taskID,
            httpStatus: response.status)
        if what == "JSON", let json = try? JSONValue.parse(head.prefix(Int(min(size, 2048)))) {
            let (code, vendorMessage) = VendorResponse.extractError(from: json)
            error.vendorCode = code
            error.vendorMessage = vendorMessage
        }
        throw error.redacting(secret)
    }

    /// The start of a body for an error message: up to 120 characters of text, control characters escaped
    /// and the key scrubbed, or the first 16 bytes in hex when it is binary.
    static func quote(_ head: Data, secret: String?) -> String {
        let text = String(decoding: head, as: UTF8.self)
        if !text.unicodeScalars.contains(where: {
            $0 == "\u{FFFD}" || ($0.value < 0x20 && $0.value != 0x0A && $0.value != 0x0D && $0.value != 0x09)
        }) {
            let cut = text.count > 120 ? String(text.prefix(120)) + "…" : text
            return "\"" + cut.redactingSecret(secret).escapingControlCharacters() + "\""
        }
        return head.prefix(16).map { String(format: "%02x", $0) }.joined(separator: " ")
            + (head.count > 16 ? " …" : "")
    }
}

extension VideoClient {
    /// The end of a ``VideoClient/generate(_:options:downloadTo:onSnapshot:)`` run.
    public struct Generation: Sendable {
        /// The job that completed.
        public let job: VideoJob
        public let snapshot: TaskSnapshot
        /// Earlier jobs whose tasks failed and were resubmitted elsewhere (job-level fallback).
        public let failedJobs: [VideoJob]
        public let video: DownloadedVideo?
    }

    /// Submit, follow to the end, and optionally download: the whole flow in one call.
    ///
    /// With ``Configuration/resubmitFailedTasks`` on, a task that fails for a reason that is not the
    /// prompt's (an upstream error, expiry) is submitted to the next candidate that has not been tried, which
    /// must make the same video as the first choice (unless ``SubmitOptions/fallbacks`` allows otherwise).
    /// Content-policy failures and vendor-side cancellations are never resubmitted. The failed task's
    /// seconds count against ``SubmitOptions/maximumBillableSeconds``.
    public func generate(
        _ request: VideoRequest, options: SubmitOptions = SubmitOptions(), downloadTo destination: URL? = nil,
        onSnapshot: @Sendable (VideoJob, TaskSnapshot) -> Void = { _, _ in }
    ) async throws(VideoProviderError) -> Generation {
        var options = options
        var failed: [VideoJob] = []
        while true {
            let job = try await submit(request, options: options)
            // A failed task may be billed: its seconds count against the budget of the next submission.
            options.committedSeconds += job.request.seconds
            let final = try await follow(job, strategy: configuration.polling) { onSnapshot(job, $0) }
            if final.status == .completed {
                let video = try await destination.asyncMap { url throws(VideoProviderError) in
                    try await download(job, to: url, snapshot: final)
                }
                return Generation(job: job, snapshot: final, failedJobs: failed, video: video)
            }
            let error = taskFailure(job, final)
            let resubmittable =
                configuration.resubmitFailedTasks && error.kind == .taskFailed
                && (final.status == .failed || final.status == .expired)
            guard resubmittable else {
                var terminal = error
                terminal.attempts = failed.flatMap(\.attempts) + job.attempts
                throw terminal
            }
            failed.append(job)
            options.excluding.insert(job.providerID)
            observer(.resubmitted(previous: job, reason: error.message))
            let next = plan(request, options: options)
            if next.eligible.isEmpty {
                var terminal = error
                let overBudget = next.skipped.contains { $0.reason == RoutePlan.overBudgetReason }
                terminal.message +=
                    overBudget
                    ? " Resubmitting it would go over the billable-seconds budget, so no other provider was tried."
                    : " No other provider is left to try."
                terminal.attempts = failed.flatMap(\.attempts)
                throw terminal
            }
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws(VideoProviderError) -> T)
        async throws(VideoProviderError) -> T?
    {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
