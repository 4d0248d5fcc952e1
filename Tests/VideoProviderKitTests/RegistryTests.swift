import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Registering providers: keys, headers, base URLs, overrides.
@Suite struct RegistryRegistrationTests {
    @Test func duplicateIdIsRefused() throws {
        var registry = try Sim.registry(["aizfw"])
        let error = #expect(throws: VideoProviderError.self) {
            try registry.register(Sim.provider("aizfw"), apiKey: "another")
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message == "Provider 'aizfw' is already registered.")
        #expect(registry.providerIDs == ["aizfw"])
    }

    @Test func keyIsTrimmedAndAnEmptyKeyIsNone() throws {
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("aizfw"), apiKey: "  sk-abc123\n")
        try registry.register(Sim.provider("octopusx"), apiKey: " \n")
        #expect(registry.provider("aizfw")?.configuration.apiKey?.secret == "sk-abc123")
        #expect(registry.provider("octopusx")?.configuration.apiKey == nil)
        #expect(registry.provider("octopusx")?.unavailableReason == "no API key configured (OCTOPUSX_API_KEY)")
    }

    @Test(arguments: ["sk-abc\r\nX-Injected: 1", "sk-abc def", "sk-\u{7F}abc"])
    func keysThatCannotBeAHeaderAreRefusedWithoutEchoingThem(key: String) {
        var registry = ProviderRegistry()
        let error = #expect(throws: VideoProviderError.self) {
            try registry.register(Sim.provider("aizfw"), apiKey: key)
        }
        #expect(error?.kind == .configuration)
        #expect(
            error?.message
                == "The API key for aizfw contains spaces or control characters; it cannot be sent in a header.")
        #expect(error?.description.contains("sk-abc") == false)
    }

    @Test func extraHeadersMustBeValidAndNotTheLibrarys() throws {
        var registry = ProviderRegistry()
        let injected = #expect(throws: VideoProviderError.self) {
            try registry.register(Sim.provider("aizfw"), apiKey: "k1", additionalHeaders: ["X-Team": "a\r\nb: c"])
        }
        #expect(injected?.kind == .configuration)
        #expect(
            injected?.message
                == "The extra header 'X-Team' for aizfw is not a valid HTTP header (control characters or an invalid name)."
        )
        let badName = #expect(throws: VideoProviderError.self) {
            try registry.register(Sim.provider("aizfw"), apiKey: "k1", additionalHeaders: ["X Team": "a"])
        }
        #expect(badName?.kind == .configuration)
        let reserved = #expect(throws: VideoProviderError.self) {
            try registry.register(
                Sim.provider("aizfw"), apiKey: "k1", additionalHeaders: ["content-type": "text/plain"])
        }
        #expect(
            reserved?.message
                == "The extra header 'content-type' for aizfw is set by the library for each request and cannot be configured."
        )
        try registry.register(Sim.provider("aizfw"), apiKey: "k1", additionalHeaders: ["X-Team": "video-lab"])
        #expect(registry.provider("aizfw")?.context()?.standardHeaders()["X-Team"] == "video-lab")
    }

    @Test func plainHTTPIsRefusedUnlessLoopbackOrOptedIn() throws {
        var registry = ProviderRegistry()
        let error = #expect(throws: VideoProviderError.self) {
            try registry.register(
                Sim.provider("openai-compatible"), apiKey: "k1", baseURL: URL(string: "http://gateway.example.com")!)
        }
        #expect(error?.kind == .configuration)
        #expect(
            error?.message
                == "Refusing plain http for openai-compatible at gateway.example.com: the API key would travel unencrypted. Use https, a loopback host, or opt in with allowInsecureHTTP."
        )
        for host in ["http://127.0.0.1:8080", "http://localhost:9000/v", "http://[::1]:8080"] {
            var local = ProviderRegistry()
            #expect(throws: Never.self) {
                try local.register(Sim.provider("openai-compatible"), apiKey: "k1", baseURL: URL(string: host)!)
            }
        }
        try registry.register(
            Sim.provider("openai-compatible"), apiKey: "k1", baseURL: URL(string: "http://gateway.example.com")!,
            allowInsecureHTTP: true)
        #expect(registry.provider("openai-compatible")?.baseURL?.absoluteString == "http://gateway.example.com")
    }

    @Test(arguments: [
        (
            "ftp://gateway.example.com",
            "The base URL for openai-compatible must be an absolute https URL, not 'ftp://gateway.example.com'."
        ),
        (
            "https://gateway.example.com/api?token=1",
            "The base URL for openai-compatible must not have a query or fragment ('https://gateway.example.com/api?token=1'): endpoint paths are appended to it."
        ),
        (
            "https://user:pa55@gateway.example.com",
            "The base URL for openai-compatible carries a user name or password; configure the API key instead."
        ),
    ])
    func unusableBaseURLsAreRefused(url: String, message: String) {
        var registry = ProviderRegistry()
        let error = #expect(throws: VideoProviderError.self) {
            try registry.register(Sim.provider("openai-compatible"), apiKey: "k1", baseURL: URL(string: url)!)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message == message)
        #expect(error?.description.contains("pa55") == false)
    }

    @Test func aProviderWithoutABaseURLIsRegisteredButUnavailable() throws {
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("openai-compatible"), apiKey: "k1")
        #expect(
            registry.provider("openai-compatible")?.unavailableReason
                == "no base URL configured (this gateway has no default; set one)")
        let plan = registry.plan(for: Sim.imagine())
        #expect(plan.eligible.isEmpty)
        #expect(
            plan.skipped == [
                SkippedCandidate(
                    providerID: "openai-compatible", model: "grok-imagine-video",
                    reason: "no base URL configured (this gateway has no default; set one)")
            ])
    }

    @Test func capabilityOverridesReplaceByNameAndAdd() throws {
        var longer = try #require(Sim.provider("octopusx").descriptor.capabilities(for: "grok-video-3"))
        longer.duration = .range(min: 6, max: 40, default: 6)
        var added = longer
        added.model = "grok-video-4"
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("octopusx"), apiKey: "k1", capabilityOverrides: [longer, added])
        #expect(
            registry.capabilities(of: "grok_video3", on: "octopusx")?.duration == .range(min: 6, max: 40, default: 6))
        #expect(
            registry.models(on: "octopusx") == ["grok-video-3", "grok-video-3-pro", "grok-video-3-max", "grok-video-4"])
        #expect(
            registry.plan(for: VideoRequest(model: "grok-video-4", prompt: "p", seconds: 40)).providerIDs == [
                "octopusx"
            ])
    }
}

/// From a model string to ordered candidates.
@Suite struct RegistryCandidateTests {
    let registry: ProviderRegistry

    init() throws {
        registry = try Sim.registry(["aizfw", "xingchaoyiqing", "octopusx", "duoyuanx", "xai", "openai-compatible"])
    }

    private func names(_ model: String, only: [ProviderID]? = nil) -> [String] {
        registry.candidates(for: model, only: only).map { "\($0.provider.id):\($0.model)" }
    }

    @Test func nativeNamesAndFamilyAliasesInRegistrationOrder() {
        let family = [
            "aizfw:grok_video3", "xingchaoyiqing:grok_video3", "octopusx:grok-video-3", "duoyuanx:grok-video-3",
        ]
        #expect(names("grok-video-3") == family)
        #expect(names("grok_video3") == family)
        #expect(names("  GROK-VIDEO-3 ") == family)
        #expect(
            names("grok-video-3-pro") == [
                "aizfw:grok_video3_pro", "xingchaoyiqing:grok_video3_pro", "octopusx:grok-video-3-pro",
                "duoyuanx:grok-video-3-pro",
            ])
        #expect(
            names("grok_video3_max") == [
                "xingchaoyiqing:grok_video3_max", "octopusx:grok-video-3-max", "duoyuanx:grok-video-3-max",
            ])
        #expect(names("grok-video-3-stable") == ["xingchaoyiqing:grok_video3_stable"])
        #expect(
            names("grok-imagine-video") == [
                "duoyuanx:grok-imagine-video", "xai:grok-imagine-video", "openai-compatible:grok-imagine-video",
            ])
        #expect(names("grok-video-9").isEmpty)
    }

    @Test func providerPrefixPinsOneProvider() {
        #expect(names("octopusx:grok_video3") == ["octopusx:grok-video-3"])
        #expect(names("aizfw:grok-video-3-pro") == ["aizfw:grok_video3_pro"])
        // A pin wins over `only`.
        #expect(names("xai:grok-imagine-video", only: ["duoyuanx"]) == ["xai:grok-imagine-video"])
    }

    @Test func fallbackOrderIsPerFamilyAndLeavesOthersOut() {
        var registry = self.registry
        registry.setFallbackOrder(["octopusx", "aizfw", "octopusx", "nobody"], for: "grok_video3")
        #expect(registry.fallbackOrder(for: "grok-video-3") == ["octopusx", "aizfw", "nobody"])
        #expect(registry.candidates(for: "GROK-VIDEO-3").map(\.provider.id) == ["octopusx", "aizfw"])
        // Other families keep registration order.
        #expect(registry.candidates(for: "grok-video-3-pro").map(\.provider.id).first == "aizfw")
        let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "p"))
        #expect(plan.providerIDs == ["octopusx", "aizfw"])
        #expect(
            plan.skipped == [
                SkippedCandidate(
                    providerID: "xingchaoyiqing", model: "grok_video3",
                    reason: "not in the fallback order set for grok-video-3"),
                SkippedCandidate(
                    providerID: "duoyuanx", model: "grok-video-3",
                    reason: "not in the fallback order set for grok-video-3"),
            ])
        registry.removeFallbackOrder(for: "grok-video-3")
        #expect(
            registry.candidates(for: "grok-video-3").map(\.provider.id) == [
                "aizfw", "xingchaoyiqing", "octopusx", "duoyuanx",
            ])
    }

    @Test func onlyRestrictsAndOrdersOneCall() {
        #expect(
            names("grok-video-3", only: ["duoyuanx", "aizfw", "duoyuanx"]) == [
                "duoyuanx:grok-video-3", "aizfw:grok_video3",
            ])
        let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "p"), only: ["duoyuanx"])
        #expect(plan.providerIDs == ["duoyuanx"])
        // Only the chosen providers are considered; the others are not "skipped".
        #expect(plan.skipped.isEmpty)
        #expect(plan.chosenProviders == ["duoyuanx"])
    }

    @Test func chosenProvidersThatLackTheModelAreNamedWithTheirModels() throws {
        let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "p"), only: ["xai"])
        #expect(plan.eligible.isEmpty)
        #expect(plan.modelIsUnknown)
        let error = plan.noCandidateError()
        #expect(error.kind == .unknownModel)
        #expect(error.message == "xai does not offer the model 'grok-video-3'.")
        #expect(error.providerID == "xai")
        #expect(
            error.violations == [
                Violation(
                    parameter: "model", value: "grok-video-3", allowed: "grok-imagine-video, grok-imagine-video-1.5")
            ])
        let two = registry.plan(
            for: VideoRequest(model: "grok-video-3", prompt: "p"), only: ["xai", "openai-compatible"])
        #expect(
            two.noCandidateError().message
                == "None of the chosen providers (xai, openai-compatible) offers the model 'grok-video-3'.")
    }

    @Test func aPinnedProviderThatLacksTheModelListsItsOwnModels() {
        let error = registry.plan(for: VideoRequest(model: "aizfw:grok-imagine-video", prompt: "p")).noCandidateError()
        #expect(error.kind == .unknownModel)
        #expect(error.message == "aizfw does not offer the model 'grok-imagine-video'.")
        #expect(error.violations.first?.allowed == "grok_video3, grok_video3_pro")
    }

    @Test func separatorsDoNotMatterInModelNames() {
        let native = ["duoyuanx:grok-imagine-video", "xai:grok-imagine-video", "openai-compatible:grok-imagine-video"]
        #expect(names("grok-imagine-video") == native)
        #expect(names("grok_imagine_video") == native)
        #expect(names("GROK_IMAGINE_VIDEO_1.5") == ["xai:grok-imagine-video-1.5"])
        #expect(names("grok-video3").first == "aizfw:grok_video3")
    }

    @Test func queries() {
        #expect(
            registry.providerIDs == ["aizfw", "xingchaoyiqing", "octopusx", "duoyuanx", "xai", "openai-compatible"])
        #expect(registry.providers(offering: "grok-video-3-max") == ["xingchaoyiqing", "octopusx", "duoyuanx"])
        #expect(registry.models(on: "xai") == ["grok-imagine-video", "grok-imagine-video-1.5"])
        #expect(registry.models(on: "nobody").isEmpty)
        #expect(
            registry.capabilities(of: "grok-video-3-max", on: "octopusx")?.duration == .fixed(value: 15, omitted: true))
        #expect(registry.allModels.count == 2 + 4 + 3 + 5 + 2 + 1)
    }

    @Test func unknownModelAndUnknownProviderErrors() {
        let unknown = registry.plan(for: VideoRequest(model: "grok-video-9", prompt: "p"))
        #expect(unknown.modelIsUnknown)
        let error = unknown.noCandidateError()
        #expect(error.kind == .unknownModel)
        #expect(error.message == "No configured provider offers the model 'grok-video-9'.")
        #expect(error.violations.first?.allowed.contains("grok_video3_stable") == true)

        let pinnedMissing = registry.plan(for: VideoRequest(model: "xai:grok-video-3", prompt: "p")).noCandidateError()
        #expect(pinnedMissing.kind == .unknownModel)
        #expect(pinnedMissing.message == "xai does not offer the model 'grok-video-3'.")
        #expect(pinnedMissing.violations.first?.allowed == "grok-imagine-video, grok-imagine-video-1.5")

        let noProvider = registry.plan(for: VideoRequest(model: "kling:grok-video-3", prompt: "p"))
        #expect(noProvider.eligible.isEmpty)
        let configuration = noProvider.noCandidateError()
        #expect(configuration.kind == .configuration)
        #expect(configuration.providerID == "kling")
        #expect(
            configuration.message
                == "'kling:grok-video-3' names the provider 'kling', which is not registered (registered: aizfw, xingchaoyiqing, octopusx, duoyuanx, xai, openai-compatible)."
        )
    }
}

/// Capability-aware routing: who is passed over, why, before anything is sent.
@Suite struct RegistryRoutingTests {
    let registry: ProviderRegistry

    init() throws {
        registry = try Sim.registry(["aizfw", "xingchaoyiqing", "octopusx", "duoyuanx", "xai", "openai-compatible"])
    }

    @Test func durationMismatchSkipsWithTheReason() throws {
        var registry = self.registry
        registry.setFallbackOrder(["octopusx", "xingchaoyiqing"], for: "grok-video-3-max")
        let plan = registry.plan(for: VideoRequest(model: "grok-video-3-max", prompt: "p", seconds: 20))
        #expect(plan.providerIDs == ["xingchaoyiqing"])
        #expect(plan.eligible.first?.resolved.seconds == 20)
        let skipped = try #require(plan.skipped.first)
        #expect(skipped.providerID == "octopusx")
        #expect(skipped.model == "grok-video-3-max")
        #expect(skipped.reason == "cannot serve this request (seconds)")
        #expect(
            skipped.violations == [Violation(parameter: "seconds", value: "20", allowed: "fixed 15 s (field omitted)")])
    }

    @Test func resolutionMismatchSkipsWithTheReason() {
        let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "p", resolution: .p1080))
        #expect(plan.providerIDs == ["octopusx", "duoyuanx"])
        #expect(plan.skipped.map(\.providerID) == ["aizfw", "xingchaoyiqing"])
        #expect(
            plan.skipped.map(\.violations) == [
                [Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p")],
                [Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p")],
            ])
    }

    @Test func imageTransportMismatchSkipsEitherWay() throws {
        // Bytes: Xingchaoyiqing's grok_video3_max takes public URLs only; OctopusX and Duoyuanx upload files.
        let bytes = registry.plan(
            for: VideoRequest(model: "grok-video-3-max", prompt: "p", images: [.data(Sim.png)]))
        #expect(bytes.providerIDs == ["octopusx", "duoyuanx"])
        #expect(bytes.skipped.map(\.providerID) == ["xingchaoyiqing"])
        let kyy = try #require(bytes.skipped.first)
        #expect(kyy.violations.map(\.parameter) == ["images[0]"])
        #expect(
            kyy.violations.first?.reason
                == "grok_video3_max only takes public URLs; host the image and pass its https URL")
        // A public URL: OctopusX and Duoyuanx take files only.
        let url = registry.plan(
            for: VideoRequest(
                model: "grok-video-3", prompt: "p", images: [.url(URL(string: "https://example.com/cat.png")!)]))
        #expect(url.providerIDs == ["aizfw", "xingchaoyiqing"])
        #expect(url.skipped.map(\.providerID) == ["octopusx", "duoyuanx"])
        #expect(
            url.skipped.allSatisfy {
                $0.violations.first?.reason
                    == "grok-video-3 does not fetch public URLs; pass the image as bytes or a file"
            })
    }

    @Test func xAIReferenceToVideoOverTenSecondsRoutesElsewhere() throws {
        var registry = self.registry
        registry.setFallbackOrder(["xai", "openai-compatible"], for: "grok-imagine-video")
        let twoImages: [ImageInput] = [.data(Sim.png), .data(Sim.png)]
        let plan = registry.plan(for: Sim.imagine(seconds: 12, images: twoImages))
        #expect(plan.providerIDs == ["openai-compatible"])
        let xai = try #require(plan.skipped.first)
        #expect(xai.providerID == "xai")
        #expect(xai.reason == "cannot serve this request (seconds)")
        #expect(
            xai.violations == [
                Violation(
                    parameter: "seconds", value: "12", allowed: "1–10 s with 2–7 images",
                    reason: "reference-to-video is limited to 10 s")
            ])
        // Ten seconds, or one image at fifteen, stay with xAI.
        #expect(registry.plan(for: Sim.imagine(seconds: 10, images: twoImages)).providerIDs.first == "xai")
        #expect(registry.plan(for: Sim.imagine(seconds: 15, images: [.data(Sim.png)])).providerIDs.first == "xai")
        // Adjusting lowers the length for xAI, with a warning.
        let adjusted = registry.plan(for: Sim.imagine(seconds: 12, images: twoImages), policy: .adjustToNearest)
        let entry = try #require(adjusted.eligible.first)
        #expect(entry.providerID == "xai")
        #expect(entry.resolved.seconds == 10)
        #expect(
            entry.resolved.warnings.map(\.message) == [
                "seconds 12 lowered to 10: grok-imagine-video makes at most 10 s from 2 or more images."
            ])
    }

    @Test func whenNobodyCanServeTheErrorListsEveryCandidateAndWhy() {
        var registry = ProviderRegistry()
        try? registry.register(Sim.provider("aizfw"), apiKey: Sim.key)
        try? registry.register(Sim.provider("octopusx"), apiKey: nil)
        try? registry.register(Sim.provider("duoyuanx"), apiKey: Sim.key)
        let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "p", seconds: 45))
        #expect(plan.eligible.isEmpty)
        let error = plan.noCandidateError()
        #expect(error.kind == .noEligibleProvider)
        #expect(error.skipped.map(\.providerID) == ["aizfw", "octopusx", "duoyuanx"])
        #expect(
            error.message
                == "No provider can serve 'grok-video-3' as requested (3 considered): aizfw: seconds = 45 is not allowed; allowed: 6–30 s | octopusx: no API key configured (OCTOPUSX_API_KEY) | duoyuanx: seconds = 45 is not allowed; allowed: 6–30 s."
        )
        #expect(
            error.description.contains("  - octopusx:grok-video-3: no API key configured (OCTOPUSX_API_KEY)"))
    }

    @Test func oneCandidateWithViolationsIsAnInvalidRequest() {
        let plan = registry.plan(
            for: VideoRequest(model: "octopusx:grok-video-3", prompt: "p", seconds: 3, aspectRatio: "4:3"))
        let error = plan.noCandidateError()
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "octopusx")
        #expect(error.violations.map(\.parameter) == ["seconds", "aspect-ratio"])
        #expect(error.message == "Invalid request for grok-video-3 on octopusx: 2 problems: seconds, aspect-ratio.")
    }
}

/// ``ImageRule/maximumSecondsWithMultipleImages`` in the validator, beyond xAI's table.
@Suite struct RegistryMultipleImageRuleTests {
    private func capabilities(_ duration: DurationRule, cap: Int?) -> ModelCapabilities {
        ModelCapabilities(
            model: "m", duration: duration, aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9"),
            resolutions: nil,
            images: ImageRule(
                max: 4, transports: [.publicURL], layout: .array(field: "images"),
                maximumSecondsWithMultipleImages: cap),
            promptMaxLength: 100, billing: .perSecond)
    }

    private let two: [ImageInput] = [
        .url(URL(string: "https://example.com/a.png")!), .url(URL(string: "https://example.com/b.png")!),
    ]

    @Test func noCapMeansNoLimit() throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "m", prompt: "p", seconds: 30, images: two),
            capabilities: capabilities(.range(min: 1, max: 30, default: 8), cap: nil))
        #expect(resolved.seconds == 30)
    }

    @Test func oneImageIsNotLimited() throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "m", prompt: "p", seconds: 30, images: [two[0]]),
            capabilities: capabilities(.range(min: 1, max: 30, default: 8), cap: 10))
        #expect(resolved.seconds == 30)
    }

    @Test func aTooLongDefaultIsLoweredWithAWarning() throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "m", prompt: "p", images: two),
            capabilities: capabilities(.set(values: [6, 10, 15], default: 15), cap: 12))
        #expect(resolved.seconds == 10)
        #expect(
            resolved.warnings == [
                ValidationWarning(
                    kind: .adjusted, parameter: "seconds", requested: "15", applied: "10",
                    message: "seconds 15 (the default) lowered to 10: m makes at most 12 s from 2 or more images.")
            ])
    }

    @Test func setRulesListTheLengthsThatFit() {
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "m", prompt: "p", seconds: 15, images: two),
                capabilities: capabilities(.set(values: [6, 10, 15], default: 6), cap: 12))
        }
        #expect(
            error?.violations == [
                Violation(
                    parameter: "seconds", value: "15", allowed: "one of 6, 10 s with 2–4 images",
                    reason: "reference-to-video is limited to 12 s")
            ])
    }

    @Test func aFixedLengthAboveTheCapCannotTakeSeveralImages() {
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "m", prompt: "p", images: two),
                capabilities: capabilities(.fixed(value: 15, omitted: true), cap: 10), policy: .adjustToNearest)
        }
        #expect(
            error?.violations == [
                Violation(
                    parameter: "seconds", value: "15", allowed: "at most 10 s with 2–4 images",
                    reason: "reference-to-video is limited to 10 s")
            ])
    }

    @Test func codableWithTheFieldAndWithoutIt() throws {
        let rule = ImageRule(
            max: 7, transports: [.dataURI], layout: .array(field: "images"), maximumSecondsWithMultipleImages: 10)
        let data = try JSONEncoder().encode(rule)
        #expect(String(decoding: data, as: UTF8.self).contains(#""maximumSecondsWithMultipleImages":10"#))
        #expect(try JSONDecoder().decode(ImageRule.self, from: data) == rule)
        var plain = rule
        plain.maximumSecondsWithMultipleImages = nil
        let old = try JSONEncoder().encode(plain)
        #expect(!String(decoding: old, as: UTF8.self).contains("maximumSeconds"))
        #expect(try JSONDecoder().decode(ImageRule.self, from: old).maximumSecondsWithMultipleImages == nil)
    }
}
