import Foundation
import VideoProviderKit

/// `status` and `download`: follow up on a job written by `generate`.
enum JobCommands {
    static func loadJob(_ args: Arguments) throws(Arguments.UsageError) -> VideoJob {
        guard let reference = args.positionals.first else {
            throw Arguments.UsageError(description: "give a job file (or its JSON)")
        }
        guard args.positionals.count == 1 else { throw Arguments.UsageError(description: "give exactly one job") }
        let data: Data
        if reference.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            data = Data(reference.utf8)
        } else {
            guard let contents = FileManager.default.contents(atPath: reference) else {
                throw Arguments.UsageError(description: "cannot read the job file '\(reference)'")
            }
            data = contents
        }
        do {
            return try VideoJob.decode(from: data)
        } catch {
            throw Arguments.UsageError(description: "'\(reference)' is not a videogen job: \(error)")
        }
    }

    static func client(_ args: Arguments, json: Bool, console: Console) throws(Arguments.UsageError) -> Result<
        VideoClient, VideoProviderError
    > {
        let toolbox = try Toolbox(arguments: args)
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch { return .failure(error) }
        let (transport, clock) = toolbox.transportAndClock(registry: registry)
        return .success(VideoClient(registry: registry, transport: transport, clock: clock))
    }

    static func status(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        let job = try loadJob(args)
        let client: VideoClient
        switch try Self.client(args, json: json, console: console) {
        case .success(let value): client = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        do {
            let snapshot = try await client.status(of: job)
            if json {
                var line = Render.snapshotJSON(snapshot)
                line["provider"] = job.providerID.rawValue
                line["model"] = job.model
                console.out(line.rendered)
            } else {
                console.out("\(job.providerID) · \(job.model) · task \(job.taskID)")
                console.out(
                    "  status:   \(snapshot.status)"
                        + (snapshot.rawStatus.map { $0 == snapshot.status.rawValue ? "" : " (\($0))" } ?? ""))
                if let progress = snapshot.progress { console.out("  progress: \(progress)%") }
                if let url = snapshot.videoURL { console.out("  video:    \(url.absoluteString)") }
                if let duration = snapshot.actualDuration { console.out("  duration: \(duration) s") }
                if let message = snapshot.errorMessage { console.out("  error:    \(message)") }
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
        let job = try loadJob(args)
        let client: VideoClient
        switch try Self.client(args, json: json, console: console) {
        case .success(let value): client = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        do {
            let video = try await client.download(job, to: URL(fileURLWithPath: output))
            if json {
                console.event(
                    JSONLine([
                        "event": "downloaded", "path": video.fileURL.path, "bytes": Int(video.byteCount),
                        "host": video.sourceHost,
                    ]))
            } else {
                console.out("Saved \(video.fileURL.path) (\(video.byteCount) bytes)")
            }
            return .success
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
    }
}
