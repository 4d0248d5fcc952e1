import Foundation

extension SoakRun {
    /// Prints what the soak saw and its verdict: a table for people, or one JSON object with `--json`.
    static func report(options: Options, tally: Tally, growth: Int64, wall: Double, machine: Machine, passed: Bool) {
        let count = { (ending: Ending) in tally.endings[ending, default: 0] }
        if options.json {
            var object = machine.report(benchmark: "soak")
            object.set("jobs", options.jobs)
            object.set("waves", options.waves)
            object.set("seed", Int(truncatingIfNeeded: options.seed))
            object.set("fault_rate", options.faultRate)
            object.set("task_failure_rate", options.taskFailureRate)
            for ending in Ending.allCases { object.set(ending.rawValue, count(ending)) }
            var kinds = JSONObject()
            for (kind, number) in tally.errorKinds.sorted(by: { $0.key < $1.key }) { kinds.set(kind, number) }
            object.set("error_kinds", kinds)
            object.set("resumed_jobs", tally.resumedJobs)
            object.set("resumes", tally.resumes)
            object.set("download_retries", tally.downloadRetries)
            object.set("fell_back", tally.fellBack)
            object.set("resubmit_opt_in_jobs", tally.optedIn)
            object.set("second_tasks_with_opt_in", tally.secondTasks)
            object.set("requests", tally.requests)
            object.set("faults", tally.faults)
            object.set("tasks_created", tally.tasks)
            object.set("virtual_seconds", tally.virtualSeconds)
            object.set("wall_seconds", wall)
            object.set("rss_after_wave_mib", tally.rssAfterWave.map { Double($0) / 1_048_576 })
            object.set("rss_growth_mib", Double(growth) / 1_048_576)
            object.set("max_growth_mib", options.maximumGrowthMiB)
            object.set("violations", tally.violations.count)
            object.set("first_violations", tally.violations.prefix(10).joined(separator: " | "))
            object.set("passed", passed)
            print(object.text)
            return
        }
        print(
            "soak: \(options.jobs) jobs in \(options.waves) waves through VideoClient against GatewaySimulator, "
                + "virtual clock, seed \(options.seed)")
        print(
            "  faults on \(Format.number(options.faultRate * 100, 0)) % of requests (submit, status, content, CDN); "
                + "\(Format.number(options.taskFailureRate * 100, 0)) % of tasks end failed, moderated, expired or cancelled"
        )
        print(
            "  \(tally.requests) requests, \(tally.faults) faults, \(tally.tasks) tasks created, "
                + "\(Format.number(tally.virtualSeconds / 3600, 1)) h virtual in \(Format.number(wall, 1)) s wall")
        print(
            Format.table(
                ["ending", "jobs"],
                Ending.allCases.map { [$0.rawValue, String(count($0))] }))
        print(
            "  failures by kind: "
                + tally.errorKinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print(
            "  \(tally.resumedJobs) jobs resumed from their JSON in a fresh client (\(tally.resumes) resumes), "
                + "\(tally.downloadRetries) download retries, \(tally.fellBack) jobs served after a fallback")
        print(
            "  \(tally.optedIn) jobs opted in to resubmitting ambiguous submissions; "
                + "\(tally.secondTasks) second tasks created under that opt-in, none without it")
        print(
            "  RSS after each wave (trimmed): "
                + tally.rssAfterWave.map { Format.mib($0) }.joined(separator: ", ")
                + "; growth after the first wave \(Format.mib(growth)) (limit \(Format.number(options.maximumGrowthMiB, 0)) MiB)"
        )
        if passed {
            print("soak passed: no job lost, no task paid for twice without opt-in, memory flat")
        } else {
            print("soak FAILED: \(tally.violations.count) violations")
            for violation in tally.violations.prefix(20) { print("  - \(violation)") }
        }
    }
}
