// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
public import OpenAIVideoDialect
public import VideoProviderKit

// VideoProviderKit.docc/WritingAProvider.md: a whole file.
public struct AcmeProvider: OpenAIVideoProvider {
    public static let id: ProviderID = "acme"

    public init() {}

    public var descriptor: ProviderDescriptor {
        ProviderDescriptor(
            id: Self.id, name: "Acme", defaultBaseURL: nil,
            models: [/* a ModelCapabilities per model, from Acme's documentation */])
    }
}
