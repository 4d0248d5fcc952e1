import Foundation
import MiniMaxProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// What the shared contract does not cover: the `files/retrieve` follow-up, the provider options, the mode
/// rules, and what each `base_resp` refusal of a submission lets the client do with the money rule.
@Suite struct MiniMaxProviderTests {
    static let key = "sk-api-minimax-0123456789abcdef"
    static let context = ProviderContext(baseURL: URL(string: "https://api.minimax.io")!, apiKey: APIKey(key))
    static let provider = MiniMaxProvider()
    static let fileID = "176844028768320"
    static let cdnURL =
        "https://video-product.cdn.minimax.io/inference_output/video/2025-09-19/5c06f899-c689-4dfb-93f6-e4468a2743fc/output.mp4"

    static func resolve(_ request: VideoRequest) throws(VideoProviderError) -> ResolvedVideoRequest {
        try RequestValidator.resolve(request, on: provider.descriptor)
    }

    static func body(_ request: VideoRequest) throws -> String {
        let built = try provider.submitRequest(for: try resolve(request), context: context)
        return String(decoding: try built.body.collect(), as: UTF8.self)
    }

    static func answer(_ body: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var fields: HTTPHeaders = ["Content-Type": "application/json"]
        for field in headers { fields[field.name] = field.value }
        return HTTPResponse(status: 200, headers: fields, body: Data(body.utf8))
    }

    // MARK: - The follow-up call

    /// files/retrieve's list words 1026/1027 "Input content error" / "Output content error", which name no
    /// policy: the snapshot leads with the documented reason, so the client reads a content-policy refusal.
    @Test(arguments: [
        (1026, "Input content error", "Sensitive content detected in the input: Input content error"),
        (1027, "Output content error", "Sensitive content detected in the generated video: Output content error"),
        (1027, nil, "Sensitive content detected in the generated video"),
    ])
    func aSensitiveTaskIsAContentPolicyFailureWhateverItsText(code: Int, text: String?, expected: String) throws {
        let message = text.map { #","status_msg":"\#($0)""# } ?? ""
        let snapshot = try Self.provider.parseStatusResponse(
            Self.answer(
                #"{"task_id":"106916112212032","status":"Fail","base_resp":{"status_code":\#(code)\#(message)}}"#),
            taskID: "106916112212032")
        #expect(snapshot.status == .failed)
        #expect(snapshot.errorCode == String(code))
        #expect(snapshot.errorMessage == expected)
        #expect(VendorResponse.isContentPolicy(code: snapshot.errorCode, message: snapshot.errorMessage))
    }

    @Test func aCompletedTaskAsksFilesRetrieveWithTheKey() throws {
        let completed = try Self.provider.parseStatusResponse(
            Self.answer(
                #"{"task_id":"1","status":"Success","file_id":"\#(Self.fileID)","base_resp":{"status_code":0}}"#),
            taskID: "1")
        #expect(completed.resultReference == Self.fileID)
        #expect(completed.videoURL == nil)
        let request = try #require(try Self.provider.resultRequest(for: completed, context: Self.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://api.minimax.io/v1/files/retrieve?file_id=176844028768320")
        #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(!request.createsTask)
        // A task still running, or one whose URL is known, needs no follow-up.
        #expect(
            try Self.provider.resultRequest(for: TaskSnapshot(taskID: "1", status: .processing), context: Self.context)
                == nil)
        var resolved = completed
        resolved.videoURL = URL(string: Self.cdnURL)
        #expect(try Self.provider.resultRequest(for: resolved, context: Self.context) == nil)
    }

    @Test func theRetrievedURLIsTheVideoValidForAnHourFromTheAnswersDate() throws {
        let completed = TaskSnapshot(
            taskID: "1", status: .completed, rawStatus: "Success", resultReference: Self.fileID)
        let body =
            #"{"file":{"file_id":313992866418884,"bytes":0,"created_at":1758211235,"filename":"output.mp4","purpose":"video_generation","download_url":"\#(Self.cdnURL)"},"base_resp":{"status_code":0,"status_msg":"success"}}"#
        let resolved = try Self.provider.parseResultResponse(
            Self.answer(body, headers: ["Date": "Sun, 06 Dec 2026 01:00:00 GMT"]), for: completed)
        #expect(resolved.videoURL?.absoluteString == Self.cdnURL)
        #expect(resolved.videoURLExpiresAt == VendorResponse.httpDate("Sun, 06 Dec 2026 02:00:00 GMT"))
        #expect(resolved.status == .completed)
        #expect(resolved.resultReference == Self.fileID)
        // The content request goes to the CDN without the key.
        let content = try #require(Self.provider.contentRequest(for: resolved, context: Self.context))
        #expect(content.url.absoluteString == Self.cdnURL)
        #expect(content.headers["Authorization"] == nil)
        #expect(Self.provider.resultURLsExpire)
    }

    @Test func aBackupURLIsTakenWhenTheFirstIsMissing() throws {
        let completed = TaskSnapshot(taskID: "1", status: .completed, resultReference: Self.fileID)
        let resolved = try Self.provider.parseResultResponse(
            Self.answer(#"{"file":{"backup_download_url":"\#(Self.cdnURL)"},"base_resp":{"status_code":0}}"#),
            for: completed)
        #expect(resolved.videoURL?.absoluteString == Self.cdnURL)
        #expect(resolved.videoURLExpiresAt == nil)
    }

    /// The official example's placeholder `www.downloadurl.com` has no scheme: not a URL to fetch.
    @Test func aDownloadURLThatIsNotHTTPIsAnInvalidResponse() {
        let completed = TaskSnapshot(taskID: "1", status: .completed, resultReference: Self.fileID)
        let body =
            #"{"file":{"file_id":176844028768320,"bytes":5896337,"created_at":1700469398,"filename":"output_aigc.mp4","purpose":"video_generation","download_url":"www.downloadurl.com"},"base_resp":{"status_code":0,"status_msg":"success"}}"#
        #expect {
            try Self.provider.parseResultResponse(Self.answer(body), for: completed)
        } throws: { error in
            (error as? VideoProviderError)?.kind == .invalidResponse
        }
    }

    /// The files/retrieve page's codes, each at HTTP 200.
    @Test(arguments: [
        (1000, VideoProviderError.Kind.serverError), (1001, .timeout), (1002, .rateLimited), (1004, .authentication),
        (1008, .quotaExceeded), (1013, .serverError), (1026, .contentPolicy), (1027, .contentPolicy),
        (1039, .rateLimited), (2013, .vendorRejected),
    ])
    func aRefusedRetrievalIsTyped(_ code: Int, _ kind: VideoProviderError.Kind) {
        let completed = TaskSnapshot(taskID: "1", status: .completed, model: "MiniMax-Hailuo-02", resultReference: "9")
        do {
            _ = try Self.provider.parseResultResponse(
                Self.answer(#"{"base_resp":{"status_code":\#(code),"status_msg":"refused"}}"#), for: completed)
            Issue.record("code \(code) was read as a result")
        } catch {
            #expect(error.kind == kind)
            #expect(error.vendorCode == String(code))
            #expect(error.vendorMessage == "refused")
            #expect(error.httpStatus == 200)
            #expect(error.taskID == "1")
            #expect(error.model == "MiniMax-Hailuo-02")
        }
    }

    // MARK: - The money rule, per code

    /// What the client does with each refused submission (HTTP 200): only a refusal at the door may be sent
    /// again or elsewhere; a server-side code, or a code beside a task id, is ambiguous.
    @Test(arguments: [
        (1002, FailureAction.retry(after: nil)), (1039, .retry(after: nil)), (1041, .retry(after: nil)),
        (2045, .retry(after: nil)), (1004, .fallBack), (2049, .fallBack), (1008, .fallBack), (2056, .fallBack),
        (1026, .stop), (1027, .stop), (2013, .stop), (1000, .ambiguous), (1001, .ambiguous), (1013, .ambiguous),
        (1024, .ambiguous), (1033, .ambiguous), (9999, .stop),
    ])
    func eachRefusalOfASubmissionFollowsTheMoneyRule(_ code: Int, _ action: FailureAction) throws {
        let request = try Self.resolve(VideoRequest(model: "MiniMax-Hailuo-02", prompt: "Rain"))
        do {
            _ = try Self.provider.parseSubmitResponse(
                Self.answer(#"{"task_id":"","base_resp":{"status_code":\#(code),"status_msg":"no"}}"#), for: request)
            Issue.record("code \(code) was read as a task")
        } catch {
            #expect(FailureAction.forSubmission(error, retry: RetryPolicy()) == action, "\(error)")
            #expect(error.requestMayHaveBeenSent == (action == .ambiguous))
        }
    }

    @Test func aRefusalBesideATaskIDKeepsTheIDAndIsAmbiguous() throws {
        let request = try Self.resolve(VideoRequest(model: "MiniMax-Hailuo-02", prompt: "Rain"))
        #expect {
            try Self.provider.parseSubmitResponse(
                Self.answer(#"{"task_id":"42","base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}"#),
                for: request)
        } throws: { error in
            guard let error = error as? VideoProviderError else { return false }
            return error.kind == .ambiguousSubmission && error.taskID == "42" && error.vendorCode == "1008"
        }
    }

    // MARK: - Provider options

    @Test func providerOptionsGoToMiniMaxOnlyAndPromptOptimizerKeepsItsPlace() throws {
        var request = VideoRequest(model: "MiniMax-Hailuo-2.3", prompt: "Rain")
        request.providerOptions = [
            MiniMaxProvider.id: ["prompt_optimizer": false, "aigc_watermark": true], "gemini": ["seed": 1],
        ]
        #expect(
            try Self.body(request)
                == #"{"model":"MiniMax-Hailuo-2.3","prompt":"Rain","duration":6,"resolution":"768P","prompt_optimizer":false,"aigc_watermark":true}"#
        )
    }

    @Test(arguments: [
        ("prompt_optimizer", JSONValue.string("no"), "true, false"), ("fast_pretreatment", .int(1), "true, false"),
        ("aigc_watermark", .null, "true, false"), ("callback_url", .string("ftp://x.example"), "an http(s) URL"),
        ("first_frame_image", .string("https://example.com/a.png"), "any field but image fields"),
    ])
    func aBadOptionIsRefusedNamingIt(_ key: String, _ value: JSONValue, _ allowed: String) throws {
        var request = VideoRequest(model: "MiniMax-Hailuo-02", prompt: "Rain")
        request.providerOptions = [MiniMaxProvider.id: [key: value]]
        let resolved = try Self.resolve(request)
        #expect {
            try Self.provider.submitRequest(for: resolved, context: Self.context)
        } throws: { error in
            guard let error = error as? VideoProviderError else { return false }
            return error.kind == .invalidRequest
                && error.violations.map(\.parameter) == ["provider-options.minimax.\(key)"]
                && error.violations.map(\.allowed) == [allowed]
        }
    }

    // MARK: - Rules

    /// "1080P" only at 6 s; a last frame needs a first frame; with a first frame no ratio may be chosen.
    @Test(arguments: [
        (VideoRequest(model: "MiniMax-Hailuo-02", prompt: "p", seconds: 10, resolution: .p1080), "seconds"),
        (VideoRequest(model: "MiniMax-Hailuo-2.3", prompt: "p", seconds: 10, resolution: .p1080), "seconds"),
        (
            {
                var request = VideoRequest(
                    model: "MiniMax-Hailuo-02", prompt: "p", images: [.url(URL(string: "https://example.com/a.png")!)])
                request.imageRoles = [0: .lastFrame]
                return request
            }(), "images"
        ),
        (
            VideoRequest(
                model: "MiniMax-Hailuo-2.3", prompt: "p", aspectRatio: "16:9",
                images: [.url(URL(string: "https://example.com/a.png")!)]), "aspect-ratio"
        ),
        (
            {
                var request = VideoRequest(
                    model: "MiniMax-Hailuo-2.3", prompt: "p",
                    images: [
                        .url(URL(string: "https://example.com/a.png")!),
                        .url(URL(string: "https://example.com/b.png")!),
                    ])
                request.imageRoles = [0: .firstFrame, 1: .lastFrame]
                return request
            }(), "images[1]"
        ),
    ])
    func theTablesRulesRefuse(_ request: VideoRequest, _ parameter: String) {
        do {
            _ = try Self.resolve(request)
            Issue.record("\(request) was accepted")
        } catch {
            #expect(error.violations.map(\.parameter).contains(parameter), "\(error.violations)")
        }
    }

    @Test func tenSecondsByDefaultResolutionIs768P() throws {
        #expect(
            try Self.body(VideoRequest(model: "MiniMax-Hailuo-02", prompt: "p", seconds: 10))
                == #"{"model":"MiniMax-Hailuo-02","prompt":"p","duration":10,"resolution":"768P","prompt_optimizer":true}"#
        )
    }

    /// Image-to-video only, and 512P only from a first frame alone: refused before any byte.
    @Test(arguments: [
        (VideoRequest(model: "MiniMax-Hailuo-2.3-Fast", prompt: "p"), "images"),
        (VideoRequest(model: "MiniMax-Hailuo-02", prompt: "p", resolution: Resolution(parsing: "512P")), "resolution"),
        (
            {
                var request = VideoRequest(
                    model: "MiniMax-Hailuo-02", prompt: "p", resolution: Resolution(parsing: "512P"),
                    images: [
                        .url(URL(string: "https://example.com/a.png")!),
                        .url(URL(string: "https://example.com/b.png")!),
                    ])
                request.imageRoles = [0: .firstFrame, 1: .lastFrame]
                return request
            }(), "resolution"
        ),
    ])
    func modeRulesAreRefusedBeforeSending(_ request: VideoRequest, _ parameter: String) throws {
        let resolved = try Self.resolve(request)
        #expect {
            try Self.provider.submitRequest(for: resolved, context: Self.context)
        } throws: { error in
            (error as? VideoProviderError)?.violations.map(\.parameter) == [parameter]
        }
    }

    @Test func oddTaskAndFileIDsStayOneQueryValue() throws {
        let status = try Self.provider.statusRequest(taskID: "1&file_id=2", model: "m", context: Self.context)
        #expect(status.url.absoluteString == "https://api.minimax.io/v1/query/video_generation?task_id=1%26file_id%3D2")
        let completed = TaskSnapshot(taskID: "1", status: .completed, resultReference: "7 8#9")
        let result = try #require(try Self.provider.resultRequest(for: completed, context: Self.context))
        #expect(result.url.absoluteString == "https://api.minimax.io/v1/files/retrieve?file_id=7%208%239")
    }

    @Test func theTableShowsTheDependentRule() throws {
        let table = try #require(Self.provider.descriptor.capabilities(for: "MiniMax-Hailuo-02"))
        #expect(table.rules.map(\.summary).contains("when resolution 1080p: seconds 6"))
        #expect(table.resolutions?.values.map(\.rawValue) == ["512p", "768p", "1080p"])
        #expect(Self.provider.descriptor.documentedBaseURL?.absoluteString == "https://api.minimax.io")
    }
}
