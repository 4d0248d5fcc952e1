import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `unknownTasks: .completed`: a new process can follow a task another simulator created.
@Suite struct UnknownTaskTests {
    static let kyyID = "video_0b7e1f0e-6f4d-4c55-9a8e-2f4d8e1c9a01"
    static let openAIID = "video_0b7e1f0e6f4d4c559a8e2f4d8e1c9a01"
    static let xAIID = "0b7e1f0e-6f4d-4c55-9a8e-2f4d8e1c9a01"

    @Test func byDefaultAnUnknownTaskIsNotFound() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/" + Self.openAIID))
        #expect(response.status == 404)
        #expect(try ErrorShape.openAI(response).code == "task_not_found")
        #expect(simulator.tasks.isEmpty)
    }

    @Test func kyyAdoptsAWellFormedIDAsCompletedWithAVideoOnTheCDN() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), unknownTasks: .completed)
        let response = try await Raw.send(simulator, Raw.get(Raw.kyyBase + "/v1/result/" + Self.kyyID))
        #expect(response.status == 200)
        let json = try Raw.json(response)
        #expect(json["id"] == .string(Self.kyyID))
        #expect(json["status"] == .string("completed"))
        let videoURL = try #require(json["video_url"]?.stringValue)
        #expect(videoURL == "https://cdn.simulator.invalid/videos/\(Self.kyyID).mp4")
        let video = try await Raw.send(simulator, Raw.get(videoURL, key: nil))
        #expect(video.status == 200)
        #expect(video.body == SampleVideo.mp4)
    }

    @Test func openAIFormatContentEndpointServesTheVideoOfAnAdoptedTask() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), unknownTasks: .completed)
        let response = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(Self.openAIID)/content"))
        #expect(response.status == 200)
        #expect(response.body == SampleVideo.mp4)
        #expect(simulator.task(Self.openAIID)?.phase == .completed)
    }

    @Test func xAIAdoptsAUUID() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), unknownTasks: .completed)
        let response = try await Raw.send(simulator, Raw.get(Raw.xAI + "/v1/videos/" + Self.xAIID))
        #expect(response.status == 200)
        #expect(try Raw.json(response)["status"] == .string("done"))
    }

    @Test(arguments: [
        Raw.kyyBase + "/v1/result/not-a-task", Raw.octopusX + "/v1/videos/video_XYZ!",
        Raw.xAI + "/v1/videos/video_0b7e1f0e6f4d4c559a8e2f4d8e1c9a01",
    ])
    func malformedIDsAreStillNotFound(_ url: String) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), unknownTasks: .completed)
        let response = try await Raw.send(simulator, Raw.get(url))
        #expect(response.status == 404)
        #expect(simulator.tasks.isEmpty)
    }
}
