import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Values a log prints read as their fields, never as the box that holds them.
@Suite struct ReadableValueTests {
    @Test func aLoggedJobPrintsItsFields() async throws {
        let clock = VirtualClock(mode: .autoAdvance, wallOrigin: Date(timeIntervalSince1970: 1_767_225_600))
        let harness = try Harness(["octopusx"], clock: clock)
        let job = try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "A fox in the snow"))
        #expect(
            "\(job)"
                == "VideoJob(id: \(job.id), provider: octopusx, model: grok-video-3, task: \(job.taskID), "
                + "baseURL: \(Sim.octopusX), submittedAt: 2026-01-01T00:00:00Z, attempts: 1)")
        #expect(String(reflecting: job) == "\(job)")
        var dumped = ""
        dump(job, to: &dumped)
        #expect(!dumped.contains("CopyOnWrite"))
        #expect(dumped.contains("- taskID: \"\(job.taskID)\""))
        #expect(dumped.contains("- prompt: \"A fox in the snow\""))
    }

    @Test func aSnapshotPrintsTheFieldsThatHaveAValueWithVendorTextEscaped() {
        let snapshot = TaskSnapshot(
            taskID: "task-1", status: .failed, rawStatus: "FAIL", progress: 40, errorMessage: "bad\nprompt\u{1B}[2J")
        #expect(
            "\(snapshot)"
                == #"TaskSnapshot(task: task-1, status: failed, rawStatus: FAIL, progress: 40%, error: bad\nprompt\u001b[2J)"#
        )
        var dumped = ""
        dump(snapshot, to: &dumped)
        #expect(!dumped.contains("CopyOnWrite"))
        #expect(dumped.contains("▿ rawStatus: Optional(\"FAIL\")"))
    }

    @Test func aRegisteredProviderPrintsWhetherItHasAKeyNeverTheKey() throws {
        let registry = try Sim.registry(["octopusx"])
        let registered = try #require(registry.providers.first)
        #expect(
            "\(registered)"
                == "RegisteredProvider(id: octopusx, baseURL: \(Sim.octopusX), key: set, "
                + "models: grok-video-3 grok-video-3-pro grok-video-3-max)")
        var dumped = ""
        dump(registered, to: &dumped)
        #expect(!dumped.contains("CopyOnWrite"))
        #expect(!dumped.contains(Sim.key))
        #expect(dumped.contains("[redacted]"))
    }

    @Test func anErrorDumpsItsFieldsNotTheBox() {
        let error = VideoProviderError(.invalidRequest, "seconds 99 is not allowed")
        var dumped = ""
        dump(error, to: &dumped)
        #expect(!dumped.contains("CopyOnWrite"))
        #expect(dumped.contains("- message: \"seconds 99 is not allowed\""))
    }
}

/// A request and its answer can be joined in a log: both events carry the client's id, the answer the
/// vendor's too.
@Suite struct EventRequestIDTests {
    /// The simulator, its answers stamped with a vendor request id as gateways send one.
    struct StampingTransport: HTTPTransport {
        let inner: GatewaySimulator
        func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
            var response = try await inner.send(request, bodyDestination: bodyDestination)
            response.headers["X-Request-Id"] = "vendor-\(request.method.rawValue)-\(request.url.lastPathComponent)"
            return response
        }
    }

    @Test func requestAndResponseShareOurIDAndTheResponseCarriesTheVendors() async throws {
        let clock = VirtualClock(mode: .autoAdvance)
        let simulator = GatewaySimulator(clock: clock)
        let events = EventLog()
        let client = VideoClient(
            registry: try Sim.registry(["octopusx"]), transport: StampingTransport(inner: simulator), clock: clock,
            configuration: Sim.configuration(), observer: VideoClientObserver { events.append($0) })
        let job = try await client.submit(VideoRequest(model: "grok-video-3", prompt: "A fox in the snow"))
        _ = try await client.result(for: job)

        var requests: [RequestID: VideoClientEvent.Operation] = [:]
        var answered: [(RequestID, VideoClientEvent.Operation, String?)] = []
        for event in events.all {
            switch event {
            case .request(_, let operation, _, _, let id): requests[id] = operation
            case .response(_, let operation, _, _, let id, let vendorID): answered.append((id, operation, vendorID))
            default: break
            }
        }
        #expect(answered.count >= 2)
        #expect(Set(requests.keys).count == requests.count)
        for (id, operation, vendorID) in answered {
            #expect(requests[id] == operation)
            let expected = operation == .submit ? "vendor-POST-videos" : "vendor-GET-\(job.taskID)"
            #expect(vendorID == expected)
        }
        #expect(answered.first?.1 == .submit)
    }
}

/// Values that hold boxed ones print through them: a logged plan or registry shows fields, never a box or
/// the key.
@Suite struct ReadableCompositeValueTests {
    @Test func aPlanARegistryAndAnEventPrintTheirFields() async throws {
        let harness = try Harness(["aizfw", "octopusx"])
        let plan = harness.client.plan(VideoRequest(model: "grok-video-3", prompt: "A fox in the snow"))
        let job = try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "A fox in the snow"))
        let texts = [
            "\(plan)", String(reflecting: plan), "\(harness.registry)", "\(VideoClientEvent.submitted(job))",
        ]
        for text in texts {
            #expect(!text.contains("CopyOnWrite"))
            #expect(!text.contains(Sim.key))
        }
        #expect(texts[0].contains("RegisteredProvider(id: aizfw, baseURL: \(Sim.kyy), key: set"))
        #expect(texts[2].contains("RegisteredProvider(id: octopusx, baseURL: \(Sim.octopusX), key: set"))
        #expect(texts[3].contains("VideoJob(id: \(job.id), provider: \(job.providerID.rawValue)"))
    }
}
