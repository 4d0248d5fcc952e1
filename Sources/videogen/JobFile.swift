import Foundation
import VideoProviderKit

/// The job file: the only handle on a paid task, so it is written before the submission is sent.
///
/// It holds one of two things (docs/cli.md, "Job files"):
/// - a job (``VideoJob``'s JSON) once the vendor accepted the task: `status`, `download` and `follow`
///   take it;
/// - a submission record (``PendingSubmission``'s JSON after a `"videogenSubmission"` member) while a
///   submission is under way, or after one got an answer that does not prove nothing was created: a task
///   may exist but its id is unknown. If a run crashes mid-submission, this is what it leaves.
enum JobFile {
    /// Marks a job or record written in `--simulate` mode: `status` and `download` answer it from the
    /// simulator without `--simulate` (a simulated task id means nothing to a real gateway).
    static let simulatedKey = "videogenSimulated"
    /// Marks a submission record; its value is ``SubmissionState``.
    static let submissionKey = "videogenSubmission"

    enum SubmissionState: String {
        /// Written before the submission was sent; replaced by the job when the vendor accepts it.
        case underWay = "under-way"
        /// The submission got no answer that proves nothing was created.
        case ambiguous
    }

    enum Contents {
        case job(VideoJob, simulated: Bool)
        case submission(PendingSubmission, state: SubmissionState, message: String?)
    }

    /// Where `generate` writes the job: `--job-file`, else `FILE.job.json` next to `--output`, else
    /// `videogen-<8 hex>.job.json` in the current directory. Checked like an output file.
    static func location(jobFile: String?, output: URL?) throws(Arguments.UsageError) -> URL {
        if let jobFile { return try LocalFiles.prepareFile(jobFile, option: "job-file") }
        if let output { return try LocalFiles.prepareFile(output.path + ".job.json", option: "output") }
        let name = "videogen-\(UUID().uuidString.prefix(8).lowercased()).job.json"
        return try LocalFiles.prepareFile(name, option: "job-file")
    }

    static func write(_ job: VideoJob, simulated: Bool, to url: URL) throws {
        try LocalFiles.writeAtomically(try encoded(job, simulated: simulated), to: url)
    }

    static func write(
        _ pending: PendingSubmission, state: SubmissionState, message: String? = nil, simulated: Bool, to url: URL
    ) throws {
        var members = [(submissionKey, state.rawValue)]
        if let message { members.append(("message", message)) }
        let document = try inserting(members, into: try encoder.encode(pending), simulated: simulated)
        try LocalFiles.writeAtomically(document, to: url)
    }

    /// The job's JSON (``VideoJob/encoded()``), plus `"videogenSimulated": true` for simulated jobs.
    static func encoded(_ job: VideoJob, simulated: Bool) throws -> Data {
        try inserting([], into: try job.encoded(), simulated: simulated)
    }

    /// Pretty-printed JSON with sorted keys, as ``VideoJob/encoded()`` writes it.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// `document` (a pretty-printed JSON object) with videogen's own members first: the simulated marker,
    /// then `members`, each written by the same encoder.
    private static func inserting(_ members: [(String, String)], into document: Data, simulated: Bool) throws
        -> Data
    {
        var text = String(decoding: document, as: UTF8.self)
        guard simulated || !members.isEmpty, text.hasPrefix("{\n") else { return document }
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        var lines = simulated ? ["  \(try json(simulatedKey)) : true,\n"] : []
        for (key, value) in members { lines.append("  \(try json(key)) : \(try json(value)),\n") }
        text.insert(contentsOf: lines.joined(), at: text.index(text.startIndex, offsetBy: 2))
        return Data(text.utf8)
    }

    /// A job file's path, or the JSON itself.
    static func load(_ reference: String) throws(Arguments.UsageError) -> Contents {
        let data: Data
        let inline = reference.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{")
        if inline {
            data = Data(reference.utf8)
        } else {
            guard let contents = FileManager.default.contents(atPath: reference) else {
                throw Arguments.UsageError(description: "cannot read the job file '\(reference)'")
            }
            data = contents
        }
        let name = inline ? "the JSON given" : "'\(reference)'"
        let json = try? JSONValue.parse(data)
        let simulated = json?[simulatedKey] == .bool(true)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let state = json?[submissionKey]?.stringValue.flatMap(SubmissionState.init(rawValue:)) {
            guard let pending = try? decoder.decode(PendingSubmission.self, from: data) else {
                throw Arguments.UsageError(description: "\(name) is not a videogen job file")
            }
            return .submission(pending, state: state, message: json?["message"]?.stringValue)
        }
        guard let job = try? VideoJob.decode(from: data) else {
            throw Arguments.UsageError(description: "\(name) is not a videogen job file")
        }
        return .job(job, simulated: simulated)
    }

    /// The error for a command given a submission record instead of a job: a task may exist, but without
    /// its id there is nothing to ask about.
    static func noTaskError(_ pending: PendingSubmission, state: SubmissionState, reference: String)
        -> VideoProviderError
    {
        let what =
            state == .underWay
            ? "was being sent when videogen stopped (the run ended before any answer)"
            : "got no answer that proves nothing was created"
        return VideoProviderError(
            .ambiguousSubmission,
            "\(reference) records a submission to \(pending.providerID) (\(pending.model)) that \(what): a task may exist and be billed, but its id is unknown, so there is nothing to follow. Check \(pending.providerID)'s task history before submitting again.",
            providerID: pending.providerID, model: pending.model, attempts: pending.attempts,
            requestMayHaveBeenSent: true)
    }
}
