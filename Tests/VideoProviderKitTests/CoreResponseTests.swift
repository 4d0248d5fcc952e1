import Foundation
import Testing
import VideoProviderKit

private func response(
    _ status: Int, _ body: String, contentType: String? = "application/json", headers: HTTPHeaders = [:]
) -> HTTPResponse {
    var all = headers
    if let contentType { all["Content-Type"] = contentType }
    return HTTPResponse(status: status, headers: all, body: Data(body.utf8))
}

/// `HTTPHeaders`, `HTTPMethod` and `HTTPResponse`.
@Suite struct CoreHTTPMessageTests {
    @Test func headersAreOrderedAndCaseInsensitive() {
        var headers: HTTPHeaders = ["Accept": "application/json", "X-Trace": "1"]
        headers.add("x-trace", "2")
        #expect(headers["ACCEPT"] == "application/json")
        #expect(headers["x-TRACE"] == "1")
        #expect(headers.contains("x-trace"))
        #expect(headers.contains("Authorization") == false)
        // Setting replaces every value, at the first one's position and spelling.
        headers["X-TRACE"] = "3"
        #expect(headers.map { [$0.name, $0.value] } == [["Accept", "application/json"], ["X-Trace", "3"]])
        headers["New"] = "n"
        #expect(headers.map(\.name) == ["Accept", "X-Trace", "New"])
        headers["accept"] = nil
        #expect(headers.map(\.name) == ["X-Trace", "New"])
        headers.remove("NEW")
        #expect(headers.map(\.name) == ["X-Trace"])
    }

    @Test(arguments: [
        ("Authorization", "Bearer sk-live-123", "Bearer [redacted]"),
        ("authorization", "bearer sk-live-123", "bearer [redacted]"),
        ("Authorization", "Basic dXNlcjpwYXNz", "Basic [redacted]"),
        ("Proxy-Authorization", "Token t-1", "Token [redacted]"),
        ("Authorization", "sk-raw-key", "[redacted]"),
        ("Authorization", "Digest username=x", "[redacted]"),
        ("X-Api-Key", "k-123", "[redacted]"),
        ("api-key", "k-123", "[redacted]"),
        ("Cookie", "session=abc", "[redacted]"),
    ])
    func redactionKeepsOnlyTheScheme(name: String, value: String, redacted: String) {
        let headers: HTTPHeaders = [name: value, "Accept": "*/*"]
        #expect(headers.redacted().map { [$0.name, $0.value] } == [[name, redacted], ["Accept", "*/*"]])
        #expect(headers[name] == value)
    }

    @Test func methodsAreUpperCase() {
        #expect(HTTPMethod(rawValue: "patch").rawValue == "PATCH")
        #expect(HTTPMethod.get.description == "GET")
        #expect([HTTPMethod.post, .delete].map(\.rawValue) == ["POST", "DELETE"])
    }

    @Test func responseMediaTypeAndSuccess() {
        #expect(response(200, "", contentType: "Application/JSON; charset=utf-8").mediaType == "application/json")
        #expect(response(200, "", contentType: nil).mediaType == nil)
        #expect(
            [199, 200, 204, 299, 300, 404].map { HTTPResponse(status: $0).isSuccess } == [
                false, true, true, true, false, false,
            ])
        #expect(ResponseBodyDestination.memory == .memory(limit: 16 << 20))
    }
}

/// `VendorResponse`: defensive reading of every error shape the gateways use.
@Suite struct CoreVendorResponseTests {
    @Test(
        arguments: [
            (#"{"error":{"message":"m","type":"t","code":"c"}}"#, "c", "m"),
            (#"{"error":{"message":"m","type":"invalid_request_error"}}"#, "invalid_request_error", "m"),
            (#"{"error":{"msg":"m","code":42}}"#, "42", "m"),
            (#"{"error":{"code":"","message":""}}"#, nil, nil),
            (
                #"{"code":"Client specified an invalid argument","error":"bad duration"}"#,
                "Client specified an invalid argument", "bad duration"
            ),
            (#"{"error":"text","error_code":"e1"}"#, "e1", "text"),
            (#"{"code":"c","message":"m","data":null}"#, "c", "m"),
            (#"{"code":500,"msg":"m"}"#, "500", "m"),
            (#"{"detail":"d"}"#, nil, "d"),
            (#"{"fail_reason":"f"}"#, nil, "f"),
            (#"{"error":"","message":"m"}"#, nil, "m"),
            (#"{"error":null}"#, nil, nil),
            (#"{"code":1.5,"message":true}"#, nil, nil),
            ("{}", nil, nil),
            ("[1]", nil, nil),
        ] as [(String, String?, String?)])
    func extractErrorShapes(json: String, code: String?, message: String?) throws {
        let extracted = VendorResponse.extractError(from: try JSONValue.parse(Data(json.utf8)))
        #expect(extracted.code == code)
        #expect(extracted.message == message)
    }

    @Test(arguments: [
        (401, "authentication"), (403, "authentication"), (404, "not-found"), (408, "timeout"), (429, "rate-limited"),
        (500, "server-error"), (502, "server-error"), (599, "server-error"), (400, "vendor-rejected"),
        (409, "vendor-rejected"), (422, "vendor-rejected"), (200, "vendor-rejected"), (600, "vendor-rejected"),
    ])
    func classificationByStatus(status: Int, kind: String) {
        #expect(VendorResponse.classify(status: status, code: nil, message: "plain").rawValue == kind)
    }

    @Test(
        arguments: [
            ("content_policy_violation", nil), (nil, "Blocked by our safety system"), (nil, "NSFW content detected"),
            (nil, "Prompt failed moderation"), ("x", "Policy violation"), (nil, "sensitive content"),
            (nil, "inappropriate image"), (nil, "prohibited content"), (nil, "violates the content policy"),
        ] as [(String?, String?)])
    func contentPolicyWinsOverTheStatus(code: String?, message: String?) {
        #expect(VendorResponse.isContentPolicy(code: code, message: message))
        #expect(VendorResponse.classify(status: 500, code: code, message: message) == .contentPolicy)
    }

    @Test func notContentPolicy() {
        #expect(VendorResponse.isContentPolicy(code: nil, message: nil) == false)
        #expect(VendorResponse.isContentPolicy(code: "rate_limit", message: "slow down") == false)
    }

    @Test func errorForAJSONBody() {
        let error = VendorResponse.error(
            for: response(
                429, #"{"error":{"message":"slow down","code":"rate_limit"}}"#, headers: ["Retry-After": "12"]),
            provider: "gw", model: "m", taskID: "t", operation: "submission")
        #expect(error.kind == .rateLimited)
        #expect(error.message == "gw refused the submission (HTTP 429): slow down")
        #expect(error.providerID == "gw")
        #expect(error.model == "m")
        #expect(error.taskID == "t")
        #expect(error.httpStatus == 429)
        #expect(error.vendorCode == "rate_limit")
        #expect(error.vendorMessage == "slow down")
        #expect(error.retryAfter == .seconds(12))
    }

    @Test func errorForOtherBodies() {
        let plain = VendorResponse.error(
            for: response(503, "  upstream overloaded\n", contentType: "text/plain"), provider: "gw", operation: "op")
        #expect(plain.vendorMessage == "upstream overloaded")
        #expect(plain.message == "gw refused the op (HTTP 503): upstream overloaded")
        let long = VendorResponse.error(
            for: response(500, String(repeating: "x", count: 1000), contentType: nil), provider: "gw", operation: "op")
        #expect(long.vendorMessage == String(repeating: "x", count: 300))
        let titled = VendorResponse.error(
            for: response(502, "<html><head><title> Bad Gateway </title></head></html>", contentType: "text/html"),
            provider: "gw", operation: "op")
        #expect(titled.vendorMessage == "HTML page: Bad Gateway")
        let untitled = VendorResponse.error(
            for: response(502, "<!DOCTYPE html><body>oops</body>", contentType: nil), provider: "gw", operation: "op")
        #expect(untitled.vendorMessage == "an HTML page")
        let empty = VendorResponse.error(for: response(500, ""), provider: "gw", operation: "op")
        #expect(empty.vendorMessage == nil)
        #expect(empty.message == "gw refused the op (HTTP 500)")
        let blank = VendorResponse.error(for: response(500, " \n "), provider: "gw", operation: "op")
        #expect(blank.vendorMessage == nil)
    }

    @Test(
        arguments: [
            ("<html><title>Login</title></html>", "text/html", "an HTML page (Login) instead of JSON"),
            ("  <!DOCTYPE HTML><p>x</p>", nil, "an HTML page (no title) instead of JSON"),
            ("<head></head>", "application/json", "an HTML page (no title) instead of JSON"),
            ("", "application/json", "an empty body"),
            (#"{"a":"#, "application/json", "malformed JSON (unexpected end of input at byte 5)"),
            ("[]", "application/json", "JSON that is not an object"),
            ("\"text\"", "application/json", "JSON that is not an object"),
        ] as [(String, String?, String)])
    func jsonObjectSaysWhatArrivedInstead(body: String, contentType: String?, what: String) {
        let error = #expect(throws: VideoProviderError.self) {
            try VendorResponse.jsonObject(
                response(200, body, contentType: contentType), provider: "gw", model: "m", taskID: "t",
                operation: "status query")
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message == "gw answered the status query with \(what).")
        #expect(error?.httpStatus == 200)
        #expect(error?.model == "m")
        #expect(error?.taskID == "t")
    }

    @Test func jsonObjectReturnsObjects() throws {
        #expect(
            try VendorResponse.jsonObject(response(200, #"{"id":"x"}"#), provider: "gw", operation: "op") == ["id": "x"]
        )
    }

    @Test(
        arguments: [
            ("120", Duration.seconds(120)), ("0", .zero), ("1.5", .milliseconds(1500)), (" 30 ", .seconds(30)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", .zero),
        ] as [(String, Duration)])
    func retryAfterSecondsAndPastDates(value: String, duration: Duration) {
        #expect(VendorResponse.retryAfter(["Retry-After": value]) == duration)
    }

    @Test(arguments: [
        "", "soon", "-5", "inf", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
        "Sun, 06 Xyz 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun,  6 Nov 1994 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
    ])
    func retryAfterNonsenseIsIgnored(value: String) {
        #expect(VendorResponse.retryAfter(["Retry-After": value]) == nil)
        #expect(VendorResponse.retryAfter([:]) == nil)
    }

    @Test(
        arguments: [
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0), ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            ("Tue, 29 Feb 2000 23:59:59 GMT", 951_868_799), ("Fri, 31 Dec 2100 12:00:00 UTC", 4_133_937_600),
        ] as [(String, Double)])
    func httpDatesParseToTheirInstant(text: String, seconds: Double) {
        #expect(VendorResponse.httpDate(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test func retryAfterFutureHTTPDate() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        let date = formatter.string(from: Date().addingTimeInterval(86_400))
        let wait = try #require(VendorResponse.retryAfter(["retry-after": date]))
        // The date has whole seconds, so the wait is a day less the part of a second already gone (and
        // whatever the test took to get here).
        #expect(wait > .seconds(86_000))
        #expect(wait <= .seconds(86_400))
    }

    @Test func pollAfterPrefersTheMillisecondHint() {
        #expect(VendorResponse.pollAfter(["openai-poll-after-ms": "2500", "Retry-After": "9"]) == .milliseconds(2500))
        #expect(VendorResponse.pollAfter(["OpenAI-Poll-After-Ms": " 0 "]) == .zero)
        #expect(VendorResponse.pollAfter(["openai-poll-after-ms": "soon", "Retry-After": "9"]) == .seconds(9))
        #expect(VendorResponse.pollAfter(["openai-poll-after-ms": "-5", "Retry-After": "9"]) == .seconds(9))
        #expect(VendorResponse.pollAfter(["openai-poll-after-ms": "1.5"]) == nil)
        #expect(VendorResponse.pollAfter([:]) == nil)
    }

    @Test(arguments: [
        (JSONValue.int(42), 42 as Int?), (.double(42.5), 43), (.double(42.4), 42), (.string("42"), 42),
        (.string("42%"), 42), (.string(" 99.6% "), 100), (.int(-5), 0), (.int(150), 100), (.string("abc"), nil),
        (.string("NaN"), nil), (.double(.infinity), nil), (.bool(true), nil), (.null, nil), (.array([1]), nil),
    ])
    func progressForms(value: JSONValue, progress: Int?) {
        #expect(VendorResponse.progress(value) == progress)
    }

    @Test func progressOfAMissingField() {
        #expect(VendorResponse.progress(nil) == nil)
    }

    @Test(arguments: [
        ("https://cdn.example.com/v.mp4", "https://cdn.example.com/v.mp4"),
        ("  http://cdn.example.com/v.mp4\n", "http://cdn.example.com/v.mp4"),
        ("HTTPS://CDN.EXAMPLE.COM/V.MP4", "HTTPS://CDN.EXAMPLE.COM/V.MP4"),
    ])
    func urlsThatAreAccepted(text: String, url: String) {
        #expect(VendorResponse.url(.string(text))?.absoluteString == url)
    }

    @Test(arguments: [
        JSONValue.string(""), .string("   "), .string("ftp://cdn.example.com/v.mp4"), .string("javascript:alert(1)"),
        .string("/relative/v.mp4"), .string("file:///etc/passwd"), .string("not a url"), .int(7), .null,
    ])
    func urlsThatAreRefused(value: JSONValue) {
        #expect(VendorResponse.url(value) == nil)
    }
}

/// `VideoProviderError`: what a person reads, and that a key never survives in it.
@Suite struct CoreVideoProviderErrorTests {
    @Test func descriptionListsEveryKnownDetail() {
        let error = VideoProviderError(
            .vendorRejected, "gw refused the submission.", providerID: "gw", model: "m", taskID: "t", httpStatus: 400,
            vendorCode: "bad", vendorMessage: "duration too long", rawStatus: "failed",
            violations: [Violation(parameter: "seconds", value: "40", allowed: "6–30 s")],
            skipped: [SkippedCandidate(providerID: "other", model: "m2", reason: "no key")], underlying: "socket closed"
        )
        #expect(
            error.description == """
                gw refused the submission.
                  provider: gw, model: m, task: t, HTTP 400, vendor code: bad, status: failed
                  vendor says: duration too long
                  - seconds = 40 is not allowed; allowed: 6–30 s
                  - other:m2: no key
                  cause: socket closed
                """)
        #expect(error.errorDescription == error.description)
        #expect(error.localizedDescription == error.description)
    }

    @Test func vendorMessageIsNotRepeated() {
        let error = VideoProviderError(.serverError, "gw refused (HTTP 500): boom", vendorMessage: "boom")
        #expect(error.description == "gw refused (HTTP 500): boom")
    }

    @Test func skippedAndViolationDescriptions() {
        #expect(
            SkippedCandidate(providerID: "gw", model: nil, reason: "cooling down").description == "gw: cooling down")
        #expect(
            SkippedCandidate(
                providerID: "gw", model: "m", reason: "invalid",
                violations: [
                    Violation(parameter: "a", value: "1", allowed: "2"),
                    Violation(parameter: "b", value: "x", allowed: "y", reason: "why"),
                ]
            ).description == "gw:m: a = 1 is not allowed; allowed: 2; b = x is not allowed (why); allowed: y")
        #expect(
            SubmissionAttempt(
                providerID: "gw", model: "m", outcome: .fellBack, httpStatus: 503, detail: "down", endedAt: 0
            )
            .description == "gw:m fell-back (HTTP 503): down")
    }

    @Test func aCanarySecretNeverSurvivesRedaction() {
        let canary = "sk-CANARY-7f3a9"
        let error = VideoProviderError(
            .authentication, "gw says key \(canary) is invalid", providerID: "gw", model: "m", taskID: "t",
            httpStatus: 401, vendorCode: "bad_key_\(canary)", vendorMessage: "Incorrect API key provided: \(canary)",
            rawStatus: "failed:\(canary)",
            violations: [
                Violation(parameter: "vendor-options.k", value: canary, allowed: "not \(canary)", reason: canary)
            ],
            skipped: [
                SkippedCandidate(
                    providerID: "gw2", model: "m", reason: "echoed \(canary)",
                    violations: [Violation(parameter: "p", value: canary, allowed: "x")])
            ],
            attempts: [
                SubmissionAttempt(
                    providerID: "gw", model: "m", outcome: .stopped, httpStatus: 401, detail: canary, endedAt: 0)
            ],
            underlying: "URLError(\(canary))")
        let redacted = error.redacting(canary)
        let everything =
            redacted.description + redacted.message + (redacted.vendorCode ?? "") + (redacted.vendorMessage ?? "")
            + (redacted.rawStatus ?? "") + (redacted.underlying ?? "") + "\(redacted.violations)"
            + "\(redacted.skipped)"
            + "\(redacted.attempts)" + String(reflecting: redacted)
        #expect(!everything.contains(canary))
        #expect(redacted.message == "gw says key [redacted] is invalid")
        #expect(redacted.vendorMessage == "Incorrect API key provided: [redacted]")
        #expect(redacted.vendorCode == "bad_key_[redacted]")
        #expect(redacted.kind == .authentication)
        #expect(redacted.httpStatus == 401)
    }

    @Test func shortOrMissingSecretsChangeNothing() {
        let error = VideoProviderError(.timeout, "abc timed out", vendorMessage: "abc")
        #expect(error.redacting(nil).message == "abc timed out")
        #expect(error.redacting("abc").message == "abc timed out")
        #expect(error.redacting("abc ").message == "[redacted]timed out")
    }

    @Test func apiKeysDescribeThemselvesAsRedacted() {
        let key = APIKey("sk-CANARY-7f3a9")
        #expect("\(key)" == "[redacted]")
        #expect(String(reflecting: key) == "APIKey([redacted])")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("CANARY"))
        #expect(key.bearerHeaderValue == "Bearer sk-CANARY-7f3a9")
    }

    @Test func kindsAreStableValues() throws {
        #expect(VideoProviderError.Kind.ambiguousSubmission.rawValue == "ambiguous-submission")
        #expect(VideoProviderError.Kind.invalidRequest.description == "invalid-request")
        #expect(VideoProviderError.Kind.timeout ~= .timeout)
        #expect(!(VideoProviderError.Kind.timeout ~= .cancelled))
        #expect(
            String(decoding: try JSONEncoder().encode(VideoProviderError.Kind.rateLimited), as: UTF8.self)
                == #"{"rawValue":"rate-limited"}"#)
    }
}

/// `TaskStatus(vendorStatus:)` and snapshots.
@Suite struct CoreTaskStatusTests {
    @Test(arguments: [
        ("queued", TaskStatus.queued), ("pending", .queued), ("submitted", .queued), ("waiting", .queued),
        ("not_start", .queued), ("created", .queued), ("processing", .processing), ("in_progress", .processing),
        ("running", .processing), ("generating", .processing), ("started", .processing), ("completed", .completed),
        ("succeeded", .completed), ("success", .completed), ("done", .completed), ("finished", .completed),
        ("complete", .completed), ("failed", .failed), ("failure", .failed), ("error", .failed),
        ("cancelled", .cancelled), ("canceled", .cancelled), ("expired", .expired), (" DONE\n", .completed),
        ("In_Progress", .processing), ("paused", .unknown), ("", .unknown), ("in progress", .unknown),
    ])
    func vendorWords(word: String, status: TaskStatus) {
        #expect(TaskStatus(vendorStatus: word) == status)
    }

    @Test func terminalStates() {
        #expect(TaskStatus.allCases.filter(\.isTerminal) == [.completed, .failed, .cancelled, .expired])
        #expect(
            TaskStatus.allCases.map(\.description) == [
                "queued", "processing", "completed", "failed", "cancelled", "expired", "unknown",
            ])
    }

    @Test func snapshotsClampProgressAndRoundTrip() throws {
        #expect(TaskSnapshot(taskID: "t", status: .processing, progress: 140).progress == 100)
        #expect(TaskSnapshot(taskID: "t", status: .processing, progress: -3).progress == 0)
        let snapshot = TaskSnapshot(
            taskID: "t", status: .completed, rawStatus: "done", progress: 100,
            videoURL: URL(string: "https://cdn.example.com/v.mp4"), actualDuration: 6.5, model: "m",
            pollAfter: .milliseconds(1500))
        let data = try JSONEncoder().encode(snapshot)
        #expect(try JSONValue.parse(data)["pollAfterSeconds"] == .double(1.5))
        #expect(try JSONDecoder().decode(TaskSnapshot.self, from: data) == snapshot)
    }
}
