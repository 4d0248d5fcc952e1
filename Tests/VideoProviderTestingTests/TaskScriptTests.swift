import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Scripted task outcomes and quirks, custom gateways and polling hints.
@Suite struct TaskScriptTests {
    typealias TaskScript = GatewaySimulator.TaskScript

    static func kyySubmit(_ simulator: GatewaySimulator) async throws -> String {
        let response = try await Raw.send(
            simulator, Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody))
        return try #require(try Raw.json(response)["id"]?.stringValue)
    }

    static func duoyuanxSubmit(_ simulator: GatewaySimulator) async throws -> String {
        let response = try await Raw.send(
            simulator, Raw.postJSON(OpenAIJSONDialectTests.duoyuanxSubmit, OpenAIJSONDialectTests.documentedBody))
        return try #require(try Raw.json(response)["id"]?.stringValue)
    }

    static func octopusXSubmit(_ simulator: GatewaySimulator) async throws -> String {
        let response = try await Raw.send(
            simulator, Raw.postMultipart(OpenAIMultipartDialectTests.octopusXSubmit, Raw.octopusXExample()))
        return try #require(try Raw.json(response)["id"]?.stringValue)
    }

    static func xAISubmit(_ simulator: GatewaySimulator) async throws -> String {
        let response = try await Raw.send(
            simulator, Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody))
        return try #require(try Raw.json(response)["request_id"]?.stringValue)
    }

    static func status(_ simulator: GatewaySimulator, _ url: String) async throws -> JSONValue {
        let response = try await Raw.send(simulator, Raw.get(url))
        #expect(response.status == 200)
        return try Raw.json(response)
    }

    @Test func failuresUseEachDialectsShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        simulator.scriptNextTasks(
            TaskScript(outcome: .failure(message: "GPU pool exhausted", code: "busy")), count: nil)

        let kyy = try await Self.status(simulator, Raw.kyyBase + "/v1/result/\(try await Self.kyySubmit(simulator))")
        #expect(kyy["status"] == .string("failed"))
        #expect(kyy["error"] == .string("GPU pool exhausted"))
        #expect(kyy["video_url"] == .null)

        let openAI = try await Self.status(
            simulator, Raw.duoyuanx + "/v1/videos/\(try await Self.duoyuanxSubmit(simulator))")
        #expect(openAI["status"] == .string("failed"))
        #expect(openAI["error"]?["message"] == .string("GPU pool exhausted"))
        #expect(openAI["error"]?["code"] == .string("busy"))
        #expect(openAI["video_url"] == .string(""))

        let xAI = try await Self.status(simulator, Raw.xAI + "/v1/videos/\(try await Self.xAISubmit(simulator))")
        #expect(xAI["status"] == .string("failed"))
        #expect(xAI["error"]?["code"] == .string("busy"))
        #expect(xAI["error"]?["message"] == .string("GPU pool exhausted"))
        #expect(simulator.tasks.map(\.phase) == [.failed, .failed, .failed])
    }

    @Test func moderationExpiryAndCancellation() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        simulator.scriptNextTasks(TaskScript(outcome: .moderated), count: 2)
        simulator.scriptNextTasks(TaskScript(outcome: .expired))
        simulator.scriptNextTasks(TaskScript(outcome: .cancelled))

        let moderated = try await Self.status(simulator, Raw.xAI + "/v1/videos/\(try await Self.xAISubmit(simulator))")
        #expect(moderated["status"] == .string("done"))
        #expect(moderated["video"]?["respect_moderation"] == .bool(false))
        #expect(moderated["video"]?["url"] == nil)

        let policy = try await Self.status(
            simulator, Raw.octopusX + "/v1/videos/\(try await Self.octopusXSubmit(simulator))")
        #expect(policy["status"] == .string("failed"))
        #expect(policy["error"]?["code"] == .string("content_policy_violation"))

        let expired = try await Self.status(simulator, Raw.xAI + "/v1/videos/\(try await Self.xAISubmit(simulator))")
        #expect(expired["status"] == .string("expired"))

        let cancelledID = try await Self.duoyuanxSubmit(simulator)
        let cancelled = try await Self.status(simulator, Raw.duoyuanx + "/v1/videos/\(cancelledID)")
        #expect(cancelled["status"] == .string("cancelled"))
        #expect(simulator.tasks.map(\.phase) == [.failed, .failed, .expired, .cancelled])
        // Nothing to download for a task that did not succeed.
        let content = try await Raw.send(simulator, Raw.get(Raw.duoyuanx + "/v1/videos/\(cancelledID)/content"))
        #expect(content.status == 404)
    }

    @Test func anUnknownStatusWordForTwoPolls() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.scriptNextTasks(TaskScript(unknownStatus: "rendering", unknownStatusPolls: 2))
        let id = try await Self.octopusXSubmit(simulator)
        var words: [JSONValue?] = []
        for _ in 0..<3 { words.append(try await Self.status(simulator, Raw.octopusX + "/v1/videos/\(id)")["status"]) }
        #expect(words == [.string("rendering"), .string("rendering"), .string("queued")])
    }

    @Test func completedWithoutAVideoURLForTwoPolls() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        simulator.scriptNextTasks(TaskScript(completedWithoutVideoURLPolls: 2), count: nil)
        let kyyID = try await Self.kyySubmit(simulator)
        let duoID = try await Self.duoyuanxSubmit(simulator)
        let xAIID = try await Self.xAISubmit(simulator)
        var kyy: [JSONValue?] = []
        var openAI: [JSONValue?] = []
        var xAI: [JSONValue?] = []
        for _ in 0..<3 {
            let kyyStatus = try await Self.status(simulator, Raw.kyyBase + "/v1/result/\(kyyID)")
            #expect(kyyStatus["status"] == .string("completed"))
            kyy.append(kyyStatus["video_url"])
            let openAIStatus = try await Self.status(simulator, Raw.duoyuanx + "/v1/videos/\(duoID)")
            #expect(openAIStatus["status"] == .string("completed"))
            openAI.append(openAIStatus["video_url"])
            let xAIStatus = try await Self.status(simulator, Raw.xAI + "/v1/videos/\(xAIID)")
            #expect(xAIStatus["status"] == .string("done"))
            xAI.append(xAIStatus["video"]?["url"])
        }
        #expect(kyy == [.null, .null, .string("https://cdn.simulator.invalid/videos/\(kyyID).mp4")])
        #expect(openAI == [.string(""), .string(""), .string("https://cdn.simulator.invalid/videos/\(duoID).mp4")])
        #expect(xAI == [nil, nil, .string("https://cdn.simulator.invalid/videos/\(xAIID).mp4")])
    }

    @Test(arguments: [
        (GatewaySimulator.ProgressFormat.integer, JSONValue.int(48)),
        (.fractional, .double(48.3)),
        (.percentString, .string("48%")),
    ])
    func progressFormats(_ format: GatewaySimulator.ProgressFormat, _ expected: JSONValue) async throws {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        simulator.scriptNextTasks(TaskScript(progressFormat: format))
        let id = try await Self.duoyuanxSubmit(simulator)
        clock.advance(by: .seconds(20))  // (20 - 5) / 31 of the processing phase
        #expect(try await Self.status(simulator, Raw.duoyuanx + "/v1/videos/\(id)")["progress"] == expected)
    }

    @Test func scriptsApplyInOrderAndOnlyAtTheirGateway() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let failing = TaskScript(outcome: .failure(message: "x"))
        simulator.scriptNextTasks(failing, count: 1, at: Raw.url(Raw.xAI))
        simulator.scriptNextTasks(TaskScript(queued: .seconds(1), processing: .seconds(2)), count: 2)
        _ = try await Self.kyySubmit(simulator)
        _ = try await Self.xAISubmit(simulator)
        _ = try await Self.octopusXSubmit(simulator)
        _ = try await Self.xAISubmit(simulator)
        let tasks = simulator.tasks
        #expect(tasks.map(\.script.outcome) == [.success, .failure(message: "x"), .success, .success])
        #expect(tasks.map(\.finishesAt) == [.seconds(3), .seconds(36), .seconds(3), .seconds(36)])
    }

    @Test func rescriptChangesAnExistingTask() async throws {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        let id = try await Self.kyySubmit(simulator)
        #expect(simulator.rescript(taskID: id, TaskScript(outcome: .cancelled, queued: .zero, processing: .seconds(1))))
        #expect(!simulator.rescript(taskID: "video_missing", .success))
        clock.advance(by: .seconds(1))
        #expect(simulator.task(id)?.phase == .cancelled)
        #expect(try await Self.status(simulator, Raw.kyyBase + "/v1/result/\(id)")["status"] == .string("cancelled"))
    }

    @Test func pollHintHeadersOnSuccessfulAnswersOnly() async throws {
        var octopus = GatewaySimulator.Gateway.octopusX()
        octopus.pollHint = .openAIPollAfter(milliseconds: 1000)
        var kyy = GatewaySimulator.Gateway.kyyReactApiServer()
        kyy.pollHint = .retryAfter(seconds: 30)
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), gateways: [octopus, kyy])
        let submit = try await Raw.send(
            simulator, Raw.postMultipart(OpenAIMultipartDialectTests.octopusXSubmit, Raw.octopusXExample()))
        #expect(submit.headers["openai-poll-after-ms"] == "1000")
        let id = try #require(try Raw.json(submit)["id"]?.stringValue)
        let status = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)"))
        #expect(status.headers["openai-poll-after-ms"] == "1000")
        let missing = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/video_nope"))
        #expect(missing.headers["openai-poll-after-ms"] == nil)
        let kyyStatus = try await Raw.send(
            simulator, Raw.get(Raw.kyyBase + "/v1/result/\(try await Self.kyySubmit(simulator))"))
        #expect(kyyStatus.headers["Retry-After"] == "30")
        // Only the gateways given were set up: Duoyuanx's host now refuses connections.
        await #expect(throws: HTTPTransportError.self) {
            try await Raw.send(simulator, Raw.postJSON(OpenAIJSONDialectTests.duoyuanxSubmit, "{}"))
        }
    }

    @Test func aNewVendorOfTheOpenAIDialectAtItsOwnHost() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        let rules = GatewaySimulator.ModelRules(
            "acme-video", encoding: .json, seconds: .oneOf([5, 10], default: 5), aspectRatios: ["16:9", "9:16"],
            resolutions: ["720P"], maxImages: 1, imageTransports: [.dataURI], promptMaxLength: 100)
        simulator.addGateway(
            GatewaySimulator.Gateway(
                name: "Acme", baseURL: Raw.url("https://api.acme.example/openai"), dialect: .openAIFormat,
                models: [rules], timing: .instant))
        let url = "https://api.acme.example/openai/v1/videos"
        let accepted = try await Raw.send(
            simulator, Raw.postJSON(url, #"{"model":"acme-video","prompt":"p","seconds":"10","resolution":"720P"}"#))
        #expect(accepted.status == 200)
        let id = try #require(try Raw.json(accepted)["id"]?.stringValue)
        let refused = try await Raw.send(
            simulator, Raw.postJSON(url, #"{"model":"acme-video","prompt":"p","seconds":"8"}"#))
        #expect(refused.status == 400)
        #expect(try ErrorShape.openAI(refused).message == "'seconds' 8 is not supported by acme-video; allowed: 5, 10.")
        let done = try await Self.status(simulator, "https://api.acme.example/openai/v1/videos/\(id)")
        #expect(done["status"] == .string("completed"))
        #expect(simulator.count(.submit, at: Raw.url("https://api.acme.example/openai")) == 2)
        #expect(simulator.count(.submit, at: Raw.url(Raw.duoyuanx)) == 0)
        #expect(simulator.gateways.last?.name == "Acme")
    }
}
