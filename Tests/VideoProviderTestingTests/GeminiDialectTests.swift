import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The simulator's Gemini API dialect on the wire, against Google's Veo guide: `predictLongRunning`, the
/// operation (no `done` while running), the sample's URI on Google's host, the download redirected to the
/// CDN, the key in `x-goog-api-key`, refusals in Google's envelope.
@Suite struct GeminiDialectTests {
    static let base = "https://generativelanguage.googleapis.com"
    static let key = "AIza-simulator-0123456789"
    static let submitURL = base + "/v1beta/models/veo-3.1-generate-preview:predictLongRunning"
    static let documentedBody =
        #"{"instances":[{"prompt":"A cinematic shot of a majestic lion in the savannah."}],"parameters":{"aspectRatio":"16:9","durationSeconds":8,"resolution":"720p","negativePrompt":"cartoon, drawing, low quality"}}"#

    static func headers(key: String?) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let key {
            headers["x-goog-api-key"] = key
            headers.markSensitive("x-goog-api-key")
        }
        return headers
    }

    static func submit(_ body: String, url: String = submitURL, key: String? = key) -> HTTPRequest {
        var headers = headers(key: key)
        headers["Content-Type"] = "application/json"
        return HTTPRequest(
            method: .post, url: URL(string: url)!, headers: headers, body: HTTPBody(Data(body.utf8)), createsTask: true)
    }

    static func get(_ url: String, key: String? = key) -> HTTPRequest {
        HTTPRequest(method: .get, url: URL(string: url)!, headers: headers(key: key))
    }

    static func simulator(expectedKey: String? = nil) -> GatewaySimulator {
        var gateway = GatewaySimulator.Gateway.gemini()
        gateway.expectedAPIKey = expectedKey.map(APIKey.init)
        return GatewaySimulator(clock: VirtualClock(mode: .manual), gateways: [gateway], timing: .instant)
    }

    static func error(_ response: HTTPResponse) throws -> (code: Int?, message: String?, status: String?) {
        let error = try JSONValue.parse(response.body)["error"]
        return (error?["code"]?.intValue, error?["message"]?.stringValue, error?["status"]?.stringValue)
    }

    @Test func theDocumentedRequestRunsToAVideoOnGooglesHostRedirectedToTheCDN() async throws {
        let simulator = Self.simulator(expectedKey: Self.key)
        let submitted = try await simulator.send(Self.submit(Self.documentedBody))
        #expect(submitted.status == 200)
        let name = try #require(try JSONValue.parse(submitted.body)["name"]?.stringValue)
        #expect(name.hasPrefix("models/veo-3.1-generate-preview/operations/"))
        #expect(try JSONValue.parse(submitted.body) == .object(["name": .string(name)]))
        let task = try #require(simulator.tasks.first)
        #expect(task.id == name)
        #expect([task.seconds, task.requestedSeconds] == [8, 8])
        #expect([task.aspectRatio, task.resolution] == ["16:9", "720p"])

        let done = try await simulator.send(Self.get(Self.base + "/v1beta/" + name))
        let operation = try JSONValue.parse(done.body)
        #expect(operation["done"] == .bool(true))
        let fileID = String(name.split(separator: "/").last!)
        let uri = Self.base + "/v1beta/files/\(fileID):download?alt=media"
        #expect(
            operation["response"]?["generateVideoResponse"]?["generatedSamples"]?[0]?["video"]?["uri"] == .string(uri))

        // The download: Google's host with the key answers 302; the simulator follows like a transport, and
        // the key stays behind on the hop to the CDN.
        let video = try await simulator.send(Self.get(uri))
        #expect(video.status == 200)
        #expect(video.body == SampleVideo.mp4)
        #expect(video.url?.host == GatewaySimulator.defaultCDNBaseURL.host)
        let downloads = simulator.requests(.content)
        #expect(downloads.map(\.responseStatus) == [302, 200])
        #expect(downloads[0].carriesKey(Self.key))
        #expect(downloads[1].gatewayName == "CDN")
        #expect(!downloads[1].hasCredentials)
        #expect(downloads[1].headers["x-goog-api-key"] == nil)
        #expect(!simulator.cdnReceivedCredentials)
        #expect(simulator.task(name)?.downloads == 1)
    }

    @Test func aRunningOperationHasNoDone() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), gateways: [.gemini()])
        let submitted = try await simulator.send(Self.submit(Self.documentedBody))
        let name = try #require(try JSONValue.parse(submitted.body)["name"]?.stringValue)
        let running = try await simulator.send(Self.get(Self.base + "/v1beta/" + name))
        #expect(running.status == 200)
        #expect(try JSONValue.parse(running.body) == .object(["name": .string(name)]))
        // Its file is not there yet.
        let early = try await simulator.send(
            Self.get(Self.base + "/v1beta/files/\(name.split(separator: "/").last!):download?alt=media"))
        #expect(try Self.error(early).status == "NOT_FOUND")
    }

    /// No key: 403 `PERMISSION_DENIED`; a wrong one: 400 with `ErrorInfo.reason: "API_KEY_INVALID"`; a bearer
    /// token is no key here. Neither answer repeats the key.
    @Test func theKeyIsReadFromXGoogAPIKeyOnly() async throws {
        let simulator = Self.simulator(expectedKey: Self.key)
        let missing = try await simulator.send(Self.submit(Self.documentedBody, key: nil))
        #expect(missing.status == 403)
        #expect(try Self.error(missing).status == "PERMISSION_DENIED")
        var bearer = Self.submit(Self.documentedBody, key: nil)
        bearer.headers["Authorization"] = "Bearer \(Self.key)"
        #expect(try await simulator.send(bearer).status == 403)
        let wrong = try await simulator.send(Self.submit(Self.documentedBody, key: "AIza-wrong"))
        #expect(wrong.status == 400)
        #expect(try Self.error(wrong).message == "API key not valid. Please pass a valid API key.")
        #expect(try JSONValue.parse(wrong.body)["error"]?["details"]?[0]?["reason"] == .string("API_KEY_INVALID"))
        #expect(!String(decoding: wrong.body, as: UTF8.self).contains("AIza-wrong"))
        #expect(simulator.tasks.isEmpty)
    }

    @Test(arguments: [
        (
            #"{"instances":[{"prompt":"p"}],"parameters":{"durationSeconds":6,"resolution":"1080p"}}"#,
            "1080p only supports 8s duration; durationSeconds is 6."
        ),
        (
            #"{"instances":[{"prompt":"p"}],"parameters":{"durationSeconds":"8"}}"#,
            "durationSeconds needs to be a number."
        ),
        (
            #"{"instances":[{"prompt":"p"}],"parameters":{"durationSeconds":5}}"#,
            "'durationSeconds' 5 is not supported by veo-3.1-generate-preview; allowed: 4, 6, 8."
        ),
        (
            #"{"instances":[{"prompt":"p"}],"parameters":{"aspectRatio":"1:1"}}"#,
            #"'aspectRatio' must be one of "16:9", "9:16"."#
        ),
        (
            #"{"instances":[{"prompt":"p"}],"parameters":{"numberOfVideos":2}}"#,
            "`numberOfVideos` isn't supported by this model."
        ),
        (
            #"{"instances":[{"prompt":"p","image":{"inlineData":{"data":"AA==","mimeType":"image/png"}}}]}"#,
            "`inlineData` isn't supported by this model."
        ),
        (#"{"instances":[{"prompt":""}]}"#, "'prompt' is required and must be a non-empty string."),
    ])
    func whatTheGuideRulesOutIsInvalidArgument(_ body: String, _ message: String) async throws {
        let simulator = Self.simulator()
        let response = try await simulator.send(Self.submit(body))
        #expect(response.status == 400)
        let error = try Self.error(response)
        #expect(error.code == 400)
        #expect(error.status == "INVALID_ARGUMENT")
        #expect(error.message == message)
        #expect(simulator.tasks.isEmpty)
    }

    @Test func lastFrameAndReferencesAreVeo31Only() async throws {
        let image = #"{"bytesBase64Encoded":"\#(SampleImage.pngBase64)","mimeType":"image/png"}"#
        let simulator = Self.simulator()
        let veo3 = Self.base + "/v1beta/models/veo-3.0-generate-001:predictLongRunning"
        let last = try await simulator.send(
            Self.submit(#"{"instances":[{"prompt":"p","image":\#(image),"lastFrame":\#(image)}]}"#, url: veo3))
        #expect(try Self.error(last).message == "`lastFrame` isn't supported by this model.")
        let interpolation = try await simulator.send(
            Self.submit(#"{"instances":[{"prompt":"p","image":\#(image),"lastFrame":\#(image)}]}"#))
        #expect(interpolation.status == 200)
        #expect(simulator.tasks.first?.imageCount == 2)
        let references = try await simulator.send(
            Self.submit(
                #"{"instances":[{"prompt":"p","referenceImages":[{"image":\#(image),"referenceType":"asset"}]}],"parameters":{"aspectRatio":"9:16"}}"#
            ))
        #expect(try Self.error(references).message == "referenceImages need durationSeconds 8 and aspectRatio 16:9.")
    }

    @Test func unknownModelsAndOperationsAreNotFound() async throws {
        let simulator = Self.simulator()
        let model = try await simulator.send(
            Self.submit(Self.documentedBody, url: Self.base + "/v1beta/models/veo-2.0-generate-001:predictLongRunning"))
        #expect(model.status == 404)
        #expect(try Self.error(model).status == "NOT_FOUND")
        let operation = try await simulator.send(
            Self.get(Self.base + "/v1beta/models/veo-3.1-generate-preview/operations/nosuchop"))
        #expect(operation.status == 404)
        #expect(try Self.error(operation).message == "Requested entity was not found.")
    }

    /// Faults answer in Google's envelope: the status word as injected, and Google's quota answer (429
    /// `RESOURCE_EXHAUSTED` with a per-day `QuotaFailure`) for an exhausted account, Google having no 402.
    @Test func faultsAnswerInGooglesEnvelope() async throws {
        let simulator = Self.simulator()
        simulator.inject(.httpError(status: 503, message: "The model is overloaded.", code: "UNAVAILABLE"), on: .submit)
        let overloaded = try await simulator.send(Self.submit(Self.documentedBody))
        #expect(overloaded.status == 503)
        #expect(try Self.error(overloaded).status == "UNAVAILABLE")
        simulator.inject(.quotaExhausted, on: .submit)
        let quota = try await simulator.send(Self.submit(Self.documentedBody))
        #expect(quota.status == 429)
        #expect(try Self.error(quota).status == "RESOURCE_EXHAUSTED")
        #expect(
            try JSONValue.parse(quota.body)["error"]?["details"]?[0]?["violations"]?[0]?["quotaId"]
                == .string("PredictLongRunningRequestsPerDayPerProjectPerModel"))
        #expect(simulator.tasks.isEmpty)
    }

    /// Scripted ends: an operation `error` with the google.rpc code, and the Responsible-AI filter's count and
    /// reasons in place of samples.
    @Test func badEndsAreDoneOperations() async throws {
        let simulator = Self.simulator()
        simulator.scriptNextTasks(.init(outcome: .failure(message: "Video generation failed.", code: "13")))
        simulator.scriptNextTasks(.init(outcome: .moderated))
        var answers: [JSONValue] = []
        for _ in 0..<2 {
            let submitted = try await simulator.send(Self.submit(Self.documentedBody))
            let name = try #require(try JSONValue.parse(submitted.body)["name"]?.stringValue)
            answers.append(try JSONValue.parse(try await simulator.send(Self.get(Self.base + "/v1beta/" + name)).body))
        }
        #expect(answers[0]["done"] == .bool(true))
        #expect(answers[0]["error"] == .object(["code": .int(13), "message": .string("Video generation failed.")]))
        let filtered = answers[1]["response"]?["generateVideoResponse"]
        #expect(filtered?["raiMediaFilteredCount"] == .int(1))
        #expect(filtered?["generatedSamples"] == nil)
    }
}

/// The simulator follows redirects as the real transports do (`RedirectRules`): never for a task-creating
/// request, at most ten hops.
@Suite struct SimulatorRedirectTests {
    @Test func aSubmissionIsNeverRedirected() async throws {
        let simulator = GeminiDialectTests.simulator()
        simulator.inject(
            .response(
                status: 307, headers: ["Location": GeminiDialectTests.submitURL.replacing("veo-3.1", with: "veo-3.0")]),
            on: .submit)
        let response = try await simulator.send(GeminiDialectTests.submit(GeminiDialectTests.documentedBody))
        #expect(response.status == 307)
        #expect(simulator.count(.submit) == 1)
        #expect(simulator.tasks.isEmpty)
    }

    @Test func aLoopStopsAfterTenHops() async throws {
        let simulator = GeminiDialectTests.simulator()
        let loop = GeminiDialectTests.base + "/v1beta/files/loop:download?alt=media"
        simulator.inject(.response(status: 302, headers: ["Location": loop]), on: .content, times: nil)
        let response = try await simulator.send(GeminiDialectTests.get(loop))
        #expect(response.status == 302)
        #expect(simulator.count(.content) == 11)
        // Every hop stays on Google's origin, so each keeps the key.
        #expect(simulator.requests(.content).allSatisfy { $0.carriesKey(GeminiDialectTests.key) })
    }
}

/// Each dialect reads the key where it travels: the Grok dialects keep `Authorization: Bearer` and their
/// messages; an `x-goog-api-key` header is no key to them.
@Suite struct SimulatorKeyPlacementTests {
    static let url = "https://duoyuanx.com/v1/videos"
    static let body = #"{"model":"grok-imagine-video","prompt":"p"}"#

    static func post(_ headers: HTTPHeaders) -> HTTPRequest {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPRequest(
            method: .post, url: URL(string: url)!, headers: headers, body: HTTPBody(Data(body.utf8)), createsTask: true)
    }

    @Test func theBearerDialectsAnswerAsBefore() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let missing = try await simulator.send(Self.post(["x-goog-api-key": "AIza-0123456789"]))
        #expect(missing.status == 401)
        #expect(
            try JSONValue.parse(missing.body)
                == .object([
                    "error": .object([
                        "message": .string("Missing Authorization header; send 'Authorization: Bearer <API key>'."),
                        "type": .string("authentication_error"), "code": .string("missing_api_key"),
                    ])
                ]))
        let basic = try await simulator.send(Self.post(["Authorization": "Basic abc"]))
        #expect(
            try JSONValue.parse(basic.body)["error"]?["message"]
                == .string("The Authorization header must be 'Bearer <API key>' with a non-empty key."))
        let accepted = try await simulator.send(Self.post(["Authorization": "Bearer sk-0123456789"]))
        #expect(accepted.status == 200)
        #expect(simulator.requests(.submit).last?.carriesKey("sk-0123456789") == true)
        #expect(simulator.requests(.submit).last?.carriesBearerToken("sk-0123456789") == true)
    }
}
