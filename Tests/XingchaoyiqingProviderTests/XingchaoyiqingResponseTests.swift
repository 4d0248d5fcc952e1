import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit
import XingchaoyiqingProvider

/// Reading vendor answers through the Xingchaoyiqing provider. The parsing itself is the shared
/// kyyReactApiServer dialect; these tests pin that it is wired up under this provider's identity.
@Suite struct XingchaoyiqingResponseTests {
    let provider = Fixture.provider

    private func maxRequest() throws -> ResolvedVideoRequest {
        try Fixture.resolve(VideoRequest(model: "grok_video3_max", prompt: "Rain"))
    }

    @Test func documentedSubmitAnswer() throws {
        let body = """
            {"id":"video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd","object":"video","created":1774836724,
             "model":"grok_video3_max","status":"queued","error":null}
            """
        let snapshot = try provider.parseSubmitResponse(Fixture.response(200, body), for: try maxRequest())
        #expect(snapshot.taskID == "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd")
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == "queued")
        #expect(snapshot.model == "grok_video3_max")
        #expect(snapshot.errorMessage == nil)
    }

    @Test func statusRequest() throws {
        let request = try provider.statusRequest(
            taskID: "video_fd35", model: "grok_video3_max", context: Fixture.context)
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/result/video_fd35")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask == false)
    }

    @Test func statusRequestPercentEncodesTheID() throws {
        let request = try provider.statusRequest(
            taskID: "../admin task/1", model: "grok_video3", context: Fixture.context)
        #expect(
            request.url.absoluteString
                == "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/result/..%2Fadmin%20task%2F1")
    }

    @Test(arguments: [
        (#"{"id":"v","status":"queued","video_url":null,"error":null}"#, TaskStatus.queued),
        (#"{"id":"v","status":"processing","video_url":null,"error":null}"#, .processing),
        (
            #"{"id":"v","status":"completed","video_url":"https://cdn.example.com/v.mp4","actualDuration":16,"error":null}"#,
            .completed
        ),
        (#"{"id":"v","status":"failed","video_url":null,"error":"content policy violation"}"#, .failed),
        (#"{"id":"v","status":"paused"}"#, .unknown),
        (#"{"id":"v","status":"COMPLETED","video_url":"https://cdn.example.com/v.mp4"}"#, .completed),
    ])
    func documentedStatuses(body: String, expected: TaskStatus) throws {
        let snapshot = try provider.parseStatusResponse(Fixture.response(200, body), taskID: "v")
        #expect(snapshot.status == expected)
        #expect(snapshot.rawStatus != nil)
    }

    @Test func completedAnswer() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(
                200,
                """
                {"id":"v","object":"video","created":1774836724,"model":"grok_video3_max","status":"completed",
                 "video_url":"https://cdn.example.com/v.mp4","actualDuration":16.0,"error":null}
                """), taskID: "v")
        #expect(snapshot.videoURL?.absoluteString == "https://cdn.example.com/v.mp4")
        #expect(snapshot.actualDuration == 16)
        #expect(snapshot.model == "grok_video3_max")
    }

    @Test func failedAnswerKeepsTheVendorMessage() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"id":"v","status":"failed","error":"content policy violation"}"#), taskID: "v")
        #expect(snapshot.status == .failed)
        #expect(snapshot.errorMessage == "content policy violation")
    }

    @Test func unknownStatusKeepsTheVendorWord() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"id":"v","status":"paused"}"#), taskID: "v")
        #expect(snapshot.status == .unknown)
        #expect(snapshot.rawStatus == "paused")
    }

    @Test func unauthorizedIsTypedUnderThisProvider() throws {
        let error = #expect(throws: VideoProviderError.self) {
            try provider.parseSubmitResponse(
                Fixture.response(401, #"{"error":{"message":"invalid key","type":"auth","code":"invalid_api_key"}}"#),
                for: try maxRequest())
        }
        #expect(error?.kind == .authentication)
        #expect(error?.providerID == "xingchaoyiqing")
        #expect(error?.vendorCode == "invalid_api_key")
        #expect(error?.vendorMessage == "invalid key")
        #expect(error?.description.contains(Fixture.secret) == false)
    }

    @Test func rateLimitedWithRetryAfter() throws {
        let error = #expect(throws: VideoProviderError.self) {
            try provider.parseStatusResponse(Fixture.response(429, "{}", headers: ["Retry-After": "12"]), taskID: "v")
        }
        #expect(error?.kind == .rateLimited)
        #expect(error?.retryAfter == .seconds(12))
        #expect(error?.taskID == "v")
    }

    @Test func htmlBadGateway() throws {
        let response = HTTPResponse(
            status: 502, headers: ["Content-Type": "text/html"],
            body: Data("<html><head><title>502 Bad Gateway</title></head></html>".utf8))
        let error = #expect(throws: VideoProviderError.self) { try provider.parseStatusResponse(response, taskID: "v") }
        #expect(error?.kind == .serverError)
        #expect(error?.vendorMessage == "HTML page: 502 Bad Gateway")
    }

    @Test func contentRequestTargetsTheCDNWithoutCredentials() throws {
        let snapshot = TaskSnapshot(
            taskID: "v", status: .completed, videoURL: URL(string: "https://cdn.example.com/v.mp4"))
        let request = try #require(provider.contentRequest(for: snapshot, context: Fixture.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://cdn.example.com/v.mp4")
        #expect(request.headers["Authorization"] == nil)
        #expect(
            provider.contentRequest(for: TaskSnapshot(taskID: "v", status: .completed), context: Fixture.context) == nil
        )
    }

    static let submitBody = Data(
        #"{"id":"video_1","object":"video","created":1774836724,"model":"grok_video3","status":"queued","error":null}"#
            .utf8)

    /// Every strict prefix of a valid answer must become `.invalidResponse`, never a trap.
    @Test(arguments: 0..<submitBody.count)
    func everyTruncationIsAnInvalidResponse(length: Int) throws {
        let response = HTTPResponse(status: 201, body: Self.submitBody.prefix(length))
        let error = #expect(throws: VideoProviderError.self) {
            try provider.parseSubmitResponse(response, for: try maxRequest())
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.providerID == "xingchaoyiqing")
    }
}
