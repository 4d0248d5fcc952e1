import BuiltInProviders
import Foundation
import VideoProviderKit
import VideoProviderTesting

/// `polling`: how many status calls a task costs and how late its completion is noticed.
///
/// One task at a time through `VideoClient.result(for:)` against the simulator's generic OpenAI-format
/// gateway (`openai-compatible`, JSON dialect, `grok-imagine-video`: integer progress in every status
/// answer, no poll hint), on an auto-advancing `VirtualClock`. Each task is 5 s queued (the simulator's
/// realistic queue time) then processing, with linearly rising progress, for the rest of its length. Lag
/// is the virtual time `result(for:)` returned minus the time the task finished; polls are the status
/// queries the gateway answered for it. Baseline: fixed 1 s and fixed 5 s polling of the same tasks.
enum PollingBench {
    static let lengths = [10, 60, 300]
    static let queued: Duration = .seconds(5)
    static let gateway = "openai-compatible (OpenAI-format JSON dialect, grok-imagine-video; progress, no poll hint)"

    struct Row {
        let taskSeconds: Int
        let strategy: String
        let polls: Int
        let lag: Double
        /// Over ten task lengths spread across the 5 s after `taskSeconds` (+0.25 s, +0.75 s, … +4.75 s):
        /// completion then falls anywhere between two fixed-interval polls, as it does in practice.
        var phaseMeanLag = 0.0
        var phaseMaxLag = 0.0
        var phaseMeanPolls = 0.0
    }

    static let strategies: [(String, PollingStrategy)] = [
        ("default", .default), ("fixed 1 s", .fixed(.seconds(1))), ("fixed 5 s", .fixed(.seconds(5))),
    ]

    static func run(json: Bool, machine: Machine) async throws {
        var rows: [Row] = []
        for length in lengths {
            for (name, strategy) in strategies {
                var row = try await measure(length: .seconds(length), name: name, strategy: strategy)
                var lags: [Double] = []
                var polls: [Double] = []
                for step in 0..<10 {
                    let shifted = try await measure(
                        length: .seconds(length) + .milliseconds(250 + 500 * step), name: name, strategy: strategy)
                    lags.append(shifted.lag)
                    polls.append(Double(shifted.polls))
                }
                row.phaseMeanLag = lags.reduce(0, +) / Double(lags.count)
                row.phaseMaxLag = lags.max() ?? .nan
                row.phaseMeanPolls = polls.reduce(0, +) / Double(polls.count)
                rows.append(row)
            }
        }
        func target(_ row: Row) -> (lag: Double, polls: Int?) {
            (max(1, 0.1 * Double(row.taskSeconds)), row.taskSeconds == 60 ? 12 : nil)
        }
        func met(_ row: Row) -> Bool {
            let limit = target(row)
            return row.lag <= limit.lag + 1e-9 && limit.polls.map { row.polls <= $0 } ?? true
        }
        let defaults = rows.filter { $0.strategy == "default" }

        if json {
            var object = machine.report(benchmark: "polling")
            object.set("gateway", gateway)
            object.set("queued_s", queued.seconds)
            object.set(
                "rows",
                rows.map { row in
                    var item = JSONObject()
                    item.set("task_s", row.taskSeconds)
                    item.set("strategy", row.strategy)
                    item.set("polls", row.polls)
                    item.set("lag_s", row.lag)
                    item.set("phase_mean_lag_s", row.phaseMeanLag)
                    item.set("phase_max_lag_s", row.phaseMaxLag)
                    item.set("phase_mean_polls", row.phaseMeanPolls)
                    return item
                })
            object.set("targets_met", defaults.allSatisfy(met))
            print(object.text)
            return
        }
        print("polling: one task at a time through VideoClient.result(for:) on a VirtualClock")
        print("  gateway: \(gateway)")
        print("  task = \(Int(queued.seconds)) s queued, then processing (progress rising linearly) to its length;")
        print("  lag = detection − completion (virtual s); polls = status calls answered for the task;")
        print("  phase columns: the same over 10 lengths from +0.25 s to +4.75 s (completion between two polls)")
        print(
            Format.table(
                ["task s", "strategy", "polls", "lag s", "phase: polls", "mean lag", "max lag", "target (default)"],
                rows.map { row in
                    let limit = target(row)
                    let text = "lag ≤ \(Format.number(limit.lag, 0)) s" + (limit.polls.map { ", ≤ \($0) polls" } ?? "")
                    return [
                        String(row.taskSeconds), row.strategy, String(row.polls), Format.number(row.lag, 2),
                        Format.number(row.phaseMeanPolls, 1), Format.number(row.phaseMeanLag, 2),
                        Format.number(row.phaseMaxLag, 2), row.strategy == "default" ? text : "(baseline)",
                    ]
                }))
        print("targets (default strategy):")
        for row in defaults {
            let limit = target(row)
            var gaps: [String] = []
            if row.lag > limit.lag + 1e-9 { gaps.append("\(Format.number(row.lag - limit.lag, 2)) s of lag") }
            if let polls = limit.polls, row.polls > polls { gaps.append("\(row.polls - polls) polls") }
            print(
                "  \(row.taskSeconds) s task: lag \(Format.number(row.lag, 2)) s ≤ \(Format.number(limit.lag, 0)) s"
                    + (limit.polls.map { ", \(row.polls) polls ≤ \($0)" } ?? "") + ": "
                    + Format.verdict(met: gaps.isEmpty, gap: gaps.joined(separator: " and ")))
        }
    }

    static func measure(length total: Duration, name: String, strategy: PollingStrategy) async throws -> Row {
        let clock = VirtualClock(mode: .autoAdvance)
        let simulator = GatewaySimulator(clock: clock, gateways: [.openAICompatible()])
        var registry = ProviderRegistry()
        guard let provider = BuiltInProviders.all.first(where: { $0.id == "openai-compatible" }) else {
            throw Child.Failure(description: "openai-compatible is not built in")
        }
        try registry.register(
            provider, apiKey: "sk-bench-polling", baseURL: GatewaySimulator.Gateway.openAICompatibleBaseURL)
        var configuration = VideoClient.Configuration()
        configuration.polling = strategy
        let client = VideoClient(registry: registry, transport: simulator, clock: clock, configuration: configuration)

        simulator.scriptNextTasks(GatewaySimulator.TaskScript(queued: queued, processing: total - queued))
        let job = try await client.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "A hummingbird hovering over a red flower", seconds: 8))
        _ = try await client.result(for: job)
        let detected = clock.now()
        guard let task = simulator.task(job.taskID), task.finishesAt - task.createdAt == total else {
            throw Child.Failure(description: "the simulated task did not last \(total)")
        }
        return Row(
            taskSeconds: Int(total.seconds), strategy: name, polls: task.statusQueries,
            lag: (detected - task.finishesAt).seconds)
    }
}
