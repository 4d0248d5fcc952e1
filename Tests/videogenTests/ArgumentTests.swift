import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The command line itself: nothing unexpected is silently accepted, `--image` tells URLs from paths,
/// `help` and docs/cli.md agree, and the tool has a version.
@Suite struct ArgumentTests {
    static let plan = ["plan", "--model", "aizfw:grok_video3", "--prompt", "x"]

    /// Extra positionals and repeated single-value options, on every command: exit 2 and one sentence
    /// naming the argument.
    @Test(arguments: [
        (plan + ["extra"], "unexpected argument 'extra': plan takes no positional arguments"),
        (plan + ["--", "--seconds"], "unexpected argument '--seconds': plan takes no positional arguments"),
        (plan + ["--prompt", "y"], "--prompt is given more than once; it takes one value"),
        (plan + ["--seconds", "6", "--seconds=8"], "--seconds is given more than once; it takes one value"),
        (["providers", "extra"], "unexpected argument 'extra': providers takes no positional arguments"),
        (["providers", "--", "x"], "unexpected argument 'x': providers takes no positional arguments"),
        (["capabilities", "aizfw"], "unexpected argument 'aizfw': capabilities takes no positional arguments"),
        (
            ["capabilities", "--model", "grok-video-3", "--model", "grok-video-3-pro"],
            "--model is given more than once; it takes one value"
        ),
        (
            ["capabilities", "--provider", "aizfw", "--provider", "xai"],
            "--provider is given more than once; it takes one value"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "extra"],
            "unexpected argument 'extra': generate takes no positional arguments"
        ),
        (
            ["generate", "--model", "grok-video-3", "--model", "grok-video-3-pro", "--prompt", "p"],
            "--model is given more than once; it takes one value"
        ),
        (
            [
                "generate", "--simulate", "--model", "grok-video-3", "--prompt", "p", "--output", "a.mp4", "--output",
                "b.mp4",
            ],
            "--output is given more than once; it takes one value"
        ),
        (["status", "a.job.json", "b.job.json"], "unexpected argument 'b.job.json': status takes exactly one job"),
        (["status", "a.job.json", "--", "b"], "unexpected argument 'b': status takes exactly one job"),
        (
            ["download", "a.job.json", "b.job.json", "--output", "x.mp4"],
            "unexpected argument 'b.job.json': download takes exactly one job"
        ),
        (
            ["download", "a.job.json", "--output", "x.mp4", "--output", "y.mp4"],
            "--output is given more than once; it takes one value"
        ),
    ])
    func unexpectedArgumentsAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let result = try VideoGen.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderrLines == ["error: " + message, "Run `videogen help` for usage."])
        #expect(result.stdout.isEmpty)
        // Nothing was written: no job file, no video.
        let files = try FileManager.default.contentsOfDirectory(atPath: result.directory.path)
        #expect(files.filter { !$0.hasPrefix(".") }.isEmpty)

        // With --json (before any `--`), the usage error object is the one line on stdout.
        if !arguments.contains("--") {
            let json = try VideoGen.run(arguments + ["--json"])
            #expect(json.exitCode == 2)
            #expect(
                json.stdout
                    == #"{"event":"error","kind":"usage","message":"\#(message)","exitCode":2}"# + "\n")
        }
    }

    /// `--provider`, `--image`, `--base-url` and `--simulate-fault` repeat.
    @Test func repeatableOptionsStayRepeatable() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(2, in: directory)
        let plan = try VideoGen.run(
            [
                "plan", "--json", "--model", "grok-video-3", "--prompt", "p", "--provider", "octopusx", "--provider",
                "duoyuanx", "--image", images[0], "--image", images[1], "--base-url",
                "octopusx=https://a.example.com", "--base-url", "duoyuanx=https://b.example.com",
            ], in: directory)
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let candidates = try plan.json()["candidates"]?.array ?? []
        #expect(
            candidates.map { $0["baseURL"] } == [.string("https://a.example.com"), .string("https://b.example.com")])
        #expect(candidates.map { $0["resolved"]?["images"]?.array.count } == [2, 2])

        let generate = try VideoGen.run([
            "generate", "--simulate", "--json", "--model", "grok-video-3", "--prompt", "p", "--resolution", "720p",
            "--provider", "aizfw", "--provider", "octopusx", "--simulate-fault", "aizfw=refuse", "--simulate-fault",
            "octopusx=503",
        ])
        #expect(generate.exitCode == 1, "\(generate.stderr)")
        #expect(try generate.events().last?["kind"] == .string("server-error"))
    }

    // MARK: --image

    /// A `scheme://` value is a URL, so the library's own scheme check applies; it is never a path.
    @Test(arguments: ["ftp://e.com/a.jpg", "FTP://e.com/a.jpg", "s3+x.y-z://bucket/a.png"])
    func anImageWithAnotherSchemeIsTheLibrarysUnsupportedSchemeError(_ image: String) throws {
        let result = try VideoGen.run([
            "plan", "--model", "xai:grok-imagine-video", "--prompt", "p", "--image", image,
        ])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-imagine-video on xai: images[0] = \(image) is not allowed (unsupported URL scheme); allowed: an http(s) URL, a data: URI, bytes or a local file."
        )
        #expect(!result.stderr.contains(result.directory.path))
    }

    /// Without `scheme://` it is a path, relative to the current directory.
    @Test(arguments: ["e.com/a.jpg", "c:a.png", "1ftp://a.png"])
    func anImageWithoutASchemeIsAPath(_ image: String) throws {
        let result = try VideoGen.run([
            "plan", "--model", "xai:grok-imagine-video", "--prompt", "p", "--image", image,
        ])
        #expect(result.exitCode == 2)
        let path = result.directory.appendingPathComponent(image).path
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-imagine-video on xai: images[0] = \(path) is not allowed (cannot open the file: No such file or directory (ENOENT)); allowed: a readable jpeg, png or webp file."
        )
    }

    // MARK: help and docs/cli.md

    /// Every synopsis `videogen help` prints is the one docs/cli.md documents: the one-line ones as
    /// section headings, `generate`'s as its code block.
    @Test func helpAndTheReferenceShowTheSameSynopses() throws {
        let result = try VideoGen.run(["help"])
        #expect(result.exitCode == 0)
        let docs = try String(
            contentsOf: VideoGen.packageRoot.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        let lines = result.stdout.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "Usage:")) + 1
        let synopsis = lines[start...].prefix { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        var commands: [String] = []
        var generate: [String] = []
        for line in synopsis {
            if line.hasPrefix("videogen generate") || (!line.hasPrefix("videogen ") && !generate.isEmpty) {
                generate.append(line)
            } else {
                commands.append(line)
            }
        }
        #expect(commands.count == 9)
        for command in commands {
            #expect(docs.contains("\n### `\(command)`\n"), "docs/cli.md has no section `\(command)`")
        }
        #expect(generate.count > 10)
        #expect(docs.contains("```\n" + generate.joined(separator: "\n") + "\n```\n"))
    }

    /// The option reference in docs/cli.md is what the option table writes (`videogen help --markdown`),
    /// as docs/capabilities.md is what the provider tables write.
    @Test func theOptionReferenceIsWhatTheOptionTableWrites() throws {
        let result = try VideoGen.run(["help", "--markdown"])
        #expect(result.exitCode == 0)
        let generated = result.stdout.components(separatedBy: "\n").dropLast()
        let docs = try String(
            contentsOf: VideoGen.packageRoot.appendingPathComponent("docs/cli.md"), encoding: .utf8
        ).components(separatedBy: "\n")
        let first = try #require(generated.first)
        let last = try #require(generated.last)
        let start = try #require(docs.firstIndex(of: first))
        let end = try #require(docs[start...].firstIndex(of: last))
        #expect(
            Array(docs[start...end]) == Array(generated),
            "docs/cli.md's option reference is stale: replace it with the output of `swift run videogen help --markdown`"
        )
        // Every option of every command's synopsis has its line, naming the command.
        let rows = generated.filter { $0.hasPrefix("| `--") }
        #expect(rows.count > 25)
        for command in ["providers", "capabilities", "generate", "follow", "status", "download"] {
            let help = try VideoGen.run([command, "--help"]).stdout.components(separatedBy: "\n")
            let usage = help.dropFirst().prefix { !$0.isEmpty }.joined(separator: " ")
            let named = usage.split(separator: " ").filter { $0.hasPrefix("[--") || $0.hasPrefix("--") }
                .map { String($0.drop { $0 == "[" }.prefix { $0 != "]" }) }
            for option in named {
                #expect(
                    rows.contains { $0.hasPrefix("| `\(option) ") || $0.hasPrefix("| `\(option)`") }
                        && rows.contains { $0.contains("| `\(option)") && $0.contains("`\(command)`") },
                    "\(command) \(option)")
            }
        }
        let withCommand = try VideoGen.run(["help", "generate", "--markdown"])
        #expect(withCommand.exitCode == 2)
        #expect(withCommand.firstErrorLine == "error: --markdown prints the whole reference; give no command")
    }

    // MARK: version

    @Test func versionIsPrinted() throws {
        let result = try VideoGen.run(["--version"])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "videogen 0.1.0\n")
        #expect(result.stderr.isEmpty)
    }

    /// A real run's submission carries videogen's own User-Agent (not Foundation's
    /// `videogen (unknown version) curl/…`), and the dry run shows the same header.
    @Test func requestsCarryTheToolsUserAgent() throws {
        let body = #"{"error":{"message":"no","type":"invalid_request_error"}}"#
        let capture = try RequestCapture(
            response:
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
                + body)
        let arguments = [
            "generate", "--model", "octopusx:grok-video-3", "--prompt", "p", "--base-url",
            "octopusx=http://127.0.0.1:\(capture.port)",
        ]
        let result = try VideoGen.run(arguments, environment: ["OCTOPUSX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let head = capture.requestHead()
        #expect(head.first == "POST /v1/videos HTTP/1.1")
        #expect(head.filter { $0.lowercased().hasPrefix("user-agent:") } == ["User-Agent: videogen/0.1.0"])

        let dryRun = try VideoGen.run(arguments + ["--dry-run", "--json"])
        #expect(dryRun.exitCode == 0, "\(dryRun.stderr)")
        let headers = try dryRun.json()["candidates"]?[0]?["request"]?["headers"]
        #expect(headers?["User-Agent"] == .string("videogen/0.1.0"))
        let text = try VideoGen.run(arguments + ["--dry-run"])
        #expect(text.stdoutLines.contains("User-Agent: videogen/0.1.0"))
    }
}
