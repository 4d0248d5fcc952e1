import Foundation
import VideoProviderKit

extension ProviderConformance {
    /// Task ids that are vendor data, and the single path segment each must become: a `/`, `?`, `#` or
    /// space in one must not change which endpoint is called.
    static let oddTaskIDs = [
        ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"), ("../status", "..%2Fstatus"),
        ("任务 ✓", "%E4%BB%BB%E5%8A%A1%20%E2%9C%93"),
    ]

    /// Ids that name no task.
    static let blankTaskIDs = ["", " ", "\n"]

    static let cdnURL = URL(string: "https://cdn.example.com/v/video_1.mp4")!

    // MARK: - Submit

    func requestSampleFailures() -> [String] {
        var findings = Findings()
        findings.check(!requests.isEmpty, "no documented request to compare with")
        for sample in requests {
            let label = "request sample '\(sample.name)'"
            do {
                let resolved = try RequestValidator.resolve(
                    sample.request, on: provider.descriptor, policy: sample.policy)
                if let warnings = sample.warnings {
                    findings.equal(resolved.warnings.map(\.parameter), warnings, "\(label): the warnings")
                }
                if let messages = sample.warningMessages {
                    findings.equal(resolved.warnings.map(\.message), messages, "\(label): the warnings' messages")
                }
                let request = try provider.submitRequest(for: resolved, context: context)
                let body = try request.body.collect()
                findings.equal(request.method, .post, "\(label): the method")
                findings.equal(request.url.absoluteString, Self.url(baseURL, submitPath), "\(label): the URL")
                findings.equal(request.headers["Content-Type"], contentType(of: sample), "\(label): Content-Type")
                findings.equal(request.headers[credentialHeader], expectedCredential, "\(label): \(credentialHeader)")
                findings.equal(request.headers["Accept"], "application/json", "\(label): Accept")
                findings.check(request.createsTask, "\(label): a submission must be marked createsTask")
                if body != sample.body {
                    findings.fail(
                        "\(label): the body differs:\n  got      \(String(decoding: body, as: UTF8.self))\n"
                            + "  expected \(String(decoding: sample.body, as: UTF8.self))")
                }
                findings.equal(request.body.length, Int64(body.count), "\(label): the announced length")
                // A local file is streamed while the body is written, never loaded up front.
                let files = sample.request.images.contains { if case .file = $0 { true } else { false } }
                findings.equal(request.body.readsFiles, files, "\(label): reads files while sending")
            } catch {
                findings.fail("\(label): \(error)")
            }
        }
        return findings.list
    }

    /// The sample's `Content-Type`, or the suite's: multipart with the conformance boundary when the body
    /// starts with it, JSON otherwise.
    func contentType(of sample: RequestSample) -> String {
        if let contentType = sample.contentType { return contentType }
        return sample.body.starts(with: Data("--\(boundary)\r\n".utf8))
            ? "multipart/form-data; boundary=\(boundary)" : "application/json"
    }

    // MARK: - Headers and the key

    /// The key goes in the scheme's header (`Authorization` unless the provider says otherwise) and nowhere
    /// else; without a key there is no such header; the app's headers go with every request to the gateway,
    /// without changing `Content-Type`; a base URL's path prefix is kept.
    func headerFailures() -> [String] {
        var findings = Findings()
        do {
            let resolved = try sampleRequest()
            let completed = TaskSnapshot(taskID: sampleTaskID, status: .completed, videoURL: Self.cdnURL)
            func requests(_ context: ProviderContext) throws(VideoProviderError) -> [(String, HTTPRequest)] {
                var built = [
                    ("submit", try provider.submitRequest(for: resolved, context: context)),
                    (
                        "status",
                        try provider.statusRequest(taskID: sampleTaskID, model: resolved.model, context: context)
                    ),
                ]
                if let content = try provider.contentRequest(for: completed, context: context) {
                    built.append(("content", content))
                }
                return built
            }
            for (name, request) in try requests(context) {
                let holders = request.headers.filter { $0.value.contains(apiKey) || $0.value == expectedCredential }
                    .map(\.name)
                let gateway = VendorResponse.isSameOrigin(request.url, baseURL)
                findings.equal(holders, gateway ? [credentialHeader] : [], "\(name): the headers that hold the key")
                findings.check(!request.url.absoluteString.contains(apiKey), "\(name): the key is in the URL")
                let body = (try? request.body.collect()) ?? Data()
                findings.check(
                    body.range(of: Data(apiKey.utf8)) == nil, "\(name): the key is in the body")
                if gateway {
                    findings.equal(
                        request.headers.redacted()[credentialHeader], redactedCredential, "\(name): redacted")
                    // Every header the scheme calls secret is marked so: redacted, and dropped off-origin.
                    for secret in provider.credentialScheme.sensitiveHeaderNames.sorted()
                    where request.headers.contains(secret) {
                        findings.check(
                            request.headers.isSensitive(secret), "\(name): \(secret) is not marked sensitive")
                    }
                }
            }
            // In production the multipart boundary is random, and the header names the one the body uses.
            let random = ProviderContext(
                baseURL: baseURL, apiKey: APIKey(apiKey), credentials: provider.credentialScheme)
            let submit = try provider.submitRequest(for: resolved, context: random)
            let prefix = "multipart/form-data; boundary="
            if let type = submit.headers["Content-Type"], type.hasPrefix(prefix) {
                let boundary = String(type.dropFirst(prefix.count))
                let body = try submit.body.collect()
                findings.equal(boundary, random.multipartBoundary, "the random boundary in Content-Type")
                findings.equal(boundary.count, "VideoProviderKit-".count + 24, "the random boundary's length")
                findings.check(body.starts(with: Data("--\(boundary)\r\n".utf8)), "the body opens with the boundary")
                findings.check(
                    body.suffix(boundary.count + 6) == Data("--\(boundary)--\r\n".utf8),
                    "the body closes with the boundary")
            }
            let keyless = ProviderContext(
                baseURL: baseURL, apiKey: nil, multipartBoundary: boundary, credentials: provider.credentialScheme)
            for (name, request) in try requests(keyless) {
                findings.equal(request.headers[credentialHeader], nil, "\(name) without a key: \(credentialHeader)")
            }
            let baseline = try provider.submitRequest(for: resolved, context: context).headers["Content-Type"]
            let proxy = URL(string: "https://proxy.example.com/prefix/")!
            let withHeaders = ProviderContext(
                baseURL: proxy, apiKey: APIKey(apiKey),
                additionalHeaders: ["X-Team": "video", "Content-Type": "text/plain"],
                multipartBoundary: boundary, credentials: provider.credentialScheme)
            for (name, request) in try requests(withHeaders) where VendorResponse.isSameOrigin(request.url, proxy) {
                findings.equal(request.headers["X-Team"], "video", "\(name): the app's header")
                findings.check(
                    request.url.absoluteString.hasPrefix("https://proxy.example.com/prefix/v"),
                    "\(name): the base URL's path prefix is lost in \(request.url.absoluteString)")
                if name == "submit" {
                    findings.equal(request.headers["Content-Type"], baseline, "submit: Content-Type beside app headers")
                    findings.equal(request.url.absoluteString, Self.url(proxy, submitPath), "submit under a prefix")
                }
            }
        } catch {
            findings.fail("building the requests failed: \(error)")
        }
        return findings.list
    }

    // MARK: - Status

    func statusRequestFailures() -> [String] {
        var findings = Findings()
        do {
            let request = try provider.statusRequest(taskID: sampleTaskID, model: "m", context: context)
            findings.equal(request.method, .get, "status: the method")
            findings.equal(request.url.absoluteString, statusURL(sampleTaskID), "status: the URL")
            findings.equal(request.headers[credentialHeader], expectedCredential, "status: \(credentialHeader)")
            findings.equal(request.headers["Accept"], "application/json", "status: Accept")
            findings.check(!request.createsTask, "status: a status query creates nothing")
            findings.check(request.body.isEmpty, "status: a status query has no body")
            for (taskID, encoded) in Self.oddTaskIDs where malformedTaskIDs == nil {
                let odd = try provider.statusRequest(taskID: taskID, model: "m", context: context)
                findings.equal(odd.url.absoluteString, statusURL(encoded), "status of '\(taskID)'")
            }
        } catch {
            findings.fail("building a status request failed: \(error)")
        }
        // Ids of the wrong shape (the odd ones among them) are refused, never sent.
        for taskID in (malformedTaskIDs ?? []) + (malformedTaskIDs == nil ? [] : Self.oddTaskIDs.map(\.0)) {
            do {
                let built = try provider.statusRequest(taskID: taskID, model: "m", context: context)
                findings.fail("status of the malformed id '\(taskID)' was built: \(built.url.absoluteString)")
            } catch {
                findings.equal(error.kind, .invalidRequest, "status of the malformed id '\(taskID)'")
                findings.equal(error.violations.map(\.parameter), ["task-id"], "status of '\(taskID)': the parameter")
            }
        }
        for taskID in Self.blankTaskIDs {
            blankIDFailures(taskID, "status", &findings) { () throws(VideoProviderError) in
                _ = try provider.statusRequest(taskID: taskID, model: "m", context: context)
            }
        }
        return findings.list
    }

    private func blankIDFailures(
        _ taskID: String, _ what: String, _ findings: inout Findings, _ build: () throws(VideoProviderError) -> Void
    ) {
        do {
            try build()
            findings.fail("\(what) for the blank id \(taskID.debugDescription) was built; it must be refused")
        } catch {
            findings.equal(error.kind, .invalidRequest, "\(what) for the blank id \(taskID.debugDescription)")
            findings.equal(error.violations.map(\.parameter), ["task-id"], "\(what) for a blank id: the parameter")
        }
    }

    // MARK: - Content

    func contentRequestFailures() -> [String] {
        var findings = Findings()
        let completed = TaskSnapshot(taskID: sampleTaskID, status: .completed, videoURL: Self.cdnURL)
        let withoutURL = TaskSnapshot(taskID: sampleTaskID, status: .completed)
        // The client's second chance, whatever the provider: the video URL, without credentials.
        let fallback = provider.videoURLRequest(for: completed)
        findings.equal(fallback?.url, Self.cdnURL, "the video URL fallback")
        findings.equal(fallback?.headers["Authorization"], nil, "the video URL fallback: Authorization")
        do {
            let request = try provider.contentRequest(for: completed, context: context)
            switch content {
            case .videoURL:
                findings.equal(request?.url, Self.cdnURL, "content: the URL")
                findings.equal(request?.headers[credentialHeader], nil, "content from the CDN: \(credentialHeader)")
                findings.equal(request?.headers["Accept"], "video/*, */*", "content from the CDN: Accept")
                findings.check(
                    request?.headers.contains { $0.value.contains(apiKey) } == false, "content: the key goes to the CDN"
                )
                findings.check(
                    try provider.contentRequest(for: withoutURL, context: context) == nil,
                    "content without a video URL must be nil")
            case .endpoint(let path):
                func endpoint(_ encoded: String) -> String {
                    Self.url(baseURL, path.replacingOccurrences(of: "{id}", with: encoded))
                }
                findings.equal(request?.url.absoluteString, endpoint(sampleTaskID), "content: the URL")
                findings.equal(request?.headers[credentialHeader], expectedCredential, "content: \(credentialHeader)")
                findings.equal(request?.headers["Accept"], "video/*, */*", "content: Accept")
                let plain = try provider.contentRequest(for: withoutURL, context: context)
                findings.equal(plain?.url.absoluteString, endpoint(sampleTaskID), "content without a video URL")
                for (taskID, encoded) in Self.oddTaskIDs {
                    let odd = try provider.contentRequest(
                        for: TaskSnapshot(taskID: taskID, status: .completed), context: context)
                    findings.equal(odd?.url.absoluteString, endpoint(encoded), "content of '\(taskID)'")
                }
                for taskID in Self.blankTaskIDs {
                    blankIDFailures(taskID, "content", &findings) { () throws(VideoProviderError) in
                        _ = try provider.contentRequest(
                            for: TaskSnapshot(taskID: taskID, status: .completed), context: context)
                    }
                }
            }
            findings.equal(request?.method, .get, "content: the method")
            findings.check(request?.createsTask == false, "content: a download creates nothing")
            findings.check(request?.body.isEmpty == true, "content: a download has no body")
        } catch {
            findings.fail("building the content request failed: \(error)")
        }
        return findings.list
    }
}
