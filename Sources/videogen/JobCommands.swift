import Foundation
import VideoProviderKit

/// `status` and `download`: follow up on a job written by `generate`.
enum JobCommands {
    /// The key a job file written in `--simulate` mode carries, so `status` and `download` answer it from
    /// the simulator without `--simulate` (a simulated task id means nothing to a real gateway).
    static let simulatedKey = "videogenSimulated"

    /// Writes the job next to the output (`FILE.job.json`), to `--job-file`, or to
    /// `videogen-<id>.job.json` in the current directory. Returns the path, or `nil` if it could not be
    /// written (the run goes on: the job is also in the `submitted` event).
    static func save(_ job: VideoJob, simulated: Bool, file: URL?, output: URL?) -> String? {
        let destination =
            file ?? output.map { URL(fileURLWithPath: $0.path + ".job.json") }
            ?? URL(fileURLWithPath: "videogen-\(job.id.uuidString.prefix(8).lowercased()).job.json")
        guard let data = try? encoded(job, simulated: simulated),
            (try? data.write(to: destination, options: .atomic)) != nil
        else { return nil }
        return destination.path
    }

    /// The job's JSON (``VideoJob/encoded()``), plus `"videogenSimulated": true` for simulated jobs.
    static func encoded(_ job: VideoJob, simulated: Bool) throws -> Data {
        let data = try job.encoded()
        guard simulated else { return data }
        // `encoded()` is pretty-printed with sorted keys: the marker goes in as the first member.
        var text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("{\n") else { return data }
        text.insert(contentsOf: "  \"\(simulatedKey)\" : true,\n", at: text.index(text.startIndex, offsetBy: 2))
        return Data(text.utf8)
    }

    static func loadJob(_ args: Arguments) throws(Arguments.UsageError) -> (job: VideoJob, simulated: Bool) {
        guard let reference = args.positionals.first else {
            throw Arguments.UsageError(description: "give a job file (or its JSON)")
        }
        guard args.positionals.count == 1 else {
            throw Arguments.UsageError(description: "give exactly one job, not \(args.positionals.count)")
        }
        let data: Data
        if reference.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            data = Data(reference.utf8)
        } else {
            guard let contents = FileManager.default.contents(atPath: reference) else {
                throw Arguments.UsageError(description: "cannot read the job file '\(reference)'")
            }
            data = contents
        }
        let job: VideoJob
        do {
            job = try VideoJob.decode(from: data)
        } catch {
            let name = reference.hasPrefix("{") ? "the JSON given" : "'\(reference)'"
            throw Arguments.UsageError(description: "\(name) is not a videogen job file")
        }
        let simulated = (try? JSONValue.parse(data))?[simulatedKey] == .bool(true)
        return (job, simulated)
    }

    static func client(_ args: Arguments, simulated: Bool) throws(Arguments.UsageError) -> Result<
        VideoClient, VideoProviderError
    > {
        let toolbox = try Toolbox(arguments: args, forceSimulation: simulated)
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch { return .failure(error) }
        let (transport, clock) = toolbox.transportAndClock(registry: registry)
        return .success(VideoClient(registry: registry, transport: transport, clock: clock))
    }

    static func status(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        let (job, simulated) = try loadJob(args)
        let client: VideoClient
        switch try Self.client(args, simulated: simulated) {
        case .success(let value): client = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        do {
            let snapshot = try await client.status(of: job)
            if json {
                var line = JSONLine(["provider": job.providerID.rawValue, "model": job.model])
                line["taskID"] = snapshot.taskID
                line["status"] = snapshot.status.rawValue
                line["rawStatus"] = snapshot.rawStatus ?? NSNull()
                line["progress"] = snapshot.progress ?? NSNull()
                line["videoURL"] = snapshot.videoURL?.absoluteString ?? NSNull()
                line["actualDuration"] = snapshot.actualDuration ?? NSNull()
                line["errorCode"] = snapshot.errorCode ?? NSNull()
                line["errorMessage"] = snapshot.errorMessage ?? NSNull()
                console.out(line.rendered)
            } else {
                console.out("\(job.providerID) · \(job.model) · task \(Render.oneLine(job.taskID))")
                console.out(
                    "  status:   \(snapshot.status)"
                        + (snapshot.rawStatus.map { $0 == snapshot.status.rawValue ? "" : " (\(Render.oneLine($0)))" }
                            ?? ""))
                if let progress = snapshot.progress { console.out("  progress: \(progress)%") }
                if let url = snapshot.videoURL { console.out("  video:    \(Render.oneLine(url.absoluteString))") }
                if let duration = snapshot.actualDuration { console.out("  duration: \(duration) s") }
                if let message = snapshot.errorMessage { console.out("  error:    \(Render.oneLine(message))") }
            }
            switch snapshot.status {
            case .failed, .cancelled, .expired: return .failure
            default: return .success
            }
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
    }

    static func download(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        guard let output = args.value("output") else { throw Arguments.UsageError(description: "--output is required") }
        let (job, simulated) = try loadJob(args)
        let client: VideoClient
        switch try Self.client(args, simulated: simulated) {
        case .success(let value): client = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        do {
            let video = try await client.download(job, to: URL(fileURLWithPath: output))
            if json {
                console.event(Render.downloadedJSON(video))
            } else {
                console.out("Saved \(video.fileURL.path) (\(video.byteCount) bytes)")
            }
            return .success
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
    }
}
