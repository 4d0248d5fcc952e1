import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

@Suite struct ConcurrencyTests {
    @Test func manyTasksFromManySwiftTasksAtOnce() async throws {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        let requests = [
            Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody),
            Raw.postJSON(OpenAIJSONDialectTests.duoyuanxSubmit, OpenAIJSONDialectTests.documentedBody),
            Raw.postMultipart(OpenAIMultipartDialectTests.octopusXSubmit, Raw.octopusXExample()),
            Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody),
        ]
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<80 {
                let request = requests[index % requests.count]
                group.addTask {
                    let json = try Raw.json(try await Raw.send(simulator, request))
                    return try #require(json["id"]?.stringValue ?? json["request_id"]?.stringValue)
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(ids.count == 80)
        #expect(Set(ids).count == 80)
        #expect(simulator.tasks.count == 80)
        #expect(simulator.count(.submit) == 80)
        #expect(simulator.count(.submit, at: Raw.url(Raw.xAI)) == 20)
        #expect(simulator.requests.map(\.sequence) == Array(1...80))

        clock.advance(by: .seconds(60))
        let statusURLs = simulator.tasks.map { task -> String in
            switch task.dialect {
            case .kyyReact: return Raw.kyyBase + "/v1/result/\(task.id)"
            case .openAIFormat: return task.gatewayBaseURL.absoluteString + "/v1/videos/\(task.id)"
            case .xAI: return Raw.xAI + "/v1/videos/\(task.id)"
            case .runway: return task.gatewayBaseURL.absoluteString + "/v1/tasks/\(task.id)"
            case .gemini: return task.gatewayBaseURL.absoluteString + "/v1beta/\(task.id)"
            case .miniMax: return task.gatewayBaseURL.absoluteString + "/v1/query/video_generation?task_id=\(task.id)"
            case .kling: return task.gatewayBaseURL.absoluteString + "/v1/videos/text2video/\(task.id)"
            }
        }
        let finished = try await withThrowingTaskGroup(of: Int.self) { group in
            for url in statusURLs { group.addTask { try await Raw.send(simulator, Raw.get(url)).status } }
            return try await group.reduce(0) { $0 + ($1 == 200 ? 1 : 0) }
        }
        #expect(finished == 80)
        #expect(simulator.tasks.allSatisfy { $0.phase == .completed && $0.statusQueries == 1 })
    }
}

@Suite struct PrivacyTests {
    @Test func theCDNRecordsWhetherItEverSawAuthorization() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        let id = try await TaskScriptTests.kyySubmit(simulator)
        let url = try #require(simulator.task(id)?.videoURL)
        _ = try await simulator.send(HTTPRequest(method: .get, url: url))
        #expect(!simulator.cdnReceivedAuthorization)
        // A leaking client: the CDN still serves the file, but the leak is on record.
        let leaked = try await simulator.send(Raw.get(url.absoluteString))
        #expect(leaked.status == 200)
        #expect(simulator.cdnReceivedAuthorization)
        #expect(simulator.requests(.content, at: simulator.cdnBaseURL).map(\.hasAuthorization) == [false, true])
    }

    @Test func recordsNeverShowTheKey() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        _ = try await TaskScriptTests.xAISubmit(simulator)
        let received = try #require(simulator.requests.first)
        #expect(received.hasAuthorization)
        #expect(received.carriesBearerToken(Raw.key))
        #expect(!received.carriesBearerToken("sk-other"))
        #expect(received.headers["Authorization"] == "Bearer [redacted]")
        var dumped = ""
        dump(simulator.requests, to: &dumped)
        for text in [
            dumped, String(describing: simulator.requests), String(reflecting: received), received.description,
        ] {
            #expect(!text.contains(Raw.key))
        }
        #expect(received.json?["model"] == .string("grok-imagine-video"))
        #expect(received.gatewayName == "xAI")
        #expect(received.operation == .submit)
    }

    @Test func resetForgetsEverythingButTheGateways() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.inject(.emptyBody, times: nil)
        let empty = try await Raw.send(
            simulator, Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody))
        #expect(empty.body.isEmpty)
        #expect(simulator.tasks.count == 1)
        simulator.reset()
        #expect(simulator.requests.isEmpty)
        #expect(simulator.tasks.isEmpty)
        #expect(simulator.pendingFaultCount == 0)
        #expect(
            simulator.gateways.map(\.name) == ["kyyReactApiServer", "OctopusX", "Duoyuanx", "xAI", "OpenAI-compatible"])
        simulator.removeGateway(at: Raw.url(Raw.xAI))
        await #expect(throws: HTTPTransportError.self) {
            try await Raw.send(simulator, Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody))
        }
    }
}

@Suite struct SampleVideoTests {
    @Test func decodesToAnMP4ThatStartsWithAnFtypBox() {
        let bytes = [UInt8](SampleVideo.mp4)
        #expect(bytes.count == 6387)
        // Box size (32, big-endian), then the `ftyp` type and the `isom` major brand.
        #expect(Array(bytes[0..<4]) == [0, 0, 0, 0x20])
        #expect(Array(bytes[4..<8]) == Array("ftyp".utf8))
        #expect(Array(bytes[8..<12]) == Array("isom".utf8))
        #expect(SampleVideo.contentType == "video/mp4")
    }

    @Test func theTopLevelBoxesSpanTheWholeFile() {
        let boxes = SampleVideo.topLevelBoxes(of: SampleVideo.mp4)
        #expect(boxes.end == SampleVideo.mp4.count)
        #expect(boxes.types == ["ftyp", "moov", "free", "mdat"])
    }
}
