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
            status: statuses[Int(input[input.startIndex]) % statuses.count], headers: headers, body: body)
        let request = requests[Int(selector >> 4) % requests.count]

        do {
            let snapshot = try provider.parseSubmitResponse(response, for: request)
            check(snapshot, of: response, operation: "submit")
            require(
                !snapshot.taskID.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                "a submit snapshot without a task id")
        } catch {
            check(error, of: response)
        }
        do {
            let snapshot = try provider.parseStatusResponse(response, taskID: taskID)
            check(snapshot, of: response, operation: "status")
            require(snapshot.taskID == taskID, "the status snapshot is for \(snapshot.taskID), not \(taskID)")
        } catch {
            check(error, of: response)
        }
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
