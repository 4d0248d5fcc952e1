import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The hostile-server matrix through `videogen` (docs/reliability.md, "Hostile servers"): a real loopback
/// gateway (`loopback_peer.py` playing aizfw's kyyReactApiServer) that sends escape sequences, quotes the key
/// where the tool's texts are cut, and serves errors where the video belongs; and hostile local files. The
/// library's side of the matrix is `HostileServerLoopbackTests`.
@Suite("videogen against hostile servers", .timeLimit(.minutes(4)))
struct HostileServerTests {
    /// 31 characters, none of them in the texts around them (no `H`, `T`, `P`).
    static let key = "sk-Q7XZ9WK2MV4RY6NB3CL5DJ1GF8VS"
    static let submitPath = "/kyyReactApiServer/v1/grok/videos"
    static let resultPath = "/kyyReactApiServer/v1/result/"

    static func generate(_ peer: LoopbackPeer, _ extra: [String] = []) -> [String] {
        [
            "generate", "--model", "aizfw:grok_video3", "--prompt", "A cat", "--base-url",
            "aizfw=\(peer.kyyBase().absoluteString)",
        ]
            + extra
    }

    static var environment: [String: String] { ["AIZFW_API_KEY": key] }

    /// Every character in `text` a terminal could act on, line breaks aside.
    static func terminalControls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { $0 != "\n" && $0.isTerminalControl }
    }

    /// The longest run of the key's characters in `text`.
    static func longestKeyRun(in text: String) -> Int { text.longestRun(from: key) }

    /// Runs `generate` against a submission answered at once with a finished task whose video is on the CDN,
    /// so the tool writes the job file and the video without polling. Returns the job file.
    static func finishedJob(_ peer: LoopbackPeer, in directory: URL) async throws -> URL {
        let answer =
            #"{"id":"video_ok1","object":"video","model":"grok_video3","status":"completed","#
            + #""video_url":"\#(peer.cdn.absoluteString)/videos/ok.mp4","error":null}"#
        try await peer.script(submitPath, method: "POST", [.answer(status: 200, body: answer)])
        let output = directory.appendingPathComponent("cat.mp4")
        let result = try VideoGen.run(
            generate(peer, ["--output", output.path]), environment: environment, in: directory)
        #expect(result.exitCode == 0, "\(result.stderr)")
        return directory.appendingPathComponent("cat.mp4.job.json")
    }

    /// A job whose video was saved once to `cat.mp4` (its bytes `earlier`), with the next status query
    /// finding the task completed and its video on the CDN, as `download` asks first.
    static func savedVideo(_ peer: LoopbackPeer) async throws -> (directory: URL, job: URL, output: URL, earlier: Data)
    {
        let directory = try VideoGen.temporaryDirectory()
        let job = try await finishedJob(peer, in: directory)
        let output = directory.appendingPathComponent("cat.mp4")
        let earlier = try Data(contentsOf: output)
        try await scriptCompletedStatus(peer)
        return (directory, job, output, earlier)
    }

    /// The next status query finds the task completed, its video on the CDN (`download` asks first).
    static func scriptCompletedStatus(_ peer: LoopbackPeer) async throws {
        let answer =
            #"{"id":"video_ok1","status":"completed","video_url":"\#(peer.cdn.absoluteString)/videos/ok.mp4","#
            + #""actualDuration":6,"error":null}"#
        try await peer.script(resultPath, method: "GET", [.answer(status: 200, body: answer)])
    }

    // MARK: Terminals

    static let hostileFailure =
        #"{"id":"video_\u001b[2J1","status":"failed","error":{"code":"\u009b31m","#
        + #""message":"\u001b]0;pwned\u0007boom\r\nSaved /etc/passwd (1 bytes)\u202e"}}"#
    static let rawMessage = "\u{1B}]0;pwned\u{07}boom\r\nSaved /etc/passwd (1 bytes)\u{202E}"

    /// A task that failed at once, its id, code and message full of escape sequences (OSC retitle, CSI clear,
    /// C1 CSI, a bidi override, and CR LF before a line that imitates the tool's own): nothing reaches the
    /// terminal raw, no fake line appears, and in `--json` the text comes back exactly as the server sent it.
    @Test func serverTextIsEscapedInTextModeAndExactInJSON() async throws {
        try await LoopbackPeer.run { peer in
            let directory = try VideoGen.temporaryDirectory()

            try await peer.script(Self.submitPath, method: "POST", [.answer(status: 200, body: Self.hostileFailure)])
            let text = try VideoGen.run(Self.generate(peer), environment: Self.environment, in: directory)
            try await peer.script(Self.submitPath, method: "POST", [.answer(status: 200, body: Self.hostileFailure)])
            let json = try VideoGen.run(Self.generate(peer, ["--json"]), environment: Self.environment, in: directory)

            for result in [text, json] {
                #expect(result.exitCode == 1)
                #expect(Self.terminalControls(in: result.stdout + result.stderr) == [])
                #expect(!(result.stdoutLines + result.stderrLines).contains { $0.hasPrefix("Saved ") })
            }
            #expect(
                text.firstErrorLine
                    == #"error: aizfw accepted task video_\u001b[2J1 for grok_video3 and ended it failed at once: \u001b]0;pwned\u0007boom\r\nSaved /etc/passwd (1 bytes)\u202e. The task may be billed, so no other provider was tried (resubmitting failed tasks needs the caller's opt-in)."#
            )
            let error = try #require(try json.events().last)
            #expect(error["event"] == "error")
            #expect(error["taskID"] == .string("video_\u{1B}[2J1"))
            #expect(error["vendorCode"] == .string("\u{9B}31m"))
            #expect(error["vendorMessage"] == .string(Self.rawMessage))
        }
    }

    /// `status` prints the vendor's status word and message escaped, and `--json` gives them back exactly.
    @Test func statusShowsHostileTextEscapedAndExact() async throws {
        try await LoopbackPeer.run { peer in
            let directory = try VideoGen.temporaryDirectory()
            let job = try await Self.finishedJob(peer, in: directory)
            let answer =
                #"{"id":"video_ok1","status":"\u001b[5mrunning\u001b[0m","progress":"42%","#
                + #""error":{"message":"\u001b]2;owned\u0007\nerror: fake"}}"#
            try await peer.script(
                Self.resultPath, method: "GET",
                [.answer(status: 200, body: answer), .answer(status: 200, body: answer)])

            let base = ["--base-url", "aizfw=\(peer.kyyBase().absoluteString)"]
            let text = try VideoGen.run(["status", job.path] + base, environment: Self.environment, in: directory)
            let json = try VideoGen.run(
                ["status", job.path, "--json"] + base, environment: Self.environment, in: directory)

            // An unknown word beside an error reads as failed (docs/real-gateways.md): exit 1.
            #expect(text.exitCode == 1, "\(text.stderr)")
            #expect(Self.terminalControls(in: text.stdout + text.stderr + json.stdout + json.stderr) == [])
            #expect(
                text.stdoutLines == [
                    "aizfw · grok_video3 · task video_ok1",
                    #"  status:   failed (\u001b[5mrunning\u001b[0m)"#,
                    "  progress: 42%",
                    #"  error:    \u001b]2;owned\u0007\nerror: fake"#,
                ])
            let line = try json.json()
            #expect(line["rawStatus"] == .string("\u{1B}[5mrunning\u{1B}[0m"))
            #expect(line["errorMessage"] == .string("\u{1B}]2;owned\u{07}\nerror: fake"))
        }
    }

    /// The progress bar is drawn only on a terminal: under a pseudo-terminal, a status word full of escape
    /// sequences is drawn escaped; the only sequence on the terminal is the tool's own line clear. (The peer
    /// plays xAI here, which recommends no polling interval, so `--poll-interval 1` holds.)
    @Test func theProgressLineOnATerminalShowsHostileStatusEscaped() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                "/v1/videos/generations", method: "POST", [.answer(status: 200, body: #"{"request_id":"req_1"}"#)])
            let hostile = #"{"status":"\u001b]0;pwned\u0007processing\u001b[1A","progress":40}"#
            let done =
                #"{"status":"done","progress":100,"video":{"url":"\#(peer.cdn.absoluteString)/videos/x.mp4","#
                + #""duration":6,"respect_moderation":true}}"#
            try await peer.script(
                "/v1/videos/req_1", method: "GET",
                [.answer(status: 200, body: hostile), .answer(status: 200, body: done)])
            let directory = try VideoGen.temporaryDirectory()

            let run = try VideoGen.runInTerminal(
                [
                    "generate", "--model", "xai:grok-imagine-video", "--prompt", "A cat", "--poll-interval", "1",
                    "--base-url", "xai=\(peer.api.absoluteString)",
                ], environment: ["XAI_API_KEY": Self.key], in: directory)

            #expect(run.exitCode == 0, "\(run.terminal)")
            let shown = run.terminal.replacingOccurrences(of: "\r\u{1B}[2K", with: "")
                .replacingOccurrences(of: "\r\n", with: "\n")
            #expect(Self.terminalControls(in: shown) == [])
            #expect(shown.contains(#"40%  unknown (\u001b]0;pwned\u0007processing\u001b[1A)"#))
        }
    }

    // MARK: Redaction where text is cut

    /// The server quotes the key back where the tool cuts a plain-text error (300 bytes) or an HTML title
    /// (120 characters), at every position of the 31-character key: no run of its characters reaches the
    /// text output (stderr) or the JSON (stdout). (Before: up to 28 of them were printed.)
    @Test func keyEchoedAtEveryCutPositionNeverReachesTheOutput() async throws {
        try await LoopbackPeer.run { peer in
            let directory = try VideoGen.temporaryDirectory()
            for visible in 1..<Self.key.count {
                let plain = String(repeating: ".", count: 300 - visible) + "{{key}} was refused"
                let html =
                    "<html><head><title>" + String(repeating: "=", count: 120 - visible)
                    + "{{key}} upstream</title></head></html>"
                for (status, type, body) in [(400, "text/plain", plain), (502, "text/html", html)] {
                    try await peer.script(
                        Self.submitPath, method: "POST",
                        [.echoingKey(status: status, contentType: type, body: body)])
                    let result = try VideoGen.run(
                        Self.generate(peer, ["--json"]), environment: Self.environment, in: directory)
                    // A 502 after the submission was sent may hide a task: ambiguous, exit 3 (docs/cli.md).
                    #expect(result.exitCode == (status == 400 ? 1 : 3), "\(result.stderr)")
                    #expect(
                        Self.longestKeyRun(in: result.stdout) < 4 && Self.longestKeyRun(in: result.stderr) < 4,
                        "visible \(visible) in \(type): \(result.stderr)")
                    #expect(try result.events().last?["event"] == "error")
                }
            }
            // Every submission carried the key to its gateway, which sent it back.
            let submissions = try await peer.log().requests.filter { $0.method == "POST" }
            #expect(submissions.count == 2 * (Self.key.count - 1))
        }
    }

    // MARK: Downloads

    /// The content host answers 200 with JSON, or with nothing: `download` fails (exit 1), says what came and
    /// quotes it, and the video saved earlier is untouched.
    @Test(arguments: [
        (
            "application/json", #"{"error":{"code":"expired","message":"Signature expired"}}"#,
            #"JSON, Content-Type application/json, not a video; nothing was saved. It starts: "{"error":{"code":"expired","message":"Signature expired"}}""#
        ),
        ("video/mp4", "", "an empty body, Content-Type video/mp4, not a video; nothing was saved."),
    ])
    func aDownloadThatIsNotAVideoLeavesTheEarlierFile(contentType: String, body: String, what: String) async throws {
        try await LoopbackPeer.run { peer in
            let (directory, job, output, earlier) = try await Self.savedVideo(peer)
            try await peer.script("/videos/", [.answer(status: 200, contentType: contentType, body: body)])

            let result = try VideoGen.run(
                [
                    "download", job.path, "--output", output.path, "--base-url",
                    "aizfw=\(peer.kyyBase().absoluteString)",
                ],
                environment: Self.environment, in: directory)

            #expect(result.exitCode == 1)
            #expect(result.firstErrorLine == "error: \(peer.cdn.host!) answered HTTP 200 with \(what)")
            #expect(try Data(contentsOf: output) == earlier)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix("videoproviderkit-download-") }
            #expect(leftovers == [])
        }
    }

    /// A file the system will not let grow (the shell's `ulimit -f`, SIGXFSZ ignored as an editor would):
    /// the error says the video could not be saved, where, and the system's reason, not "Could not read the
    /// request body" as it did. A full disk (ENOSPC), a read-only folder (EROFS) and a folder without write
    /// permission (EACCES) read the same way; they need root to stage, so docs/reliability.md shows them.
    ///
    /// The limit is 4 MiB and the video 8 MiB: a ThreadSanitizer build of the tool (CI's last step) needs
    /// more than 512 KiB of file size for its own runtime and aborts at start below that.
    @Test func aWriteTheSystemRefusesSaysWhatAndWhere() async throws {
        try await LoopbackPeer.run { peer in
            let (directory, job, output, earlier) = try await Self.savedVideo(peer)
            try await peer.configure(videoBytes: 8 << 20)

            let result = try VideoGen.runLimited(
                [
                    "download", job.path, "--output", output.path, "--base-url",
                    "aizfw=\(peer.kyyBase().absoluteString)",
                ],
                shellPrefix: "trap '' XFSZ; ulimit -f 4096; ",
                environment: Self.environment, in: directory)

            #expect(result.exitCode == 1)
            let line = result.firstErrorLine
            #expect(
                line.hasPrefix(
                    "error: Could not save the video to \(output.path) (cannot write \(directory.path)/videoproviderkit-download-"
                ))
            #expect(line.hasSuffix(": File too large (EFBIG)); any earlier file there is untouched."))
            #expect(try Data(contentsOf: output) == earlier)
        }
    }

    // MARK: Image files

    /// A FIFO given as `--image` used to block `plan` and `--dry-run` for ever, waiting for a writer. Now it is
    /// refused at once, named for what it is.
    @Test(arguments: [["plan"], ["generate", "--dry-run"]])
    func aFIFOImageIsRefusedWithoutHanging(command: [String]) throws {
        let directory = try VideoGen.temporaryDirectory()
        let fifo = directory.appendingPathComponent("ref.png")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let arguments =
            [command[0], "--model", "xai:grok-imagine-video", "--prompt", "p", "--image", fifo.path]
            + command.dropFirst()

        let result = try VideoGen.runLimited(arguments, in: directory, deadline: 30)

        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-imagine-video on xai: images[0] = \(fifo.path) is not allowed (a FIFO (named pipe), not a regular file); allowed: a readable jpeg, png or webp file."
        )
    }

    /// An image larger than the model's ceiling is refused by `plan` (and so before any `generate` sends a
    /// byte), with its size and the limit. The 1 GiB file is sparse.
    @Test func anOversizedImageIsRefusedBeforeSending() throws {
        let directory = try VideoGen.temporaryDirectory()
        let image = directory.appendingPathComponent("huge.png")
        try TinyImages.png.write(to: image)
        let handle = try FileHandle(forWritingTo: image)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()

        let result = try VideoGen.run(
            ["plan", "--model", "xai:grok-imagine-video", "--prompt", "p", "--image", image.path], in: directory)

        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-imagine-video on xai: images[0] = huge.png, 1,073,741,824 bytes (1 GiB) is not allowed (too large for grok-imagine-video); allowed: at most 20,971,520 bytes (20 MiB) per image."
        )
    }
}
