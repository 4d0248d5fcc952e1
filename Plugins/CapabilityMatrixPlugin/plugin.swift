import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory capability-matrix [--check]`
///
/// Regenerates `docs/capabilities.md` from the provider tables by running the package's own
/// `videogen capabilities --markdown`, so the document is exactly what the code says. With `--check` it
/// writes nothing and fails when the committed file differs (for CI).
@main struct CapabilityMatrixPlugin: CommandPlugin {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        for argument in arguments where argument != "--check" {
            throw Failure(description: "unknown argument '\(argument)'; usage: capability-matrix [--check]")
        }
        let tool = try context.tool(named: "videogen")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["capabilities", "--markdown"]
        // The matrix depends on the code alone: no keys or base-URL overrides from this environment.
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let markdown = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "videogen capabilities --markdown exited with \(process.terminationStatus)")
        }
        let destination = context.package.directoryURL.appending(path: "docs/capabilities.md")
        let current = FileManager.default.contents(atPath: destination.path)
        if arguments.contains("--check") {
            guard current == markdown else {
                throw Failure(
                    description:
                        "docs/capabilities.md is out of date; run `swift package --allow-writing-to-package-directory capability-matrix`"
                )
            }
            print("docs/capabilities.md is up to date.")
            return
        }
        guard current != markdown else {
            print("docs/capabilities.md is already up to date.")
            return
        }
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try markdown.write(to: destination, options: .atomic)
        print("Wrote \(destination.path)")
    }
}
