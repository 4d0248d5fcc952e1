import Foundation
import VideoProviderKit
import VideoProviderTesting

// What `soak` checks after each job and each wave: no key in any error, nothing paid twice, nothing lost.
extension SoakRun {
    static func leakCheck(_ error: VideoProviderError, _ record: inout JobRecord) {
        let text = String(describing: error) + (error.underlying ?? "") + (error.vendorMessage ?? "")
        if text.contains("sk-soak-CANARY") { record.problem = "an error carries the API key: \(error.kind)" }
    }

    /// How the injected faults may end a submission: errors from faults that leave no task, once retries
    /// and fallbacks are used up (or every provider is cooling down), and ambiguity.
    static let expectedSubmitFailures: Set<VideoProviderError.Kind> = [
        .connectionFailed, .serverError, .rateLimited, .invalidResponse, .noEligibleProvider, .timeout,
        .ambiguousSubmission,
    ]

    /// Checks every job of a wave against what the simulator saw, and adds it up.
    static func check(_ records: [JobRecord], simulator: GatewaySimulator, tally: inout Tally) {
        let tasks = simulator.tasks
        var tasksByPrompt: [String: [GatewaySimulator.SimulatedTask]] = [:]
        for task in tasks { tasksByPrompt[task.prompt, default: []].append(task) }
        let requests = simulator.requests
        tally.requests += requests.count
        tally.faults += requests.filter { $0.fault != nil }.count
        tally.tasks += tasks.count
        if simulator.cdnReceivedAuthorization { tally.violations.append("the CDN received Authorization") }

        for record in records {
            let created = tasksByPrompt[record.prompt] ?? []
            var ending = record.ending
            func violation(_ text: String) {
                tally.violations.append("job \(record.index): \(text)")
                ending = .lost
            }
            if let problem = record.problem { violation(problem) }
            let accepted = record.job == nil ? 0 : 1
            if created.count > accepted + record.ambiguousAttempts {
                violation(
                    "\(created.count) tasks for one job (accepted \(accepted), ambiguous attempts \(record.ambiguousAttempts))"
                )
            }
            if !record.resubmitsAmbiguous, created.count > 1 {
                violation("\(created.count) tasks without opting in to resubmission")
            }
            if record.resubmitsAmbiguous { tally.optedIn += 1 }
            tally.secondTasks += max(0, created.count - 1)
            if let job = record.job {
                if !created.contains(where: { $0.id == job.taskID }) {
                    violation("its task \(job.taskID) is not among the tasks the simulator created for it")
                }
                if job.attempts.contains(where: { $0.outcome == .fellBack }) { tally.fellBack += 1 }
                let task = created.first { $0.id == job.taskID }
                switch record.ending {
                case .completed:
                    if task?.script.outcome != .success { violation("completed, but its task was scripted to fail") }
                case .failed where record.errorKind == .taskFailed || record.errorKind == .contentPolicy:
                    if task?.script.outcome == .success { violation("reported failed, but its task succeeded") }
                    if task?.script.outcome == .moderated, record.errorKind != .contentPolicy {
                        violation("a moderated task reported as \(record.errorKind?.rawValue ?? "?")")
                    }
                case .failed:
                    violation("following ended on \(record.errorKind?.rawValue ?? "?") and was not resumed")
                case .ambiguous, .lost:
                    break
                }
            } else if record.ending == .ambiguous, record.ambiguousAttempts == 0 {
                violation("ambiguous without an ambiguous attempt on record")
            } else if let kind = record.errorKind, !expectedSubmitFailures.contains(kind) {
                // Every request is valid and every key right: only the injected faults may stop a submission.
                violation("submission failed with \(kind), which no injected fault explains")
            }
            if record.resumes > 0 {
                tally.resumedJobs += 1
                tally.resumes += record.resumes
            }
            tally.downloadRetries += record.downloadRetries
            tally.endings[ending, default: 0] += 1
            if let kind = record.errorKind { tally.errorKinds[kind.rawValue, default: 0] += 1 }
        }
    }
}
