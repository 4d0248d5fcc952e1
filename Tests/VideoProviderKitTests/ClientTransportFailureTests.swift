import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// A transport that fails the first task-creating requests with the given errors, then hands everything to
/// the simulator: for the transport failures the simulator cannot stage (a timeout while connecting, a
/// refused redirect, a local read error).
final class FailingSubmitTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [HTTPTransportError]  // guarded by `lock`
    private var thrown = 0  // guarded by `lock`
    let inner: GatewaySimulator

    init(_ failures: [HTTPTransportError], inner: GatewaySimulator) {
        self.failures = failures
        self.inner = inner
    }

    var thrownCount: Int { lock.withLock { thrown } }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        let failure: HTTPTransportError? = lock.withLock {
            guard request.createsTask, !failures.isEmpty else { return nil }
            thrown += 1
            return failures.removeFirst()
        }
        if let failure { throw failure }
        return try await inner.send(request, bodyDestination: bodyDestination)
    }
}

@Suite struct ClientTransportFailureTests {
    private func client(_ failures: [HTTPTransportError]) throws -> (
        VideoClient, FailingSubmitTransport, GatewaySimulator
    ) {
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock)
        let transport = FailingSubmitTransport(failures, inner: simulator)
        let client = VideoClient(
            registry: try Sim.registry(["openai-compatible", "duoyuanx"]), transport: transport, clock: clock,
            configuration: Sim.configuration())
        return (client, transport, simulator)
    }

    /// Submits with the first send failing with `failure`: the error, and how many submissions reached the
    /// gateway.
    private func submitError(_ failure: HTTPTransportError) async throws -> (VideoProviderError?, submitted: Int) {
        let (client, _, simulator) = try client([failure])
        let error = await captureError { try await client.submit(Sim.imagine()) }
        return (error, simulator.count(.submit))
    }

    @Test func aTimeoutWhileConnectingIsRetriedNotAmbiguous() async throws {
        let (client, transport, simulator) = try client([
            HTTPTransportError(.timedOut, requestMayHaveBeenSent: false, message: "connect timed out")
        ])
        let job = try await client.submit(Sim.imagine())
        #expect(job.providerID == "openai-compatible")
        #expect(job.attempts.map(\.outcome) == [.retried, .accepted])
        #expect(job.attempts.first?.errorKind == .timeout)
        #expect(transport.thrownCount == 1)
        #expect(simulator.requests(.submit).map(\.receivedAt) == [.seconds(1)])
    }

    @Test func aRefusedRedirectFallsBack() async throws {
        let (client, _, simulator) = try client([
            HTTPTransportError(.redirectRefused, requestMayHaveBeenSent: true, message: "redirect to ftp://")
        ])
        let job = try await client.submit(Sim.imagine())
        #expect(job.providerID == "duoyuanx")
        #expect(job.attempts.map(\.outcome) == [.fellBack, .accepted])
        #expect(job.attempts.first?.errorKind == .invalidResponse)
        #expect(simulator.count(.submit) == 1)
    }

    @Test func aLocalReadErrorStops() async throws {
        let (error, submitted) = try await submitError(
            HTTPTransportError(.localIO, requestMayHaveBeenSent: false, message: "image file vanished"))
        #expect(error?.kind == .invalidRequest)
        #expect(error?.attempts.map(\.outcome) == [.stopped])
        #expect(submitted == 0)
    }

    @Test func cancellationInFlightSaysATaskMayExist() async throws {
        let (error, submitted) = try await submitError(
            HTTPTransportError(.cancelled, requestMayHaveBeenSent: true, message: "cancelled mid-upload"))
        #expect(error?.kind == .cancelled)
        #expect(error?.requestMayHaveBeenSent == true)
        #expect(
            error?.message
                == "Cancelled while submitting to openai-compatible; the request may have arrived, so a task may exist."
        )
        #expect(error?.attempts.map(\.outcome) == [.ambiguous])
        #expect(submitted == 0)
    }

    @Test func cancellationBeforeSendingIsPlain() async throws {
        let (error, submitted) = try await submitError(
            HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled"))
        #expect(error?.kind == .cancelled)
        #expect(error?.requestMayHaveBeenSent == false)
        #expect(error?.message == "Cancelled.")
        #expect(submitted == 0)
        #expect(error?.attempts.map(\.outcome) == [.stopped])
    }
}

/// The rows of the table the simulator stages with plain HTTP answers and that other suites do not cover.
@Suite struct ClientRetryRowTests {
    @Test func a429WithoutRetryAfterRetriesWithBackoff() async throws {
        let harness = try Harness(["openai-compatible", "duoyuanx"])
        harness.simulator.inject(.httpError(status: 429), on: .submit, times: 2)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "openai-compatible")
        #expect(harness.events.retries.map(\.delay) == [.seconds(1), .seconds(2)])
        #expect(harness.submitTimes() == [.zero, .seconds(1), .seconds(3)])
    }

    @Test func a408RetriesAsTold() async throws {
        let harness = try Harness(["openai-compatible", "duoyuanx"])
        harness.simulator.inject(.httpError(status: 408, headers: ["Retry-After": "4"]), on: .submit)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "openai-compatible")
        #expect(job.attempts.map(\.outcome) == [.retried, .accepted])
        #expect(job.attempts.first?.errorKind == .timeout)
        #expect(harness.submitTimes() == [.zero, .seconds(4)])
    }
}
