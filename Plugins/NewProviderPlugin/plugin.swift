import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory new-provider --name Acme [--id acme]
/// [--base-url https://api.acme.example] [--no-package-edit]`
///
/// Scaffolds `Sources/AcmeProvider` (an `OpenAIVideoProvider` whose table is the OpenAI-format
/// `grok-imagine-video` one) and `Tests/AcmeProviderTests` (a call into the provider conformance suite, with
/// its lifecycle against an OpenAI-format `GatewaySimulator` gateway at Acme's base URL), adds the target to the
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
            ["Foundation", "Testing", "VideoProviderKit", "VideoProviderTesting", "\(name)Provider"].sorted()
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
        public import Foundation
        public import OpenAIVideoDialect
        public import VideoProviderKit

        /// {{Name}}: a gateway on the OpenAI-format `/v1/videos` wire, which ``OpenAIVideoProvider`` speaks; this
        /// type is {{Name}}'s capability table. Scaffolded by `swift package new-provider --name {{Name}}`: before
        /// shipping, check every value against {{Name}}'s documentation, cite the page beside each value, and list
        /// what the page does not state in the model's `assumptions`.
        public struct {{Name}}Provider: OpenAIVideoProvider {
            /// `{{id}}`: the provider's stable identifier (and `{{ENV}}` for `videogen`).
            public static let id: ProviderID = "{{id}}"

            /// Where {{Name}} serves its API. While the table's `baseURLSource` is `nil` the default is not used and
            /// apps must configure a base URL: a key must only go to a host the vendor documented.
            public static let defaultBaseURL = URL(string: "{{baseURL}}")!

            public init() {}

            public var descriptor: ProviderDescriptor {
                ProviderDescriptor(
                    id: Self.id, name: "{{Name}}", defaultBaseURL: Self.defaultBaseURL, baseURLSource: {{baseURLSource}},
                    // TODO: the models {{Name}} documents; this is the OpenAI-format page's `grok-imagine-video`.
                    models: [OpenAIVideoDialect.grokImagineVideo()])
            }
        }
        """##

    static let testTemplate = ##"""
        {{testImports}}

        /// {{Name}} against the provider contract, and through the client against the simulator's OpenAI-format
        /// gateway at {{Name}}'s base URL. TODO: {{Name}}'s own documented requests and answers as samples.
        @Suite struct {{Name}}ProviderTests {
            @Test(arguments: conformance.checks)
            func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }

            static let base = {{Name}}Provider.defaultBaseURL
            static let conformance = ProviderConformance(
                provider: {{Name}}Provider(), baseURL: base, submitPath: "/v1/videos", statusPath: "/v1/videos/{id}",
                content: .endpoint(path: "/v1/videos/{id}/content"),
                requests: [
                    RequestSample(
                        "every default written out", VideoRequest(model: "grok-imagine-video", prompt: "Rain"),
                        body:
                            #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P"}"#
                    )
                ],
                answers: [
                    .submit(
                        "queued", #"{"id":"v1","status":"queued"}"#,
                        .snapshot(TaskSnapshot(taskID: "v1", status: .queued, rawStatus: "queued")))
                ],
                sharedAnswerRules: SharedAnswerRules(),
                lifecycle: LifecycleConformance(
                    registeredBaseURL: base,
                    gateways: [.init(name: "{{Name}}", baseURL: base, dialect: .openAIFormat, models: [.grokImagineVideo])],
                    submitURL: "\(base)/v1/videos", statusURL: "\(base)/v1/videos/{id}",
                    contentURL: "\(base)/v1/videos/{id}/content",
                    progress: .everyAnswer, json: .init(length: "seconds", lengthAsText: true),
                    models: [
                        .init(
                            "grok-imagine-video", defaults: "8 s, 16:9, 480P", settings: "5 s, 21:9, 720P",
                            images: [.bytes, .file, .dataURI])
                    ],
                    prompt: "A cat dancing in the rain"))
        }
        """##
}
