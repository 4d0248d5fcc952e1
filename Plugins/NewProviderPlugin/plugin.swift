import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory new-provider --name Acme [--id acme]
/// [--base-url https://api.acme.example] [--no-package-edit]`
///
/// Scaffolds `Sources/AcmeProvider` (an `OpenAIVideoProvider` whose table is the OpenAI-format
/// `grok-imagine-video` one) and `Tests/AcmeProviderTests` (a submit → status → content cycle through
/// `GatewaySimulator` with an OpenAI-format gateway at Acme's base URL), adds the target to the
/// `vendorTargets` array in Package.swift, and prints the remaining steps. The scaffold builds and its
/// tests pass as generated; then the capability table is checked against the vendor's documentation.
@main struct NewProviderPlugin: CommandPlugin {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The line in Package.swift above which new vendor targets go.
    static let marker = "// new-provider: new vendor targets go above this line"

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let options = try Options(arguments)
        let root = context.package.directoryURL
        let sources = root.appending(path: "Sources/\(options.name)Provider")
        let tests = root.appending(path: "Tests/\(options.name)ProviderTests")
        let manager = FileManager.default
        for directory in [sources, tests] where manager.fileExists(atPath: directory.path) {
            throw Failure(description: "\(directory.path) already exists; choose another --name or remove it")
        }
        try manager.createDirectory(at: sources, withIntermediateDirectories: true)
        try manager.createDirectory(at: tests, withIntermediateDirectories: true)
        let providerFile = sources.appending(path: "\(options.name)Provider.swift")
        let testFile = tests.appending(path: "\(options.name)ProviderTests.swift")
        try Data(options.fill(Self.providerTemplate).utf8).write(to: providerFile)
        try Data(options.fill(Self.testTemplate).utf8).write(to: testFile)
        print("Created \(providerFile.path)")
        print("Created \(testFile.path)")

        let entry = "    (\"\(options.name)Provider\", [\"OpenAIVideoDialect\"]),"
        let manifest = root.appending(path: "Package.swift")
        var edited = false
        if options.editPackage, let text = try? String(contentsOf: manifest, encoding: .utf8),
            let updated = Self.insert(entry, into: text)
        {
            try Data(updated.utf8).write(to: manifest)
            edited = true
            print("Added to the vendorTargets array in Package.swift:")
        } else {
            print("Add this line to the vendorTargets array in Package.swift:")
        }
        print("")
        print(entry)
        print("")
        print("Then, to ship it with videogen, add it to Sources/BuiltInProviders/BuiltInProviders.swift:")
        print("")
        print("    import \(options.name)Provider")
        print("    \(options.name)Provider(),   // in BuiltInProviders.all")
        print("")
        print("Build and test it:")
        print("")
        print("    swift build --target \(options.name)Provider")
        print("    swift test --filter \(options.name)ProviderTests")
        print("")
        print("Its API key will be read from \(options.environmentVariable).")
        if !edited && options.editPackage {
            print("(Package.swift has no vendorTargets array to edit; the line above was not added.)")
        }
    }

    /// `text` with `entry` added to the `vendorTargets` array: above the marker comment when there is one,
    /// else before the array's closing bracket. `nil` when neither can be found or the entry is there.
    static func insert(_ entry: String, into text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        guard
            !lines.contains(where: {
                $0.trimmingCharacters(in: .whitespaces) == entry.trimmingCharacters(in: .whitespaces)
            })
        else { return nil }
        if let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == marker }) {
            lines.insert(entry, at: index)
            return lines.joined(separator: "\n")
        }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("let vendorTargets") }),
            let end = lines[start...].firstIndex(where: { $0 == "]" })
        else { return nil }
        lines.insert(entry, at: end)
        return lines.joined(separator: "\n")
    }

    struct Options {
        var name = ""
        var id = ""
        var baseURL = ""
        var baseURLSource = ""
        var editPackage = true

        init(_ arguments: [String]) throws {
            var iterator = arguments.makeIterator()
            while let argument = iterator.next() {
                switch argument {
                case "--name": name = iterator.next() ?? ""
                case "--id": id = iterator.next() ?? ""
                case "--base-url": baseURL = iterator.next() ?? ""
                case "--base-url-source": baseURLSource = iterator.next() ?? ""
                case "--no-package-edit": editPackage = false
                default:
                    throw Failure(
                        description:
                            "unknown argument '\(argument)'; usage: new-provider --name Acme [--id acme] [--base-url URL --base-url-source TEXT] [--no-package-edit]"
                    )
                }
            }
            let letters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            guard let first = name.first, first.isUppercase, first.isASCII, name.allSatisfy(letters.contains) else {
                throw Failure(
                    description: "--name must be an UpperCamelCase Swift identifier such as Acme, not '\(name)'")
            }
            if id.isEmpty { id = name.lowercased() }
            let idLetters = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
            guard id.allSatisfy(idLetters.contains), id.first?.isLetter == true else {
                throw Failure(description: "--id must be lower-case letters, digits and '-', not '\(id)'")
            }
            if !baseURL.isEmpty && baseURLSource.isEmpty {
                throw Failure(
                    description:
                        "--base-url needs --base-url-source: the page of the vendor's documentation that names the host (an API key goes there without the app naming it)"
                )
            }
            if baseURL.isEmpty { baseURL = "https://api.\(id).example" }
            guard baseURL.hasPrefix("https://"), URL(string: baseURL)?.host != nil else {
                throw Failure(description: "--base-url must be an https URL, not '\(baseURL)'")
            }
            while baseURL.hasSuffix("/") { baseURL.removeLast() }
        }

        /// `nil`, or the source as a Swift string literal.
        var baseURLSourceLiteral: String {
            guard !baseURLSource.isEmpty else { return "nil" }
            let escaped = baseURLSource.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }

        var environmentVariable: String { id.uppercased().replacingOccurrences(of: "-", with: "_") + "_API_KEY" }

        /// The test file's imports, sorted as swift-format wants them.
        var testImports: String {
            [
                "Foundation", "OpenAIVideoDialect", "Testing", "VideoProviderKit", "VideoProviderTesting",
                "\(name)Provider",
            ].sorted()
                .map { "import \($0)" }.joined(separator: "\n")
        }

        /// The template with its placeholders filled in, ending with a newline.
        func fill(_ template: String) -> String {
            template.replacingOccurrences(of: "{{testImports}}", with: testImports)
                .replacingOccurrences(of: "{{Name}}", with: name)
                .replacingOccurrences(of: "{{id}}", with: id)
                .replacingOccurrences(of: "{{ENV}}", with: environmentVariable)
                .replacingOccurrences(of: "{{baseURLSource}}", with: baseURLSourceLiteral)
                .replacingOccurrences(of: "{{baseURL}}", with: baseURL) + "\n"
        }
    }

    // MARK: Templates

    static let providerTemplate = ##"""
        import Foundation
        public import OpenAIVideoDialect
        public import VideoProviderKit

        /// {{Name}}: a gateway on the OpenAI-format `/v1/videos` wire, which ``OpenAIVideoProvider`` speaks; this
        /// type is {{Name}}'s capability table.
        ///
        /// Scaffolded by `swift package new-provider --name {{Name}}`. Before shipping, check every value against
        /// {{Name}}'s own documentation, cite the page beside each value, and list whatever the page does not
        /// state in the model's `assumptions`.
        public struct {{Name}}Provider: OpenAIVideoProvider {
            /// `{{id}}`: the provider's stable identifier (and `{{ENV}}` for `videogen`).
            public static let id: ProviderID = "{{id}}"

            /// Where {{Name}} serves its API. While the table's `baseURLSource` is `nil` the default is not used and
            /// apps must configure a base URL: a key must only go to a host the vendor documented.
            public static let defaultBaseURL = URL(string: "{{baseURL}}")!

            private static let table = ProviderDescriptor(
                id: id, name: "{{Name}}", defaultBaseURL: defaultBaseURL, baseURLSource: {{baseURLSource}},
                // TODO: the models {{Name}} documents; this is the OpenAI-format page's `grok-imagine-video`.
                models: [OpenAIVideoDialect.grokImagineVideo()])

            public init() {}

            public var descriptor: ProviderDescriptor { Self.table }
        }
        """##

    static let testTemplate = ##"""
        {{testImports}}

        /// {{Name}} end to end against the simulator's OpenAI-format dialect, served at {{Name}}'s base URL.
        @Suite struct {{Name}}ProviderTests {
            static let key = "sk-{{id}}-test-0123456789"

            /// A simulator with one OpenAI-format gateway at {{Name}}'s base URL, on a clock that jumps ahead.
            static func simulator() -> GatewaySimulator {
                let gateway = GatewaySimulator.Gateway(
                    name: "{{Name}}", baseURL: {{Name}}Provider.defaultBaseURL, dialect: .openAIFormat,
                    models: [GatewaySimulator.ModelRules.grokImagineVideo], expectedAPIKey: APIKey(key))
                return GatewaySimulator(clock: VirtualClock(mode: .autoAdvance), gateways: [gateway])
            }

            static func client(_ simulator: GatewaySimulator) throws -> VideoClient {
                var registry = ProviderRegistry()
                try registry.register({{Name}}Provider(), apiKey: key, baseURL: {{Name}}Provider.defaultBaseURL)
                return VideoClient(registry: registry, transport: simulator, clock: simulator.clock)
            }

            @Test func describesItself() {
                let descriptor = {{Name}}Provider().descriptor
                #expect(descriptor.id == "{{id}}")
                #expect(descriptor.defaultBaseURL == {{Name}}Provider.defaultBaseURL)
                #expect(descriptor.models.map(\.model) == ["grok-imagine-video"])
            }

            @Test func submitsTheOpenAIFormatJSONBody() throws {
                let capabilities = try #require({{Name}}Provider().descriptor.models.first)
                let resolved = try RequestValidator.resolve(
                    VideoRequest(model: "grok-imagine-video", prompt: "A cat dancing in the rain", seconds: 8),
                    capabilities: capabilities, providerID: {{Name}}Provider.id)
                let context = ProviderContext(baseURL: {{Name}}Provider.defaultBaseURL, apiKey: APIKey(Self.key))
                let request = try {{Name}}Provider().submitRequest(for: resolved, context: context)
                #expect(request.method == .post)
                #expect(request.url.absoluteString == {{Name}}Provider.defaultBaseURL.absoluteString + "/v1/videos")
                #expect(request.headers["Content-Type"] == "application/json")
                #expect(request.createsTask)
                let body = String(decoding: try request.body.collect(), as: UTF8.self)
                #expect(
                    body
                        == #"{"model":"grok-imagine-video","prompt":"A cat dancing in the rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P"}"#
                )
            }

            @Test func submitFollowAndDownloadThroughTheSimulator() async throws {
                let simulator = Self.simulator()
                let client = try Self.client(simulator)
                let job = try await client.submit(
                    VideoRequest(model: "grok-imagine-video", prompt: "A cat dancing in the rain", seconds: 8))
                #expect(job.providerID == {{Name}}Provider.id)
                #expect(job.model == "grok-imagine-video")

                let final = try await client.result(for: job)
                #expect(final.status == .completed)

                let file = FileManager.default.temporaryDirectory.appendingPathComponent("{{id}}-\(UUID().uuidString).mp4")
                defer { try? FileManager.default.removeItem(at: file) }
                let video = try await client.download(job, to: file, snapshot: final)
                #expect(try Data(contentsOf: file) == SampleVideo.mp4)
                #expect(video.byteCount == Int64(SampleVideo.mp4.count))

                #expect(simulator.count(.submit) == 1)
                #expect(simulator.count(.status) >= 1)
                #expect(simulator.count(.content) == 1)
                let task = try #require(simulator.tasks.first)
                #expect(task.seconds == 8)
                #expect(task.phase == .completed)
            }

            @Test func aRequestTheModelCannotServeIsRefusedBeforeSending() async throws {
                let simulator = Self.simulator()
                let client = try Self.client(simulator)
                await #expect(throws: VideoProviderError.self) {
                    _ = try await client.submit(VideoRequest(model: "grok-imagine-video", prompt: "p", seconds: 99))
                }
                #expect(simulator.requests.isEmpty)
            }
        }
        """##
}
