import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Scripted faults: which ones let the server process the request, what the client receives, and how
/// they are targeted and used up.
@Suite struct FaultTests {
    static let submit = Raw.postMultipart(OpenAIMultipartDialectTests.octopusXSubmit, Raw.octopusXExample())

    @Test func anHTTPErrorInTheVendorShapeIsNotProcessed() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(
            .httpError(status: 429, message: "slow down", code: "rate_limit_exceeded", headers: ["Retry-After": "7"]),
            on: .submit, times: 1)
        let limited = try await Raw.send(simulator, Self.submit)
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] == "7")
        let error = try ErrorShape.openAI(limited)
        #expect(error.message == "slow down")
        #expect(error.type == "rate_limit_error")
        #expect(error.code == "rate_limit_exceeded")
        #expect(simulator.tasks.isEmpty)
        #expect(
            simulator.requests.first?.fault
                == .httpError(
                    status: 429, message: "slow down", code: "rate_limit_exceeded", headers: ["Retry-After": "7"]))
        // Used up: the retry goes through.
        #expect(try await Raw.send(simulator, Self.submit).status == 200)
        #expect(simulator.tasks.count == 1)
        #expect(simulator.count(.submit) == 2)
        #expect(simulator.pendingFaultCount == 0)
    }

    @Test func httpErrorsTakeEachDialectsShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.httpError(status: 503, message: "maintenance"), times: nil)
        let kyy = try await Raw.send(
            simulator, Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody))
        #expect(kyy.status == 503)
        #expect(try ErrorShape.kyy(kyy) == "maintenance")
        let xAI = try await Raw.send(simulator, Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody))
        #expect(xAI.status == 503)
        let xAIError = try ErrorShape.xAI(xAI)
        #expect(xAIError.code == "Service unavailable")
        #expect(xAIError.error == "maintenance")
        let cdn = try await simulator.send(
            HTTPRequest(method: .get, url: Raw.url("https://cdn.simulator.invalid/videos/x.mp4")))
        #expect(cdn.status == 503)
        #expect(cdn.mediaType == "application/xml")
        #expect(simulator.tasks.isEmpty)
        #expect(simulator.pendingFaultCount == 1)
        simulator.removeAllFaults()
        #expect(try await Raw.send(simulator, Self.submit).status == 200)
    }

    @Test func anHTMLErrorPageOnStatus() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let id = try await TaskScriptTests.octopusXSubmit(simulator)
        simulator.inject(.htmlErrorPage(status: 502), on: .status)
        let page = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)"))
        #expect(page.status == 502)
        #expect(page.mediaType == "text/html")
        #expect(String(decoding: page.body, as: UTF8.self).contains("<title>502 Bad Gateway</title>"))
        #expect(simulator.task(id)?.statusQueries == 0)
    }

    @Test func truncatedJSONAndEmptyBodiesStillCreateTheTask() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.truncatedJSON, on: .submit)
        simulator.inject(.emptyBody, on: .submit)
        let truncated = try await Raw.send(simulator, Self.submit)
        #expect(truncated.status == 200)
        #expect(!truncated.body.isEmpty)
        #expect((try? JSONSerialization.jsonObject(with: truncated.body)) == nil)
        let empty = try await Raw.send(simulator, Self.submit)
        #expect(empty.status == 200)
        #expect(empty.body.isEmpty)
        #expect(simulator.tasks.count == 2)
        #expect(simulator.requests.map(\.taskID) == simulator.tasks.map { Optional($0.id) })
    }

    @Test func wrongContentTypeAndExtraHeaders() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        let id = try await TaskScriptTests.kyySubmit(simulator)
        let url = try #require(simulator.task(id)?.videoURL)
        simulator.inject(.wrongContentType("text/html; charset=utf-8"), on: .content, at: simulator.cdnBaseURL)
        simulator.inject(.extraHeaders(["Retry-After": "12", "X-Cache": "MISS"]), on: .status)
        let video = try await simulator.send(HTTPRequest(method: .get, url: url))
        #expect(video.status == 200)
        #expect(video.mediaType == "text/html")
        #expect(video.body == SampleVideo.mp4)
        let status = try await Raw.send(simulator, Raw.get(Raw.kyyBase + "/v1/result/\(id)"))
        #expect(status.headers["Retry-After"] == "12")
        #expect(status.headers["X-Cache"] == "MISS")
        #expect(try Raw.json(status)["status"] == .string("completed"))
    }

    @Test func aRawResponse() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.response(status: 200, headers: ["Content-Type": "application/json"], body: Data("[]".utf8)))
        let response = try await Raw.send(simulator, Self.submit)
        #expect(response.status == 200)
        #expect(response.body == Data("[]".utf8))
        #expect(simulator.tasks.isEmpty)
    }

    @Test func aDelayWaitsOnTheClock() async throws {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        simulator.inject(.delay(.seconds(3)), on: .submit)
        let pending = Task { try await Raw.send(simulator, Self.submit) }
        #expect(await clock.waitForSleepers(1))
        #expect(simulator.count() == 0)
        clock.advance(by: .seconds(3))
        let response = try await pending.value
        #expect(response.status == 200)
        #expect(simulator.requests.first?.receivedAt == .seconds(3))
        #expect(simulator.tasks.first?.createdAt == .seconds(3))
    }

    @Test func cancellingDuringADelayProcessesNothing() async throws {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        simulator.inject(.delay(.seconds(60)))
        let pending = Task { try await Raw.send(simulator, Self.submit) }
        #expect(await clock.waitForSleepers(1))
        pending.cancel()
        let result = await pending.result
        #expect(throws: HTTPTransportError.self) { try result.get() }
        #expect(simulator.tasks.isEmpty)
        #expect(simulator.requests.map(\.delivered) == [false])
    }

    @Test(arguments: [HTTPTransportError.Kind.connectionLost, .timedOut])
    func aDroppedAnswerAfterTheTaskWasCreated(_ kind: HTTPTransportError.Kind) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.dropResponse(kind), on: .submit)
        let error = await #expect(throws: HTTPTransportError.self) { try await Raw.send(simulator, Self.submit) }
        #expect(error?.kind == kind)
        #expect(error?.requestMayHaveBeenSent == true)
        // The dangerous case: the task exists although the client never learned its id.
        #expect(simulator.tasks.count == 1)
        let received = try #require(simulator.requests.first)
        #expect(received.delivered)
        #expect(received.responseStatus == nil)
        #expect(received.taskID == simulator.tasks.first?.id)
    }

    @Test func aRefusedConnectionReachesNothing() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.refuseConnection, at: Raw.url(Raw.octopusX), times: nil)
        for _ in 0..<2 {
            let error = await #expect(throws: HTTPTransportError.self) { try await Raw.send(simulator, Self.submit) }
            #expect(error?.kind == .connectionFailed)
            #expect(error?.requestMayHaveBeenSent == false)
        }
        #expect(simulator.tasks.isEmpty)
        #expect(simulator.count() == 0)
        #expect(simulator.requests.map(\.delivered) == [false, false])
        // Other gateways are unaffected.
        let kyy = try await Raw.send(
            simulator, Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody))
        #expect(kyy.status == 200)
    }

    @Test func anUnknownHostIsAConnectionFailure() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.httpError(status: 500))
        let error = await #expect(throws: HTTPTransportError.self) {
            try await Raw.send(simulator, Raw.get("https://api.unknown.example/v1/videos/x"))
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.requestMayHaveBeenSent == false)
        // Nobody there for the fault to act on: it is still waiting for a real gateway.
        #expect(simulator.pendingFaultCount == 1)
        #expect(simulator.requests.first?.gatewayName == nil)
        #expect(simulator.requests.first?.operation == .other)
    }

    @Test func faultsTargetOperationsAndGatewaysAndActInOrder() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.httpError(status: 500), on: .status, at: Raw.url(Raw.kyyBase), times: 2)
        simulator.inject(.httpError(status: 502), on: .status)
        let kyyID = try await TaskScriptTests.kyySubmit(simulator)
        let xAIID = try await TaskScriptTests.xAISubmit(simulator)
        let xAIStatus = try await Raw.send(simulator, Raw.get(Raw.xAI + "/v1/videos/\(xAIID)"))
        #expect(xAIStatus.status == 502)
        var kyyStatuses: [Int] = []
        for _ in 0..<3 {
            kyyStatuses.append(try await Raw.send(simulator, Raw.get(Raw.kyyBase + "/v1/result/\(kyyID)")).status)
        }
        #expect(kyyStatuses == [500, 500, 200])
        #expect(simulator.count(.status, at: Raw.url(Raw.kyyBase)) == 3)
        #expect(simulator.count(.submit) == 2)
        // Any URL under a gateway names that gateway.
        #expect(simulator.count(.status, at: Raw.url(Raw.kyyBase + "/v1/result/\(kyyID)")) == 3)
    }
}
