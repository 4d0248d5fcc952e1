import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Seeded random faults and task outcomes, for soak and chaos tests: rates, reproducibility, targeting,
/// and how they sit beside faults and scripts queued by hand.
@Suite struct RandomFaultTests {
    private typealias TaskScript = GatewaySimulator.TaskScript

    /// The statuses of `count` submits to OctopusX (0 for a refused connection).
    private static func submitStatuses(_ simulator: GatewaySimulator, count: Int) async -> [Int] {
        var statuses: [Int] = []
        for _ in 0..<count {
            statuses.append((try? await Raw.send(simulator, FaultTests.submit).status) ?? 0)
        }
        return statuses
    }

    @Test func theSameSeedGivesTheSameFaultsInTheSameOrder() async throws {
        func run(seed: UInt64) async -> [Int] {
            let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
            simulator.injectRandomly(
                [.httpError(status: 503), .refuseConnection], probability: 0.3, on: .submit, seed: seed)
            return await Self.submitStatuses(simulator, count: 200)
        }
        let first = await run(seed: 42)
        #expect(await run(seed: 42) == first)
        #expect(await run(seed: 43) != first)
        // Roughly the asked-for share, split between both faults.
        let faulted = first.filter { $0 != 200 }.count
        #expect((40...80).contains(faulted))
        #expect(first.contains(503))
        #expect(first.contains(0))
    }

    @Test func faultedSubmitsCreateNoTaskAndTheRestDo() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.injectRandomly([.httpError(status: 500)], probability: 0.5, on: .submit, seed: 7)
        let statuses = await Self.submitStatuses(simulator, count: 50)
        #expect(Set(statuses) == [200, 500])
        #expect(simulator.tasks.count == statuses.filter { $0 == 200 }.count)
        #expect(
            simulator.requests.filter { $0.fault == .httpError(status: 500) }.count
                == statuses.filter { $0 == 500 }.count)
        // Random rules are not "pending" faults: they never run out.
        #expect(simulator.pendingFaultCount == 0)
    }

    @Test func faultsQueuedByHandComeFirstAndRulesKeepToTheirTarget() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.injectRandomly([.httpError(status: 503)], probability: 1, on: .status, seed: 1)
        simulator.inject(.httpError(status: 429), on: .submit, times: 1)
        #expect(try await Raw.send(simulator, FaultTests.submit).status == 429)
        let id = try await TaskScriptTests.octopusXSubmit(simulator)
        // Every status query fails while the rule stands; other gateways' submits do not.
        for _ in 0..<3 {
            #expect(try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)")).status == 503)
        }
        #expect(try await TaskScriptTests.kyySubmit(simulator).isEmpty == false)
        simulator.removeAllFaults()
        #expect(try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)")).status == 200)
    }

    @Test func aRuleForOneGatewayLeavesTheOthersAlone() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        simulator.injectRandomly([.refuseConnection], probability: 1, at: Raw.url(Raw.octopusX), seed: 3)
        await #expect(throws: HTTPTransportError.self) { try await Raw.send(simulator, FaultTests.submit) }
        let kyy = try await Raw.send(
            simulator, Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody))
        #expect(kyy.status == 200)
        simulator.reset()
        #expect(try await Raw.send(simulator, FaultTests.submit).status == 200)
    }

    @Test func randomTaskOutcomesAreSeededAndYieldToQueuedScripts() async throws {
        func outcomes(seed: UInt64) async throws -> [GatewaySimulator.Outcome] {
            let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
            simulator.scriptTasksRandomly(
                [TaskScript(outcome: .moderated), TaskScript(outcome: .failure(message: "GPU pool exhausted"))],
                probability: 0.4, seed: seed)
            simulator.scriptNextTasks(TaskScript(outcome: .expired), count: 1)
            for _ in 0..<60 { _ = try await TaskScriptTests.octopusXSubmit(simulator) }
            return simulator.tasks.map(\.script.outcome)
        }
        let first = try await outcomes(seed: 9)
        #expect(try await outcomes(seed: 9) == first)
        #expect(first.first == .expired)
        let rest = first.dropFirst()
        #expect(rest.contains(.success))
        #expect(rest.contains(.moderated))
        #expect(rest.contains(.failure(message: "GPU pool exhausted")))
        #expect(!rest.contains(.expired))
        #expect((12...36).contains(rest.filter { $0 != .success }.count))
    }
}
