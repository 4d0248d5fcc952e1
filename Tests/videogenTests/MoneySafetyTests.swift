import Foundation
import Testing
import VideoProviderKit

/// `videogen` never spends by accident: options that swallow another option, absurd numbers, unusable
/// output paths and over-budget requests stop before anything is sent; ambiguous submissions are
/// recorded and not resent; fallbacks make the same video.
@Suite struct MoneySafetyTests {
    static let generate = ["generate", "--simulate", "--model", "grok-video-3"]

    // MARK: Option values

    /// `--prompt --dry-run` forgot the prompt: it must not become a billed submission of "--dry-run".
    @Test(arguments: [
        (
            ["--prompt", "--dry-run"],
            "--prompt needs a value, but '--dry-run' is one of videogen's options; to use it as the value, write --prompt=--dry-run"
        ),
        (
            ["--prompt", "p", "--output", "--json"],
            "--output needs a value, but '--json' is one of videogen's options; to use it as the value, write --output=--json"
        ),
        (
            ["--prompt", "p", "--seconds", "--adjust"],
            "--seconds needs a value, but '--adjust' is one of videogen's options; to use it as the value, write --seconds=--adjust"
        ),
        (
            ["--prompt", "--seconds=8"],
            "--prompt needs a value, but '--seconds=8' is one of videogen's options; to use it as the value, write --prompt=--seconds=8"
        ),
        (
            ["--prompt", "--"],
            "--prompt needs a value, but '--' is one of videogen's options; to use it as the value, write --prompt=--"
        ),
    ])
    func anOptionIsNeverAnotherOptionsValue(_ rest: [String], _ message: String) throws {
        let result = try VideoGen.run(Self.generate + rest)
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == "error: " + message)
        #expect(VideoGen.visibleFiles(in: result.directory).isEmpty)
    }

    /// The `=` form still takes any text, and an unknown `--word` is still a value.
    @Test func theEqualsFormTakesAnyText() throws {
        let result = try VideoGen.run(Self.generate + ["--prompt=--dry-run", "--dry-run", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try result.json()["candidates"]?[0]?["resolved"]?["prompt"] == .string("--dry-run"))
        let free = try VideoGen.run(Self.generate + ["--prompt", "--not-an-option", "--dry-run", "--json"])
        #expect(free.exitCode == 0, "\(free.stderr)")
        #expect(try free.json()["candidates"]?[0]?["resolved"]?["prompt"] == .string("--not-an-option"))
    }

    // MARK: Numbers

    @Test(arguments: [
        (["--timeout", "1e300"], "--timeout must be a number of seconds from 1 to 604800, not '1e300'"),
        (["--timeout", "0"], "--timeout must be a number of seconds from 1 to 604800, not '0'"),
        (["--timeout", "nan"], "--timeout must be a number of seconds from 1 to 604800, not 'nan'"),
        (["--timeout", "-5"], "--timeout must be a number of seconds from 1 to 604800, not '-5'"),
        (["--poll-interval", "0.0001"], "--poll-interval must be a number of seconds from 1 to 3600, not '0.0001'"),
        (["--poll-interval", "inf"], "--poll-interval must be a number of seconds from 1 to 3600, not 'inf'"),
        (["--max-billable-seconds", "0"], "--max-billable-seconds must be a whole number from 1 to 86400, not '0'"),
        (["--max-billable-seconds", "2.5"], "--max-billable-seconds must be a whole number, not '2.5'"),
        (
            ["--seconds", "99999999999999999999999"],
            "--seconds must be a whole number, not '99999999999999999999999'"
        ),
    ])
    func absurdNumbersAreUsageErrorsNeverCrashes(_ rest: [String], _ message: String) throws {
        let result = try VideoGen.run(Self.generate + ["--prompt", "p"] + rest)
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == "error: " + message)
        let follow = try VideoGen.run(["follow", "job.json"] + rest.prefix(2))
        if rest[0] == "--timeout" || rest[0] == "--poll-interval" {
            #expect(follow.exitCode == 2)
            #expect(follow.firstErrorLine == "error: " + message)
        }
    }

    /// `--poll-interval` never polls faster than the vendor asks: kyyReactApiServer's 30 s, not 1 s.
    @Test func thePollIntervalRespectsTheVendorsAdvice() throws {
        // A 30 s video: 80 simulated seconds, polled at 30, 60 and 90 s. The default 40× clock, so a stall on
        // a loaded machine does not skip a poll.
        let result = try VideoGen.run(
            Self.generate + [
                "--prompt", "p", "--provider", "aizfw", "--seconds", "30", "--poll-interval", "1", "--json",
            ],
            speedup: 40)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let elapsed = try result.events().filter { $0["event"] == .string("progress") }.compactMap {
            $0["elapsed"]?.doubleValue
        }
        #expect(elapsed.count >= 2)
        #expect(zip(elapsed, elapsed.dropFirst()).allSatisfy { $1 - $0 >= 29.9 })
    }

    // MARK: Output and job files

    @Test func anOutputThatCannotBeAVideoIsRefusedBeforeSending() throws {
        let directory = try VideoGen.temporaryDirectory()
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: directory.appendingPathComponent("file"))
        #expect(mkfifo(directory.appendingPathComponent("fifo").path, 0o644) == 0)
        let cases: [(String, String)] = [
            ("folder", "--output folder: is a folder; give a file path"),
            ("folder/", "--output folder/: names a folder; give a file path"),
            ("fifo", "--output fifo: is a FIFO, not a regular file; refusing to write a video into it"),
            ("/dev/null", "--output /dev/null: is a device, not a regular file; refusing to replace it"),
            ("file/cat.mp4", "--output file/cat.mp4: is under \(directory.path)/file, which is not a folder"),
            ("file/a/b/cat.mp4", "--output file/a/b/cat.mp4: is under \(directory.path)/file, which is not a folder"),
        ]
        for (output, message) in cases {
            let result = try VideoGen.run(
                Self.generate + ["--prompt", "p", "--output", output, "--json"], in: directory)
            #expect(result.exitCode == 2, "\(output)")
            #expect(result.firstErrorLine == "error: " + message)
            #expect(try result.events().last?["kind"] == .string("usage"))
        }
        // Nothing was written or sent: no job file, no lock, the FIFO and the file are as they were.
        #expect(VideoGen.visibleFiles(in: directory) == ["fifo", "file", "folder"])
        #expect(try String(contentsOf: directory.appendingPathComponent("file"), encoding: .utf8) == "x")
        let jobFolder = try VideoGen.run(
            Self.generate + ["--prompt", "p", "--job-file", "folder"], in: directory)
        #expect(jobFolder.exitCode == 2)
        #expect(jobFolder.firstErrorLine == "error: --job-file folder: is a folder; give a file path")
    }

    /// The output's folder is created, and the job lands next to the video.
    @Test func theOutputsFolderIsCreated() throws {
        let result = try VideoGen.run(Self.generate + ["--prompt", "p", "--output", "new/deeper/cat.mp4"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let folder = result.directory.appendingPathComponent("new/deeper")
        #expect(VideoGen.visibleFiles(in: folder) == ["cat.mp4", "cat.mp4.job.json"])
    }

    /// A job file that cannot be created stops the run before anything is sent.
    @Test func aJobFileThatCannotBeWrittenStopsTheRun() throws {
        let long = String(repeating: "j", count: 300) + ".json"
        let result = try VideoGen.run(Self.generate + ["--prompt", "p", "--job-file", long, "--json"])
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == "error: --job-file \(long): File name too long")
        #expect(try !result.events().contains { $0["event"] == .string("attempt") })
        #if os(Linux)
            // `/proc/self` exists, but nothing can be created in it, even as root.
            let proc = try VideoGen.run(Self.generate + ["--prompt", "p", "--job-file", "/proc/self/j.json"])
            #expect(proc.exitCode == 2)
            #expect(proc.firstErrorLine.hasPrefix("error: --job-file /proc/self/j.json: cannot write in /proc/self ("))
        #endif
    }

    // MARK: Ambiguous submissions

    /// A dropped answer: exit 3, the record says a task may exist, the message names the tool's flag,
    /// and nothing is sent again.
    @Test func anAmbiguousSubmissionIsRecordedAndNotResent() throws {
        let result = try VideoGen.run(
            Self.generate + [
                "--prompt", "p", "--seconds", "8", "--resolution", "720p", "--output", "cat.mp4", "--json",
                "--simulate-fault", "aizfw=drop",
            ])
        #expect(result.exitCode == 3)
        let events = try result.events()
        #expect(events.filter { $0["event"] == .string("attempt") }.count == 1)
        let error = try #require(events.last)
        #expect(error["kind"] == .string("ambiguous-submission"))
        let hints = error["hints"]?.array.compactMap(\.stringValue) ?? []
        #expect(hints.first?.hasPrefix("--resubmit-ambiguous allows sending it again (once)") == true)
        #expect(!result.contains("AmbiguousSubmissionPolicy"))
        #expect(result.stderr.contains("hint: --resubmit-ambiguous allows sending it again (once)"))
        let record = try JSONValue.parse(
            try Data(contentsOf: result.directory.appendingPathComponent("cat.mp4.job.json")))
        #expect(record["videogenSubmission"] == .string("ambiguous"))
        #expect(record["providerID"] == .string("aizfw"))
        #expect(record["attempts"]?[0]?["outcome"] == .string("ambiguous"))
        #expect(VideoGen.visibleFiles(in: result.directory) == ["cat.mp4.job.json"])

        // `status`, `download` and `follow` on it: exit 3, there is no task id to ask about.
        let follow = try VideoGen.run(["follow", "cat.mp4.job.json"], in: result.directory)
        #expect(follow.exitCode == 3)
        #expect(
            follow.firstErrorLine
                == "error: cat.mp4.job.json records a submission to aizfw (grok_video3) that got no answer that proves nothing was created: a task may exist and be billed, but its id is unknown, so there is nothing to follow. Check aizfw's task history before submitting again."
        )
    }

    /// With `--resubmit-ambiguous`, one resend, however many providers and attempts there are.
    @Test func resubmittingIsBoundedToOneResend() throws {
        let result = try VideoGen.run(
            Self.generate + [
                "--prompt", "p", "--seconds", "8", "--resolution", "720p", "--json", "--resubmit-ambiguous",
                "--simulate-fault", "aizfw=drop", "--simulate-fault", "octopusx=drop", "--simulate-fault",
                "duoyuanx=drop",
            ])
        #expect(result.exitCode == 3)
        let events = try result.events()
        #expect(events.filter { $0["event"] == .string("attempt") }.count == 2)
        #expect(events.last?["attempts"]?.array.count == 2)
        #expect(
            events.last?["message"]?.stringValue?.contains(
                "the one resend allowed for a possibly billed submission is used up") == true)
    }

    /// A definite refusal created nothing: no record is left behind.
    @Test func aRefusalLeavesNoRecord() throws {
        let result = try VideoGen.run(
            Self.generate + ["--prompt", "p", "--output", "cat.mp4", "--simulate-fault", "aizfw=400"])
        #expect(result.exitCode == 1)
        #expect(VideoGen.visibleFiles(in: result.directory).isEmpty)
    }

    /// A 502 after the body was sent no longer falls back to a second paid task.
    @Test func aBadGatewayAfterSendingDoesNotFallBack() throws {
        let result = try VideoGen.run(
            Self.generate + [
                "--prompt", "p", "--seconds", "8", "--resolution", "720p", "--json", "--simulate-fault", "aizfw=502",
            ])
        #expect(result.exitCode == 3)
        let events = try result.events()
        #expect(events.filter { $0["event"] == .string("attempt") }.count == 1)
        #expect(!events.contains { $0["event"] == .string("fallback") })
        #expect(events.last?["kind"] == .string("ambiguous-submission"))
        #expect(events.last?["httpStatus"] == .int(502))
    }

    // MARK: Budget

    @Test func theBudgetStopsRequestsThatWouldBillMore() throws {
        let result = try VideoGen.run(
            Self.generate + [
                "--prompt", "p", "--provider", "octopusx", "--seconds", "8", "--max-billable-seconds", "6",
            ])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-video-3 on octopusx: seconds = 8 is not allowed (over the billable-seconds budget); allowed: at most 6 billable seconds (the budget)."
        )
        #expect(
            result.stderrLines.contains(
                "hint: The budget is --max-billable-seconds; raise it, or ask for a shorter video."))
        // A per-call model counts its fixed length.
        let pro = try VideoGen.run([
            "plan", "--model", "octopusx:grok-video-3-pro", "--prompt", "p", "--max-billable-seconds", "9",
        ])
        #expect(pro.exitCode == 2)
        #expect(pro.firstErrorLine.contains("seconds = 10 (a per-call model of fixed length) is not allowed"))
    }

    /// The budget counts the ambiguous submission: the resend the opt-in would allow is not sent.
    @Test func theBudgetCountsEveryPossiblyBilledSubmission() throws {
        let result = try VideoGen.run(
            Self.generate + [
                "--prompt", "p", "--provider", "octopusx", "--seconds", "8", "--json", "--resubmit-ambiguous",
                "--max-billable-seconds", "12", "--simulate-fault", "octopusx=drop",
            ])
        #expect(result.exitCode == 3)
        let events = try result.events()
        #expect(events.filter { $0["event"] == .string("attempt") }.count == 1)
        #expect(
            events.last?["message"]?.stringValue?.contains(
                "sending it again would bring the possibly billed seconds to 16, over the budget of 12") == true)
        #expect(
            events.last?["hints"]?.array.contains(
                .string("The budget is --max-billable-seconds; raise it, or ask for a shorter video.")) == true)
    }

    // MARK: Same output, --adjust

    @Test func planShowsWhatEachCandidateWouldMakeAndBill() throws {
        let result = try VideoGen.run(["plan", "--json", "--model", "grok-video-3", "--prompt", "p"])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["candidates"]?.array.compactMap { $0["provider"]?.stringValue } == ["aizfw"])
        #expect(json["candidates"]?[0]?["billable"] == .object(["unit": "per-second", "seconds": 6]))
        let skipped = json["skipped"]?.array ?? []
        #expect(
            skipped.first?["reason"]
                == .string(
                    "would make 10 s, 16:9, 720p and bill 10 s, not what the first choice aizfw makes (6 s, 16:9, 480p); a fallback must make the same video unless differences are allowed"
                ))
        let text = try VideoGen.run(["plan", "--model", "grok-video-3", "--prompt", "p"])
        #expect(
            text.stdoutLines.last
                == "note: Providers that would make another length, aspect ratio or resolution were passed over; --allow-different-fallback lets a fallback use them, --adjust picks the closest match."
        )
        let allowed = try VideoGen.run([
            "plan", "--json", "--model", "grok-video-3", "--prompt", "p", "--allow-different-fallback",
        ])
        #expect(
            try allowed.json()["candidates"]?.array.compactMap { $0["resolved"]?["seconds"]?.intValue } == [
                6, 10, 6, 6,
            ])
    }

    /// With a key for Duoyuanx only, its 720p is the first choice a real run would make: the plan says so.
    @Test func theFirstChoiceIsTheFirstProviderWithAKey() throws {
        let result = try VideoGen.run(
            ["plan", "--json", "--model", "grok-video-3", "--prompt", "p"], environment: ["DUOYUANX_API_KEY": "k"])
        #expect(result.exitCode == 0)
        let candidates = try result.json()["candidates"]?.array ?? []
        #expect(candidates.compactMap { $0["provider"]?.stringValue } == ["octopusx", "duoyuanx"])
        #expect(candidates.map { $0["apiKeyConfigured"] } == [false, true])
    }

    @Test func adjustPicksTheClosestMatchAcrossProviders() throws {
        let result = try VideoGen.run([
            "plan", "--json", "--model", "grok-video-3-max", "--prompt", "p", "--seconds", "15", "--adjust",
        ])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["candidates"]?.array.compactMap { $0["provider"]?.stringValue } == ["octopusx", "duoyuanx"])
        let generate = try VideoGen.run(
            Self.generate.dropLast() + ["grok-video-3", "--prompt", "p", "--resolution", "540p", "--adjust", "--json"])
        #expect(generate.exitCode == 0, "\(generate.stderr)")
        let submitted = try #require(try generate.events().first { $0["event"] == .string("submitted") })
        #expect(submitted["provider"] == .string("duoyuanx"))
        #expect(submitted["warnings"] == .array([]))
    }

    // MARK: Help

    @Test func eachCommandHasItsOwnHelp() throws {
        for command in ["generate", "follow", "plan", "status", "download", "providers", "capabilities"] {
            let result = try VideoGen.run([command, "--help"])
            #expect(result.exitCode == 0)
            #expect(result.stdoutLines.first == "Usage:")
            #expect(result.stdoutLines.dropFirst().first?.hasPrefix("  videogen \(command) ") == true)
            #expect(result.stdoutLines.last == "Full reference: docs/cli.md.")
            let help = try VideoGen.run(["help", command])
            #expect(help.stdout == result.stdout)
        }
        let unknown = try VideoGen.run(["help", "frobnicate"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.firstErrorLine == "error: no help for 'frobnicate'")
    }

    // MARK: Keys for status, download and follow

    /// Without the job's key nothing is sent: exit 2 naming the variable.
    @Test(arguments: [["status"], ["download", "--output", "v.mp4"], ["follow"]])
    func jobCommandsNeedTheKeyBeforeSendingAnything(_ command: [String]) throws {
        let capture = try RequestCapture(response: "HTTP/1.1 500 Nope\r\nContent-Length: 0\r\n\r\n")
        let base = "http://127.0.0.1:\(capture.port)/kyyReactApiServer"
        let directory = try VideoGen.jobAt(base)
        let result = try VideoGen.run(
            [command[0], "job.json"] + command.dropFirst() + ["--base-url", "aizfw=\(base)", "--json"], in: directory)
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine.hasPrefix(
                "error: AIZFW_API_KEY is not set: aizfw needs its key to answer about task video_")
                && result.firstErrorLine.hasSuffix(". Set it and run the command again; nothing was sent."))
        #expect(try result.events().last?["kind"] == .string("configuration"))
        #expect(capture.requestHead(timeout: 0.5) == [])
    }
}

extension VideoGen {
    /// A directory holding `job.json`: a real (not simulated) aizfw job at `base` for task `taskID` (still
    /// queued as far as the job knows), made from a simulated run's job.
    static func jobAt(_ base: String, taskID: String? = nil) throws -> URL {
        let made = try run([
            "generate", "--simulate", "--model", "aizfw:grok_video3", "--prompt", "p", "--job-file", "made.json",
        ])
        var text = try String(contentsOf: made.directory.appendingPathComponent("made.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "  \"videogenSimulated\" : true,\n", with: "")
        text = text.replacingOccurrences(of: "https://zcbservice.aizfw.cn/kyyReactApiServer", with: base)
        if let taskID, let simulated = try JSONValue.parse(Data(text.utf8))["taskID"]?.stringValue {
            text = text.replacingOccurrences(of: simulated, with: taskID)
        }
        try text.write(to: made.directory.appendingPathComponent("job.json"), atomically: true, encoding: .utf8)
        return made.directory
    }
}
