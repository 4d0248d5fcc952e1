public import Foundation
public import VideoProviderKit

/// A provider's whole task life, `submit` → `updates(for:)` → `download(_:to:)`, through ``VideoClient``
/// against the ``GatewaySimulator``, checked scenario by scenario.
///
/// The simulator reads the wire with its own parsers (`JSONSerialization`, its own multipart reader) and
/// checks it against its own copy of the vendor's rules, written from the vendor documents rather than
/// from the providers; a provider's test target describes, for each model, what a request becomes on the
/// wire (written out from the same documents, not read from the capability table). The scenarios:
///
/// - every model in text-to-video (defaults, then other settings), one image in every form it takes, two
///   images; what the app saw, what the simulator received and understood, and where the key went;
/// - every image form it does not take, refused before anything is sent;
/// - every way a task ends badly (failed, expired, cancelled, moderated), an unknown status word, a vendor
///   refusal; every image format as bytes; a failing content endpoint falling back to the video URL.
///
/// ```swift
/// @Test(arguments: AcmeSamples.lifecycle.scenarios)
/// func acmeLifecycle(_ scenario: LifecycleConformance.Scenario) async {
///     let failures = await scenario.failures()
///     #expect(failures == [])
/// }
/// ```
public struct LifecycleConformance: Sendable {
    /// The forms an app can hand an image in.
    public enum ImageForm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case publicURL = "public URL"
        case bytes
        case file = "local file"
        case dataURI = "data URI"

        public var description: String { rawValue }
    }

    /// How the progress of a task shows in its snapshots.
    public enum ProgressReports: Sendable, Hashable {
        /// Never: the vendor documents no progress field.
        case none
        /// In every status answer, rising to 100; the submit answer carries none.
        case statusAnswers
        /// In every answer, the submit's included: 0 first, rising to 100.
        case everyAnswer
    }

    /// How a submit body carries the length and the resolution, and how the simulator's parse reads them.
    public enum SubmitFields: Sendable, Hashable {
        /// JSON: the length under `length`, as an integer or (`lengthAsText`) a string; the resolution under
        /// `resolution`; each image as a string, or (`imagesAsObjects`) as `{"url": …}`.
        case json(length: String, lengthAsText: Bool = false, imagesAsObjects: Bool = false)
        /// `multipart/form-data` text parts in the order `model`, `prompt`, `aspect_ratio`, `seconds`, `size`,
        /// then one file part per image.
        case multipart
    }

    /// What a request becomes on the wire.
    public struct Wire: Sendable, Hashable {
        /// The length the task has.
        public var seconds: Int
        /// The length field sent; `nil` when it must be absent (a fixed length the vendor asks not to send).
        public var sentSeconds: Int?
        public var aspectRatio: String
        /// The resolution in the vendor's spelling (`480p`, `720P`); `nil` when it must be absent.
        public var resolution: String?

        public init(seconds: Int, sent sentSeconds: Int?, aspectRatio: String, resolution: String?) {
            self.seconds = seconds
            self.sentSeconds = sentSeconds
            self.aspectRatio = aspectRatio
            self.resolution = resolution
        }

        /// A length that is sent as the task has it.
        public init(seconds: Int, aspectRatio: String, resolution: String?) {
            self.init(seconds: seconds, sent: seconds, aspectRatio: aspectRatio, resolution: resolution)
        }
    }

    /// One model, and what its requests become.
    public struct Model: Sendable, Hashable {
        public var name: String
        public var fields: SubmitFields
        /// A request naming nothing: the model's defaults, sent explicitly.
        public var defaults: Wire
        /// Other settings, and what they become.
        public var seconds: Int?
        public var aspectRatio: AspectRatio?
        public var resolution: Resolution?
        public var withSettings: Wire
        /// The image forms the model takes, in the order the scenarios use them.
        public var imageForms: [ImageForm]

        public init(
            _ name: String, fields: SubmitFields, defaults: Wire, seconds: Int? = nil, aspectRatio: AspectRatio? = nil,
            resolution: Resolution? = nil, become withSettings: Wire, imageForms: [ImageForm]
        ) {
            self.name = name
            self.fields = fields
            self.defaults = defaults
            self.seconds = seconds
            self.aspectRatio = aspectRatio
            self.resolution = resolution
            self.withSettings = withSettings
            self.imageForms = imageForms
        }
    }

    public var provider: any VideoProvider
    /// The base URL the provider is registered with; `nil` for its default.
    public var registeredBaseURL: URL?
    /// The gateways the simulator serves.
    public var gateways: [GatewaySimulator.Gateway]
    /// The URL a submission goes to.
    public var submitURL: String
    /// The status URL, with `{id}` where the task id goes.
    public var statusURL: String
    /// The content endpoint, with `{id}` where the task id goes; `nil` when the video comes from its URL.
    public var contentURL: String?
    public var progress: ProgressReports
    /// Whether a failed task's answer carries the failure's code.
    public var failureCodes: Bool
    public var models: [Model]
    /// The prompt every scenario sends (the vendor document's example, where it has one).
    public var prompt: String
    /// The key the provider is registered with.
    public var apiKey: String

    public init(
        provider: any VideoProvider, registeredBaseURL: URL? = nil,
        gateways: [GatewaySimulator.Gateway] = GatewaySimulator.Gateway.standard(), submitURL: String,
        statusURL: String, contentURL: String? = nil, progress: ProgressReports, failureCodes: Bool = true,
        models: [Model], prompt: String, apiKey: String = "sk-lifecycle-0123456789abcdef"
    ) {
        self.provider = provider
        self.registeredBaseURL = registeredBaseURL
        self.gateways = gateways
        self.submitURL = submitURL
        self.statusURL = statusURL
        self.contentURL = contentURL
        self.progress = progress
        self.failureCodes = failureCodes
        self.models = models
        self.prompt = prompt
        self.apiKey = apiKey
    }

    /// A fresh simulator on a virtual clock that jumps to each sleeper's deadline, and a client with only
    /// this provider registered (its table changed by `overrides`), so polling takes no real time.
    public func harness(overrides: [ModelCapabilities] = []) throws -> (GatewaySimulator, VideoClient) {
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock, gateways: gateways)
        var registry = ProviderRegistry()
        try registry.register(
            provider, apiKey: apiKey, baseURL: registeredBaseURL, capabilityOverrides: overrides)
        return (simulator, VideoClient(registry: registry, transport: simulator, clock: clock))
    }

    // MARK: - Scenarios

    /// One scenario, run with ``failures()``.
    public struct Scenario: Sendable, CustomStringConvertible {
        public let description: String
        private let run: @Sendable () async -> [String]

        init(_ description: String, _ run: @escaping @Sendable () async -> [String]) {
            self.description = description
            self.run = run
        }

        /// What went wrong, one sentence each; empty when the scenario ran as the documents say.
        public func failures() async -> [String] { await run() }
    }

    /// What a request sends: nothing but the prompt, other settings, or images.
    enum Mode: Sendable, Hashable, CustomStringConvertible {
        case defaults, settings
        case images([ImageForm])

        var description: String {
            switch self {
            case .defaults: return "text-to-video, defaults"
            case .settings: return "text-to-video, settings"
            case .images(let forms) where forms.count == 1: return "image-to-video (\(forms[0]))"
            case .images(let forms):
                return "\(forms.count) images (" + forms.map(\.rawValue).joined(separator: ", ") + ")"
            }
        }

        var forms: [ImageForm] {
            if case .images(let forms) = self { return forms }
            return []
        }
    }

    /// Every scenario, model by model.
    public var scenarios: [Scenario] {
        var scenarios: [Scenario] = []
        for model in models {
            let accepted = model.imageForms
            var modes: [Mode] = [.defaults, .settings] + accepted.map { .images([$0]) }
            if let first = accepted.first, let last = accepted.last { modes.append(.images([first, last])) }
            for mode in modes {
                scenarios.append(Scenario("\(model.name) · \(mode)") { await self.cycleFailures(model, mode) })
            }
            for form in ImageForm.allCases where !accepted.contains(form) {
                scenarios.append(
                    Scenario("\(model.name) · \(form) is refused before sending") {
                        await self.refusedImageFailures(model, form)
                    })
            }
            for ending in Ending.allCases {
                scenarios.append(
                    Scenario("\(model.name) · the task ends \(ending)") { await self.endingFailures(model, ending) })
            }
            scenarios.append(
                Scenario("\(model.name) · an unknown status word") { await self.unknownStatusFailures(model) })
            scenarios.append(Scenario("\(model.name) · a vendor refusal") { await self.refusalFailures(model) })
            if accepted.contains(.bytes) {
                for format in provider.descriptor.capabilities(for: model.name)?.images.formats ?? [] {
                    scenarios.append(
                        Scenario("\(model.name) · a \(format) image") { await self.formatFailures(model, format) })
                }
            }
            if contentURL != nil {
                scenarios.append(
                    Scenario("\(model.name) · the content endpoint fails") { await self.fallbackFailures(model) })
            }
        }
        return scenarios
    }
}
