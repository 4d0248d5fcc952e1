import Foundation
import VideoProviderKit

/// Feeds one fuzz input to a provider's submit and status decoders as an HTTP response.
///
/// Input layout: byte 0 picks the status code, byte 1 the `Content-Type` (low 3 bits), whether a header
/// block follows (bit 3) and the model the submit answer is paired with (high 4 bits); the rest is the
/// body, after an optional `Name: value` block ended by an empty line (`Retry-After`,
/// `openai-poll-after-ms` and the like).
enum ResponseFuzzer {
    static let statuses = [200, 201, 202, 204, 400, 401, 403, 404, 408, 429, 500, 502, 503, 302, 299, 100]
    static let contentTypes: [String?] = [
        "application/json", "application/json; charset=utf-8", "text/html", "text/plain", nil,
        " Application/JSON ", "multipart/form-data; boundary=x", "text/html; charset=UTF-8",
    ]
    static let taskID = "task-0123"

    /// One resolved request per model of the provider, to pair with submit answers.
    static func requests(for provider: some VideoProvider) -> [ResolvedVideoRequest] {
        provider.descriptor.models.compactMap { model in
            try? RequestValidator.resolve(
                VideoRequest(model: model.model, prompt: "A lighthouse at dusk"), on: provider.descriptor,
                policy: .adjustToNearest)
        }
    }

    static func run(_ provider: some VideoProvider, requests: [ResolvedVideoRequest], input: Data) {
        guard input.count >= 2, !requests.isEmpty else { return }
        let selector = input[input.startIndex + 1]
        var headers = HTTPHeaders()
        var body = Data(input.dropFirst(2))
        if selector & 0x08 != 0, let (fields, rest) = splitHeaderBlock(body) {
            for (name, value) in fields { headers.add(name, value) }
            body = rest
        }
        if let contentType = contentTypes[Int(selector & 0x07)] { headers["Content-Type"] = contentType }
        let response = HTTPResponse(
            status: statuses[Int(input[input.startIndex]) % statuses.count], headers: headers, body: body,
            url: askedURL)
        let request = requests[Int(selector >> 4) % requests.count]

        let answer = (try? JSONValue.parse(body)).map { GatewayAnswer(json: $0, relativeTo: askedURL) }
        do {
            let snapshot = try provider.parseSubmitResponse(response, for: request)
            check(snapshot, of: response, operation: "submit")
            require(
                !snapshot.taskID.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                "a submit snapshot without a task id")
            // Tolerance never invents a task: the id is one the answer holds (docs/real-gateways.md).
            require(answer?.taskID == snapshot.taskID, "submit snapshot \(snapshot.taskID) not read from the answer")
            checkShared(snapshot, answer: answer)
        } catch {
            check(error, of: response)
            checkRefusal(error, answer: answer, response: response)
        }
        do {
            let snapshot = try provider.parseStatusResponse(response, taskID: taskID)
            check(snapshot, of: response, operation: "status")
            require(snapshot.taskID == taskID, "the status snapshot is for \(snapshot.taskID), not \(taskID)")
            checkShared(snapshot, answer: answer)
        } catch {
            check(error, of: response)
        }
    }

    /// The URL the fuzzed answer came from: paths in it resolve against this gateway.
    static let askedURL = URL(string: "https://gw.fuzz.invalid/v1/videos/task-0123")!

    /// The shared reading rules on a snapshot: a moderation flag always means failed with no URL; completed
    /// comes only from a word the table reads as completed, or from a status-less answer with a URL.
    static func checkShared(_ snapshot: TaskSnapshot, answer: GatewayAnswer?) {
        guard let answer else { return }  // an HTTP 202 with an empty body (xAI)
        if answer.isModerated {
            require(snapshot.status == .failed, "a moderated answer read as \(snapshot.status)")
            require(snapshot.videoURL == nil, "a moderated answer kept its video URL")
        }
        if snapshot.status == .completed {
            let word = answer.rawStatus.map(TaskStatus.init(vendorStatus:))
            require(
                word == .completed || (answer.rawStatus == nil && answer.videoURL != nil),
                "completed read from status \(answer.rawStatus ?? "none")")
        }
        if snapshot.status == .unknown { require(!answer.reportsError, "an unknown word beside an error kept polling") }
    }

    /// A 2xx submit answer that is refused must be a refusal the answer states (nothing created), or an
    /// unreadable answer (ambiguous): never a typed refusal invented from an answer that says nothing.
    static func checkRefusal(_ error: any Error, answer: GatewayAnswer?, response: HTTPResponse) {
        guard let error = error as? VideoProviderError, response.isSuccess else { return }
        require(error.kind != .ambiguousSubmission, "a parser reported an ambiguous submission itself")
        if error.kind != .invalidResponse {
            require(answer?.reportsError == true, "a 2xx refusal (\(error.kind)) from an answer without an error")
            require(answer?.taskID == nil, "a 2xx answer with a task id was refused")
        }
        if error.kind == .quotaExceeded { require(response.status < 500, "quota-exceeded from a 5xx") }
    }

    /// What every snapshot promises (TaskSnapshot's documentation and VendorResponse's helpers).
    static func check(_ snapshot: TaskSnapshot, of response: HTTPResponse, operation: String) {
        require(response.isSuccess, "a \(operation) snapshot from an HTTP \(response.status) answer")
        if let progress = snapshot.progress { require((0...100).contains(progress), "progress \(progress)") }
        if let url = snapshot.videoURL {
            require(["http", "https"].contains(url.scheme?.lowercased() ?? ""), "video URL \(url)")
        }
        if let pollAfter = snapshot.pollAfter { require(pollAfter >= .zero, "negative poll hint \(pollAfter)") }
        if let duration = snapshot.actualDuration { require(duration.isFinite, "duration \(duration)") }
    }

    /// The protocol's `throws` is untyped, but every provider promises a ``VideoProviderError``.
    static func check(_ error: any Error, of response: HTTPResponse) {
        guard let error = error as? VideoProviderError else { fatalError("a decoder threw \(type(of: error))") }
        _ = error.description
        if let retryAfter = error.retryAfter { require(retryAfter >= .zero, "negative Retry-After \(retryAfter)") }
    }
}
