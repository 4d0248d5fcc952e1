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
        let endpoint = try endpoint(for: job)
        let finished: TaskSnapshot
        if let snapshot, snapshot.status == .completed {
            finished = snapshot
        } else {
            finished = try await status(of: job)
        }
        guard finished.status == .completed else {
            if finished.status.isTerminal { throw taskFailure(job, finished) }
            let raw = finished.rawStatus ?? finished.status.rawValue
            let progress = finished.progress.map { ", \($0)%" } ?? ""
            throw VideoProviderError(
                .taskNotFinished,
                "Task \(job.taskID) on \(job.providerID) is still running (\(raw)\(progress)); there is nothing to download yet.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, rawStatus: raw)
        }
        let download = Downloader(client: self, job: job, endpoint: endpoint, destination: destination)
        var current = try await resolvingResult(finished, of: job, at: endpoint)
        var refreshed = false
        if let expiry = current.videoURLExpiresAt, expiry <= clock.wallTime() {
            current = try await freshResult(of: job, at: endpoint)
            refreshed = true
        }
        var result = await download.fetchAny(try download.sources(for: current))
        // An expiring URL refused as forbidden or gone is asked for again, once.
        if case .failure(let error) = result, !refreshed, let status = error.httpStatus, status == 403 || status == 410,
            current.videoURLExpiresAt != nil || endpoint.provider.resultURLsExpire
        {
            current = try await freshResult(of: job, at: endpoint)
            result = await download.fetchAny(try download.sources(for: current))
        }
        let video = try result.get()
        observer(.downloaded(job: job.id, bytes: video.byteCount, host: video.sourceHost))
        return video
    }

    /// A video URL on the provider's own origin (new-api's `/v1/videos/{id}/content` proxy, a path the
    /// gateway gave relative to itself) needs the key like any request to the gateway; any other origin
    /// never gets it (``sanitized(_:providerBase:additional:)`` strips it).
    static func authorizedOnSameOrigin(
        _ request: HTTPRequest, providerBase: URL, context: ProviderContext, trusted: [URL] = []
    ) -> HTTPRequest {
        guard ([providerBase] + trusted).contains(where: { VendorResponse.isSameOrigin(request.url, $0) }),
            !request.headers.contains(context.credentials.credentialHeaderName)
        else { return request }
        var copy = request
        for field in context.standardHeaders(accept: "video/*, */*") where !copy.headers.contains(field.name) {
            copy.headers[field.name] = field.value
        }
        return copy
    }

    /// Removes credentials from a request whose host is not the provider's own.
    static func sanitized(_ request: HTTPRequest, providerBase: URL, additional: HTTPHeaders, trusted: [URL] = [])
        -> HTTPRequest
    {
        var copy = request
        if !([providerBase] + trusted).contains(where: { RedirectRules.sameOrigin(request.url, $0) }) {
            for name in HTTPHeaders.sensitiveNames.union(copy.headers.markedSensitiveNames) {
                copy.headers.remove(name)
            }
            for field in additional { copy.headers.remove(field.name) }
        }
        return copy
    }
}

/// One download of one job's video: where it may come from, fetching it through the exchange pipeline,
/// the checks on what arrived, and moving it into place.
struct Downloader {
    let client: VideoClient
    let job: VideoJob
    let endpoint: ProviderEndpoint
    let destination: URL

    /// Where the video can come from: the provider's content request, and the snapshot's video URL as a
    /// second chance when it is another URL.
    struct Sources {
        let first: HTTPRequest
        let second: HTTPRequest?
    }

    func sources(for snapshot: TaskSnapshot) throws(VideoProviderError) -> Sources {
        let content: HTTPRequest?
        do {
            content = try endpoint.provider.contentRequest(
                for: snapshot,
                context: endpoint.context(boundary: client.bodilessRequestBoundary, signedAt: client.clock.wallTime()))
        } catch {
            throw Exchange.wrap(error, as: .download, job.providerID, job.model).redacting(endpoint.secret)
        }
        var plain: HTTPRequest?
        if let url = snapshot.videoURL, url != content?.url { plain = endpoint.provider.videoURLRequest(for: snapshot) }
        guard let first = content ?? plain else {
            throw VideoProviderError(
                .download, "\(job.providerID) reported task \(job.taskID) completed without a video URL.",
                providerID: job.providerID, model: job.model, taskID: job.taskID)
        }
        return Sources(first: first, second: content == nil ? nil : plain)
    }

    /// Fetches the first source, and the second when the first fails (the content endpoint and the video
    /// URL are each other's second chance).
    func fetchAny(_ sources: Sources) async -> Result<DownloadedVideo, VideoProviderError> {
        let result = await fetch(sources.first)
        if case .failure(let error) = result, error.kind != .cancelled, let second = sources.second {
            return await fetch(second)
        }
        return result
    }

    private func failure(_ message: String, status: Int? = nil) -> VideoProviderError {
        VideoProviderError(
            .download, message, providerID: job.providerID, model: job.model, taskID: job.taskID, httpStatus: status)
    }

    /// Fetches `source` into a temporary file next to the destination and moves it into place.
    func fetch(_ source: HTTPRequest) async -> Result<DownloadedVideo, VideoProviderError> {
        let base = endpoint.baseURL
        let trusted = endpoint.provider.credentialedContentOrigins
        var request = VideoClient.sanitized(
            VideoClient.authorizedOnSameOrigin(
                source, providerBase: base,
                context: endpoint.context(boundary: client.bodilessRequestBoundary, signedAt: client.clock.wallTime()),
                trusted: trusted),
            providerBase: base, additional: endpoint.additionalHeaders, trusted: trusted)
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(
                failure(
                    "Refusing to download from a \(request.url.scheme ?? "scheme-less") URL; only http(s) is allowed."
                )
                .redacting(endpoint.secret))
        }
        request.maximumResponseBytes = client.configuration.maximumDownloadBytes
        let directory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            return .failure(
                failure("Cannot create the folder \(directory.path): \(SystemErrorText.describe(error)).")
                    .redacting(endpoint.secret))
        }
        let received = await client.exchange.run(
            .content, with: endpoint, model: job.model, taskID: job.taskID, into: .temporaryFile(in: directory),
            request: { request },
            read: { response, request throws(VideoProviderError) in try check(response, from: request) })
        switch received {
        case .success(let video):
            return place(video).mapError { $0.redacting(endpoint.secret) }
        case .failure(var error):
            // A local write failure (disk full, read-only, no permission) is about the destination, not the
            // server: say so, with the file the user asked for.
            let prefix = HTTPTransportError.Kind.localWrite.rawValue + ":"
            if let cause = error.underlying, cause.hasPrefix(prefix) {
                let detail = cause.dropFirst(prefix.count).trimmingWhitespace()
                error.message =
                    "Could not save the video to \(destination.path) (\(detail)); any earlier file there is untouched."
            }
            return .failure(error.redacting(endpoint.secret))
        }
    }

    /// What arrived, checked: where it is and what it is.
    struct Received {
        /// The temporary file, or the body when a transport kept it in memory.
        let file: URL?
        let body: Data
        let size: Int64
        let contentType: String?
        let host: String?
    }

    /// Throws unless `response` is a whole video answered with success; a refused temporary file is removed.
    private func check(_ response: HTTPResponse, from request: HTTPRequest) throws(VideoProviderError) -> Received {
        let host = request.url.host
        guard let file = response.bodyFile else {
            // A transport that ignored the destination: check what it returned.
            guard response.isSuccess else {
                throw VideoProviderError(
                    .download, "Downloading the video failed (HTTP \(response.status)).",
                    providerID: job.providerID, taskID: job.taskID, httpStatus: response.status)
            }
            try requireVideo(
                head: response.body.prefix(2048), size: Int64(response.body.count), response: response, host: host)
            return Received(
                file: nil, body: response.body, size: Int64(response.body.count),
                contentType: response.headers["Content-Type"], host: host)
        }
        do throws(VideoProviderError) {
            let size =
                (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
            let head =
                (try? FileHandle(forReadingFrom: file)).flatMap { handle in
                    defer { try? handle.close() }
                    return try? handle.read(upToCount: 2048)
                } ?? Data()
            guard response.isSuccess else {
                // The key is scrubbed before anything is cut from the body.
                let vendor = VendorResponse.error(
                    for: HTTPResponse(
                        status: response.status, headers: response.headers,
                        body: head.redactingSecretPrefixes(endpoint.secret)),
                    provider: job.providerID, model: job.model, taskID: job.taskID, operation: "download")
                var error = failure(
                    "Downloading the video failed (HTTP \(response.status) from \(host ?? "?")).",
                    status: response.status)
                error.vendorMessage = vendor.vendorMessage
                error.vendorCode = vendor.vendorCode
                throw error
            }
            if let expected = response.headers["Content-Length"].flatMap({ Int64($0.trimmingWhitespace()) }),
                response.headers["Content-Encoding"] == nil, expected != size
            {
                throw failure(
                    "The download was cut short: \(size) of \(expected) bytes arrived.", status: response.status)
            }
            try requireVideo(head: head, size: size, response: response, host: host)
            return Received(
                file: file, body: Data(), size: size, contentType: response.headers["Content-Type"], host: host)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// Moves a checked video into place (or writes one a transport kept in memory).
    private func place(_ video: Received) -> Result<DownloadedVideo, VideoProviderError> {
        if let file = video.file {
            guard rename(file.path, destination.path) == 0 else {
                let reason = SystemErrorText.describe(errno: errno)
                try? FileManager.default.removeItem(at: file)
                return .failure(failure("Cannot move the download into place at \(destination.path): \(reason)."))
            }
        } else {
            do {
                try video.body.write(to: destination, options: .atomic)
            } catch {
                return .failure(
                    VideoProviderError(
                        .download, "Cannot write \(destination.path): \(SystemErrorText.describe(error)).",
                        providerID: job.providerID, taskID: job.taskID))
            }
        }
        return .success(
            DownloadedVideo(
                job: job, fileURL: destination, byteCount: video.size, contentType: video.contentType,
                sourceHost: video.host))
    }

    /// Throws unless the body is a video (see ``VideoSignature``): the error says what came instead, with the
    /// vendor's code and message when it is a JSON error, and quotes the body's start.
    ///
    /// - Parameter raw: the body's first bytes as received (the sniffer judges them; the key is scrubbed from
    ///   them before anything is quoted).
    private func requireVideo(head raw: Data, size: Int64, response: HTTPResponse, host: String?)
        throws(VideoProviderError)
    {
        let secret = endpoint.secret
        let verdict = VideoSignature.judge(
            head: raw.prefix(VideoSignature.headLength), totalSize: size, contentType: response.mediaType)
        guard case .notVideo(let what) = verdict else { return }
        let head = raw.redactingSecretPrefixes(secret)
        let label = response.headers["Content-Type"].map { ", Content-Type \($0.escapingControlCharacters())" } ?? ""
        var message =
            "\(host ?? "The server") answered HTTP \(response.status) with \(what)\(label), not a video; nothing was saved."
        if size > 0 { message += " It starts: \(Self.quote(head, secret: secret))" }
        var error = failure(message, status: response.status)
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
