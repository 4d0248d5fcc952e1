public import Foundation

// The lifecycle steps beyond submit, status and content: a follow-up call for results that are not in the
// status answer, cancelling, and the origins a video URL may carry the key to. Every default keeps a
// provider that does not implement them exactly as it was: no follow-up, no cancel, the key to its own
// origin only.
extension VideoProvider {
    /// No follow-up call: the status answer says where the video is.
    public func resultRequest(for snapshot: TaskSnapshot, context: ProviderContext) -> HTTPRequest? { nil }

    /// Reads a follow-up answer by the shared rules: a non-2xx answer (or a 2xx that carries an error) is
    /// the vendor's typed error; otherwise `snapshot` takes the video URL found in the usual fields
    /// (``GatewayAnswer``), and an answer without one is ``VideoProviderError/Kind/invalidResponse``.
    public func parseResultResponse(
        _ response: HTTPResponse, for snapshot: TaskSnapshot
    ) throws(VideoProviderError) -> TaskSnapshot {
        guard response.isSuccess else {
            throw VendorResponse.error(
                for: response, provider: id, model: snapshot.model, taskID: snapshot.taskID, operation: "result query")
        }
        let json = try VendorResponse.jsonObject(
            response, provider: id, model: snapshot.model, taskID: snapshot.taskID, operation: "result query")
        let answer = GatewayAnswer(json: json, relativeTo: response.url)
        if answer.reportsError {
            throw VendorResponse.error(
                for: response, provider: id, model: snapshot.model, taskID: snapshot.taskID, operation: "result query")
        }
        guard let url = answer.videoURL else {
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the result query for task \(snapshot.taskID) without a video URL.",
                providerID: id, model: snapshot.model, taskID: snapshot.taskID, httpStatus: response.status)
        }
        var resolved = snapshot
        resolved.videoURL = url
        return resolved
    }

    /// The vendor has no cancel.
    public func cancelRequest(taskID: String, model: String, context: ProviderContext) -> HTTPRequest? { nil }

    /// Any 2xx answer (Runway's `204 No Content` included) means the task is cancelled; anything else is the
    /// vendor's typed error.
    public func parseCancelResponse(_ response: HTTPResponse, taskID: String) throws(VideoProviderError)
        -> TaskSnapshot
    {
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: id, taskID: taskID, operation: "cancel")
        }
        return TaskSnapshot(taskID: taskID, status: .cancelled)
    }

    public var credentialedContentOrigins: [URL] { [] }

    public var resultURLsExpire: Bool { false }
}
