import Foundation
import Testing
import VideoProviderKit

/// Test-only tables shaped after vendors no built-in provider covers yet (docs in /work/research/17): a
/// Veo-like model (roles, seed, negative prompt, always-on audio, 1080p only at 8 s, references only at
/// 8 s and 16:9), a MiniMax-like one (1080P only at 6 s) and a Kling-like one (the ratio follows the image).
enum RequestModelSamples {
    static let image = ImageInput.data(CoreSamples.png)

    static func veoLike() -> ModelCapabilities {
        var model = ModelCapabilities(
            model: "veo-like", duration: .set(values: [4, 6, 8], default: 8),
            aspectRatios: AspectRatioRule(values: ["16:9", "9:16"], default: "16:9"),
            resolutions: ResolutionRule(values: [.p720, .p1080], default: .p720),
            images: ImageRule(
                max: 3, transports: [.dataURI], layout: .array(field: "images"),
                roles: [
                    ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.lastFrame, max: 1),
                    ImageRoleLimit(.reference, max: 3),
                ],
                unassignedRole: .always(.firstFrame)),
            promptMaxLength: 100, billing: .perSecond)
        model.seed = SeedRule()
        model.negativePrompt = NegativePromptRule(maxLength: 10)
        model.audio = AudioRule(default: true, switchable: false)
        model.rules = [
            CapabilityRule(when: .init(resolutions: [.p1080]), then: .init(seconds: [8]), note: "1080p only at 8 s"),
            CapabilityRule(
                when: .init(imageRoles: [.reference]),
                then: .init(seconds: [8], aspectRatios: ["16:9"], excludedImageRoles: [.firstFrame, .lastFrame])),
            CapabilityRule(when: .init(imageRoles: [.lastFrame]), then: .init(requiredImageRoles: [.firstFrame])),
        ]
        return model
    }

    static func miniMaxLike() -> ModelCapabilities {
        var model = ModelCapabilities(
            model: "minimax-like", duration: .set(values: [6, 10], default: 6),
            aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9"),
            resolutions: ResolutionRule(
                values: [Resolution(parsing: "768p")!, .p1080], default: Resolution(parsing: "768p")!),
            images: ImageRule(max: 1, transports: [.dataURI], layout: .array(field: "images")),
            promptMaxLength: 100, billing: .perCall)
        model.rules = [CapabilityRule(when: .init(resolutions: [.p1080]), then: .init(seconds: [6]))]
        return model
    }

    static func klingLike() -> ModelCapabilities {
        var model = ModelCapabilities(
            model: "kling-like", duration: .set(values: [5, 10], default: 5),
            aspectRatios: AspectRatioRule(values: ["16:9", "9:16", "1:1"], default: "16:9"),
            resolutions: nil,
            images: ImageRule(
                max: 2, transports: [.dataURI], layout: .array(field: "images"),
                roles: [ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.lastFrame, max: 1)],
                unassignedRole: .always(.firstFrame)),
            promptMaxLength: 100, billing: .perCall)
        model.audio = AudioRule(default: false)
        model.rules = [
            CapabilityRule(when: .init(modes: [.imageToVideo]), then: .init(aspectRatioFollowsImage: true)),
            CapabilityRule(when: .init(imageRoles: [.lastFrame]), then: .init(audio: false)),
        ]
        return model
    }

    static func request(_ configure: (inout VideoRequest) -> Void = { _ in }) -> VideoRequest {
        var request = VideoRequest(model: "m", prompt: "A cat")
        configure(&request)
        return request
    }
}

@Suite("Image roles") struct ImageRoleTests {
    typealias S = RequestModelSamples

    @Test func anImageWithoutARoleTakesTheTablesRole() throws {
        let plain = try CoreSamples.resolve(S.request { $0.images = [S.image, S.image] })
        #expect(plain.imageRoles == [.reference, .reference])
        #expect(plain.mode == .referenceToVideo)
        let veo = try CoreSamples.resolve(S.request { $0.images = [S.image] }, S.veoLike())
        #expect(veo.imageRoles == [.firstFrame])
        #expect(veo.mode == .imageToVideo)
        let text = try CoreSamples.resolve(S.request())
        #expect(text.imageRoles == [])
        #expect(text.mode == .textToVideo)
    }

    @Test func byCountGivesOneImageOneRoleAndSeveralAnother() {
        let rule = UnassignedImageRole.byCount(single: .firstFrame, multiple: .reference)
        #expect(rule.role(imageCount: 1) == .firstFrame)
        #expect(rule.role(imageCount: 2) == .reference)
        #expect(rule.summary == "first-frame (one image), reference (several)")
    }

    @Test func aRoleTheModelDoesNotTakeNamesTheImageTheRoleAndWhatIsAllowed() throws {
        let error = try #require(CoreSamples.error(S.request { $0.addImage(S.image, role: .firstFrame) }))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "role first-frame", allowed: "reference (at most 3)",
                    reason: "test-model takes no first-frame image")
            ])
    }

    @Test func moreImagesOfARoleThanTheModelTakesNamesTheFirstTooMany() throws {
        let request = S.request {
            $0.addImage(S.image, role: .firstFrame)
            $0.addImage(S.image, role: .firstFrame)
        }
        let error = try #require(CoreSamples.error(request, S.veoLike()))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[1]", value: "role first-frame, image 2 of that role",
                    allowed: "at most 1 first-frame image", reason: "too many first-frame images for veo-like")
            ])
    }

    @Test func aRoleForAnImageThatDoesNotExistIsRefused() throws {
        let request = S.request {
            $0.images = [S.image]
            $0.imageRoles[2] = .lastFrame
        }
        let error = try #require(CoreSamples.error(request, S.veoLike()))
        #expect(
            error.violations == [
                Violation(
                    parameter: "image-roles[2]", value: "last-frame", allowed: "an index of images, 0–0",
                    reason: "there is no images[2]")
            ])
    }

    @Test func firstAndLastFrameKeepTheirRolesInOrder() throws {
        let request = S.request {
            $0.addImage(S.image, role: .lastFrame)
            $0.addImage(S.image, role: .firstFrame)
        }
        let resolved = try CoreSamples.resolve(request, S.veoLike())
        #expect(resolved.imageRoles == [.lastFrame, .firstFrame])
        #expect(resolved.images(withRole: .firstFrame).map(\.index) == [1])
        #expect(resolved.images(withRole: .lastFrame).map(\.index) == [0])
    }

    @Test func oldTablesReadWithReferenceRolesOnly() throws {
        let json = #"{"max":2,"transports":["data-uri"],"formats":["png"],"layout":{"array":{"field":"images"}}}"#
        let rule = try JSONDecoder().decode(ImageRule.self, from: Data(json.utf8))
        #expect(rule.roles == [ImageRoleLimit(.reference, max: 2)])
        #expect(rule.unassignedRole == .always(.reference))
    }
}

@Suite("Seed, negative prompt and audio") struct RequestExtrasTests {
    typealias S = RequestModelSamples

    @Test func aSeedIsRefusedByAModelThatTakesNone() throws {
        let error = try #require(CoreSamples.error(S.request { $0.seed = 42 }))
        #expect(
            error.violations == [
                Violation(parameter: "seed", value: "42", allowed: "none", reason: "test-model does not take a seed")
            ])
        let adjusted = try CoreSamples.resolve(S.request { $0.seed = 42 }, policy: .adjustToNearest)
        #expect(adjusted.seed == nil)
        #expect(adjusted.warnings.map(\.message) == ["seed 42 ignored: test-model does not take a seed."])
    }

    @Test func aSeedOutsideTheRangeIsRefusedEvenWhenAdjusting() throws {
        let error = try #require(
            CoreSamples.error(S.request { $0.seed = 4_294_967_296 }, S.veoLike(), policy: .adjustToNearest))
        #expect(error.violations == [Violation(parameter: "seed", value: "4294967296", allowed: "0–4294967295")])
        #expect(try CoreSamples.resolve(S.request { $0.seed = 7 }, S.veoLike()).seed == 7)
    }

    @Test func negativePromptsAreCheckedLikePrompts() throws {
        let long = try #require(CoreSamples.error(S.request { $0.negativePrompt = "blurry, dark" }, S.veoLike()))
        #expect(
            long.violations == [
                Violation(parameter: "negative-prompt", value: "12 characters", allowed: "at most 10 characters")
            ])
        let empty = try #require(CoreSamples.error(S.request { $0.negativePrompt = " " }, S.veoLike()))
        #expect(
            empty.violations == [
                Violation(
                    parameter: "negative-prompt", value: "\" \"", allowed: "1–10 characters",
                    reason: "the negative prompt is empty")
            ])
        let none = try #require(CoreSamples.error(S.request { $0.negativePrompt = "blurry" }))
        #expect(
            none.violations == [
                Violation(
                    parameter: "negative-prompt", value: "6 characters", allowed: "none",
                    reason: "test-model does not take a negative prompt")
            ])
        #expect(
            try CoreSamples.resolve(S.request { $0.negativePrompt = "blurry" }, S.veoLike()).negativePrompt == "blurry")
    }

    @Test func audioTakesTheDefaultAndRefusesWhatTheModelCannotDo() throws {
        #expect(try CoreSamples.resolve(S.request(), S.veoLike()).audio == true)
        #expect(try CoreSamples.resolve(S.request(), S.klingLike()).audio == false)
        #expect(try CoreSamples.resolve(S.request { $0.audio = true }, S.klingLike()).audio == true)
        #expect(try CoreSamples.resolve(S.request()).audio == nil)
        let off = try #require(CoreSamples.error(S.request { $0.audio = false }, S.veoLike()))
        #expect(
            off.violations == [
                Violation(parameter: "audio", value: "false", allowed: "true", reason: "veo-like always has sound")
            ])
        let adjusted = try CoreSamples.resolve(S.request { $0.audio = false }, S.veoLike(), policy: .adjustToNearest)
        #expect(adjusted.audio == true)
        #expect(adjusted.warnings.map(\.message) == ["audio false adjusted to true: veo-like always has sound."])
        let none = try #require(CoreSamples.error(S.request { $0.audio = true }))
        #expect(
            none.violations == [
                Violation(parameter: "audio", value: "true", allowed: "none", reason: "test-model has no audio switch")
            ])
    }
}

@Suite("Dependent capability rules") struct CapabilityRuleTests {
    typealias S = RequestModelSamples

    @Test func veoMakes1080pOnlyAt8Seconds() throws {
        let request = S.request {
            $0.resolution = .p1080
            $0.seconds = 6
        }
        let error = try #require(CoreSamples.error(request, S.veoLike()))
        #expect(
            error.violations == [
                Violation(
                    parameter: "seconds", value: "6", allowed: "seconds 8 when resolution 1080p",
                    reason: "1080p only at 8 s")
            ])
        let adjusted = try CoreSamples.resolve(request, S.veoLike(), policy: .adjustToNearest)
        #expect(adjusted.seconds == 8)
        #expect(
            adjusted.warnings.map(\.message) == [
                "seconds 6 adjusted to 8: veo-like allows only seconds 8 when resolution 1080p."
            ])
        let defaulted = try CoreSamples.resolve(S.request { $0.resolution = .p1080 }, S.veoLike())
        #expect(defaulted.seconds == 8)
        #expect(defaulted.warnings == [])
    }

    @Test func miniMaxMoves_aDefaultLengthAndRefusesAChosenOne() throws {
        let tenSeconds = S.request {
            $0.resolution = .p1080
            $0.seconds = 10
        }
        let error = try #require(CoreSamples.error(tenSeconds, S.miniMaxLike()))
        #expect(error.violations.map(\.parameter) == ["seconds"])
        #expect(error.violations.first?.allowed == "seconds 6 when resolution 1080p")
        #expect(error.violations.first?.reason == "minimax-like allows only seconds 6 when resolution 1080p")
        #expect(try CoreSamples.resolve(tenSeconds, S.miniMaxLike(), policy: .adjustToNearest).seconds == 6)
        #expect(try CoreSamples.resolve(S.request { $0.seconds = 10 }, S.miniMaxLike()).resolution?.rawValue == "768p")
    }

    @Test func klingsRatioFollowsTheImageInImageToVideo() throws {
        let image = try CoreSamples.resolve(S.request { $0.images = [S.image] }, S.klingLike())
        #expect(image.sendsAspectRatio == false)
        let text = try CoreSamples.resolve(S.request { $0.aspectRatio = "9:16" }, S.klingLike())
        #expect(text.sendsAspectRatio == true)
        #expect(text.aspectRatio == "9:16")
        let chosen = S.request {
            $0.images = [S.image]
            $0.aspectRatio = "9:16"
        }
        let error = try #require(CoreSamples.error(chosen, S.klingLike()))
        #expect(
            error.violations == [
                Violation(
                    parameter: "aspect-ratio", value: "9:16",
                    allowed: "none (the ratio follows the image) when mode image-to-video",
                    reason: "kling-like allows only none (the ratio follows the image) when mode image-to-video")
            ])
        let adjusted = try CoreSamples.resolve(chosen, S.klingLike(), policy: .adjustToNearest)
        #expect(adjusted.sendsAspectRatio == false)
        #expect(
            adjusted.warnings.map(\.message) == [
                "aspect ratio 9:16 ignored: on kling-like the ratio follows the image when mode image-to-video."
            ])
    }

    @Test func aLastFrameTurnsAudioOffUnlessTheCallerAskedForIt() throws {
        let request = S.request {
            $0.addImage(S.image, role: .firstFrame)
            $0.addImage(S.image, role: .lastFrame)
        }
        let quiet = try CoreSamples.resolve(request, S.klingLike())
        #expect(quiet.audio == false)
        var loud = request
        loud.audio = true
        let error = try #require(CoreSamples.error(loud, S.klingLike()))
        #expect(
            error.violations.map(\.description) == [
                "audio = true is not allowed (kling-like allows only audio false when a last-frame image); allowed: audio false when a last-frame image"
            ])
    }

    @Test func referencesExcludeFramesAndALastFrameNeedsAFirst() throws {
        let mixed = S.request {
            $0.addImage(S.image, role: .reference)
            $0.addImage(S.image, role: .firstFrame)
        }
        let error = try #require(CoreSamples.error(mixed, S.veoLike()))
        #expect(error.violations.map(\.parameter) == ["images[1]"])
        #expect(error.violations.first?.value == "role first-frame")
        #expect(error.violations.first?.allowed == "no first-frame image when a reference image")
        let lastOnly = try #require(
            CoreSamples.error(S.request { $0.addImage(S.image, role: .lastFrame) }, S.veoLike()))
        #expect(
            lastOnly.violations == [
                Violation(
                    parameter: "images", value: "no first-frame image",
                    allowed: "a first-frame image when a last-frame image",
                    reason: "veo-like allows only a first-frame image when a last-frame image")
            ])
    }

    @Test func referencesMoveADefaultRatioAndRefuseAChosenOne() throws {
        let portrait = S.request {
            $0.addImage(S.image, role: .reference)
            $0.aspectRatio = "9:16"
        }
        let error = try #require(CoreSamples.error(portrait, S.veoLike()))
        #expect(error.violations.map(\.parameter) == ["aspect-ratio"])
        let adjusted = try CoreSamples.resolve(portrait, S.veoLike(), policy: .adjustToNearest)
        #expect(adjusted.aspectRatio == "16:9")
    }

    /// A later rule moves the resolution into an earlier rule's condition: the earlier rule is checked again,
    /// so the request never leaves as 1080p at 4 s.
    @Test func aValueMovedByALaterRuleIsCheckedByTheEarlierRules() throws {
        var table = S.veoLike()
        table.duration = .set(values: [4, 6, 8], default: 4)
        table.rules = [
            CapabilityRule(when: .init(resolutions: [.p1080]), then: .init(seconds: [8]), note: "1080p only at 8 s"),
            CapabilityRule(when: .init(aspectRatios: ["9:16"]), then: .init(resolutions: [.p1080])),
        ]
        let portrait = S.request { $0.aspectRatio = "9:16" }
        let defaulted = try CoreSamples.resolve(portrait, table)
        #expect(defaulted.resolution == .p1080)
        #expect(defaulted.seconds == 8)
        #expect(
            defaulted.warnings.map(\.message) == [
                "resolution 720p (the default) adjusted to 1080p: veo-like allows only resolution 1080p "
                    + "when aspect ratio 9:16.",
                "seconds 4 (the default) adjusted to 8: veo-like allows only seconds 8 when resolution 1080p.",
            ])

        let chosenLength = S.request {
            $0.aspectRatio = "9:16"
            $0.seconds = 4
        }
        let error = try #require(CoreSamples.error(chosenLength, table))
        #expect(
            error.violations == [
                Violation(
                    parameter: "seconds", value: "4", allowed: "seconds 8 when resolution 1080p",
                    reason: "1080p only at 8 s")
            ])
        #expect(try CoreSamples.resolve(chosenLength, table, policy: .adjustToNearest).seconds == 8)
    }

    /// A refusal no move can cure is reported once, not once per pass.
    @Test func aRefusalIsReportedOnceAcrossPasses() throws {
        var table = S.veoLike()
        table.duration = .set(values: [4, 6, 8], default: 4)
        let portrait = S.request {
            $0.addImage(S.image, role: .reference)
            $0.aspectRatio = "9:16"
            $0.resolution = .p1080
        }
        // The first pass moves the default 4 s to 8 s and refuses 9:16; the second refuses 9:16 again.
        let error = try #require(CoreSamples.error(portrait, table))
        #expect(error.violations.map(\.parameter) == ["aspect-ratio"])
    }

    @Test func rulesSurviveACodableRoundTripAndSummarise() throws {
        let table = S.veoLike()
        let decoded = try JSONDecoder().decode(ModelCapabilities.self, from: JSONEncoder().encode(table))
        #expect(decoded == table)
        #expect(
            table.rules.map(\.summary) == [
                "when resolution 1080p: seconds 8",
                "when a reference image: seconds 8, aspect ratio 16:9, no first-frame/last-frame image",
                "when a last-frame image: a first-frame image",
            ])
    }
}

@Suite("Provider options") struct ProviderOptionTests {
    typealias S = RequestModelSamples

    @Test func eachProviderGetsTheFlatOptionsAndOnlyItsOwnKeyedOnesWhichWin() throws {
        let request = S.request {
            $0.vendorOptions = ["user": "flat", "watermark": false]
            $0.providerOptions = ["a": ["user": "keyed", "mode": "pro"], "b": ["camera": 1]]
        }
        let forA = try CoreSamples.resolve(request, provider: "a")
        #expect(forA.vendorOptions == ["user": "keyed", "watermark": false, "mode": "pro"])
        let forC = try CoreSamples.resolve(request, provider: "c")
        #expect(forC.vendorOptions == ["user": "flat", "watermark": false])
        #expect(request.options(for: nil) == ["user": "flat", "watermark": false])
    }

    @Test func reservedNamesAreCheckedPerProvider() throws {
        let request = S.request { $0.providerOptions = ["a": ["prompt": "x"]] }
        let error = try #require(CoreSamples.error(request, provider: "a"))
        #expect(error.violations.map(\.parameter) == ["provider-options.a.prompt"])
        #expect(error.violations.first?.reason == "the library sets 'prompt' itself; use the typed parameter")
        // Another provider's bad option does not stop this one.
        #expect(try CoreSamples.resolve(request, provider: "b").vendorOptions == [:])
    }
}

@Suite("Reserved option names per provider") struct ReservedOptionNameTests {
    typealias S = RequestModelSamples

    static func veoLikeDescriptor(reserved: Set<String>?) -> ProviderDescriptor {
        var descriptor = ProviderDescriptor(
            id: "veo-like", name: "Veo-like", defaultBaseURL: nil, models: [S.veoLike()])
        descriptor.reservedOptionNames = reserved
        return descriptor
    }

    /// A provider whose body names its fields differently lists its own: its `durationSeconds` is refused
    /// (the option would shadow or be shadowed by `--seconds`), while a Grok field name is just an option.
    @Test func aProviderListsTheFieldsItsBodySetsItself() throws {
        let descriptor = Self.veoLikeDescriptor(reserved: ["aspectRatio", "durationSeconds", "resolution", "seed"])
        var request = S.request { $0.providerOptions = ["veo-like": ["durationSeconds": 4, "duration": 4]] }
        request.model = "veo-like"
        let error = try #require(
            #expect(throws: VideoProviderError.self) { try RequestValidator.resolve(request, on: descriptor) })
        #expect(
            error.violations == [
                Violation(
                    parameter: "provider-options.veo-like.durationSeconds", value: "4",
                    allowed: "any field but aspectRatio, durationSeconds, resolution, seed",
                    reason: "the library sets 'durationSeconds' itself; use the typed parameter")
            ])
        request.providerOptions = ["veo-like": ["duration": 4]]
        #expect(try RequestValidator.resolve(request, on: descriptor).vendorOptions == ["duration": 4])
        // Without a list of its own a provider keeps the Grok dialects' list.
        #expect(
            Self.veoLikeDescriptor(reserved: nil).effectiveReservedOptionNames == RequestValidator.reservedFieldNames)
        #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(request, on: Self.veoLikeDescriptor(reserved: nil))
        }
    }

    /// The list survives the descriptor's JSON (sorted), and a descriptor without one reads as before.
    @Test func theListIsPartOfTheDescriptorsJSON() throws {
        let descriptor = Self.veoLikeDescriptor(reserved: ["seed", "aspectRatio"])
        let data = try JSONEncoder().encode(descriptor)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["reservedOptionNames"] as? [String] == ["aspectRatio", "seed"])
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: data) == descriptor)
        let plain = try JSONEncoder().encode(Self.veoLikeDescriptor(reserved: nil))
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: plain).reservedOptionNames == nil)
    }
}

@Suite("Adjusting across candidates with the new request fields") struct AdjustAcrossCandidatesTests {
    /// duoyuanx first in the route; xAI given a seed range by a capability override. Adjusting puts the
    /// candidate that keeps the seed first, and the one that would drop it after.
    @Test func aCandidateThatKeepsTheSeedComesBeforeOneThatDropsIt() throws {
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("duoyuanx"), apiKey: Sim.key)
        var seeded = try #require(Sim.provider("xai").descriptor.capabilities(for: "grok-imagine-video"))
        seeded.seed = SeedRule()
        try registry.register(Sim.provider("xai"), apiKey: Sim.key, capabilityOverrides: [seeded])
        let harness = try Harness(
            [], configuration: Sim.configuration { $0.validation = .adjustToNearest }, registry: registry)
        var request = Sim.imagine()
        request.seed = 42
        var options = VideoClient.SubmitOptions()
        options.fallbacks = .anyOutput
        let plan = harness.client.plan(request, options: options)
        #expect(plan.providerIDs == ["xai", "duoyuanx"])
        #expect(plan.eligible.map(\.resolved.seed) == [42, nil])
        #expect(
            plan.eligible.last?.resolved.warnings.map(\.message) == [
                "seed 42 ignored: grok-imagine-video does not take a seed."
            ])
    }
}

@Suite("Fallbacks keep the seed") struct FallbackKeepsSeedTests {
    /// Under adjust a fallback that would drop the first choice's seed makes another video: without
    /// `anyOutput` it is passed over, saying what it would make.
    @Test func aFallbackThatDropsTheSeedIsPassedOver() throws {
        var registry = ProviderRegistry()
        var seeded = try #require(Sim.provider("xai").descriptor.capabilities(for: "grok-imagine-video"))
        seeded.seed = SeedRule()
        try registry.register(Sim.provider("xai"), apiKey: Sim.key, capabilityOverrides: [seeded])
        try registry.register(Sim.provider("duoyuanx"), apiKey: Sim.key)
        let harness = try Harness(
            [], configuration: Sim.configuration { $0.validation = .adjustToNearest }, registry: registry)
        var request = Sim.imagine()
        request.seed = 42
        let plan = harness.client.plan(request)
        #expect(plan.providerIDs == ["xai"])
        #expect(
            plan.skipped.first { $0.providerID == "duoyuanx" }?.reason
                == "would make 8 s, 16:9, 480p and bill 8 s, not what the first choice xai makes (8 s, 16:9, 480p, seed 42); a fallback must make the same video unless differences are allowed"
        )
    }
}

@Suite("Jobs record the new request fields") struct JobSummaryFieldTests {
    typealias S = RequestModelSamples

    /// A job keeps what was sent beyond the Grok-era fields (roles, seed, negative prompt, audio, a ratio
    /// left to the image), and its JSON carries them through a round trip.
    @Test func aJobSummaryKeepsRolesSeedNegativePromptAndAudio() throws {
        let request = S.request {
            $0.addImage(S.image, role: .firstFrame)
            $0.addImage(S.image, role: .lastFrame)
            $0.seed = 7
            $0.negativePrompt = "blur"
        }
        let resolved = try CoreSamples.resolve(request, S.veoLike())
        let summary = VideoJob.Summary(requestedModel: "veo-like", resolved: resolved)
        #expect(summary.imageRoles == [.firstFrame, .lastFrame])
        #expect(summary.seed == 7)
        #expect(summary.negativePrompt == "blur")
        #expect(summary.audio == true)
        #expect(summary.sendsAspectRatio == nil)
        let decoded = try JSONDecoder().decode(VideoJob.Summary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == summary)

        let kling = try CoreSamples.resolve(S.request { $0.images = [S.image] }, S.klingLike())
        #expect(VideoJob.Summary(requestedModel: "kling-like", resolved: kling).sendsAspectRatio == false)
    }

    /// A text-only request adds no member, so jobs without the new fields read and write as before.
    @Test func aTextRequestAddsNoMemberAndOldJobsStillRead() throws {
        let resolved = try CoreSamples.resolve(S.request(), S.miniMaxLike())
        let summary = VideoJob.Summary(requestedModel: "minimax-like", resolved: resolved)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "requestedModel", "prompt", "seconds", "sendsDuration", "aspectRatio", "resolution", "imageCount",
                "imageTransports", "billing", "warnings",
            ])
        let old = try JSONDecoder().decode(VideoJob.Summary.self, from: JSONEncoder().encode(summary))
        #expect(old.imageRoles == nil)
        #expect(old.seed == nil)
    }
}
