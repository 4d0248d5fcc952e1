import BuiltInProviders
import Foundation
import Testing
import VideoProviderKit

/// A default base URL is used only when a vendor document names it: an API key set for a provider goes to
/// that host without the app naming it.
@Suite struct BaseURLSourceTests {
    /// A provider that only carries a descriptor; nothing is sent in these tests.
    struct DescriptorOnly: VideoProvider {
        let descriptor: ProviderDescriptor
        func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) -> HTTPRequest {
            HTTPRequest(method: .post, url: context.url("/v1/videos"), createsTask: true)
        }
        func parseSubmitResponse(_ response: HTTPResponse, for request: ResolvedVideoRequest) -> TaskSnapshot {
            TaskSnapshot(taskID: "t", status: .queued)
        }
        func statusRequest(taskID: String, model: String, context: ProviderContext) -> HTTPRequest {
            HTTPRequest(method: .get, url: context.url("/v1/videos/\(taskID)"))
        }
        func parseStatusResponse(_ response: HTTPResponse, taskID: String) -> TaskSnapshot {
            TaskSnapshot(taskID: taskID, status: .queued)
        }
        func contentRequest(for snapshot: TaskSnapshot, context: ProviderContext) -> HTTPRequest? { nil }
    }

    static func provider(id: ProviderID, defaultBaseURL: URL?, source: String?) -> DescriptorOnly {
        let model = ModelCapabilities(
            model: "grok-imagine-video", duration: .range(min: 1, max: 15, default: 8),
            aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9", custom: false), resolutions: nil,
            images: ImageRule(max: 1, transports: [.publicURL], layout: .array(field: "images")),
            promptMaxLength: 100, billing: .perSecond)
        return DescriptorOnly(
            descriptor: ProviderDescriptor(
                id: id, name: "Gateway \(id)", defaultBaseURL: defaultBaseURL, baseURLSource: source, models: [model]))
    }

    @Test func anUndocumentedDefaultIsNotUsed() throws {
        var registry = ProviderRegistry()
        try registry.register(
            Self.provider(id: "guess", defaultBaseURL: URL(string: "https://someone-else.example"), source: nil),
            apiKey: "sk-guess-1234567890")
        let entry = try #require(registry.provider("guess"))
        #expect(entry.baseURL == nil)
        #expect(entry.context() == nil)
        #expect(
            entry.unavailableReason
                == "no base URL configured (the provider's default is not backed by a vendor document; set one)")
        let plan = registry.plan(for: VideoRequest(model: "guess:grok-imagine-video", prompt: "Rain", seconds: 8))
        #expect(plan.eligible.isEmpty)
        #expect(plan.skipped.map(\.providerID) == ["guess"])
    }

    @Test func aBlankSourceDoesNotCount() throws {
        let provider = Self.provider(id: "blank", defaultBaseURL: URL(string: "https://gw.example"), source: " \t")
        #expect(provider.descriptor.documentedBaseURL == nil)
    }

    @Test func aDocumentedDefaultIsUsedAndAConfiguredOneWins() throws {
        let documented = Self.provider(
            id: "cited", defaultBaseURL: URL(string: "https://api.cited.example"),
            source: "https://docs.cited.example/video (\"Base URL\")")
        var registry = ProviderRegistry()
        try registry.register(documented, apiKey: "sk-cited-1234567890")
        #expect(registry.provider("cited")?.baseURL?.absoluteString == "https://api.cited.example")

        var configured = ProviderRegistry()
        try configured.register(
            Self.provider(id: "guess", defaultBaseURL: URL(string: "https://someone-else.example"), source: nil),
            apiKey: "sk-guess-1234567890", baseURL: URL(string: "https://mine.example"))
        #expect(configured.provider("guess")?.baseURL?.absoluteString == "https://mine.example")
        #expect(configured.provider("guess")?.unavailableReason == nil)
    }

    @Test func theSourceSurvivesJSON() throws {
        let descriptor = Self.provider(
            id: "cited", defaultBaseURL: URL(string: "https://api.cited.example"), source: "https://docs.cited.example"
        ).descriptor
        let decoded = try JSONDecoder().decode(ProviderDescriptor.self, from: JSONEncoder().encode(descriptor))
        #expect(decoded.baseURLSource == "https://docs.cited.example")
        #expect(decoded == descriptor)
    }

    /// Every built-in default cites the page that names it; `openai-compatible` has none.
    @Test(arguments: BuiltInProviders.all.map(\.id))
    func builtInDefaultsCiteTheirSource(id: ProviderID) throws {
        let descriptor = try #require(BuiltInProviders.all.first { $0.id == id }).descriptor
        guard let url = descriptor.defaultBaseURL else {
            #expect(descriptor.id == "openai-compatible")
            #expect(descriptor.baseURLSource == nil)
            return
        }
        let source = try #require(descriptor.baseURLSource)
        #expect(descriptor.documentedBaseURL == url)
        // The citation names the host it vouches for, so a changed default cannot keep a stale source.
        #expect(source.contains(try #require(url.host)))
    }
}

/// `ProviderContext.url` joins paths without trapping, whatever the path holds.
@Suite struct ProviderContextURLTests {
    @Test(arguments: [
        ("https://gw.example", "/v1/videos", "https://gw.example/v1/videos"),
        ("https://gw.example/", "/v1/videos", "https://gw.example/v1/videos"),
        (
            "https://gw.example/kyyReactApiServer", "/v1/grok/videos",
            "https://gw.example/kyyReactApiServer/v1/grok/videos"
        ),
        ("https://gw.example", "/v1/videos/a b", "https://gw.example/v1/videos/a%20b"),
        ("https://gw.example", "/v1/videos/a|b", "https://gw.example/v1/videos/a%7Cb"),
    ])
    func joinsAndEncodes(base: String, path: String, expected: String) throws {
        let context = ProviderContext(baseURL: try #require(URL(string: base)), apiKey: nil)
        #expect(context.url(path).absoluteString == expected)
    }
}
