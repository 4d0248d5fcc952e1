import Foundation
import VideoProviderKit

@testable import VideoProviderTesting

/// Checks submit bodies with `SubmitValidator` and sends them through the simulator's whole request path
/// (`send`: routing, recording, auth, body parsing, validation, the answer), which must agree.
enum SimulatorFuzzer {
    static let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)

    /// The submit endpoint of each dialect, relative to a gateway's base URL.
    static func submitURL(_ gateway: GatewaySimulator.Gateway) -> URL {
        switch gateway.dialect {
        case .kyyReact: return gateway.baseURL.appendingPathComponent("v1/grok/videos")
        case .openAIFormat: return gateway.baseURL.appendingPathComponent("v1/videos")
        case .xAI: return gateway.baseURL.appendingPathComponent("v1/videos/generations")
        case .runway: return gateway.baseURL.appendingPathComponent("v1/text_to_video")
        case .miniMax: return gateway.baseURL.appendingPathComponent("v1/video_generation")
        case .gemini:
            let model = gateway.models.first?.name ?? "veo-3.1-generate-preview"
            return gateway.baseURL.appendingPathComponent("v1beta/models/\(model):predictLongRunning")
        case .kling: return gateway.baseURL.appendingPathComponent("v1/videos/text2video")
        }
    }

    /// Validates `body` for every gateway and sends it to one of them (picked by the body's length): a
    /// `send` costs several validations (it parses the body again to record it, and hops to a task).
    static func submit(_ body: Data, contentType: String, to gateways: [GatewaySimulator.Gateway]) {
        let headers: HTTPHeaders = ["Content-Type": contentType, "Authorization": "Bearer sk-fuzz"]
        var verdicts: [Bool] = []
        for gateway in gateways {
            verdicts.append((try? SubmitValidator.validate(headers: headers, body: body, gateway: gateway)) != nil)
        }
        let pick = body.count % gateways.count
        send(body, headers: headers, to: gateways[pick], accepted: verdicts[pick])
    }

    private static func send(
        _ body: Data, headers: HTTPHeaders, to gateway: GatewaySimulator.Gateway, accepted: Bool
    ) {
        let request = HTTPRequest(
            method: .post, url: submitURL(gateway), headers: headers, body: HTTPBody(body), createsTask: true)
        let response: HTTPResponse
        do {
            response = try blocking { try await simulator.send(request, bodyDestination: .memory) }
        } catch {
            fatalError("the simulator's transport threw \(error) for a submit to \(gateway.name)")
        }
        simulator.reset()
        require(
            response.isSuccess == accepted,
            "\(gateway.name) answered HTTP \(response.status), but SubmitValidator \(accepted ? "accepts" : "refuses")")
        require(response.status != 500, "\(gateway.name) answered HTTP 500")
        guard case .object? = try? JSONValue.parse(response.body) else {
            fatalError("\(gateway.name) answered a body that is not a JSON object: \(response.body.count) bytes")
        }
    }
}

/// Runs an async operation to completion from the synchronous fuzz entry point (libFuzzer's thread is
/// not one of Swift's cooperative threads, so blocking it is safe).
///
/// It returns only once the task has let go of its closure (and with it the request it captured): a task
/// still holding them when the process exits is reported by LeakSanitizer's exit check as a leak.
func blocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let released = DispatchSemaphore(value: 0)
    do {
        let token = ReleaseToken(released)
        Task {
            withExtendedLifetime(token) {}
            do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
            done.signal()
        }
    }
    done.wait()
    released.wait()
    return try box.result!.get()
}

/// Signals when the task's closure, its only owner, is destroyed.
private final class ReleaseToken: @unchecked Sendable {
    let semaphore: DispatchSemaphore
    init(_ semaphore: DispatchSemaphore) { self.semaphore = semaphore }
    deinit { semaphore.signal() }
}

/// Carries the result out of the task; `blocking` reads it only after the semaphore says it is written.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
