import Foundation
import Testing

/// Every Swift sample a reader may paste compiles as pasted: the README's, the DocC catalog's articles and
/// the core's documentation comments.
///
/// The files in `DocumentationSamples/` hold the samples verbatim and are part of this test target, so the
/// build compiles them; these tests check that each sample of the documents is in them, line for line, and
/// that a sample with `import` lines has a file of its own with exactly those imports (in Swift an import
/// is the file's, so a missing one fails the build). Fragments that continue a reader's program are
/// compiled as functions whose parameters are the names they use from it. A sample that is a whole
/// `Package.swift` is resolved instead, as an app's manifest next to a link to this checkout.
@Suite struct DocumentationSampleTests {
    @Test(arguments: DocumentationSample.all().filter { !$0.isManifest })
    func sampleIsCompiledVerbatim(_ sample: DocumentationSample) throws {
        let files = try DocumentationSample.compiledFiles()
        let body = sample.lines.filter { !DocumentationSample.isImport($0) }
        let holders = files.filter { DocumentationSample.contains($0.lines, body) }
        #expect(
            !holders.isEmpty,
            "\(sample.origin): paste this sample, unchanged, into a file of Tests/VideoProviderKitTests/DocumentationSamples:\n\(sample.lines.joined(separator: "\n"))"
        )
        let imports = sample.lines.filter(DocumentationSample.isImport)
        guard !imports.isEmpty, let holder = holders.first else { return }
        #expect(
            Set(holder.lines.filter(DocumentationSample.isImport)) == Set(imports),
            "\(sample.origin) is compiled in \(holder.name) with other imports than its own")
    }

    @Test(arguments: DocumentationSample.all().filter(\.isManifest))
    func manifestResolves(_ sample: DocumentationSample) throws {
        let result = try DocumentationSample.resolveManifest(sample.lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(sample.origin) does not resolve as pasted:\n\(result.output)")
    }

    /// The samples found are the ones the documents hold: a change that stops finding them fails here.
    @Test func findsTheSamples() {
        let origins = DocumentationSample.all().map(\.origin)
        #expect(
            origins == [
                "README.md:1", "VideoProviderKit.docc/ChoosingATransport.md:1",
                "VideoProviderKit.docc/FollowingAndDownloading.md:1", "VideoProviderKit.docc/GettingStarted.md:1",
                "VideoProviderKit.docc/GettingStarted.md:2", "VideoProviderKit.docc/GettingStarted.md:3",
                "VideoProviderKit.docc/GettingStarted.md:4", "VideoProviderKit.docc/TestingWithTheSimulator.md:1",
                "VideoProviderKit.docc/VideoProviderKit.md:1", "VideoProviderKit.docc/WritingAProvider.md:1",
                "Client/Observer.swift:1", "Client/VideoClient.swift:1", "Client/VideoClient.swift:2",
                "HTTP/JSONBody.swift:1",
                "Registry/ProviderRegistry.swift:1",
            ])
        #expect(
            DocumentationSample.all().filter(\.isManifest).map(\.origin) == [
                "VideoProviderKit.docc/GettingStarted.md:1"
            ])
    }
}

/// One ```swift block of a document, and where it is (the document and the block's ordinal).
struct DocumentationSample: Sendable, CustomTestStringConvertible {
    let origin: String
    let lines: [String]

    /// A whole package manifest (it begins with `// swift-tools-version`).
    var isManifest: Bool { lines.first?.hasPrefix("// swift-tools-version") ?? false }
    var testDescription: String { origin }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = root.appendingPathComponent("Sources/VideoProviderKit/VideoProviderKit.docc")
    static let core = root.appendingPathComponent("Sources/VideoProviderKit")
    static let compiled = root.appendingPathComponent("Tests/VideoProviderKitTests/DocumentationSamples")

    static func isImport(_ line: String) -> Bool { line.hasPrefix("import ") || line.hasPrefix("public import ") }

    static func all() -> [DocumentationSample] {
        var samples = blocks(root.appendingPathComponent("README.md"), origin: "README.md", comment: false)
        for name in files(in: catalog, suffix: ".md") {
            samples += blocks(
                catalog.appendingPathComponent(name), origin: "VideoProviderKit.docc/\(name)", comment: false)
        }
        let enumerator = FileManager.default.enumerator(atPath: core.path)
        var sources: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".swift") { sources.append(path) }
        }
        for path in sources.sorted() {
            samples += blocks(core.appendingPathComponent(path), origin: path, comment: true)
        }
        return samples
    }

    static func files(in directory: URL, suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(suffix) }
            .sorted()
    }

    /// The ```swift blocks of a Markdown file, or of a Swift file's documentation comments.
    static func blocks(_ file: URL, origin: String, comment: Bool) -> [DocumentationSample] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var samples: [DocumentationSample] = []
        var block: [String]?
        for line in text.components(separatedBy: "\n") {
            var content = line
            if comment {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix("///") else { continue }
                content = String(trimmed.dropFirst(trimmed.hasPrefix("/// ") ? 4 : 3))
            }
            let fence = content.trimmingCharacters(in: .whitespaces)
            if block == nil, fence == "```swift" {
                block = []
            } else if let current = block, fence == "```" {
                samples.append(DocumentationSample(origin: "\(origin):\(samples.count + 1)", lines: current))
                block = nil
            } else if block != nil {
                block?.append(content)
            }
        }
        return samples
    }

    /// The files that compile the samples, each as its lines.
    static func compiledFiles() throws -> [(name: String, lines: [String])] {
        try files(in: compiled, suffix: ".swift").map { name in
            (
                name,
                try String(contentsOf: compiled.appendingPathComponent(name), encoding: .utf8).components(
                    separatedBy: "\n")
            )
        }
    }

    /// Whether `block` appears in `file` as consecutive lines, the file's lines indented by any one amount.
    static func contains(_ file: [String], _ block: [String]) -> Bool {
        let wanted = Array(block.drop { $0.isEmpty })
        guard let first = wanted.first, !first.isEmpty else { return false }
        for (index, line) in file.enumerated() where line.hasSuffix(first) {
            let indent = line.dropLast(first.count)
            guard indent.allSatisfy({ $0 == " " }), index + wanted.count <= file.count else { continue }
            let found = zip(file[index..<index + wanted.count], wanted).allSatisfy { have, want in
                want.isEmpty ? have.isEmpty : have == indent + want
            }
            if found { return true }
        }
        return false
    }

    // MARK: The manifest

    /// Resolves a manifest sample as an app's `Package.swift`, next to a link to this checkout named as the
    /// sample's `.package(path:)` names it: the dependency and its product names must exist.
    static func resolveManifest(_ code: String) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("samples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let start = code.range(of: ".package(path: \"../")?.upperBound,
            let end = code[start...].firstIndex(of: "\"")
        else {
            return (1, "the manifest sample has no .package(path: \"../…\") dependency")
        }
        try FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent(String(code[start..<end])), withDestinationURL: root)
        let app = directory.appendingPathComponent("App")
        try FileManager.default.createDirectory(
            at: app.appendingPathComponent("Sources/App"), withIntermediateDirectories: true)
        try code.write(to: app.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try "print(\"app\")\n".write(
            to: app.appendingPathComponent("Sources/App/main.swift"), atomically: true, encoding: .utf8)
        let scratch = directory.appendingPathComponent("scratch").path
        return try run("swift", ["package", "--scratch-path", scratch, "show-dependencies"], in: app)
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String)
    {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(tool) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let path else { return (127, "\(tool) is not on PATH") }
        let process = Process()
        process.executableURL = path
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
