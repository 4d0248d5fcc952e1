import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

@Suite struct RecordingTransportTests {
    @Test func recordsRequestAndResponsePairsWithCredentialsRedacted() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let recorder = RecordingTransport(wrapping: simulator)
        let submit = Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody)
        let response = try await recorder.send(submit)
        #expect(response.status == 200)
        // The caller gets the real answer; the simulator saw the real key.
        #expect(simulator.requests.first?.carriesBearerToken(Raw.key) == true)

        let exchanges = recorder.exchanges
        #expect(exchanges.count == 1)
        let exchange = try #require(exchanges.first)
        #expect(exchange.sequence == 1)
        #expect(exchange.request.url == submit.url)
        #expect(exchange.request.method == .post)
        #expect(exchange.request.headers["Authorization"] == "Bearer [redacted]")
        #expect(try exchange.request.body.collect() == Data(XAIDialectTests.documentedBody.utf8))
        #expect(exchange.response?.status == 200)
        #expect(exchange.response?.body == response.body)
        #expect(exchange.error == nil)
        #expect(
            recorder.transcript
                == "POST https://api.x.ai/v1/videos/generations [Authorization: Bearer [redacted]] (\(submit.body.length) bytes) -> 200 application/json (\(response.body.count) bytes)"
        )
        var dumped = ""
        dump(exchanges, to: &dumped)
        #expect(!dumped.contains(Raw.key))
        #expect(!recorder.transcript.contains(Raw.key))
    }

    @Test func recordsFailuresAndRethrowsThem() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.refuseConnection)
        let recorder = RecordingTransport(wrapping: simulator)
        let request = Raw.get(Raw.octopusX + "/v1/videos/video_1")
        let thrown = await #expect(throws: HTTPTransportError.self) { try await recorder.send(request) }
        #expect(thrown?.kind == .connectionFailed)
        let exchange = try #require(recorder.exchanges.first)
        #expect(exchange.error?.kind == .connectionFailed)
        #expect(exchange.error?.requestMayHaveBeenSent == false)
        #expect(exchange.response == nil)
        #expect(
            exchange.description.hasPrefix(
                "GET https://octopusx.ai/v1/videos/video_1 [Authorization: Bearer [redacted]]"))
        #expect(exchange.description.contains("error: connection-failed"))
        recorder.reset()
        #expect(recorder.exchanges.isEmpty)
    }

    @Test func keepsTheOrderOfConcurrentRequests() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let recorder = RecordingTransport(wrapping: simulator)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { _ = try await recorder.send(Raw.get(Raw.octopusX + "/v1/videos/video_\(index)")) }
            }
            try await group.waitForAll()
        }
        let exchanges = recorder.exchanges
        #expect(exchanges.map(\.sequence) == Array(1...20))
        #expect(exchanges.allSatisfy { $0.response?.status == 404 })
    }
}
