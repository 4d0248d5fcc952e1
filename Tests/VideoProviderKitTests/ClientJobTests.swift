import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

private typealias TaskScript = GatewaySimulator.TaskScript

/// Jobs outlive the process: encode, decode in a fresh client, resume.
@Suite struct ClientJobResumeTests {
    @Test func aJobDecodedInAFreshClientResumesToCompletion() async throws {
        let harness = try Harness(["aizfw", "octopusx"])
        harness.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.kyy)
        let job = try await harness.client.submit(
            VideoRequest(model: "grok-video-3", prompt: "A fox in the snow", seconds: 8, resolution: .p720))
        #expect(job.providerID == "octopusx")
        let data = try job.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains(Sim.key))
        #expect(text.contains(#""taskID" : "\#(job.taskID)""#))

        // A new process: new registry, new client, same gateways.
        let decoded = try VideoJob.decode(from: data)
        #expect(decoded == job)
        #expect(decoded.attempts.map(\.outcome) == [.fellBack, .accepted])
        let fresh = harness.freshClient(try Sim.registry(["octopusx"]))
        let final = try await fresh.result(for: decoded)
        #expect(final.status == .completed)
        #expect(final.taskID == job.taskID)
        #expect(harness.simulator.requests(.status).allSatisfy { $0.taskID == job.taskID })
        #expect(harness.simulator.task(job.taskID)?.phase == .completed)
    }

    @Test func aJobSubmittedBetweenTwoSecondsSurvivesItsJSON() async throws {
        // The JSON keeps whole seconds; a job must still equal itself after a round trip, or an app that
        // compares a stored job with the live one sees a change that never happened.
        let clock = VirtualClock(mode: .autoAdvance, wallOrigin: Date(timeIntervalSince1970: 1_767_225_600.75))
        let harness = try Harness(["octopusx"], clock: clock)
        let job = try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "A fox in the snow"))
        #expect(job.submittedAt == Date(timeIntervalSince1970: 1_767_225_600))
        let decoded = try VideoJob.decode(from: try job.encoded())
        #expect(decoded == job)
        #expect(decoded.submittedAt == job.submittedAt)
    }

    @Test func aJobForAnotherHostIsRefusedWithoutSendingTheKey() async throws {
        let harness = try Harness(["octopusx"])
        let job = try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "p"))
        var json = String(decoding: try job.encoded(), as: UTF8.self)
        json = json.replacingOccurrences(of: "https://octopusx.ai", with: "https://evil.example.com")
        let tampered = try VideoJob.decode(from: Data(json.utf8))
        let error = await captureError { try await harness.client.result(for: tampered) }
        #expect(error?.kind == .configuration)
        #expect(error?.attempts == job.attempts)
        #expect(harness.simulator.count(.status) == 0)
        let unknown = await captureError { try await harness.freshClient(try Sim.registry(["aizfw"])).status(of: job) }
        #expect(unknown?.kind == .configuration)
        #expect(unknown?.message == "The job's provider 'octopusx' is not registered with this client.")
    }
}

/// Job-level fallback in `generate`: a task that fails for a reason that is not the prompt's goes to the
/// next candidate, only when enabled.
@Suite struct ClientJobFallbackTests {
    @Test func aFailedTaskIsResubmittedElsewhereWhenEnabled() async throws {
        let harness = try Harness(
            ["openai-compatible", "duoyuanx"], configuration: Sim.configuration { $0.resubmitFailedTasks = true })
        harness.simulator.scriptNextTasks(
            TaskScript(outcome: .failure(message: "GPU pool exhausted")), at: Sim.openAICompatible)
        let generation = try await harness.client.generate(Sim.imagine())
        #expect(generation.job.providerID == "duoyuanx")
        #expect(generation.snapshot.status == .completed)
        #expect(generation.failedJobs.map(\.providerID) == ["openai-compatible"])
        #expect(generation.video == nil)
        #expect(harness.events.resubmissions == ["openai-compatible"])
        #expect(harness.simulator.tasks.map(\.gatewayName) == ["OpenAI-compatible", "Duoyuanx"])
    }

    @Test func offByDefault() async throws {
        let harness = try Harness(["openai-compatible", "duoyuanx"])
        harness.simulator.scriptNextTasks(TaskScript(outcome: .failure(message: "GPU pool exhausted")))
        let error = await captureError { try await harness.client.generate(Sim.imagine()) }
        #expect(error?.kind == .taskFailed)
        #expect(error?.vendorMessage == "GPU pool exhausted")
        #expect(error?.attempts.map(\.outcome) == [.accepted])
        #expect(harness.simulator.tasks.count == 1)
    }

    @Test func aContentPolicyFailureIsNeverResubmitted() async throws {
        let harness = try Harness(
            ["xai", "openai-compatible"], configuration: Sim.configuration { $0.resubmitFailedTasks = true })
        harness.simulator.scriptNextTasks(TaskScript(outcome: .moderated))
        let error = await captureError { try await harness.client.generate(Sim.imagine()) }
        #expect(error?.kind == .contentPolicy)
        #expect(harness.simulator.tasks.count == 1)
        #expect(harness.events.resubmissions.isEmpty)
    }

    @Test func withNobodyLeftTheErrorSaysSoWithEveryAttempt() async throws {
        let harness = try Harness(
            ["openai-compatible"], configuration: Sim.configuration { $0.resubmitFailedTasks = true })
        harness.simulator.scriptNextTasks(TaskScript(outcome: .expired))
        let error = await captureError { try await harness.client.generate(Sim.imagine()) }
        #expect(error?.kind == .taskFailed)
        #expect(error?.message.hasSuffix(" No other provider is left to try.") == true)
        #expect(error?.attempts.map(\.outcome) == [.accepted])
    }
}

/// The client shared by many tasks at once (run under `--sanitize=thread` too).
@Suite struct ClientConcurrencyTests {
    @Test func manyTasksSubmitAndFollowAtOnce() async throws {
        let harness = try Harness(
            ["openai-compatible", "duoyuanx", "xai"],
            configuration: Sim.configuration { $0.random = { Double.random(in: 0..<1) } })
        // Some trouble to share: rate limits and failures spread over the calls.
        harness.simulator.inject(.httpError(status: 429, headers: ["Retry-After": "1"]), on: .submit, times: 6)
        harness.simulator.inject(.htmlErrorPage(status: 503), on: .submit, at: Sim.openAICompatible, times: 4)
        harness.simulator.inject(.httpError(status: 503), on: .status, times: 5)
        let client = harness.client
        let count = 24
        let results = try await withThrowingTaskGroup(of: (VideoJob, TaskSnapshot).self) { group in
            for index in 0..<count {
                group.addTask {
                    let job = try await client.submit(
                        VideoRequest(model: "grok-imagine-video", prompt: "Scene \(index)", seconds: 1 + index % 15))
                    let plan = client.plan(VideoRequest(model: "grok-imagine-video", prompt: "p"))
                    #expect(!plan.eligible.isEmpty || !plan.skipped.isEmpty)
                    let final: TaskSnapshot
                    if index.isMultiple(of: 2) {
                        final = try await client.result(for: job)
                    } else {
                        var last: TaskSnapshot?
                        for try await snapshot in client.updates(for: job) { last = snapshot }
                        final = try #require(last)
                    }
                    return (job, final)
                }
            }
            var collected: [(VideoJob, TaskSnapshot)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == count)
        #expect(results.allSatisfy { $0.1.status == .completed })
        #expect(Set(results.map(\.0.taskID)).count == count)
        #expect(Set(results.map(\.0.id)).count == count)
        #expect(harness.simulator.tasks.count == count)
        #expect(Set(results.map(\.0.request.prompt)) == Set((0..<count).map { "Scene \($0)" }))
        #expect(harness.events.all.count > count * 3)
    }
}

/// The failure table's classification helpers, row by row, beyond what the simulator drives.
@Suite struct ClientFailureTableTests {
    let retry = RetryPolicy()

    @Test func modelNotFoundTellsTheModelFromTheEndpoint() {
        #expect(FailureAction.isModelNotFound(vendorError(.notFound, status: 404, code: "model_not_found")))
        #expect(
            FailureAction.isModelNotFound(vendorError(.notFound, status: 404, message: "The model `x` does not exist")))
        #expect(
            !FailureAction.isModelNotFound(vendorError(.notFound, status: 404, message: "No route for POST /v1/videos"))
        )
        #expect(!FailureAction.isModelNotFound(vendorError(.vendorRejected, status: 400, message: "model is required")))
        #expect(
            FailureAction.forSubmission(vendorError(.notFound, status: 404, code: "model_not_found"), retry: retry)
                == .fallBack)
        #expect(FailureAction.forSubmission(vendorError(.notFound, status: 404), retry: retry) == .fallBack)
    }

    @Test func accountProblemsFallBackInsteadOfRetryingOrStopping() {
        let quota = vendorError(.rateLimited, status: 429, code: "insufficient_quota", retryAfter: .seconds(1))
        #expect(FailureAction.isAccountProblem(quota))
        #expect(FailureAction.forSubmission(quota, retry: retry) == .fallBack)
        let payment = vendorError(.vendorRejected, status: 402)
        #expect(FailureAction.isAccountProblem(payment))
        #expect(FailureAction.forSubmission(payment, retry: retry) == .fallBack)
        let balance = vendorError(.vendorRejected, status: 400, message: "Insufficient balance, please top up")
        #expect(FailureAction.forSubmission(balance, retry: retry) == .fallBack)
        let chinese = vendorError(.authentication, status: 403, message: "用户额度不足")
        #expect(FailureAction.isAccountProblem(chinese))
        // Server errors mentioning a quota are server errors.
        #expect(!FailureAction.isAccountProblem(vendorError(.serverError, status: 500, message: "quota exceeded")))
        #expect(FailureAction.forSubmission(vendorError(.rateLimited, status: 429), retry: retry) == .retry(after: nil))
        // A rate quota worded "Quota exceeded." with a time to wait (Google's per-minute 429) is a wait; the
        // same words without one, or a balance beside a wait, are the account's.
        let perMinute = vendorError(.rateLimited, status: 429, message: "Quota exceeded.", retryAfter: .seconds(12))
        #expect(!FailureAction.isAccountProblem(perMinute))
        #expect(FailureAction.forSubmission(perMinute, retry: retry) == .retry(after: .seconds(12)))
        #expect(FailureAction.isAccountProblem(vendorError(.rateLimited, status: 429, message: "Quota exceeded.")))
        #expect(
            FailureAction.isAccountProblem(
                vendorError(.rateLimited, status: 429, message: "Insufficient balance", retryAfter: .seconds(12))))
    }

    @Test func contentPolicyStopsWhateverTheStatus() {
        for status in [200, 400, 403, 451, 500] {
            #expect(
                FailureAction.forSubmission(
                    vendorError(.contentPolicy, status: status, message: "moderation"), retry: retry)
                    == .stop)
        }
    }

    @Test func timeoutsDependOnWhetherTheRequestWentOut() {
        #expect(
            FailureAction.forSubmission(vendorError(.timeout, status: nil, sent: false), retry: retry)
                == .retry(after: nil))
        #expect(FailureAction.forSubmission(vendorError(.timeout, status: nil, sent: true), retry: retry) == .ambiguous)
        #expect(FailureAction.forSubmission(vendorError(.ambiguousSubmission, status: nil), retry: retry) == .ambiguous)
    }

    @Test func aTaskFailedAtOnceFallsBack() {
        #expect(FailureAction.forSubmission(vendorError(.taskFailed, status: nil), retry: retry) == .fallBack)
    }
}
