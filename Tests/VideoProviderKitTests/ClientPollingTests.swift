import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

private typealias TaskScript = GatewaySimulator.TaskScript

/// Following tasks: poll counts and times derived from ``PollingStrategy``'s documented rules, on a virtual
/// clock.
@Suite struct ClientPollingScheduleTests {
    /// The generic OpenAI-format gateway, sending `openai-poll-after-ms: <hint>` on every answer.
    private func hinted(milliseconds: Int) -> [GatewaySimulator.Gateway] {
        var gateway = GatewaySimulator.Gateway.openAICompatible()
        gateway.pollHint = .openAIPollAfter(milliseconds: milliseconds)
        return [gateway]
    }

    @Test func sixtySecondTaskWithProgressAndAOneSecondHint() async throws {
        let harness = try Harness(["openai-compatible"], gateways: hinted(milliseconds: 1000))
        harness.simulator.scriptNextTasks(TaskScript(queued: .zero, processing: .seconds(60)))
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.initialSnapshot.pollAfter == .seconds(1))
        let final = try await harness.client.result(for: job)
        #expect(final.status == .completed)
        // First poll: max(initial 2 s, hint 1 s) = 2 s; progress 3 % there is one observation, no rate: again
        // after the 1 s minimum. 5 % at 3 s is 2 %/s, predicting 47.5 s more → capped at 15 s; 30 % at 18 s and
        // 55 % at 33 s give 25 %/15 s, predicting 42 s and 27 s → 15 s each; 80 % at 48 s predicts 12 s →
        // 12.25 s with the 250 ms margin; the poll at 60.25 s sees `completed`.
        #expect(
            harness.statusTimes == [
                .seconds(2), .seconds(3), .seconds(18), .seconds(33), .seconds(48), .milliseconds(60_250),
            ])
        #expect(harness.events.polls.map(\.progress) == [3, 5, 30, 55, 80, 100])
        let task = try #require(harness.simulator.tasks.first)
        #expect(task.finishesAt == .seconds(60))
        let lag = try #require(harness.statusTimes.last) - task.finishesAt
        #expect(lag == .milliseconds(250))
        // The benchmark's bar for a 60 s task: at most 12 polls, seen within max(1 s, 10 % of 60 s).
        #expect(harness.statusTimes.count <= 12)
        #expect(lag <= .seconds(6))
    }

    @Test func sixtySecondTaskOnAKyyGatewayPollsEveryThirtySeconds() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .seconds(5), processing: .seconds(55)))
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        let final = try await harness.client.result(for: job)
        #expect(final.status == .completed)
        #expect(final.videoURL != nil)
        // The recommendation (30–60 s) sets the first delay and every interval: ⌈60 / 30⌉ = 2 polls.
        #expect(harness.statusTimes == [.seconds(30), .seconds(60)])
        #expect(harness.simulator.tasks.first?.finishesAt == .seconds(60))
    }

    @Test func hundredSecondTaskOnAKyyGatewayIsSeenWithinOneInterval() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .seconds(5), processing: .seconds(95)))
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        _ = try await harness.client.result(for: job)
        // ⌈100 / 30⌉ = 4 polls; the last, at 120 s, is 20 s after the end: within the 30 s interval.
        #expect(harness.statusTimes == [.seconds(30), .seconds(60), .seconds(90), .seconds(120)])
    }

    @Test func withoutProgressHintsOrAdviceTheIntervalBacksOff() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .seconds(5), processing: .seconds(55)))
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        var strategy = PollingStrategy()
        strategy.honorsVendorRecommendation = false
        _ = try await harness.client.result(for: job, polling: strategy)
        // 2 s, then 1, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.390625, 15, 15 s: 10 polls, seen 4.171875 s late.
        #expect(
            harness.statusTimes.map(\.seconds) == [
                2, 3, 4.5, 6.75, 10.125, 15.1875, 22.78125, 34.171875, 49.171875, 64.171875,
            ])
    }

    @Test func aServerHintIsAFloor() async throws {
        let harness = try Harness(["openai-compatible"], gateways: hinted(milliseconds: 20_000))
        harness.simulator.scriptNextTasks(TaskScript(queued: .zero, processing: .seconds(60)))
        let job = try await harness.client.submit(Sim.imagine())
        _ = try await harness.client.result(for: job)
        // Progress predicts sooner polls, but the gateway asked for 20 s: 20, 40, 60.
        #expect(harness.statusTimes == [.seconds(20), .seconds(40), .seconds(60)])
    }

    @Test func aFixedIntervalIgnoresEverythingElse() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .seconds(5), processing: .seconds(55)))
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        _ = try await harness.client.result(for: job, polling: .fixed(.seconds(25)))
        #expect(harness.statusTimes == [.seconds(25), .seconds(50), .seconds(75)])
    }

    @Test func completedWithoutAVideoURLIsAskedAgainShortly() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(
            TaskScript(queued: .seconds(5), processing: .seconds(55), completedWithoutVideoURLPolls: 1))
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        let final = try await harness.client.result(for: job)
        #expect(final.videoURL != nil)
        #expect(harness.statusTimes == [.seconds(30), .seconds(60), .seconds(61)])
    }
}

/// Terminal, unknown and failing statuses.
@Suite struct ClientPollingOutcomeTests {
    @Test func unknownStatusesKeepPollingUntilTheTimeout() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.scriptNextTasks(TaskScript(unknownStatus: "rendering", unknownStatusPolls: 100))
        let job = try await harness.client.submit(Sim.imagine())
        var seen: [TaskSnapshot] = []
        var thrown: (any Error)?
        do {
            for try await snapshot in harness.client.updates(
                for: job, polling: .fixed(.seconds(10), timeout: .seconds(60)))
            {
                seen.append(snapshot)
            }
        } catch {
            thrown = error
        }
        #expect(seen.count == 6)
        #expect(seen.allSatisfy { $0.status == .unknown && $0.rawStatus == "rendering" })
        #expect(harness.statusTimes == (1...6).map { .seconds($0 * 10) })
        let error = try #require(thrown as? VideoProviderError)
        #expect(error.kind == .timeout)
        #expect(error.rawStatus == "rendering")
        #expect(error.taskID == job.taskID)
        #expect(error.attempts == job.attempts)
        #expect(
            error.message
                == "Gave up following task \(job.taskID) on openai-compatible after 60 s; last status: rendering. The task may still finish: follow the same job again later."
        )
    }

    @Test func unknownThenCompletedFinishes() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.scriptNextTasks(
            TaskScript(queued: .zero, processing: .seconds(20), unknownStatus: "warming_up", unknownStatusPolls: 2))
        let job = try await harness.client.submit(Sim.imagine())
        var statuses: [TaskStatus] = []
        for try await snapshot in harness.client.updates(for: job, polling: .fixed(.seconds(15))) {
            statuses.append(snapshot.status)
        }
        #expect(statuses == [.unknown, .unknown, .completed])
    }

    @Test(arguments: [GatewaySimulator.Outcome.expired, .cancelled])
    func expiredAndCancelledAreTerminal(outcome: GatewaySimulator.Outcome) async throws {
        let harness = try Harness(["xai"])
        harness.simulator.scriptNextTasks(TaskScript(outcome: outcome, queued: .zero, processing: .seconds(10)))
        let job = try await harness.client.submit(Sim.imagine())
        var last: TaskSnapshot?
        let ended = await captureError {
            for try await snapshot in harness.client.updates(for: job, polling: .fixed(.seconds(5))) {
                last = snapshot
            }
        }
        let word = outcome == .expired ? "expired" : "cancelled"
        #expect(last?.status == (outcome == .expired ? .expired : .cancelled))
        #expect(harness.statusTimes == [.seconds(5), .seconds(10)])
        let error = await captureError { try await harness.client.result(for: job, polling: .fixed(.seconds(5))) }
        #expect(error?.kind == .taskFailed)
        #expect(error?.rawStatus == word)
        #expect(error?.attempts == job.attempts)
        // The sequence ended with the same error.
        #expect(ended?.kind == .taskFailed)
        #expect(ended?.message == error?.message)
        #expect(harness.simulator.count(.status) == 3)
    }

    @Test func aModeratedTaskIsAContentPolicyError() async throws {
        let harness = try Harness(["xai"])
        harness.simulator.scriptNextTasks(TaskScript(outcome: .moderated, queued: .zero, processing: .seconds(10)))
        let job = try await harness.client.submit(Sim.imagine())
        let error = await captureError { try await harness.client.result(for: job) }
        #expect(error?.kind == .contentPolicy)
        #expect(error?.taskID == job.taskID)
    }

    @Test func failedStatusCallsBackOffButNotBelowTheVendorsAdvice() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .seconds(5), processing: .seconds(55)))
        harness.simulator.inject(.htmlErrorPage(status: 502), on: .status, times: 2)
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        _ = try await harness.client.result(for: job)
        #expect(harness.statusTimes == [.seconds(30), .seconds(60), .seconds(90)])
    }

    @Test func aStatusRetryAfterIsHonoured() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .zero, processing: .seconds(10)))
        harness.simulator.inject(.httpError(status: 429, headers: ["Retry-After": "12"]), on: .status)
        let job = try await harness.client.submit(Sim.imagine())
        _ = try await harness.client.result(for: job, polling: .fixed(.seconds(5)))
        #expect(harness.statusTimes == [.seconds(5), .seconds(17)])
    }

    /// A refused status call ends the follow on the fourth in a row: the task exists, and kyy gateways
    /// refuse a status call now and then (their clients tolerate three; docs/real-gateways.md).
    @Test func anAuthenticationFailureStopsFollowingOnTheFourthInARow() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.inject(.httpError(status: 401, message: "key revoked"), on: .status, times: nil)
        let job = try await harness.client.submit(Sim.imagine())
        let error = await captureError { try await harness.client.result(for: job) }
        #expect(error?.kind == .authentication)
        #expect(error?.taskID == job.taskID)
        #expect(error?.attempts == job.attempts)
        #expect(harness.simulator.count(.status) == 4)
    }

    @Test func threeRefusedStatusCallsInARowAreTolerated() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.inject(.httpError(status: 401, message: "key revoked"), on: .status, times: 3)
        let job = try await harness.client.submit(Sim.imagine())
        let final = try await harness.client.result(for: job)
        #expect(final.status == .completed)
        #expect(harness.simulator.requests(.status).map(\.responseStatus).prefix(3) == [401, 401, 401])
    }

    @Test func repeatedFailuresGiveUpWithTheJobsContext() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.inject(.httpError(status: 503), on: .status, times: nil)
        let job = try await harness.client.submit(Sim.imagine())
        var strategy = PollingStrategy.fixed(.seconds(5))
        strategy.maximumConsecutiveErrors = 4
        let error = await captureError { try await harness.client.result(for: job, polling: strategy) }
        #expect(error?.kind == .serverError)
        #expect(error?.attempts == job.attempts)
        #expect(
            error?.message.hasPrefix("Gave up following task \(job.taskID) after 4 failed status calls; last: ") == true
        )
        #expect(harness.simulator.count(.status) == 4)
    }

    @Test func statusAsksOnce() async throws {
        let harness = try Harness(["openai-compatible"])
        let job = try await harness.client.submit(Sim.imagine())
        let snapshot = try await harness.client.status(of: job)
        #expect(snapshot.taskID == job.taskID)
        #expect(snapshot.status == .queued)
        #expect(harness.simulator.count(.status) == 1)
    }
}

/// Cancelling the task that follows stops polling at once (a manual clock: nothing moves unless told).
@Suite struct ClientPollingCancellationTests {
    /// Waits (yielding, bounded) until `condition` holds.
    private func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<20_000 {
            if condition() { return true }
            await Task.yield()
        }
        return condition()
    }

    @Test func cancellingTheConsumerOfUpdatesStopsPolling() async throws {
        let clock = VirtualClock(mode: .manual)
        let harness = try Harness(["openai-compatible"], clock: clock)
        let job = try await harness.client.submit(Sim.imagine())
        let client = harness.client
        let consumer = Task { () -> [TaskStatus] in
            var seen: [TaskStatus] = []
            do {
                for try await snapshot in client.updates(for: job) { seen.append(snapshot.status) }
            } catch {}
            return seen
        }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(2))
        // The first poll happened and the next wait has begun.
        #expect(await clock.waitForSleepers(1))
        #expect(harness.simulator.count(.status) == 1)
        consumer.cancel()
        #expect(await consumer.value == [.queued])
        #expect(await eventually { clock.pendingSleepers == 0 })
        clock.advance(by: .seconds(3600))
        #expect(await eventually { clock.pendingSleepers == 0 })
        #expect(harness.simulator.count(.status) == 1)
    }

    @Test func cancellingTheTaskAwaitingResultStopsPolling() async throws {
        let clock = VirtualClock(mode: .manual)
        let harness = try Harness(["openai-compatible"], clock: clock)
        let job = try await harness.client.submit(Sim.imagine())
        let client = harness.client
        let waiter = Task { await captureError { try await client.result(for: job) } }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(2))
        #expect(await clock.waitForSleepers(1))
        waiter.cancel()
        let error = await waiter.value
        #expect(error?.kind == .cancelled)
        #expect(error?.taskID == job.taskID)
        #expect(error?.attempts == job.attempts)
        #expect(clock.pendingSleepers == 0)
        clock.advance(by: .seconds(3600))
        #expect(harness.simulator.count(.status) == 1)
    }

    @Test func breakingOutOfTheLoopStopsPolling() async throws {
        let clock = VirtualClock(mode: .manual)
        let harness = try Harness(["openai-compatible"], clock: clock)
        let job = try await harness.client.submit(Sim.imagine())
        let client = harness.client
        let consumer = Task {
            for try await _ in client.updates(for: job) { break }
        }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(2))
        try await consumer.value
        #expect(await eventually { clock.pendingSleepers == 0 })
        clock.advance(by: .seconds(3600))
        #expect(await eventually { clock.pendingSleepers == 0 })
        #expect(harness.simulator.count(.status) == 1)
    }
}
