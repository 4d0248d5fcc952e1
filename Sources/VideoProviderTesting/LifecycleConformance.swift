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
/// A provider's test target hands it to ``ProviderConformance``, whose ``ProviderConformance/checks`` then
/// include every scenario.
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

    /// How the provider's JSON bodies carry the length and the images, as the simulator parses them. A
    /// model whose table layout is repeated file parts is `multipart/form-data` instead, with text parts
    /// `model`, `prompt`, `aspect_ratio`, `seconds`, `size` in that order, then one file part per image.
    public struct JSONFields: Sendable, Hashable {
        /// The field that holds the length (`duration`, `seconds`).
        public var length: String
        /// Whether the length is a string (`"8"`) rather than an integer.
        public var lengthAsText: Bool
        /// Whether each image is `{"url": …}` rather than the URL itself.
        public var imagesAsObjects: Bool

        public init(length: String, lengthAsText: Bool = false, imagesAsObjects: Bool = false) {
            self.length = length
            self.lengthAsText = lengthAsText
            self.imagesAsObjects = imagesAsObjects
        }
    }

    /// What a request becomes on the wire, written as the vendor's document gives it: `"6 s, 16:9, 480p"`;
    /// `"10 s unsent, 2:3"` for a fixed length the vendor asks not to send and no resolution field. The
    /// resolution is in the vendor's spelling (`480p`, `720P`).
    public struct Wire: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The length the task has.
        public var seconds: Int
        /// Whether the length field is sent.
        public var sendsSeconds: Bool
        public var aspectRatio: String
        /// The resolution in the vendor's spelling; `nil` when the field must be absent.
        public var resolution: String?

        public init(stringLiteral text: String) {
            let parts = text.components(separatedBy: ", ")
            let length = parts[0].components(separatedBy: " ")
            seconds = Int(length[0]) ?? 0
            sendsSeconds = !length.contains("unsent")
            aspectRatio = parts.count > 1 ? parts[1] : ""
            resolution = parts.count > 2 ? parts[2] : nil
        }

        /// The length field sent; `nil` when it is left out.
        public var sentSeconds: Int? { sendsSeconds ? seconds : nil }

        public var description: String {
            "\(seconds) s\(sendsSeconds ? "" : " unsent"), \(aspectRatio)" + (resolution.map { ", \($0)" } ?? "")
        }
    }

    /// One model, and what its requests become.
    public struct Model: Sendable, Hashable {
        public var name: String
        /// A request naming nothing: the model's defaults, sent explicitly.
        public var defaults: Wire
        /// Other settings: the request names them (its length only when sent) and they reach the wire so.
        public var settings: Wire
        /// The image forms the model takes, in the order the scenarios use them.
        public var imageForms: [ImageForm]

        public init(_ name: String, defaults: Wire, settings: Wire, images: [ImageForm]) {
            self.name = name
            self.defaults = defaults
            self.settings = settings
            self.imageForms = images
        }
    }

    /// A request the vendor's page rules out, let through by a loosened table, that the simulator must refuse
    /// in the vendor's own shape (its rules are its own copy of the page, not the provider's table).
    public struct PageRule: Sendable {
        /// The model's table, loosened to let ``request`` through.
        public var loosened: ModelCapabilities
        public var request: VideoRequest
        /// The simulator's refusal, as the app reads it.
        public var vendorMessage: String
        /// The refusal's code, when the vendor's shape has one the rule pins.
        public var vendorCode: String?

        public init(
            loosened: ModelCapabilities, request: VideoRequest, vendorMessage: String, vendorCode: String? = nil
        ) {
            self.loosened = loosened
            self.request = request
            self.vendorMessage = vendorMessage
            self.vendorCode = vendorCode
        }

        /// `model`'s table in `provider`, changed by `loosen`.
        public init(
            loosening model: String, of provider: any VideoProvider, _ loosen: (inout ModelCapabilities) -> Void,
            request: VideoRequest, vendorMessage: String, vendorCode: String? = nil
        ) {
            guard var table = provider.descriptor.capabilities(for: model) else {
                preconditionFailure("\(provider.id)'s table has no model \(model) to loosen")
            }
            loosen(&table)
            self.init(loosened: table, request: request, vendorMessage: vendorMessage, vendorCode: vendorCode)
        }
    }

    /// An image as a submission carries it: a public URL, or bytes of a format.
    public enum SentImage: Sendable, Hashable {
        case url(String)
        case bytes(Data, ImageFormat)
    }

    /// The exact JSON body a request for `model` becomes with `wire` and `images` (in order), for a wire
    /// that is not the flat `model`/`prompt`/length shape ``json`` describes (Google's
    /// `instances`/`parameters`); `nil` for the flat shape.
    public typealias SubmissionBody = @Sendable (_ model: String, _ wire: Wire, _ images: [SentImage]) -> JSONValue

    /// How a vendor that answers every refusal with HTTP 200 and a code of its own (MiniMax's `base_resp`)
    /// shows a refusal the simulator makes of an HTTP 400: the status, the code, and what comes before the
    /// simulator's message.
    public struct RefusalShape: Sendable, Hashable {
        public var httpStatus: Int
        public var code: String
        public var messagePrefix: String

        public init(httpStatus: Int, code: String, messagePrefix: String = "") {
            self.httpStatus = httpStatus
            self.code = code
            self.messagePrefix = messagePrefix
        }
    }

    /// The provider under test, set by ``ProviderConformance``.
    var provider: (any VideoProvider)?
    /// The base URL the provider is registered with; `nil` for its default.
    public var registeredBaseURL: URL?
    /// The gateways the simulator serves.
    public var gateways: [GatewaySimulator.Gateway]
    /// The URL a submission goes to; `{model}` stands for the model where the vendor puts it in the path.
    public var submitURL: String
    /// The status URL, with `{id}` where the task id goes.
    public var statusURL: String
    /// The content endpoint, with `{id}` where the task id goes; `nil` when the video comes from its URL.
    public var contentURL: String?
    public var progress: ProgressReports
    /// Whether a failed task's answer carries the failure's code.
    public var failureCodes: Bool
    public var models: [Model]
    /// How JSON bodies carry the length and the images.
    public var json: JSONFields
    /// The prompt every scenario sends (the vendor document's example, where it has one).
    public var prompt: String
    /// The key the provider is registered with.
    public var apiKey: String
    /// The page's own rules the simulator enforces, each checked through the client.
    public var pageRules: [PageRule]
    /// The submission's whole body, for a wire ``json`` cannot describe.
    public var submissionBody: SubmissionBody?
    /// Whether the vendor answers with long-running operations (Google): no status word (only `done`), so
    /// there is no unknown word to keep; every end is `done`, a failure carrying a google.rpc code (13
    /// `INTERNAL` for a failure without one, 4 for an expired task, 1 for a cancelled one), each read as a
    /// failed task.
    public var longRunningOperations = false
    /// Whether the video URL is on the gateway's own host, fetched with the key, and answers with a redirect
    /// to the CDN that the key must not follow (Google's file downloads).
    public var videoURLRedirectsToCDN = false
    /// The vendor's one status word for every bad end (MiniMax: `Fail`, with the reason beside it): expired
    /// and cancelled tasks end `failed` with that word; `nil` for vendors with a word per end.
    public var failureWord: String?
    /// How refusals look when the vendor sends them as HTTP 200 with its own codes; `nil` for HTTP 400.
    public var refusalShape: RefusalShape?

    public init(
        registeredBaseURL: URL? = nil,
        gateways: [GatewaySimulator.Gateway] = GatewaySimulator.Gateway.standard(), submitURL: String,
        statusURL: String, contentURL: String? = nil, progress: ProgressReports, failureCodes: Bool = true,
        json: JSONFields = JSONFields(length: "duration"), models: [Model], prompt: String,
        apiKey: String = "sk-lifecycle-0123456789abcdef", pageRules: [PageRule] = []
    ) {
        self.pageRules = pageRules
        self.registeredBaseURL = registeredBaseURL
        self.gateways = gateways
        self.submitURL = submitURL
        self.statusURL = statusURL
        self.contentURL = contentURL
        self.progress = progress
        self.failureCodes = failureCodes
        self.json = json
        self.models = models
        self.prompt = prompt
        self.apiKey = apiKey
    }

    /// A fresh simulator on a virtual clock that jumps to each sleeper's deadline, and a client with only
    /// the provider registered (its table changed by `overrides`), so polling takes no real time.
    func harness(overrides: [ModelCapabilities] = []) throws -> (GatewaySimulator, VideoClient) {
        guard let provider else {
            throw VideoProviderError(.configuration, "A lifecycle runs as part of a ProviderConformance.")
        }
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock, gateways: gateways)
        var registry = ProviderRegistry()
        try registry.register(
            provider, apiKey: apiKey, baseURL: registeredBaseURL, capabilityOverrides: overrides)
        return (simulator, VideoClient(registry: registry, transport: simulator, clock: clock))
    }

    // MARK: - Scenarios

    /// One scenario: a ``ProviderConformance/Check`` whose name says the model and what happens.
    public typealias Scenario = ProviderConformance.Check

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
            if let first = accepted.first, let last = accepted.last, (rule(model)?.max ?? 2) >= 2 {
                modes.append(.images([first, last]))
            }
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
            if !longRunningOperations {
                scenarios.append(
                    Scenario("\(model.name) · an unknown status word") { await self.unknownStatusFailures(model) })
            }
            scenarios.append(Scenario("\(model.name) · a vendor refusal") { await self.refusalFailures(model) })
            if accepted.contains(.bytes) {
                for format in provider?.descriptor.capabilities(for: model.name)?.images.formats ?? [] {
                    scenarios.append(
                        Scenario("\(model.name) · a \(format) image") { await self.formatFailures(model, format) })
                }
            }
            if contentURL != nil {
                scenarios.append(
                    Scenario("\(model.name) · the content endpoint fails") { await self.fallbackFailures(model) })
            }
        }
        for rule in pageRules {
            scenarios.append(
                Scenario("\(rule.loosened.model) · the simulator refuses what the page rules out") {
                    await self.pageRuleFailures(rule)
                })
        }
        return scenarios
    }
}
