// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import OpenAIVideoDialect
public import VideoProviderKit

// VideoProviderKit.docc/WritingAProvider.md: a whole file.
public struct AcmeProvider: VideoProvider {
    public static let id: ProviderID = "acme"
    private let dialect = OpenAIVideoDialect(providerID: Self.id)

    public init() {}

    public var descriptor: ProviderDescriptor {
        ProviderDescriptor(
            id: Self.id, name: "Acme", defaultBaseURL: nil,
            models: [/* a ModelCapabilities per model, from Acme's documentation */])
    }

    public func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) throws -> HTTPRequest {
        try dialect.submitRequest(for: request, context: context)
    }
    public func parseSubmitResponse(_ response: HTTPResponse, for request: ResolvedVideoRequest) throws -> TaskSnapshot {
        try dialect.parseSubmitResponse(response, for: request)
    }
    public func statusRequest(taskID: String, model: String, context: ProviderContext) throws -> HTTPRequest {
        try dialect.statusRequest(taskID: taskID, context: context)
    }
    public func parseStatusResponse(_ response: HTTPResponse, taskID: String) throws -> TaskSnapshot {
        try dialect.parseStatusResponse(response, taskID: taskID)
    }
    public func contentRequest(for snapshot: TaskSnapshot, context: ProviderContext) throws -> HTTPRequest? {
        try dialect.contentRequest(taskID: snapshot.taskID, context: context)
    }
}
