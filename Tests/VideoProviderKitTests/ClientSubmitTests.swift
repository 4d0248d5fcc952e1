import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

private typealias Fault = GatewaySimulator.Fault
private typealias Outcome = SubmissionAttempt.Outcome

/// The three `grok-imagine-video` gateways on three hosts, tried in this order.
private let imagineProviders: [ProviderID] = ["openai-compatible", "duoyuanx", "xai"]
private let jsonHeaders: HTTPHeaders = ["Content-Type": "application/json"]

/// One row of the failure table that falls back.
struct FallbackCase: Sendable, CustomTestStringConvertible {
    let name: String
    let fault: GatewaySimulator.Fault
    let times: Int
    let outcomes: [SubmissionAttempt.Outcome]
    let status: Int?
    /// Whether the failure starts a cooldown of the first provider at once.
    let coolsDownAtOnce: Bool

    var testDescription: String { name }
}

private let fallbackCases: [FallbackCase] = [
    FallbackCase(
        name: "403", fault: .httpError(status: 403, message: "Forbidden"), times: 1,
        outcomes: [.fellBack, .accepted], status: 403, coolsDownAtOnce: true),
    FallbackCase(
        name: "404 for the model",
        fault: .httpError(status: 404, message: "The model grok-imagine-video does not exist", code: "model_not_found"),
        times: 1, outcomes: [.fellBack, .accepted], status: 404, coolsDownAtOnce: false),
    FallbackCase(
        name: "404 for the endpoint", fault: .htmlErrorPage(status: 404), times: 1, outcomes: [.fellBack, .accepted],
        status: 404, coolsDownAtOnce: false),
    FallbackCase(
        name: "429 after its retries", fault: .httpError(status: 429, headers: ["Retry-After": "2"]), times: 3,
        outcomes: [.retried, .retried, .fellBack, .accepted], status: 429, coolsDownAtOnce: false),
    FallbackCase(
        name: "429 with a long Retry-After", fault: .httpError(status: 429, headers: ["Retry-After": "120"]), times: 1,
        outcomes: [.fellBack, .accepted], status: 429, coolsDownAtOnce: true),
    FallbackCase(
        name: "429 insufficient_quota",
        fault: .httpError(status: 429, message: "You exceeded your current quota", code: "insufficient_quota"),
        times: 1, outcomes: [.fellBack, .accepted], status: 429, coolsDownAtOnce: true),
    FallbackCase(
        name: "402", fault: .httpError(status: 402, message: "Insufficient balance"), times: 1,
        outcomes: [.fellBack, .accepted], status: 402, coolsDownAtOnce: true),
    FallbackCase(
        name: "501", fault: .httpError(status: 501, message: "video generation is not enabled"), times: 1,
        outcomes: [.fellBack, .accepted], status: 501, coolsDownAtOnce: false),
    FallbackCase(
        name: "503 without Retry-After", fault: .httpError(status: 503), times: 1, outcomes: [.fellBack, .accepted],
        status: 503, coolsDownAtOnce: false),
    FallbackCase(
        name: "503 with a long Retry-After", fault: .httpError(status: 503, headers: ["Retry-After": "90"]), times: 1,
        outcomes: [.fellBack, .accepted], status: 503, coolsDownAtOnce: true),
    FallbackCase(
        name: "503 HTML page", fault: .htmlErrorPage(status: 503), times: 1, outcomes: [.fellBack, .accepted],
        status: 503, coolsDownAtOnce: false),
    FallbackCase(
        name: "connection refused after its retries", fault: .refuseConnection, times: 3,
        outcomes: [.retried, .retried, .fellBack, .accepted], status: nil, coolsDownAtOnce: false),
]

/// A task the vendor created and ended failed in the same answer.
private let failedAtOnce = GatewaySimulator.Fault.response(
    status: 200, headers: jsonHeaders,
    body: Sim.json(
        #"{"id":"video_0001","object":"video","status":"failed","error":{"message":"No GPU capacity","code":"capacity"}}"#
    ))

/// Submitting: which failures fall back, which stop, and which are ambiguous, through the simulator.
@Suite struct ClientSubmitFallbackTests {
    @Test(arguments: fallbackCases)
    func fallsBackToTheNextProvider(row: FallbackCase) async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(row.fault, on: .submit, at: Sim.openAICompatible, times: row.times)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "duoyuanx")
        #expect(job.model == "grok-imagine-video")
        #expect(job.attempts.map(\.outcome) == row.outcomes)
        #expect(job.attempts.dropLast().allSatisfy { $0.providerID == "openai-compatible" })
        #expect(job.attempts.first?.httpStatus == row.status)
        #expect(job.attempts.last?.providerID == "duoyuanx")
        #expect(harness.events.fallbacks == ["openai-compatible"])
        #expect(harness.simulator.count(.submit, at: Sim.duoyuanx) == 1)
        #expect(harness.simulator.count(.submit, at: Sim.xAI) == 0)
        #expect(harness.submitTimes(at: Sim.openAICompatible).count == row.times)
        #expect(harness.events.cooldowns.map(\.provider) == (row.coolsDownAtOnce ? ["openai-compatible"] : []))
    }

    @Test func authenticationFailureFallsBackAndCoolsDownAtOnce() async throws {
        var gateways = GatewaySimulator.Gateway.standard()
        gateways[gateways.count - 1].expectedAPIKey = APIKey("the-right-key")
        let harness = try Harness(imagineProviders, gateways: gateways)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "duoyuanx")
        #expect(job.attempts.map(\.outcome) == [.fellBack, .accepted])
        #expect(job.attempts.first?.httpStatus == 401)
        #expect(job.attempts.first?.errorKind == .authentication)
        #expect(harness.events.cooldowns.map(\.provider) == ["openai-compatible"])
        #expect(harness.events.cooldowns.map(\.duration) == [.seconds(60)])
        // The next submission does not knock on that door again.
        let second = try await harness.client.submit(Sim.imagine())
        #expect(second.providerID == "duoyuanx")
        #expect(second.attempts.map(\.outcome) == [.accepted])
        #expect(harness.simulator.count(.submit, at: Sim.openAICompatible) == 1)
        #expect(harness.events.skipped.last?.providerID == "openai-compatible")
        #expect(harness.events.skipped.last?.reason.hasPrefix("cooling down for 60 s after: ") == true)
    }

    @Test func everyProviderFailingThrowsWithEveryAttempt() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(.htmlErrorPage(status: 503), on: .submit, times: nil)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == .serverError)
        #expect(error?.providerID == "xai")
        #expect(error?.attempts.map(\.providerID) == imagineProviders)
        #expect(error?.attempts.map(\.outcome) == [.fellBack, .fellBack, .fellBack])
        #expect(error?.attempts.map(\.httpStatus) == [503, 503, 503])
        // A fallback event promises a next candidate: the last provider's failure announces none.
        #expect(harness.events.fallbacks == ["openai-compatible", "duoyuanx"])
        #expect(
            error?.message.hasPrefix("Every provider failed for 'grok-imagine-video' (3 providers, 3 attempts); last: ")
                == true)
        #expect(error?.requestMayHaveBeenSent == false)
    }

    /// With one provider there is no "every provider": the message names the one that failed.
    @Test func oneProviderFailingRepeatedlyIsNamed() async throws {
        let harness = try Harness(["duoyuanx"])
        harness.simulator.inject(.refuseConnection, on: .submit, times: nil)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.attempts.map(\.outcome) == [.retried, .retried, .fellBack])
        #expect(error?.message.hasPrefix("duoyuanx failed 3 times for 'grok-imagine-video'; last: ") == true)
        #expect(harness.events.fallbacks.isEmpty)
    }
}

/// One row of the failure table that stops.
struct StopCase: Sendable, CustomTestStringConvertible {
    let name: String
    let fault: GatewaySimulator.Fault
    let kind: VideoProviderError.Kind
    let vendorMessage: String

    var testDescription: String { name }
}

private let stopCases: [StopCase] = [
    StopCase(
        name: "400 validation",
        fault: .httpError(status: 400, message: "aspect_ratio 7:3 is not supported", code: "invalid_request"),
        kind: .vendorRejected, vendorMessage: "aspect_ratio 7:3 is not supported"),
    StopCase(
        name: "422 validation", fault: .httpError(status: 422, message: "prompt must not be empty"),
        kind: .vendorRejected, vendorMessage: "prompt must not be empty"),
    StopCase(
        name: "400 content policy",
        fault: .httpError(
            status: 400, message: "Your request was rejected by the safety system", code: "content_policy_violation"),
        kind: .contentPolicy, vendorMessage: "Your request was rejected by the safety system"),
    StopCase(
        name: "200 whose body is a content-policy refusal",
        fault: .response(
            status: 200, headers: jsonHeaders,
            body: Sim.json(#"{"error":{"message":"The prompt violates our content policy","code":"flagged"}}"#)),
        kind: .contentPolicy, vendorMessage: "The prompt violates our content policy"),
    StopCase(
        name: "a task failed at once by moderation",
        fault: .response(
            status: 200, headers: jsonHeaders,
            body: Sim.json(
                #"{"id":"video_0002","status":"failed","error":{"message":"Blocked by moderation","code":"content_policy_violation"}}"#
            )), kind: .contentPolicy, vendorMessage: "Blocked by moderation"),
]

@Suite struct ClientSubmitStopTests {
    @Test(arguments: stopCases)
    func stopsWithTheVendorsMessage(row: StopCase) async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(row.fault, on: .submit, at: Sim.openAICompatible)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == row.kind)
        #expect(error?.providerID == "openai-compatible")
        #expect(error?.vendorMessage == row.vendorMessage)
        #expect(error?.message.contains(row.vendorMessage) == true)
        #expect(error?.attempts.map(\.outcome) == [.stopped])
        #expect(error?.attempts.first?.errorKind == row.kind)
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.events.fallbacks.isEmpty)
        #expect(harness.events.retries.isEmpty)
    }

    @Test func aRealGatewayRefusalStopsToo() async throws {
        // An override promises 30 s; the gateway (simulated from its docs) refuses it with its own message.
        var longer = try #require(Sim.provider("openai-compatible").descriptor.capabilities(for: "grok-imagine-video"))
        longer.duration = .range(min: 1, max: 30, default: 8)
        var registry = ProviderRegistry()
        try registry.register(
            Sim.provider("openai-compatible"), apiKey: Sim.key, baseURL: Sim.openAICompatible,
            capabilityOverrides: [longer])
        try registry.register(Sim.provider("duoyuanx"), apiKey: Sim.key)
        let harness = try Harness([], registry: registry)
        let error = await captureError { try await harness.client.submit(Sim.imagine(seconds: 30)) }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        let vendorMessage = try #require(error?.vendorMessage)
        #expect(error?.message == "openai-compatible refused the video submission (HTTP 400): \(vendorMessage)")
        #expect(harness.simulator.count(.submit, at: Sim.duoyuanx) == 0)
    }
}

/// A submission that was sent and got no usable answer is never sent again without the caller's say-so.
@Suite struct ClientAmbiguousSubmissionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let fault: GatewaySimulator.Fault
        let answer: String
        let cause: String
        let createsTask: Bool
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "timeout after sending", fault: .dropResponse(.timedOut), answer: "no answer",
            cause: "No answer from openai-compatible.simulator.invalid (openai-compatible) in time.", createsTask: true),
        Row(
            name: "reset after sending", fault: .dropResponse(.connectionLost), answer: "no answer",
            cause:
                "The connection to openai-compatible.simulator.invalid (openai-compatible) failed after the request was sent.",
            createsTask: true),
        Row(
            name: "500 with no body", fault: .response(status: 500),
            answer: "HTTP 500, which does not prove that nothing was created",
            cause: "openai-compatible refused the video submission (HTTP 500)", createsTask: false),
        Row(
            name: "500 with a body", fault: .httpError(status: 500, message: "upstream exploded"),
            answer: "HTTP 500, which does not prove that nothing was created",
            cause: "openai-compatible refused the video submission (HTTP 500): upstream exploded", createsTask: false),
        Row(
            name: "502 HTML page", fault: .htmlErrorPage(status: 502),
            answer: "HTTP 502, which does not prove that nothing was created",
            cause: "openai-compatible refused the video submission (HTTP 502): HTML page: 502 Bad Gateway",
            createsTask: false),
        Row(
            name: "504 HTML page", fault: .htmlErrorPage(status: 504),
            answer: "HTTP 504, which does not prove that nothing was created",
            cause: "openai-compatible refused the video submission (HTTP 504): HTML page: 504 Gateway Time-out",
            createsTask: false),
        Row(
            name: "a 2xx that cannot be read", fault: .truncatedJSON,
            answer: "HTTP 200, which does not prove that nothing was created",
            cause: "openai-compatible answered the video submission with malformed JSON", createsTask: true),
    ]

    @Test(arguments: rows)
    func isNeverSentTwiceByDefault(row: Row) async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(row.fault, on: .submit, at: Sim.openAICompatible)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == .ambiguousSubmission)
        #expect(error?.providerID == "openai-compatible")
        #expect(error?.model == "grok-imagine-video")
        #expect(error?.requestMayHaveBeenSent == true)
        #expect(
            error?.message.hasPrefix(
                "openai-compatible may have created a task for grok-imagine-video: the submission was sent and got \(row.answer). A task may exist and be billed, so it was not sent again: resending needs the caller's opt-in (the vendor may bill twice). Cause: \(row.cause)"
            ) == true)
        #expect(error?.attempts.map(\.outcome) == [.ambiguous])
        // Not resent, and not sent anywhere else either.
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.simulator.tasks.count == (row.createsTask ? 1 : 0))
        #expect(harness.events.fallbacks.isEmpty)
    }

    @Test func theCallerCanOptInPerCall() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(.dropResponse(.timedOut), on: .submit, at: Sim.openAICompatible)
        var options = VideoClient.SubmitOptions()
        options.ambiguousSubmissions = .resubmit
        let job = try await harness.client.submit(Sim.imagine(), options: options)
        #expect(job.providerID == "openai-compatible")
        #expect(job.attempts.map(\.outcome) == [.ambiguous, .accepted])
        #expect(harness.submitTimes(at: Sim.openAICompatible) == [.zero, .seconds(1)])
        // Both submissions created a task: the price of opting in.
        #expect(harness.simulator.tasks.count == 2)
    }

    /// One dropped answer must not become six billed submissions: with the opt-in, one resend by default,
    /// then the call stops with the ambiguous error, and no other provider is asked.
    @Test func optingInResendsOnceByDefault() async throws {
        let harness = try Harness(
            imagineProviders, configuration: Sim.configuration { $0.ambiguousSubmissions = .resubmit })
        harness.simulator.inject(.dropResponse(.connectionLost), on: .submit, times: nil)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == .ambiguousSubmission)
        #expect(error?.requestMayHaveBeenSent == true)
        #expect(error?.attempts.map(\.outcome) == [.ambiguous, .ambiguous])
        #expect(error?.attempts.map(\.providerID) == ["openai-compatible", "openai-compatible"])
        #expect(harness.simulator.count(.submit) == 2)
        #expect(harness.simulator.tasks.count == 2)
        #expect(
            error?.message.contains(
                "A task may exist and be billed, and the one resend allowed for a possibly billed submission is used up, so it was not sent again."
            ) == true)
    }

    /// A larger allowance resends on the same provider while its attempts last, then on the next.
    @Test func aLargerAllowanceResendsThenFallsBack() async throws {
        let harness = try Harness(
            imagineProviders,
            configuration: Sim.configuration {
                $0.ambiguousSubmissions = .resubmit
                $0.maximumAmbiguousResubmissions = 3
            })
        harness.simulator.inject(.response(status: 500), on: .submit, at: Sim.openAICompatible, times: nil)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "duoyuanx")
        #expect(job.attempts.map(\.outcome) == [.ambiguous, .ambiguous, .ambiguous, .accepted])
        #expect(harness.submitTimes(at: Sim.openAICompatible) == [.zero, .seconds(1), .seconds(3)])
    }

    /// The budget counts every submission that may be billed: a resend that would pass it is not sent.
    @Test func theBudgetStopsAResend() async throws {
        let harness = try Harness(
            imagineProviders, configuration: Sim.configuration { $0.ambiguousSubmissions = .resubmit })
        harness.simulator.inject(.dropResponse(.connectionLost), on: .submit, times: nil)
        var options = VideoClient.SubmitOptions()
        options.maximumBillableSeconds = 12
        let error = await captureError { try await harness.client.submit(Sim.imagine(seconds: 8), options: options) }
        #expect(error?.kind == .ambiguousSubmission)
        #expect(error?.attempts.map(\.outcome) == [.ambiguous])
        #expect(harness.simulator.count(.submit) == 1)
        #expect(
            error?.message.contains(
                "A task may exist and be billed, and sending it again would bring the possibly billed seconds to 16, over the budget of 12."
            ) == true)
    }

    /// A task failed in the submission's own answer may be billed: the next provider is tried only when the
    /// caller resubmits failed tasks.
    @Test func aTaskFailedAtOnceFallsBackOnlyWithTheOptIn() async throws {
        let plain = try Harness(imagineProviders)
        plain.simulator.inject(failedAtOnce, on: .submit, at: Sim.openAICompatible)
        let error = await captureError { try await plain.client.submit(Sim.imagine()) }
        #expect(error?.kind == .taskFailed)
        #expect(error?.taskID == "video_0001")
        #expect(error?.vendorMessage == "No GPU capacity")
        #expect(error?.attempts.map(\.outcome) == [.stopped])
        #expect(
            error?.message
                == "openai-compatible accepted task video_0001 for grok-imagine-video and ended it failed at once: No GPU capacity. The task may be billed, so no other provider was tried (resubmitting failed tasks needs the caller's opt-in)."
        )
        #expect(plain.simulator.count(.submit) == 1)

        let opted = try Harness(imagineProviders, configuration: Sim.configuration { $0.resubmitFailedTasks = true })
        opted.simulator.inject(failedAtOnce, on: .submit, at: Sim.openAICompatible)
        let job = try await opted.client.submit(Sim.imagine())
        #expect(job.providerID == "duoyuanx")
        #expect(job.attempts.map(\.outcome) == [.fellBack, .accepted])
        #expect(opted.events.fallbacks == ["openai-compatible"])
    }

    @Test func aLaterFailureStillSaysATaskMayExist() async throws {
        let harness = try Harness(
            ["openai-compatible", "duoyuanx"],
            configuration: Sim.configuration {
                $0.ambiguousSubmissions = .resubmit
                $0.retry.maximumAttempts = 1
            })
        harness.simulator.inject(.dropResponse(.connectionLost), on: .submit, at: Sim.openAICompatible)
        harness.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.duoyuanx)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == .serverError)
        #expect(error?.requestMayHaveBeenSent == true)
        #expect(error?.attempts.map(\.outcome) == [.ambiguous, .fellBack])
        #expect(
            error?.message.hasSuffix(
                " A task may exist on openai-compatible (a submission got no answer that proves nothing was created).")
                == true)
    }

    @Test func cancellingAWaitingSubmissionNamesTheAttempts() async throws {
        let clock = VirtualClock(mode: .manual)
        let harness = try Harness(imagineProviders, clock: clock)
        harness.simulator.inject(.httpError(status: 429, headers: ["Retry-After": "20"]), on: .submit)
        let client = harness.client
        let submission = Task { () async -> VideoProviderError? in
            await captureError { try await client.submit(Sim.imagine()) }
        }
        #expect(await clock.waitForSleepers(1))
        submission.cancel()
        let error = await submission.value
        #expect(error?.kind == .cancelled)
        #expect(error?.message == "Cancelled while waiting to retry openai-compatible.")
        #expect(error?.attempts.map(\.outcome) == [.retried])
        clock.advance(by: .seconds(60))
        #expect(harness.simulator.count(.submit) == 1)
    }
}

/// Backoff, `Retry-After`, cooldowns.
@Suite struct ClientRetryAndCooldownTests {
    @Test func retryAfterIsHonouredToTheSecond() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(.httpError(status: 429, headers: ["Retry-After": "7"]), on: .submit)
        harness.simulator.inject(.httpError(status: 503, headers: ["Retry-After": "3"]), on: .submit)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "openai-compatible")
        #expect(harness.submitTimes() == [.zero, .seconds(7), .seconds(10)])
        #expect(harness.events.retries.map(\.delay) == [.seconds(7), .seconds(3)])
        #expect(harness.events.retries.map(\.attempt) == [1, 2])
        #expect(job.attempts.map(\.outcome) == [.retried, .retried, .accepted])
        #expect(job.attempts.map(\.httpStatus) == [429, 503, nil])
    }

    @Test func backoffIsExponentialWithJitter() async throws {
        let plain = try Harness(imagineProviders)
        plain.simulator.inject(.refuseConnection, on: .submit, times: 2)
        _ = try await plain.client.submit(Sim.imagine())
        #expect(plain.submitTimes() == [.zero, .seconds(1), .seconds(3)])

        // random 0.5 with the default 20 % jitter shortens each delay by 10 %.
        let jittered = try Harness(imagineProviders, configuration: Sim.configuration { $0.random = { 0.5 } })
        jittered.simulator.inject(.refuseConnection, on: .submit, times: 2)
        _ = try await jittered.client.submit(Sim.imagine())
        #expect(jittered.events.retries.map(\.delay) == [.milliseconds(900), .milliseconds(1800)])
        #expect(jittered.submitTimes() == [.zero, .milliseconds(900), .milliseconds(2700)])
    }

    @Test func aProviderThatKeepsFailingCoolsDownThenIsReadmitted() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(.htmlErrorPage(status: 503), on: .submit, at: Sim.openAICompatible, times: 3)
        for _ in 1...3 {
            let job = try await harness.client.submit(Sim.imagine())
            #expect(job.providerID == "duoyuanx")
        }
        #expect(harness.events.cooldowns.map(\.provider) == ["openai-compatible"])
        #expect(harness.events.cooldowns.map(\.duration) == [.seconds(60)])
        // Skipped while cooling down, without a request, and the plan says so.
        let plan = harness.client.plan(Sim.imagine())
        #expect(plan.providerIDs == ["duoyuanx", "xai"])
        #expect(
            plan.skipped.map(\.reason) == [
                "cooling down for 60 s after: openai-compatible refused the video submission (HTTP 503): HTML page: 503 Service Temporarily Unavailable"
            ])
        #expect(try await harness.client.submit(Sim.imagine()).providerID == "duoyuanx")
        #expect(harness.simulator.count(.submit, at: Sim.openAICompatible) == 3)
        // 59 s later it is still out; at 60 s it is back.
        try await harness.clock.sleep(for: .seconds(59))
        #expect(harness.client.plan(Sim.imagine()).providerIDs == ["duoyuanx", "xai"])
        try await harness.clock.sleep(for: .seconds(1))
        #expect(harness.client.plan(Sim.imagine()).providerIDs == imagineProviders)
        #expect(try await harness.client.submit(Sim.imagine()).providerID == "openai-compatible")
        #expect(harness.simulator.count(.submit, at: Sim.openAICompatible) == 4)
    }

    @Test func aReadmittedProviderThatFailsAgainCoolsDownAtOnce() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.openAICompatible, times: 4)
        for _ in 1...3 { _ = try await harness.client.submit(Sim.imagine()) }
        try await harness.clock.sleep(for: .seconds(60))
        #expect(try await harness.client.submit(Sim.imagine()).providerID == "duoyuanx")
        #expect(harness.events.cooldowns.count == 2)
        #expect(harness.client.plan(Sim.imagine()).providerIDs == ["duoyuanx", "xai"])
    }

    @Test func aMissingModelDoesNotCountAgainstTheProvider() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(
            .httpError(status: 404, message: "model grok-imagine-video not found", code: "model_not_found"),
            on: .submit, at: Sim.openAICompatible, times: 5)
        for _ in 1...5 { #expect(try await harness.client.submit(Sim.imagine()).providerID == "duoyuanx") }
        #expect(harness.events.cooldowns.isEmpty)
        #expect(harness.simulator.count(.submit, at: Sim.openAICompatible) == 5)
    }

    @Test func aLongRetryAfterSetsTheCooldown() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(
            .httpError(status: 429, headers: ["Retry-After": "300"]), on: .submit, at: Sim.openAICompatible)
        #expect(try await harness.client.submit(Sim.imagine()).providerID == "duoyuanx")
        #expect(harness.events.cooldowns.map(\.duration) == [.seconds(300)])
        try await harness.clock.sleep(for: .seconds(299))
        #expect(harness.client.plan(Sim.imagine()).providerIDs == ["duoyuanx", "xai"])
        try await harness.clock.sleep(for: .seconds(1))
        #expect(harness.client.plan(Sim.imagine()).providerIDs == imagineProviders)
    }

    @Test func cooldownsAreConfigurable() async throws {
        let off = try Harness(imagineProviders, configuration: Sim.configuration { $0.cooldown.isEnabled = false })
        off.simulator.inject(.httpError(status: 401), on: .submit, at: Sim.openAICompatible, times: 4)
        for _ in 1...4 { _ = try await off.client.submit(Sim.imagine()) }
        #expect(off.events.cooldowns.isEmpty)
        #expect(off.simulator.count(.submit, at: Sim.openAICompatible) == 4)

        let quick = try Harness(
            imagineProviders,
            configuration: Sim.configuration {
                $0.cooldown.failureThreshold = 1
                $0.cooldown.duration = .seconds(5)
            })
        quick.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.openAICompatible)
        _ = try await quick.client.submit(Sim.imagine())
        #expect(quick.events.cooldowns.map(\.duration) == [.seconds(5)])
    }

    @Test func nothingEligibleBecauseEveryoneCoolsDownListsThem() async throws {
        let harness = try Harness(["openai-compatible"])
        harness.simulator.inject(.httpError(status: 401), on: .submit)
        let first = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(first?.kind == .authentication)
        #expect(first?.attempts.map(\.outcome) == [.fellBack])
        let second = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(second?.kind == .noEligibleProvider)
        #expect(second?.attempts == [])
        #expect(second?.skipped.map(\.providerID) == ["openai-compatible"])
        #expect(harness.simulator.count(.submit) == 1)
    }
}

/// What else a submission guarantees: secrets stay out, plain http stays refused, skipping is silent on
/// the wire.
@Suite struct ClientSubmitGuaranteeTests {
    @Test func theKeyNeverAppearsInEventsOrErrors() async throws {
        let harness = try Harness(imagineProviders)
        harness.simulator.inject(
            .httpError(status: 503, message: "unavailable for key \(Sim.key)"), on: .submit, at: Sim.openAICompatible)
        harness.simulator.inject(
            .httpError(status: 400, message: "invalid value; your key \(Sim.key) was logged"), on: .submit,
            at: Sim.duoyuanx)
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        let texts =
            harness.events.all.map { String(describing: $0) } + [
                String(describing: error), error?.message ?? "", String(reflecting: error as Any),
            ]
        #expect(!harness.events.all.isEmpty)
        #expect(texts.allSatisfy { !$0.contains(Sim.key) })
        #expect(error?.vendorMessage == "invalid value; your key [redacted] was logged")
        #expect(error?.attempts.first?.detail?.contains("[redacted]") == true)
    }

    @Test func skippedCandidatesGetNoRequest() async throws {
        let harness = try Harness(["xai", "openai-compatible"])
        let job = try await harness.client.submit(Sim.imagine(seconds: 12, images: [.data(Sim.png), .data(Sim.png)]))
        #expect(job.providerID == "openai-compatible")
        #expect(job.request.seconds == 12)
        #expect(job.request.imageCount == 2)
        #expect(harness.simulator.count(at: Sim.xAI) == 0)
        #expect(harness.events.skipped.map(\.providerID) == ["xai"])
        #expect(harness.events.skipped.first?.violations.map(\.parameter) == ["seconds"])
        #expect(harness.simulator.tasks.first?.imageCount == 2)
    }

    @Test func loopbackHTTPIsAllowedAndUsed() async throws {
        let local = URL(string: "http://127.0.0.1:8089")!
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("openai-compatible"), apiKey: Sim.key, baseURL: local)
        let harness = try Harness(
            [], gateways: [GatewaySimulator.Gateway.openAICompatible(baseURL: local)], registry: registry)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.baseURL == local)
        #expect(harness.simulator.requests(.submit).first?.url.absoluteString == "http://127.0.0.1:8089/v1/videos")
    }

    @Test func aJobRecordsTheResolvedRequest() async throws {
        let harness = try Harness(["aizfw"])
        let job = try await harness.client.submit(
            VideoRequest(model: "grok-video-3", prompt: "Waves", seconds: 12, resolution: .p720))
        #expect(job.providerID == "aizfw")
        #expect(job.model == "grok_video3")
        #expect(job.request.requestedModel == "grok-video-3")
        #expect(job.request.seconds == 12)
        #expect(job.request.resolution == .p720)
        #expect(job.request.aspectRatio == "16:9")
        #expect(job.request.billing == .seconds(12))
        #expect(job.baseURL == Sim.kyy)
        #expect(job.submittedAt == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(job.taskID == harness.simulator.tasks.first?.id)
    }
}
