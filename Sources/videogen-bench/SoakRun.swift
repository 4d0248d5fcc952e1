import BuiltInProviders
import Foundation
import VideoProviderKit
import VideoProviderTesting

/// `soak`: a few thousand jobs through `VideoClient` against the `GatewaySimulator`, with random faults on
/// every kind of request and random task outcomes, on a virtual clock. Not a benchmark: it checks that
/// nothing is lost, nothing is paid for twice and memory stays flat, and exits 1 when any of that fails.
///
/// Jobs run in waves. In a wave every job is a live task: it starts at a random moment in the first five
/// virtual minutes, submits, follows its task, downloads the video and checks the file. A job whose
/// following gives up on a fault (or on a deliberately short timeout) is persisted as JSON, decoded and
/// resumed in a fresh client, as an app would after a restart. After each wave, every job is checked
/// against what the simulator saw, the simulator is reset, and RSS is sampled with freed heap returned
/// (`malloc_trim`), so the samples show what the client keeps, not what the wave left to collect.
///
/// The checks, per job:
/// - it ends **completed** (the video downloaded and byte-identical to the simulator's), **failed** with a
///   typed ``VideoProviderError`` whose kind matches what happened (the task's scripted outcome, or the
///   submission's failure), or **ambiguous**: a submission the vendor may have accepted with no answer,
///   reported as such and not resent. Anything else is *lost*.
/// - **no double billing**: the tasks the simulator created for the job's prompt are the accepted one plus
///   at most one per attempt recorded as ambiguous, and with the default policy an ambiguous attempt ends
///   the job (so at most one task exists).
/// - the API key appears in no error text, and the CDN never received `Authorization`.
enum SoakRun {
    struct Options {
        var jobs = 3_000
        var waves = 6
        var seed: UInt64 = 1
        /// Chance that any one request suffers a fault.
        var faultRate = 0.1
        /// Chance that a task ends other than completed.
        var taskFailureRate = 0.1
        /// RSS may grow this much between the first wave's sample and any later one.
        var maximumGrowthMiB = 24.0
        var json = false
    }

    static let usage = """
        usage: videogen-bench soak [--jobs N] [--waves N] [--seed N] [--fault-rate P] [--task-failure-rate P]
                                   [--max-growth-mib M] [--json]
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw Child.Failure(description: "\(name) needs a value\n\(usage)") }
            return arguments[index]
        }
        func number<T: LosslessStringConvertible>(_ name: String, _: T.Type) throws -> T {
            let text = try value(name)
            guard let parsed = T(text) else { throw Child.Failure(description: "\(name): '\(text)' is not a number") }
            return parsed
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--jobs": options.jobs = try number("--jobs", Int.self)
            case "--waves": options.waves = try number("--waves", Int.self)
            case "--seed": options.seed = try number("--seed", UInt64.self)
            case "--fault-rate": options.faultRate = try number("--fault-rate", Double.self)
            case "--task-failure-rate": options.taskFailureRate = try number("--task-failure-rate", Double.self)
            case "--max-growth-mib": options.maximumGrowthMiB = try number("--max-growth-mib", Double.self)
            case "--json": options.json = true
            default: throw Child.Failure(description: "unknown soak option '\(arguments[index])'\n\(usage)")
            }
            index += 1
        }
        guard options.jobs > 0, options.waves > 0, options.jobs >= options.waves else {
            throw Child.Failure(description: "--jobs and --waves must be positive, with at least one job per wave")
        }
        guard (0...1).contains(options.faultRate), (0...1).contains(options.taskFailureRate) else {
            throw Child.Failure(description: "--fault-rate and --task-failure-rate are chances, from 0 to 1")
        }
        return options
    }

    // MARK: Job outcomes

    enum Ending: String, CaseIterable {
        case completed
        case failed
        case ambiguous
        case lost
    }

    struct JobRecord {
        let index: Int
        let prompt: String
        let resubmitsAmbiguous: Bool
        var ending: Ending = .lost
        var errorKind: VideoProviderError.Kind?
        var job: VideoJob?
        /// Attempts recorded as ambiguous, on the accepted job or on the final error.
        var ambiguousAttempts = 0
        var resumes = 0
        var downloadRetries = 0
        var problem: String?
    }

    /// Totals over every wave.
    struct Tally {
        var endings: [Ending: Int] = [:]
        var errorKinds: [String: Int] = [:]
        var resumes = 0
        var resumedJobs = 0
        var downloadRetries = 0
        var fellBack = 0
        var optedIn = 0
        var secondTasks = 0
        var violations: [String] = []
        var requests = 0
        var faults = 0
        var tasks = 0
        var virtualSeconds = 0.0
        var rssAfterWave: [Int64] = []
    }

    // MARK: Running

    static func run(_ arguments: [String], machine: Machine) async throws -> Int32 {
        let options = try parse(arguments)
        let wallStart = ContinuousClock.now
        var tally = Tally()
        let perWave = options.jobs / options.waves
        var generator = SeededRandomNumberGenerator(seed: options.seed)
        for wave in 0..<options.waves {
            let count = wave == options.waves - 1 ? options.jobs - perWave * (options.waves - 1) : perWave
            let first = wave * perWave
            try await runWave(
                jobs: first..<(first + count), seed: generator.next(), options: options, tally: &tally)
            Memory.trim()
            tally.rssAfterWave.append(Memory.rss())
        }
        let wall = (ContinuousClock.now - wallStart).seconds
        let baseline = tally.rssAfterWave.first ?? 0
        let growth = (tally.rssAfterWave.dropFirst().max() ?? baseline) - baseline
        let growthMiB = Double(growth) / 1_048_576
        if growthMiB > options.maximumGrowthMiB {
            tally.violations.append(
                "memory grew \(Format.number(growthMiB, 1)) MiB after the first wave (limit \(Format.number(options.maximumGrowthMiB, 1)) MiB)"
            )
        }
        let passed = tally.violations.isEmpty
        report(options: options, tally: tally, growth: growth, wall: wall, machine: machine, passed: passed)
        return passed ? 0 : 1
    }

    /// The API key every provider gets: a canary that must appear in no error text.
    static func key(_ id: ProviderID) -> String { "sk-soak-CANARY-\(id.rawValue)-5e1f" }

    static func makeRegistry() throws -> ProviderRegistry {
        var registry = ProviderRegistry()
        for provider in BuiltInProviders.all {
            let base =
                provider.descriptor.documentedBaseURL == nil ? GatewaySimulator.Gateway.openAICompatibleBaseURL : nil
            try registry.register(provider, apiKey: key(provider.id), baseURL: base)
        }
        return registry
    }

    /// A small PNG (1×1), sent as bytes: converted to a data URI or a multipart part per provider, and the
    /// reason public-URL-only models are skipped.
    static let png = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )!

    /// The request of job `index`: model families served by several gateways (so fallback has somewhere
    /// to go), text-to-video and image-to-video, default and explicit lengths.
    static func request(_ index: Int, random: inout SeededRandomNumberGenerator) -> VideoRequest {
        let prompt = "Soak job \(index): a lighthouse in a storm, waves breaking"
        let images: [ImageInput] =
            switch random.next() % 4 {
            case 0: [.data(png)]
            case 1: [.url(URL(string: "https://images.example.com/soak/\(index).png")!)]
            default: []
            }
        switch random.next() % 5 {
        case 0, 1:
            return VideoRequest(
                model: "grok-video-3", prompt: prompt, seconds: [6, 8, 10][Int(random.next() % 3)], images: images)
        case 2:
            return VideoRequest(model: "grok-video-3-pro", prompt: prompt, images: images)
        case 3:
            return VideoRequest(model: "grok-video-3-max", prompt: prompt)
        default:
            // Only data URIs here: public URLs are refused by every grok-imagine-video gateway but xAI.
            return VideoRequest(
                model: "grok-imagine-video", prompt: prompt, seconds: [6, 8][Int(random.next() % 2)],
                images: images.filter { if case .data = $0 { true } else { false } })
        }
    }

    /// The faults every kind of request may suffer. Submissions see both faults that leave no task (refused
    /// connections, error statuses, proxy pages) and faults that strike after the task was created (lost
    /// answers, truncated or empty bodies).
    static func injectFaults(_ simulator: GatewaySimulator, rate: Double, seed: UInt64) {
        let before: [GatewaySimulator.Fault] = [
            .refuseConnection, .htmlErrorPage(status: 502), .httpError(status: 503, headers: ["Retry-After": "2"]),
            .httpError(status: 429, message: "rate limited", headers: ["Retry-After": "3"]),
            .httpError(status: 500, message: "upstream failure"), .delay(.seconds(20)),
        ]
        let after: [GatewaySimulator.Fault] = [
            .dropResponse(.connectionLost), .dropResponse(.timedOut), .truncatedJSON, .emptyBody,
        ]
        simulator.injectRandomly(before + after, probability: rate, on: .submit, seed: seed)
        simulator.injectRandomly(
            before + after + [.wrongContentType("text/plain")], probability: rate, on: .status, seed: seed &+ 1)
        simulator.injectRandomly(
            [.refuseConnection, .htmlErrorPage(status: 502), .dropResponse(.connectionLost), .truncatedJSON],
            probability: rate, on: .content, seed: seed &+ 2)
    }

    static func scriptOutcomes(_ simulator: GatewaySimulator, rate: Double, seed: UInt64) {
        typealias Script = GatewaySimulator.TaskScript
        simulator.scriptTasksRandomly(
            [
                Script(outcome: .failure(message: "GPU pool exhausted", code: "upstream_error")),
                Script(outcome: .moderated), Script(outcome: .expired), Script(outcome: .cancelled),
                Script(unknownStatus: "rendering", unknownStatusPolls: 2),
                Script(completedWithoutVideoURLPolls: 1),
            ], probability: rate, seed: seed)
    }

    static func runWave(jobs range: Range<Int>, seed: UInt64, options: Options, tally: inout Tally) async throws {
        let clock = SettlingClock()
        let simulator = GatewaySimulator(clock: clock)
        injectFaults(simulator, rate: options.faultRate, seed: seed)
        scriptOutcomes(simulator, rate: options.taskFailureRate, seed: seed &+ 3)
        let registry = try makeRegistry()
        let client = VideoClient(registry: registry, transport: simulator, clock: clock)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "videogen-soak-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var random = SeededRandomNumberGenerator(seed: seed &+ 4)
        var plans: [(index: Int, request: VideoRequest, start: Duration, optIn: Bool, polling: PollingStrategy)] = []
        for index in range {
            let request = request(index, random: &random)
            let start = Duration.milliseconds(Int64(random.next() % 300_000))
            let optIn = random.next() % 5 == 0
            var polling = PollingStrategy.default
            switch random.next() % 8 {
            case 0: polling.timeout = .seconds(20)  // gives up while queued: resumed later
            case 1: polling.maximumConsecutiveErrors = 1  // gives up on the first faulty poll
            default: break
            }
            plans.append((index, request, start, optIn, polling))
        }

        clock.expect(plans.count)
        let records = Task {
            await withTaskGroup(of: JobRecord.self) { group in
                for plan in plans {
                    group.addTask {
                        defer { clock.finished() }
                        try? await clock.sleep(for: plan.start)
                        return await runJob(
                            index: plan.index, request: plan.request, optIn: plan.optIn, polling: plan.polling,
                            client: client, registry: registry, transport: simulator, clock: clock,
                            directory: directory)
                    }
                }
                var records: [JobRecord] = []
                for await record in group { records.append(record) }
                return records
            }
        }
        while await clock.settle() == false {
            clock.advanceToNextDeadline()
        }
        let finished = await records.value
        check(finished, simulator: simulator, tally: &tally)
        tally.virtualSeconds += clock.now().seconds
        simulator.reset()
    }

    /// One job, start to end. Never throws: every ending is recorded.
    static func runJob(
        index: Int, request: VideoRequest, optIn: Bool, polling: PollingStrategy, client: VideoClient,
        registry: ProviderRegistry, transport: GatewaySimulator, clock: SettlingClock, directory: URL
    ) async -> JobRecord {
        var record = JobRecord(index: index, prompt: request.prompt, resubmitsAmbiguous: optIn)
        let job: VideoJob
        do {
            job = try await client.submit(
                request, options: .init(ambiguousSubmissions: optIn ? .resubmit : nil))
        } catch {
            record.errorKind = error.kind
            record.ambiguousAttempts = error.attempts.filter { $0.outcome == .ambiguous }.count
            record.ending = error.kind == .ambiguousSubmission ? .ambiguous : .failed
            if error.kind == .ambiguousSubmission, !error.requestMayHaveBeenSent {
                record.problem = "ambiguous error that says nothing was sent"
            }
            leakCheck(error, &record)
            return record
        }
        record.job = job
        record.ambiguousAttempts = job.attempts.filter { $0.outcome == .ambiguous }.count

        // Follow; a give-up on a fault or a short timeout is resumed from the job's JSON in a fresh client.
        var current = job
        var follower = client
        var strategy = polling
        var final: TaskSnapshot?
        while final == nil {
            do {
                final = try await follower.result(for: current, polling: strategy)
            } catch {
                let transient: Set<VideoProviderError.Kind> = [
                    .timeout, .connectionFailed, .serverError, .invalidResponse, .rateLimited, .notFound,
                ]
                leakCheck(error, &record)
                guard transient.contains(error.kind), record.resumes < 10 else {
                    record.errorKind = error.kind
                    record.ending = .failed
                    return record
                }
                record.resumes += 1
                do {
                    current = try VideoJob.decode(from: try current.encoded())
                } catch {
                    record.problem = "the job did not survive a JSON round trip: \(error)"
                    return record
                }
                guard current == job else {
                    record.problem = "the decoded job differs from the one submitted"
                    return record
                }
                follower = VideoClient(registry: registry, transport: transport, clock: clock)
                strategy = .default
            }
        }
        guard let final else { return record }

        // Download, retrying the download (never the submission) on a fault.
        let file = directory.appendingPathComponent("\(index).mp4")
        while true {
            do {
                let video = try await follower.download(current, to: file, snapshot: final)
                let bytes = try? Data(contentsOf: file)
                if bytes != SampleVideo.mp4 || video.byteCount != Int64(SampleVideo.mp4.count) {
                    record.problem = "the downloaded file is not the video the simulator served"
                    return record
                }
                try? FileManager.default.removeItem(at: file)
                record.ending = .completed
                return record
            } catch {
                leakCheck(error, &record)
                guard error.kind == .download || error.kind == .connectionFailed || error.kind == .serverError,
                    record.downloadRetries < 10
                else {
                    record.errorKind = error.kind
                    record.problem = "the download failed for good: \(error.kind): \(error.message)"
                    return record
                }
                record.downloadRetries += 1
                try? await clock.sleep(for: .seconds(5))
            }
        }
    }
}
