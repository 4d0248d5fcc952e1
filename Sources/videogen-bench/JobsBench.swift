import BuiltInProviders
import Foundation
import VideoProviderKit
import VideoProviderTesting

/// `jobs`: 1,000 concurrent jobs through `VideoClient` against the `GatewaySimulator`, on a `VirtualClock`,
/// until every one completes.
///
/// The jobs are spread over five gateways and three video lengths (kyyReactApiServer via aizfw, OctopusX
/// multipart, Duoyuanx and a generic OpenAI-format gateway in JSON, xAI), with the simulator's realistic
/// timing (5 s queued, 15 s + 2 s per video second processing). All 1,000 are submitted, then all 1,000
/// follow with `result(for:)` under the default polling strategy: every follower is a live task sleeping
/// on the virtual clock. The driver moves virtual time to the next deadline only once every live follower
/// is asleep again, so the jobs really are alive at once and no work is skipped.
///
/// Figures: process CPU time (`CLOCK_PROCESS_CPUTIME_ID`, every thread) while following, per status update;
/// RSS growth with all 1,000 jobs live, per job. Three child processes, two runs each:
/// - **client alone**, the figures the targets judge: the same 1,000 jobs followed again by a fresh client
///   whose transport replays, URL by URL and in order, the answers the simulator gave the first time. The
///   server costs a dictionary lookup, so CPU and memory are the client's (its tasks, frames and values);
/// - **client + simulator**: the whole run against the live simulator;
/// - **simulator alone**: the simulator sent the same kinds of requests directly.
enum JobsBench {
    static let jobCount = 1_000

    struct ChildResult: Codable {
        var jobs: Int
        var completed: Int
        var statusUpdates: Int
        var submitCPUSeconds: Double
        var followCPUSeconds: Double
        var followWallSeconds: Double
        /// Peak RSS growth while every job was live, with freed heap returned first (`malloc_trim`).
        var rssGrowthLive: Int64
        /// The same before any status poll (followers asleep for the first time).
        var rssGrowthBeforeFirstPoll: Int64
        /// The same without trimming: what `top` would show, including the allocator's high-water mark.
        var rssGrowthLiveUntrimmed: Int64
        /// Status queries the simulator had recorded when ``rssGrowthLive`` was measured.
        var statusRecordsAtPeak: Int
        /// Simulator baseline only: RSS per recorded status query (its request log).
        var bytesPerStatusRecord: Double
        var rounds: Int
        var virtualSeconds: Double
    }

    // MARK: Parent

    static func run(json: Bool, machine: Machine) async throws {
        var alone: [ChildResult] = []
        var client: [ChildResult] = []
        var simulator: [ChildResult] = []
        for _ in 0..<2 {
            alone.append(try Child.run("jobs", ["alone", String(jobCount)], as: ChildResult.self))
            client.append(try Child.run("jobs", ["client", String(jobCount)], as: ChildResult.self))
            simulator.append(try Child.run("jobs", ["simulator", String(jobCount)], as: ChildResult.self))
        }
        for result in client + alone where result.completed != result.jobs {
            throw Child.Failure(description: "only \(result.completed) of \(result.jobs) jobs completed")
        }
        func perUpdate(_ result: ChildResult) -> Double {
            result.followCPUSeconds / Double(result.statusUpdates) * 1e6
        }
        func perJob(_ result: ChildResult) -> Double { Double(result.rssGrowthLive) / Double(result.jobs) / 1024 }
        let aloneCPU = Sample(alone.map(perUpdate))
        let aloneMemory = Sample(alone.map(perJob))
        let cpu = Sample(client.map(perUpdate))
        let memory = Sample(client.map(perJob))
        let simulatorCPU = Sample(simulator.map(perUpdate))
        let simulatorMemory = Sample(simulator.map(perJob))
        let submitCPU = Sample(client.map { $0.submitCPUSeconds / Double($0.jobs) * 1e6 })
        let cpuMet = aloneCPU.median <= 20
        let memoryMet = aloneMemory.median <= 16
        let updates = client[0].statusUpdates

        if json {
            var object = machine.report(benchmark: "jobs")
            object.set("jobs", jobCount)
            object.set("status_updates", updates)
            object.set("client_cpu_us_per_update", aloneCPU.median)
            object.set("client_kib_per_job", aloneMemory.median)
            object.set("client_status_updates", alone[0].statusUpdates)
            object.set("client_cpu_us_per_update_runs", aloneCPU.values)
            object.set("client_kib_per_job_runs", aloneMemory.values)
            object.set("with_simulator_cpu_us_per_update", cpu.median)
            object.set("with_simulator_kib_per_job", memory.median)
            object.set("simulator_cpu_us_per_update", simulatorCPU.median)
            object.set("simulator_kib_per_job", simulatorMemory.median)
            object.set("submit_cpu_us_per_job", submitCPU.median)
            object.set("virtual_seconds", client[0].virtualSeconds)
            object.set("wall_seconds", client[0].followWallSeconds)
            object.set("targets_met", cpuMet && memoryMet)
            print(object.text)
            return
        }
        print("jobs: \(jobCount) concurrent jobs through VideoClient against GatewaySimulator on a VirtualClock")
        print("  mix: aizfw (kyy), octopusx (multipart), duoyuanx + openai-compatible (OpenAI JSON), xai; 6/8/10 s")
        print(
            "  videos; default polling strategy; \(updates) status updates, \(client[0].rounds) clock steps, "
                + "\(Format.number(client[0].virtualSeconds, 0)) s virtual in \(Format.number(client[0].followWallSeconds, 2)) s wall"
        )
        print(
            "  CPU = process CPU time while following / status updates; memory = RSS growth with all jobs live / jobs")
        print(
            "  client alone = the same jobs followed again, each URL answered with the simulator's recorded answers "
                + "in order; 2 runs each")
        print(
            Format.table(
                ["what", "CPU µs/update", "KiB/live job"],
                [
                    ["client alone (answers replayed)", Format.spread(aloneCPU, 1), Format.spread(aloneMemory, 1)],
                    ["client + simulator", Format.spread(cpu, 1), Format.spread(memory, 1)],
                    ["simulator alone", Format.spread(simulatorCPU, 1), Format.spread(simulatorMemory, 1)],
                    ["submit (with simulator), CPU µs/job", Format.spread(submitCPU, 1), ""],
                ]))
        print("targets (on the client alone):")
        print(
            "  \(Format.number(aloneCPU.median, 1)) µs per status update ≤ 20 µs: "
                + Format.verdict(met: cpuMet, gap: Format.number(aloneCPU.median - 20, 1) + " µs"))
        print(
            "  \(Format.number(aloneMemory.median, 1)) KiB per live job ≤ 16 KiB: "
                + Format.verdict(met: memoryMet, gap: Format.number(aloneMemory.median - 16, 1) + " KiB"))
    }

    // MARK: Child

    /// The five gateways and three lengths the jobs cycle through.
    static func request(_ index: Int) -> VideoRequest {
        let models = [
            "aizfw:grok_video3", "octopusx:grok-video-3", "duoyuanx:grok-imagine-video",
            "openai-compatible:grok-imagine-video", "xai:grok-imagine-video",
        ]
        let seconds = [6, 8, 10][(index / models.count) % 3]
        return VideoRequest(
            model: models[index % models.count], prompt: "Job \(index): a fox running through fresh snow",
            seconds: seconds)
    }

    static func makeRegistry() throws -> ProviderRegistry {
        var registry = ProviderRegistry()
        for provider in BuiltInProviders.all where provider.id != "xingchaoyiqing" {
            let base =
                provider.descriptor.documentedBaseURL == nil
                ? GatewaySimulator.Gateway.openAICompatibleBaseURL : nil
            try registry.register(provider, apiKey: "sk-bench-\(provider.id.rawValue)", baseURL: base)
        }
        return registry
    }

    /// `--child jobs alone|client|simulator COUNT`
    static func child(_ arguments: [String], out: String) async throws {
        guard arguments.count == 2, let count = Int(arguments[1]) else {
            throw Child.Failure(description: "usage: jobs alone|client|simulator COUNT")
        }
        let result: ChildResult
        switch arguments[0] {
        case "alone": result = try await runClientAlone(count)
        case "client": result = try await runClient(count)
        case "simulator": result = try await runSimulator(count)
        default: throw Child.Failure(description: "unknown jobs variant \(arguments[0])")
        }
        try Child.report(result, to: out)
    }

    static func runClient(_ count: Int) async throws -> ChildResult {
        let clock = SettlingClock()
        let simulator = GatewaySimulator(clock: clock.virtual)
        let client = VideoClient(registry: try makeRegistry(), transport: simulator, clock: clock)

        // Warm up every code path once (lazy statics, parsers, first allocations), then forget it.
        _ = try await follow(try await submit((0..<5).map(request), client), client: client, clock: clock)
        simulator.reset()

        Memory.trim()
        let rssBefore = Memory.rss()
        let cpuStart = processCPUSeconds()
        let jobs = try await submit((0..<count).map(request), client)
        let submitCPU = processCPUSeconds() - cpuStart
        let virtualStart = clock.now()
        let cpuFollowStart = processCPUSeconds()
        let wallStart = ContinuousClock.now
        let outcome = try await follow(jobs, client: client, clock: clock) { simulator.count(.status) }
        let followCPU = processCPUSeconds() - cpuFollowStart - outcome.samplingCPU
        let wall = (ContinuousClock.now - wallStart).seconds
        return ChildResult(
            jobs: count, completed: outcome.completed, statusUpdates: simulator.count(.status),
            submitCPUSeconds: submitCPU, followCPUSeconds: followCPU, followWallSeconds: wall,
            rssGrowthLive: max(0, outcome.peakLiveRSS - rssBefore),
            rssGrowthBeforeFirstPoll: max(0, outcome.firstLiveRSS - rssBefore),
            rssGrowthLiveUntrimmed: max(0, outcome.peakLiveRSSUntrimmed - rssBefore),
            statusRecordsAtPeak: outcome.statusRecordsAtPeak, bytesPerStatusRecord: 0, rounds: outcome.rounds,
            virtualSeconds: (clock.now() - virtualStart).seconds)
    }

    /// The client alone: `count` jobs submitted to the simulator and followed once while a recorder keeps
    /// every answer; then a fresh client follows the same jobs from the start, each URL answered with its
    /// recorded answers in order. Same answers and same virtual times, so the same polls: what is measured
    /// is the client. The recording is made before the measurement starts, so it is not in the growth.
    static func runClientAlone(_ count: Int) async throws -> ChildResult {
        let recordingClock = SettlingClock()
        let simulator = GatewaySimulator(clock: recordingClock.virtual)
        let recorder = ReplayTransport(forwardingTo: simulator)
        let recording = VideoClient(registry: try makeRegistry(), transport: recorder, clock: recordingClock)
        let jobs = try await submit((0..<count).map(request), recording)
        let recorded = try await follow(jobs, client: recording, clock: recordingClock)
        guard recorded.completed == count else {
            throw Child.Failure(description: "recording: only \(recorded.completed) of \(count) jobs completed")
        }
        let replay = recorder.replaying()

        let clock = SettlingClock()
        let client = VideoClient(registry: try makeRegistry(), transport: replay, clock: clock)
        Memory.trim()
        let rssBefore = Memory.rss()
        let cpuFollowStart = processCPUSeconds()
        let wallStart = ContinuousClock.now
        let outcome = try await follow(jobs, client: client, clock: clock) { replay.replayed }
        let followCPU = processCPUSeconds() - cpuFollowStart - outcome.samplingCPU
        return ChildResult(
            jobs: count, completed: outcome.completed, statusUpdates: replay.replayed, submitCPUSeconds: 0,
            followCPUSeconds: followCPU, followWallSeconds: (ContinuousClock.now - wallStart).seconds,
            rssGrowthLive: max(0, outcome.peakLiveRSS - rssBefore),
            rssGrowthBeforeFirstPoll: max(0, outcome.firstLiveRSS - rssBefore),
            rssGrowthLiveUntrimmed: max(0, outcome.peakLiveRSSUntrimmed - rssBefore),
            statusRecordsAtPeak: outcome.statusRecordsAtPeak, bytesPerStatusRecord: 0, rounds: outcome.rounds,
            virtualSeconds: clock.now().seconds)
    }

    static func submit(_ requests: [VideoRequest], _ client: VideoClient) async throws -> [VideoJob] {
        try await withThrowingTaskGroup(of: VideoJob.self) { group in
            for request in requests {
                group.addTask { try await client.submit(request) }
            }
            var jobs: [VideoJob] = []
            for try await job in group { jobs.append(job) }
            return jobs
        }
    }

    struct FollowOutcome {
        var completed = 0
        var rounds = 0
        var peakLiveRSS: Int64 = 0
        var firstLiveRSS: Int64 = 0
        var peakLiveRSSUntrimmed: Int64 = 0
        var statusRecordsAtPeak = 0
        /// CPU spent trimming the heap and reading `/proc/self/status`, taken out of the figure.
        var samplingCPU = 0.0
    }

    /// Follows every job to its end. With `statusCount` (the simulator's count of status queries), RSS is
    /// sampled whenever every job is still live and asleep.
    static func follow(
        _ jobs: [VideoJob], client: VideoClient, clock: SettlingClock, statusCount: (() -> Int)? = nil
    ) async throws -> FollowOutcome {
        clock.expect(jobs.count)
        let completed = Counter()
        let followers = Task {
            await withTaskGroup(of: Void.self) { group in
                for job in jobs {
                    group.addTask {
                        if (try? await client.result(for: job)) != nil { completed.increment() }
                        clock.finished()
                    }
                }
            }
        }
        var outcome = FollowOutcome()
        while true {
            let allDone = await clock.settle()
            if allDone { break }
            if let statusCount, clock.finishedCount == 0 {
                let start = processCPUSeconds()
                outcome.peakLiveRSSUntrimmed = max(outcome.peakLiveRSSUntrimmed, Memory.rss())
                Memory.trim()
                let live = Memory.rss()
                if outcome.rounds == 0 { outcome.firstLiveRSS = live }
                if live >= outcome.peakLiveRSS {
                    outcome.peakLiveRSS = live
                    outcome.statusRecordsAtPeak = statusCount()
                }
                outcome.samplingCPU += processCPUSeconds() - start
            }
            outcome.rounds += 1
            clock.advanceToNextDeadline()
        }
        await followers.value
        outcome.completed = completed.value
        return outcome
    }

    /// The baseline: the simulator alone, sent what the client would send (built beforehand, outside the
    /// figures). Submits for `count` tasks (memory per task), then status queries across the tasks' lives
    /// (CPU per status answer).
    static func runSimulator(_ count: Int) async throws -> ChildResult {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        let registry = try makeRegistry()
        func prepare(_ index: Int) throws -> (entry: RoutePlan.Entry, context: ProviderContext, submit: HTTPRequest) {
            let plan = registry.plan(for: request(index))
            guard let entry = plan.eligible.first else { throw plan.noCandidateError() }
            let context = entry.context()
            return (entry, context, try entry.provider.provider.submitRequest(for: entry.resolved, context: context))
        }
        // Warm up, then forget it.
        for index in 0..<5 { _ = try await simulator.send(try prepare(index).submit) }
        simulator.reset()

        let prepared = try (0..<count).map(prepare)
        Memory.trim()
        let rssBefore = Memory.rss()
        let cpuStart = processCPUSeconds()
        var responses: [HTTPResponse] = []
        responses.reserveCapacity(count)
        for item in prepared { responses.append(try await simulator.send(item.submit)) }
        let submitCPU = processCPUSeconds() - cpuStart
        let rssUntrimmed = Memory.rss()
        Memory.trim()
        let rssLive = Memory.rss()
        let statusRequests = try zip(prepared, responses).map { item, response in
            let provider = item.entry.provider.provider
            let snapshot = try provider.parseSubmitResponse(response, for: item.entry.resolved)
            return try provider.statusRequest(taskID: snapshot.taskID, model: item.entry.model, context: item.context)
        }

        // The request log: RSS per recorded status query, from one query per task.
        for status in statusRequests { _ = try await simulator.send(status) }
        Memory.trim()
        let bytesPerStatusRecord = Double(Memory.rss() - rssLive) / Double(statusRequests.count)

        // Status answers across the tasks' lives: queued, processing with progress, completed.
        var updates = 0
        let cpuFollowStart = processCPUSeconds()
        let wallStart = ContinuousClock.now
        for _ in 0..<12 {
            for status in statusRequests {
                _ = try await simulator.send(status)
                updates += 1
            }
            clock.advance(by: .seconds(4))
        }
        let followCPU = processCPUSeconds() - cpuFollowStart
        return ChildResult(
            jobs: count, completed: count, statusUpdates: updates, submitCPUSeconds: submitCPU,
            followCPUSeconds: followCPU, followWallSeconds: (ContinuousClock.now - wallStart).seconds,
            rssGrowthLive: max(0, rssLive - rssBefore), rssGrowthBeforeFirstPoll: max(0, rssLive - rssBefore),
            rssGrowthLiveUntrimmed: max(0, rssUntrimmed - rssBefore), statusRecordsAtPeak: 0,
            bytesPerStatusRecord: bytesPerStatusRecord, rounds: 12, virtualSeconds: clock.now().seconds)
    }
}

/// Records the answers of another transport, then (``replaying()``) answers each URL with the answers it
/// recorded for that URL, in order (the last one again once they run out): a server that costs a dictionary
/// lookup, so what is measured is the client.
final class ReplayTransport: HTTPTransport, @unchecked Sendable {
    private let upstream: (any HTTPTransport)?
    private let lock = NSLock()
    // Guarded by `lock`:
    private var answers: [URL: [HTTPResponse]]
    private var next: [URL: Int] = [:]
    private var count = 0

    init(forwardingTo upstream: any HTTPTransport) {
        self.upstream = upstream
        answers = [:]
    }

    private init(answers: [URL: [HTTPResponse]]) {
        upstream = nil
        self.answers = answers
        next.reserveCapacity(answers.count)
    }

    /// A transport that only replays what this one recorded.
    func replaying() -> ReplayTransport { ReplayTransport(answers: lock.withLock { answers }) }

    /// Answers replayed so far.
    var replayed: Int { lock.withLock { count } }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        if let upstream {
            let response = try await upstream.send(request, bodyDestination: bodyDestination)
            lock.withLock { answers[request.url, default: []].append(response) }
            return response
        }
        let answer = lock.withLock { () -> HTTPResponse? in
            guard let recorded = answers[request.url], !recorded.isEmpty else { return nil }
            let index = next[request.url, default: 0]
            next[request.url] = index + 1
            count += 1
            return recorded[min(index, recorded.count - 1)]
        }
        guard let answer else {
            throw HTTPTransportError(.connectionFailed, requestMayHaveBeenSent: false, message: "no recorded answer")
        }
        return answer
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0  // guarded by `lock`

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// A `VirtualClock` (manual mode) that knows who is asleep on it, so a driver can move time only when every
/// live follower has gone back to sleep, without spinning. Time, deadlines and wake-ups are the
/// `VirtualClock`'s own; this wrapper only counts.
final class SettlingClock: VideoClock, @unchecked Sendable {
    let virtual = VirtualClock(mode: .manual)
    private let lock = NSLock()
    // Guarded by `lock`:
    private var expected = 0
    private var asleep = 0
    private var finishedFollowers = 0
    private var deadlines: [Duration: Int] = [:]
    private var waiter: CheckedContinuation<Void, Never>?

    func now() -> Duration { virtual.now() }
    func wallTime() -> Date { virtual.wallTime() }

    func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return try await virtual.sleep(for: duration) }
        let ready = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            asleep += 1
            deadlines[virtual.now() + duration, default: 0] += 1
            return takeWaiterIfSettled()
        }
        ready?.resume()
        try await virtual.sleep(for: duration)
    }

    /// Starts a round of `count` followers.
    func expect(_ count: Int) {
        lock.withLock {
            expected = count
            finishedFollowers = 0
            asleep = 0
            deadlines = [:]
        }
    }

    /// A follower has ended.
    func finished() {
        let ready = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            finishedFollowers += 1
            return takeWaiterIfSettled()
        }
        ready?.resume()
    }

    var finishedCount: Int { lock.withLock { finishedFollowers } }

    /// Waits until every follower is asleep or finished; returns `true` when all have finished.
    func settle() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if asleep + finishedFollowers == expected { return true }
                waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
        // The last sleeper counted itself just before registering with the virtual clock.
        let sleeping = lock.withLock { asleep }
        while virtual.pendingSleepers < sleeping { await Task.yield() }
        return lock.withLock { finishedFollowers == expected }
    }

    /// Wakes the sleepers with the earliest deadline.
    func advanceToNextDeadline() {
        let target = lock.withLock { () -> Duration? in
            guard let earliest = deadlines.keys.min() else { return nil }
            asleep -= deadlines.removeValue(forKey: earliest) ?? 0
            return earliest
        }
        guard let target else { return }
        virtual.advance(by: max(.zero, target - virtual.now()))
    }

    /// Called with the lock held.
    private func takeWaiterIfSettled() -> CheckedContinuation<Void, Never>? {
        guard asleep + finishedFollowers == expected, let waiter else { return nil }
        self.waiter = nil
        return waiter
    }
}
