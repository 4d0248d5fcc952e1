import Foundation
import VideoProviderKit

// The shared reading rules of deployed gateways (GatewayAnswer, VendorResponse; docs/real-gateways.md) on
// arbitrary JSON: no trap, and tolerance never invents a task, a success or a URL.

let asked = URL(string: "https://gw.fuzz.invalid/kyyReactApiServer/v1/result/task-0123")!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzData(bytes, count)
    guard let json = try? JSONValue.parse(input) else { return 0 }
    let answer = GatewayAnswer(json: json, relativeTo: asked)

    // A task id is a non-blank field the answer holds.
    if let id = answer.taskID {
        require(!id.isEmpty && id == id.trimmingCharacters(in: .whitespacesAndNewlines), "task id '\(id)'")
    }
    // Completed only from a completed word; a moderation flag always fails the task.
    switch answer.status {
    case .completed?:
        require(
            TaskStatus(vendorStatus: answer.rawStatus ?? "") == .completed,
            "completed from \(answer.rawStatus ?? "none")")
        require(!answer.isModerated, "a moderated answer read as completed")
    case .unknown?:
        require(!answer.reportsError, "an unknown word beside an error is not failed")
    case nil:
        require(answer.rawStatus == nil && !answer.isModerated, "a status word or flag was dropped")
    default:
        break
    }
    if answer.isModerated { require(answer.status == .failed, "moderated but \(String(describing: answer.status))") }
    // URLs are http(s); a path resolves onto the asked URL's origin, never elsewhere by itself.
    if let url = answer.videoURL {
        let scheme = url.scheme?.lowercased() ?? ""
        require(scheme == "http" || scheme == "https", "video URL \(url)")
        require(url.host?.isEmpty == false, "video URL without a host: \(url)")
    }
    // Wording: the kinds are consistent with the HTTP status whatever the text.
    for status in [200, 400, 401, 403, 404, 429, 500, 503] {
        let kind = VendorResponse.classify(status: status, code: answer.errorCode, message: answer.errorMessage)
        if status >= 500 {
            require(kind == .serverError || kind == .contentPolicy, "\(kind) from HTTP \(status)")
        }
        require(kind != .ambiguousSubmission && kind != .invalidResponse, "classify gave \(kind)")
    }
    // A message is unwrapped at most once: what comes back is a plain message or the input itself.
    if let message = answer.errorMessage {
        let (_, unwrapped) = VendorResponse.unwrappingNestedJSON(message)
        _ = VendorResponse.isQuotaExhausted(code: answer.errorCode, message: unwrapped)
        _ = VendorResponse.isTaskNotFound(code: answer.errorCode, message: unwrapped)
    }
    return 0
}
