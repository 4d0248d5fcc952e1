import Foundation
import KlingProvider
import Testing
import VideoProviderKit

/// Every row of Kling's error-code table ("Error Code": HTTP status, service code, explanation), replayed as
/// Kling sends it, `{"code", "message", "request_id"}`, on a submit and on a status query: each must read as
/// the exact typed error. The messages are the table's Explanation column, or the body Kling's reference or a
/// real capture shows.
@Suite struct KlingErrorReplayTests {
    struct Row: Sendable, CustomStringConvertible {
        let http: Int
        let code: Int
        let message: String
        let kind: VideoProviderError.Kind

        init(_ http: Int, _ code: Int, _ message: String, _ kind: VideoProviderError.Kind) {
            self.http = http
            self.code = code
            self.message = message
            self.kind = kind
        }

        var body: String {
            #"{"code":\#(code),"message":"\#(message)","request_id":"9984d27b-a408-4073-ae28-17ca6a13622d"}"#
        }

        var description: String { "HTTP \(http) code \(code)" }
    }

    static let table: [Row] = [
        Row(401, 1000, "Authentication failed", .authentication),
        Row(401, 1001, "Authorization is empty", .authentication),
        Row(401, 1002, "Authorization is invalid", .authentication),
        Row(401, 1003, "Authorization is not yet valid", .authentication),
        Row(401, 1004, "Authorization has expired", .authentication),
        // Exhausted credit comes as HTTP 429, yet it is a quota, not a rate limit.
        Row(429, 1100, "Account exception", .quotaExceeded),
        Row(429, 1101, "Account in arrears (postpaid scenario)", .quotaExceeded),
        Row(429, 1102, "Account balance not enough", .quotaExceeded),
        Row(429, 1102, "Resource pack depleted or expired (prepaid scenario)", .quotaExceeded),
        Row(403, 1103, "Unauthorized access to requested resource, such as API/model", .authentication),
        Row(400, 1200, "Invalid request parameters", .vendorRejected),
        Row(400, 1201, "Element id not found: 315187972322559", .vendorRejected),
        Row(404, 1202, "The requested method is invalid", .vendorRejected),
        Row(404, 1203, "The requested resource does not exist, such as the model", .notFound),
        Row(400, 1300, "Trigger strategy of the platform", .contentPolicy),
        Row(400, 1301, "Failure to pass the risk control system", .contentPolicy),
        Row(429, 1302, "The API request is too fast, exceeding the platform's rate limit", .rateLimited),
        Row(429, 1303, "parallel task over resource pack limit", .rateLimited),
        // An IP allow-list refusal does not pass by waiting: the credentials' problem, not a rate limit.
        Row(429, 1304, "Trigger the platform's IP whitelisting policy", .authentication),
        Row(500, 5000, "Server internal error", .serverError),
        Row(503, 5001, "Server temporarily unavailable, usually due to maintenance", .serverError),
        Row(504, 5002, "Server internal timeout, usually due to a backlog", .serverError),
        // Several clients report refusals sent as HTTP 200: the code decides, not the status.
        Row(200, 1201, "Invalid parameters, such as incorrect key or illegal value", .vendorRejected),
        Row(200, 1102, "Resource pack depleted or expired (prepaid scenario)", .quotaExceeded),
    ]

    static func response(_ row: Row, headers: HTTPHeaders = ["Content-Type": "application/json"]) -> HTTPResponse {
        HTTPResponse(status: row.http, headers: headers, body: Data(row.body.utf8))
    }

    @Test(arguments: table)
    func aSubmitAnswerReadsAsTheTablesKind(_ row: Row) throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "kling-v2-6", prompt: "Rain"), on: KlingProvider().descriptor)
        do {
            _ = try KlingProvider().parseSubmitResponse(Self.response(row), for: resolved)
            Issue.record("\(row) read as a task")
        } catch {
            #expect(error.kind == row.kind)
            #expect(error.vendorCode == String(row.code))
            #expect(error.vendorMessage == row.message)
            #expect(error.httpStatus == row.http)
            #expect(error.providerID == "kling")
            #expect(error.model == "kling-v2-6")
            #expect(error.message == "kling refused the video submission (HTTP \(row.http)): \(row.message)")
        }
    }

    @Test(arguments: table)
    func aStatusAnswerReadsAsTheTablesKind(_ row: Row) {
        do {
            _ = try KlingProvider().parseStatusResponse(Self.response(row), taskID: "image2video/867283741759111202")
            Issue.record("\(row) read as a snapshot")
        } catch {
            #expect(error.kind == row.kind)
            #expect(error.vendorCode == String(row.code))
            #expect(error.vendorMessage == row.message)
            #expect(error.taskID == "image2video/867283741759111202")
        }
    }

    /// Kling asks for "exponential backoff … initial delay ≥ 1 second" on 1303; a `Retry-After` it sends is kept.
    @Test func retryAfterIsKept() throws {
        let row = Row(429, 1303, "parallel task over resource pack limit", .rateLimited)
        let response = Self.response(row, headers: ["Content-Type": "application/json", "Retry-After": "3"])
        do {
            _ = try KlingProvider().parseStatusResponse(response, taskID: "text2video/1")
            Issue.record("read as a snapshot")
        } catch {
            #expect(error.kind == .rateLimited)
            #expect(error.retryAfter == .seconds(3))
        }
    }

    /// A code the table does not list is read by its HTTP status and wording.
    @Test func anUnlistedCodeFallsBackToTheStatus() {
        for (http, kind) in [(429, VideoProviderError.Kind.rateLimited), (502, .serverError), (400, .vendorRejected)] {
            let body = #"{"code":1999,"message":"Something new","request_id":"x"}"#
            let response = HTTPResponse(
                status: http, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
            do {
                _ = try KlingProvider().parseStatusResponse(response, taskID: "text2video/1")
                Issue.record("read as a snapshot")
            } catch {
                #expect(error.kind == kind)
                #expect(error.vendorCode == "1999")
            }
        }
    }
}
