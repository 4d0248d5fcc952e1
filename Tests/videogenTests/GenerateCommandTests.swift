import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `videogen generate --simulate`, `status` and `download`: the whole flow against the in-process simulator,
/// as a subprocess, on an accelerated clock.
@Suite struct GenerateCommandTests {
    /// Whether `data` looks like an MP4: an `ftyp` box first, and a `moov` box somewhere.
    static func isMP4(_ data: Data) -> Bool {
        let boxes = SampleVideo.topLevelBoxes(of: data).types
        return boxes.first == "ftyp" && boxes.contains("moov") && boxes.contains("mdat")
    }

    /// The README's first command, at the tool's own (default) speed.
    @Test func readmeCommandWritesAPlayableMP4() throws {
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--model", "grok-video-3", "--prompt", "A cat dancing in the rain",
                "--seconds", "8", "--output", "cat.mp4",
            ], speedup: nil)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let video = try Data(contentsOf: result.directory.appendingPathComponent("cat.mp4"))
        #expect(Self.isMP4(video))
        #expect(result.stdout.contains("Saved "))
        #expect(result.stderr.hasPrefix("Submitted to aizfw · grok_video3: task video_"))
        #expect(
            FileManager.default.fileExists(atPath: result.directory.appendingPathComponent("cat.mp4.job.json").path))
    }

    @Test func jsonEventsTellTheWholeStory() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--json", "--model", "octopusx:grok-video-3", "--prompt", "p", "--seconds", "8",
            "--output", "out.mp4",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdoutLines.allSatisfy { $0.hasPrefix(#"{"event":""#) })
        let events = try result.events()
        let names = events.compactMap { $0["event"]?.stringValue }
        #expect(Array(names.prefix(2)) == ["attempt", "submitted"])
        #expect(Array(names.suffix(2)) == ["completed", "downloaded"])
        #expect(names.dropFirst(2).dropLast(2).allSatisfy { $0 == "progress" })
        #expect(names.contains("progress"))

        #expect(events[0]["provider"] == .string("octopusx"))
        #expect(events[0]["model"] == .string("grok-video-3"))
        #expect(events[0]["attempt"] == .int(1))
        #expect(events[0]["url"] == .string("https://octopusx.ai/v1/videos"))
        let submitted = events[1]
        let taskID = try #require(submitted["taskID"]?.stringValue)
        #expect(submitted["billable"] == .object(["unit": "per-second", "seconds": 8]))
        #expect(submitted["jobFile"]?.stringValue?.hasSuffix("out.mp4.job.json") == true)
        let progress = events.filter { $0["event"] == .string("progress") }
        #expect(progress.allSatisfy { $0["taskID"] == .string(taskID) })
        #expect(progress.last?["status"] == .string("completed"))
        #expect(progress.last?["progress"] == .int(100))
        let completed = events[events.count - 2]
        #expect(completed["taskID"] == .string(taskID))
        #expect(completed["status"] == .string("completed"))
        let downloaded = events[events.count - 1]
        #expect(downloaded["path"]?.stringValue?.hasSuffix("/out.mp4") == true)
        #expect(downloaded["contentType"] == .string("video/mp4"))
        let video = try Data(contentsOf: result.directory.appendingPathComponent("out.mp4"))
        #expect(downloaded["bytes"]?.intValue == video.count)
        #expect(Self.isMP4(video))
    }

    /// The events of a simulated `generate --json` of an 8 s, 720p `grok-video-3` whose submissions suffer
    /// `fault` (`ID=KIND`), which succeeds in the end.
    static func eventsOfAnEightSecond720pRun(
        faulting fault: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [JSONValue] {
        let result = try VideoGen.run([
            "generate", "--simulate", "--json", "--model", "grok-video-3", "--prompt", "p", "--seconds", "8",
            "--resolution", "720p", "--simulate-fault", fault,
        ])
        #expect(result.exitCode == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        return try result.events()
    }

    @Test func aFailingGatewayFallsBackToTheNextProvider() throws {
        // A 503 (the request was not processed) is aizfw's answer, not its host's: the job goes on to
        // Xingchaoyiqing, served by the same kyyReactApiServer, which makes the same 8 s at 720p. (A 502
        // no longer falls back: after the body was sent it does not prove nothing was created.)
        let events = try Self.eventsOfAnEightSecond720pRun(faulting: "aizfw=503")
        let story = events.prefix(4).map {
            "\($0["event"]?.stringValue ?? "?"):\($0["provider"]?.stringValue ?? $0["from"]?.stringValue ?? "?")"
        }
        #expect(story == ["attempt:aizfw", "fallback:aizfw", "attempt:xingchaoyiqing", "submitted:xingchaoyiqing"])
        #expect(events[1]["reason"]?.stringValue?.contains("HTTP 503") == true)
        #expect(events.last?["event"] == .string("completed"))
    }

    @Test func aRefusingHostPassesOverEveryProviderOnIt() throws {
        // A refused connection is the host's: after aizfw's retries, Xingchaoyiqing (same origin) is passed
        // over with the reason, and OctopusX takes the job.
        let events = try Self.eventsOfAnEightSecond720pRun(faulting: "aizfw=refuse")
        let attempts = events.filter { $0["event"] == .string("attempt") }.compactMap { $0["provider"]?.stringValue }
        #expect(attempts == ["aizfw", "aizfw", "aizfw", "octopusx"])
        let skipped = events.first { $0["event"] == .string("skipped") && $0["provider"] == .string("xingchaoyiqing") }
        #expect(
            skipped?["reason"]?.stringValue?.hasPrefix(
                "shares its origin https://zcbservice.aizfw.cn with aizfw, which could not be reached") == true)
        #expect(events.last?["event"] == .string("completed"))
    }

    @Test func aFailedTaskExitsOne() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--json", "--model", "grok-imagine-video", "--prompt", "p", "--simulate-outcome",
            "failure",
        ])
        #expect(result.exitCode == 1)
        #expect(
            result.firstErrorLine.hasPrefix("error: Task video_")
                && result.firstErrorLine.hasSuffix("ended failed: Simulated failure: the upstream renderer gave up."))
        let error = try #require(try result.events().last)
        #expect(error["event"] == .string("error"))
        #expect(error["kind"] == .string("task-failed"))
        #expect(error["exitCode"] == .int(1))
        #expect(error["vendorCode"] == .string("simulated_failure"))
    }

    @Test func aTimeoutExitsThree() throws {
        // A simulated 30-second video takes 80 simulated seconds; give up after 5. At the default speed-up
        // that is 2 s against 0.125 s of real time, so a busy machine cannot finish the task first.
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--json", "--model", "grok-video-3", "--prompt", "p", "--seconds", "30",
                "--timeout", "5",
            ], speedup: nil)
        #expect(result.exitCode == 3)
        #expect(result.firstErrorLine.hasPrefix("error: Gave up following task "))
        #expect(try result.events().last?["kind"] == .string("timeout"))
    }

    @Test func pollIntervalIsFixed() throws {
        // The default 40× clock, not the tests' 400×: at 400× a 0.1 s scheduling stall on a loaded machine is
        // 40 simulated seconds, long enough to finish the task before the second poll.
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--json", "--model", "xai:grok-imagine-video", "--prompt", "p", "--seconds",
                "5", "--poll-interval", "4",
            ], speedup: 40)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let progress = try result.events().filter { $0["event"] == .string("progress") }
        // 5 s queued + 15 s + 2 s per video second = 30 simulated seconds, polled every 4 s (never sooner;
        // `elapsed` is rounded to 0.1 s).
        let elapsed = progress.compactMap { $0["elapsed"]?.doubleValue }
        #expect(elapsed.count == progress.count)
        #expect(progress.count >= 2)
        #expect(zip(elapsed, elapsed.dropFirst()).allSatisfy { $1 - $0 >= 3.9 })
        #expect(progress.last?["status"] == .string("completed"))
    }

    @Test func statusAndDownloadFollowAJobInANewProcess() throws {
        let generated = try VideoGen.run([
            "generate", "--simulate", "--model", "duoyuanx:grok-video-3-max", "--prompt", "p", "--output", "a.mp4",
        ])
        #expect(generated.exitCode == 0, "\(generated.stderr)")
        let jobFile = generated.directory.appendingPathComponent("a.mp4.job.json").path

        let status = try VideoGen.run(["status", jobFile, "--json"], in: generated.directory)
        #expect(status.exitCode == 0, "\(status.stderr)")
        let snapshot = try status.json()
        #expect(snapshot["provider"] == .string("duoyuanx"))
        #expect(snapshot["model"] == .string("grok-video-3-max"))
        #expect(snapshot["status"] == .string("completed"))

        let text = try VideoGen.run(["status", jobFile], in: generated.directory)
        #expect(text.exitCode == 0)
        #expect(text.stdoutLines.first?.hasPrefix("duoyuanx · grok-video-3-max · task video_") == true)

        let download = try VideoGen.run(["download", jobFile, "--output", "b.mp4", "--json"], in: generated.directory)
        #expect(download.exitCode == 0, "\(download.stderr)")
        #expect(try download.events().first?["event"] == .string("downloaded"))
        let first = try Data(contentsOf: generated.directory.appendingPathComponent("a.mp4"))
        let second = try Data(contentsOf: generated.directory.appendingPathComponent("b.mp4"))
        #expect(first == second)
        #expect(Self.isMP4(second))

        // The job's JSON works in place of the file.
        let inline = try String(contentsOfFile: jobFile, encoding: .utf8)
        let byJSON = try VideoGen.run(["status", inline, "--simulate", "--json"], in: generated.directory)
        #expect(byJSON.exitCode == 0)
    }

    /// docs/cli.md: the job's keys are sorted, and a simulated job's marker comes first.
    @Test func jobFileKeysAreSortedAfterTheSimulatedMarker() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--model", "octopusx:grok-video-3", "--prompt", "p", "--job-file", "j.json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let text = try String(contentsOf: result.directory.appendingPathComponent("j.json"), encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"videogenSimulated\" : true,\n"))
        let keys = text.components(separatedBy: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  \""), !line.hasPrefix("   "), let end = line.dropFirst(3).firstIndex(of: "\"")
            else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<end])
        }
        #expect(
            keys == [
                "videogenSimulated", "attempts", "baseURL", "id", "initialSnapshot", "model", "providerID", "request",
                "submittedAt", "taskID",
            ])
    }

    @Test func statusOfABrokenJobIsAUsageError() throws {
        let directory = try VideoGen.temporaryDirectory()
        try Data("{\"not\":\"a job\"}".utf8).write(to: directory.appendingPathComponent("bad.job.json"))
        let bad = try VideoGen.run(["status", "bad.job.json"], in: directory)
        #expect(bad.exitCode == 2)
        #expect(bad.firstErrorLine == "error: 'bad.job.json' is not a videogen job file")
        let missing = try VideoGen.run(["download", "nope.job.json", "--output", "x.mp4"], in: directory)
        #expect(missing.exitCode == 2)
        #expect(missing.firstErrorLine == "error: cannot read the job file 'nope.job.json'")
        let noOutput = try VideoGen.run(["download", "bad.job.json"], in: directory)
        #expect(noOutput.exitCode == 2)
        #expect(noOutput.firstErrorLine == "error: --output is required")
    }
}
