import Foundation
import Testing
import VideoProviderKit

/// Capability value types: duration rules, aspect ratios, resolutions, image formats, model aliases and
/// provider ids, with exact values.
@Suite struct CoreDurationRuleTests {
    @Test func range() {
        let rule = DurationRule.range(min: 6, max: 30, default: 10)
        #expect(rule.defaultSeconds == 10)
        #expect([5, 6, 12, 30, 31].map(rule.allows) == [false, true, true, true, false])
        #expect([-4, 3, 6, 12, 30, 31, 500].map(rule.nearestAllowed) == [6, 6, 6, 12, 30, 30, 30])
        #expect(rule.summary == "6–30 s")
        #expect(rule.isOmittedFromRequest == false)
    }

    @Test func fixed() {
        let omitted = DurationRule.fixed(value: 10, omitted: true)
        #expect(omitted.defaultSeconds == 10)
        #expect([9, 10, 11].map(omitted.allows) == [false, true, false])
        #expect([1, 10, 99].map(omitted.nearestAllowed) == [10, 10, 10])
        #expect(omitted.summary == "fixed 10 s (field omitted)")
        #expect(omitted.isOmittedFromRequest)
        let sent = DurationRule.fixed(value: 15, omitted: false)
        #expect(sent.summary == "fixed 15 s")
        #expect(sent.isOmittedFromRequest == false)
    }

    @Test func set() {
        let rule = DurationRule.set(values: [6, 10, 12, 16, 20, 30], default: 10)
        #expect(rule.defaultSeconds == 10)
        #expect([6, 7, 12, 30, 31].map(rule.allows) == [true, false, true, true, false])
        // Ties (8 is 2 from 6 and 10; 11 is 1 from 10 and 12) go to the shorter, cheaper length.
        #expect([0, 8, 11, 14, 25, 100].map(rule.nearestAllowed) == [6, 6, 10, 12, 20, 30])
        #expect(rule.summary == "one of 6, 10, 12, 16, 20, 30 s")
        #expect(DurationRule.set(values: [], default: 5).nearestAllowed(to: 7) == 7)
    }

    @Test func minimum() {
        let bounded = DurationRule.minimum(min: 1, max: 15, default: 8)
        #expect(bounded.defaultSeconds == 8)
        #expect([0, 1, 15, 16].map(bounded.allows) == [false, true, true, false])
        #expect([-3, 0, 9, 20].map(bounded.nearestAllowed) == [1, 1, 9, 15])
        #expect(bounded.summary == "1–15 s")
        let open = DurationRule.minimum(min: 1, max: nil, default: nil)
        #expect(open.defaultSeconds == nil)
        #expect(open.allows(Int.max))
        #expect(open.allows(0) == false)
        #expect(open.nearestAllowed(to: 1000) == 1000)
        #expect(open.summary == "≥ 1 s")
        #expect(open.isOmittedFromRequest == false)
    }

    /// The four JSON shapes the doc comment promises, decoded exactly.
    @Test(arguments: [
        (#"{"kind":"range","min":6,"max":30,"default":10}"#, DurationRule.range(min: 6, max: 30, default: 10)),
        (#"{"kind":"fixed","value":10,"omitted":true}"#, .fixed(value: 10, omitted: true)),
        (#"{"kind":"set","values":[6,10],"default":10}"#, .set(values: [6, 10], default: 10)),
        (#"{"kind":"minimum","min":1,"max":15,"default":8}"#, .minimum(min: 1, max: 15, default: 8)),
        (#"{"kind":"fixed","value":15}"#, .fixed(value: 15, omitted: false)),
        (#"{"kind":"minimum","min":1}"#, .minimum(min: 1, max: nil, default: nil)),
    ])
    func decodesTheDocumentedJSON(json: String, rule: DurationRule) throws {
        #expect(try JSONDecoder().decode(DurationRule.self, from: Data(json.utf8)) == rule)
    }

    /// Encoding gives exactly the documented members (compared as parsed JSON: key order is the encoder's).
    @Test(arguments: [
        (DurationRule.range(min: 6, max: 30, default: 10), #"{"default":10,"kind":"range","max":30,"min":6}"#),
        (.fixed(value: 10, omitted: true), #"{"kind":"fixed","omitted":true,"value":10}"#),
        (.fixed(value: 10, omitted: false), #"{"kind":"fixed","omitted":false,"value":10}"#),
        (.set(values: [6, 10], default: 10), #"{"default":10,"kind":"set","values":[6,10]}"#),
        (.minimum(min: 1, max: 15, default: 8), #"{"default":8,"kind":"minimum","max":15,"min":1}"#),
        (.minimum(min: 1, max: nil, default: nil), #"{"kind":"minimum","min":1}"#),
    ])
    func encodesTheDocumentedJSON(rule: DurationRule, sorted: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(rule)
        #expect(String(decoding: data, as: UTF8.self) == sorted)
        #expect(try JSONDecoder().decode(DurationRule.self, from: data) == rule)
    }

    @Test func unknownKindIsADecodingError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DurationRule.self, from: Data(#"{"kind":"forever","min":1}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DurationRule.self, from: Data(#"{"kind":"range","min":1}"#.utf8))
        }
    }
}

@Suite struct CoreAspectRatioTests {
    static let validCases: [(text: String, raw: String, value: Double)] = [
        ("16:9", "16:9", 16.0 / 9), ("9:16", "9:16", 9.0 / 16), ("1:1", "1:1", 1), ("19.5:9", "19.5:9", 19.5 / 9),
        (" 4:3 ", "4:3", 4.0 / 3), ("\t21:9", "21:9", 21.0 / 9), ("0.5:1", "0.5:1", 0.5),
        ("016:09", "016:09", 16.0 / 9),
    ]

    @Test(arguments: validCases)
    func validForms(text: String, raw: String, value: Double) throws {
        let ratio = try #require(AspectRatio(rawValue: text))
        #expect(ratio.rawValue == raw)
        #expect(ratio.value == value)
        #expect(ratio.description == raw)
    }

    @Test(arguments: [
        "", ":", "16", "16:", ":9", "16:9:1", "16 :9", "16: 9", "0:9", "16:0", "0.0:1", "-16:9", "16:-9", "+16:9",
        ".5:1", "5.:1", "1.2.3:1", "1e3:1", "16x9", "16/9", "a:b", "１６:９", "inf:1", "nan:1",
    ])
    func invalidForms(text: String) {
        #expect(AspectRatio(rawValue: text) == nil)
    }

    @Test func spellingIsKeptBecauseVendorsCompareStrings() {
        #expect(AspectRatio(rawValue: "32:18")?.value == AspectRatio(rawValue: "16:9")?.value)
        #expect(AspectRatio(rawValue: "32:18") != AspectRatio(rawValue: "16:9"))
        #expect(AspectRatio(rawValue: " 16:9") == AspectRatio.landscape16x9)
        #expect(AspectRatio.portrait9x16.rawValue == "9:16")
        #expect(AspectRatio.square.rawValue == "1:1")
    }

    @Test func codableAsAString() throws {
        #expect(String(decoding: try JSONEncoder().encode(AspectRatio("19.5:9")), as: UTF8.self) == #""19.5:9""#)
        #expect(try JSONDecoder().decode(AspectRatio.self, from: Data(#""4:3""#.utf8)) == "4:3")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AspectRatio.self, from: Data(#""wide""#.utf8))
        }
    }

    @Test func ruleAllowsPresetsOrAnyRatioWhenCustom() {
        let presets = AspectRatioRule(values: ["16:9", "9:16"], default: "16:9")
        #expect(presets.custom == false)
        #expect(presets.allows("9:16"))
        #expect(presets.allows("4:3") == false)
        let custom = AspectRatioRule(values: ["16:9"], default: "16:9", custom: true)
        #expect(custom.allows("7:3"))
    }

    @Test(arguments: [
        ("4:3", "3:2"), ("21:9", "16:9"), ("1:2", "9:16"), ("6:5", "1:1"), ("5:4", "3:2"), ("2:3", "2:3"),
        ("100:1", "16:9"),
        ("1:100", "9:16"),
    ])
    func nearestPresetComparesShapeOnALogScale(requested: String, nearest: String) throws {
        let rule = AspectRatioRule(values: ["16:9", "9:16", "1:1", "3:2", "2:3"], default: "16:9")
        #expect(rule.nearestPreset(to: try #require(AspectRatio(rawValue: requested))).rawValue == nearest)
    }

    @Test func nearestPresetOfAnEmptyRuleIsTheDefault() {
        #expect(AspectRatioRule(values: [], default: "1:1").nearestPreset(to: "16:9") == "1:1")
    }
}

@Suite struct CoreResolutionTests {
    @Test(arguments: [
        ("720p", 720), ("720P", 720), ("720", 720), (" 720p ", 720), ("1080P", 1080), ("480", 480), ("00720p", 720),
        ("99999p", 99_999),
    ])
    func parsesEverySpellingToTheCanonicalOne(text: String, lines: Int) throws {
        let resolution = try #require(Resolution(parsing: text))
        #expect(resolution.lines == lines)
        #expect(resolution.rawValue == "\(lines)p")
        #expect(resolution.description == "\(lines)p")
        #expect(resolution.upperCased == "\(lines)P")
        #expect(Resolution(rawValue: text) == resolution)
    }

    @Test(arguments: ["", "p", "P", "0p", "0", "-720p", "720pp", "720i", "p720", "7 20p", "123456p", "４８０p", "hd"])
    func rejectsEverythingElse(text: String) {
        #expect(Resolution(parsing: text) == nil)
    }

    @Test func constantsAndOrdering() {
        #expect([Resolution.p480, .p540, .p720, .p1080].map(\.rawValue) == ["480p", "540p", "720p", "1080p"])
        #expect(Resolution.p720.upperCased == "720P")
        #expect(Resolution.p480 < .p720)
        #expect([Resolution.p1080, .p480, .p720].sorted() == [.p480, .p720, .p1080])
    }

    @Test func codableInTheCanonicalSpelling() throws {
        #expect(try JSONDecoder().decode(Resolution.self, from: Data(#""720P""#.utf8)) == .p720)
        #expect(String(decoding: try JSONEncoder().encode(Resolution.p1080), as: UTF8.self) == #""1080p""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Resolution.self, from: Data(#""4k""#.utf8)) }
    }

    @Test(arguments: [(1080, 720), (600, 480), (540, 480), (700, 720), (100, 480), (720, 720)])
    func ruleNearestPrefersTheLowerOnTies(requested: Int, nearest: Int) throws {
        let rule = ResolutionRule(values: [.p480, .p720], default: .p720)
        let wanted = try #require(Resolution(parsing: "\(requested)p"))
        #expect(rule.nearest(to: wanted).lines == nearest)
    }

    @Test func nearestOfAnEmptyRuleIsTheDefault() {
        #expect(ResolutionRule(values: [], default: .p720).nearest(to: .p1080) == .p720)
    }
}

@Suite struct CoreImageFormatTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D])
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xDB])
    static let webp = Data("RIFF".utf8) + Data([0x24, 0, 0, 0]) + Data("WEBPVP8L".utf8)

    @Test func sniffsMagicNumbers() {
        #expect(ImageFormat(sniffing: Self.png) == .png)
        #expect(ImageFormat(sniffing: Self.jpeg) == .jpeg)
        #expect(ImageFormat(sniffing: Self.webp) == .webp)
        #expect(ImageFormat(sniffing: [0xFF, 0xD8, 0xFF]) == .jpeg)
        #expect(ImageFormat(sniffing: Array(Self.png.prefix(8))) == .png)
    }

    @Test func sniffsInsideASlice() {
        // A slice whose indices do not start at zero.
        let padded = Data([0x00, 0x01]) + Self.webp
        #expect(ImageFormat(sniffing: padded.dropFirst(2)) == .webp)
        #expect(ImageFormat(sniffing: (Data([0x42]) + Self.jpeg).dropFirst()) == .jpeg)
    }

    @Test(
        arguments: [
            [], [0xFF], [0xFF, 0xD8], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], Array("RIFF".utf8),
            Array("RIFF\u{0}\u{0}\u{0}\u{0}WEB".utf8), Array("RIFF\u{0}\u{0}\u{0}\u{0}AVI ".utf8), Array("GIF89a".utf8),
            Array("<html>hello</html>".utf8), [0x00, 0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0],
        ] as [[UInt8]])
    func shortOrForeignBytesAreNotImages(bytes: [UInt8]) {
        #expect(ImageFormat(sniffing: bytes) == nil)
    }

    @Test(arguments: [
        ("image/jpeg", ImageFormat.jpeg), ("image/jpg", .jpeg), ("image/pjpeg", .jpeg), ("IMAGE/JPEG", .jpeg),
        (" image/png ", .png), ("Image/WebP", .webp),
    ])
    func parsesMIMETypes(mime: String, format: ImageFormat) {
        #expect(ImageFormat(mimeType: mime) == format)
    }

    @Test(arguments: ["image/gif", "image/", "png", "", "application/octet-stream", "image/svg+xml"])
    func unknownMIMETypes(mime: String) {
        #expect(ImageFormat(mimeType: mime) == nil)
    }

    @Test func namesAndExtensions() {
        #expect(ImageFormat.allCases.map(\.mimeType) == ["image/jpeg", "image/png", "image/webp"])
        #expect(ImageFormat.allCases.map(\.fileExtension) == ["jpg", "png", "webp"])
        #expect(ImageFormat.allCases.map(\.description) == ["jpeg", "png", "webp"])
        #expect(ImageTransport.allCases.map(\.rawValue) == ["public-url", "data-uri", "multipart-file"])
    }

    @Test func layoutSummaries() {
        #expect(ImageFieldLayout.array(field: "image_urls").summary == "image_urls[]")
        #expect(ImageFieldLayout.singleOrArray(single: "image", multiple: "images").summary == "image | images[]")
        #expect(ImageFieldLayout.repeatedPart(field: "input_reference").summary == "input_reference × n")
    }
}

@Suite struct CoreModelAliasesTests {
    @Test(arguments: [
        ("grok_video3", "grok-video-3"), ("grok-video-3", "grok-video-3"), (" GROK_VIDEO3_PRO ", "grok-video-3-pro"),
        ("grok_video3_max", "grok-video-3-max"), ("grok_video3_stable", "grok-video-3-stable"),
        ("grok-imagine-video", "grok-imagine-video"), ("Custom-Model\n", "custom-model"),
        ("grok-video3", "grok-video-3"), ("grok_video_3_pro", "grok-video-3-pro"),
        ("grok_imagine_video_1.5", "grok-imagine-video-1.5"),
    ])
    func canonicalNames(model: String, canonical: String) {
        #expect(ModelAliases.canonicalName(for: model) == canonical)
    }

    @Test func aliasesExcludeTheNameItself() {
        #expect(ModelAliases.aliases(of: "grok_video3") == ["grok-video-3"])
        #expect(ModelAliases.aliases(of: "grok-video-3-pro") == ["grok_video3_pro"])
        #expect(ModelAliases.aliases(of: "grok-imagine-video") == [])
        // Names compare case-insensitively everywhere, so a differently cased name is still "itself".
        #expect(ModelAliases.aliases(of: "GROK_VIDEO3") == ["grok-video-3"])
    }

    @Test func equivalence() {
        #expect(ModelAliases.areEquivalent("grok_video3_max", "grok-video-3-max"))
        #expect(ModelAliases.areEquivalent("Grok-Video-3", "grok_video3"))
        #expect(ModelAliases.areEquivalent("a", " A "))
        #expect(ModelAliases.areEquivalent("grok_video3", "grok_video3_pro") == false)
        #expect(ModelAliases.areEquivalent("grok-imagine-video", "grok-imagine-video-1.5") == false)
        // Separators never tell two models apart, in a family or not.
        #expect(ModelAliases.areEquivalent("grok_imagine_video", "grok-imagine-video"))
        #expect(ModelAliases.areEquivalent("grok_imagine_video_1.5", "grok-imagine-video-1.5"))
        #expect(ModelAliases.areEquivalent("grok-video3", "grok_video_3"))
        #expect(ModelAliases.areEquivalent("grok-video-1.5", "grok-video-15") == false)
    }

    @Test func familiesAreDefinedOnce() {
        #expect(
            ModelAliases.families.keys.sorted() == [
                "grok-video-3", "grok-video-3-max", "grok-video-3-pro", "grok-video-3-stable",
            ])
        for (canonical, spellings) in ModelAliases.families {
            #expect(spellings.contains(canonical))
            #expect(spellings.allSatisfy { ModelAliases.canonicalName(for: $0) == canonical })
        }
    }
}

@Suite struct CoreProviderIDTests {
    @Test(arguments: [
        ("octopusx", "OCTOPUSX_API_KEY"), ("openai-compatible", "OPENAI_COMPATIBLE_API_KEY"), ("xai", "XAI_API_KEY"),
        ("aizfw", "AIZFW_API_KEY"), ("xingchaoyiqing", "XINGCHAOYIQING_API_KEY"),
    ])
    func apiKeyEnvironmentVariable(id: String, variable: String) {
        #expect(ProviderID(id).apiKeyEnvironmentVariable == variable)
    }

    @Test func valueSemantics() throws {
        let id: ProviderID = "duoyuanx"
        #expect(id == ProviderID(rawValue: "duoyuanx"))
        #expect(id.description == "duoyuanx")
        #expect(ProviderID("aizfw") < ProviderID("xai"))
        #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == #""duoyuanx""#)
        #expect(try JSONDecoder().decode(ProviderID.self, from: Data(#""xai""#.utf8)) == "xai")
    }
}

@Suite struct CoreBillableEstimateTests {
    @Test(arguments: [
        (BillableEstimate.seconds(8), #"{"seconds":8,"unit":"per-second"}"#),
        (BillableEstimate.calls(1), #"{"calls":1,"unit":"per-call"}"#),
    ])
    func codableInTheShapeVideogenPrints(estimate: BillableEstimate, json: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(estimate), as: UTF8.self) == json)
        #expect(try JSONDecoder().decode(BillableEstimate.self, from: Data(json.utf8)) == estimate)
    }

    @Test func aMismatchedUnitIsADecodingError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BillableEstimate.self, from: Data(#"{"unit":"per-call","seconds":8}"#.utf8))
        }
    }
}
