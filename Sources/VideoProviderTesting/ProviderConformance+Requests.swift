import Foundation
import VideoProviderKit

/// What a check found wrong, one sentence each.
struct Findings {
    private(set) var list: [String] = []

    mutating func fail(_ message: String) { list.append(message) }

    mutating func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { list.append(message()) }
    }

    mutating func equal<Value: Equatable>(_ actual: Value, _ expected: Value, _ what: @autoclosure () -> String) {
        if actual != expected { list.append("\(what()): got \(Self.show(actual)), expected \(Self.show(expected))") }
    }

    /// A value as a reader wants it: an optional's value without `Optional(…)`, `nil` for none.
    static func show(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return String(describing: value) }
        return mirror.children.first.map { show($0.value) } ?? "nil"
    }
}

extension ProviderConformance {
    static let prompt = "A lighthouse at dusk"

    // MARK: - The table

    func tableFailures() -> [String] {
        var findings = Findings()
        let descriptor = provider.descriptor
        let id = descriptor.id.rawValue
        findings.check(
            id.first?.isLetter == true && id.allSatisfy { ("a"..."z").contains($0) || $0.isNumber || $0 == "-" },
            "the id '\(id)' must be lower-case letters, digits and '-'")
        findings.equal(provider.id, descriptor.id, "the provider's id")
        findings.check(!descriptor.name.isEmpty, "the table has no display name")
        findings.check(!descriptor.models.isEmpty, "the table lists no model")
        let names = descriptor.models.map(\.model)
        findings.equal(Set(names).count, names.count, "distinct model names among \(names)")
        do {
            let decoded = try JSONDecoder().decode(ProviderDescriptor.self, from: JSONEncoder().encode(descriptor))
            findings.check(decoded == descriptor, "the table does not survive a round trip through JSON")
        } catch {
            findings.fail("the table does not round-trip through JSON: \(error)")
        }
        for model in descriptor.models {
            roleAndRuleFailures(model, &findings)
            guard let resolved = accepted(VideoRequest(model: model.model, prompt: Self.prompt), &findings) else {
                continue
            }
            let name = model.model
            findings.equal(resolved.model, name, "\(name) with its defaults: the model")
            if let seconds = model.duration.defaultSeconds {
                findings.equal(resolved.seconds, seconds, "\(name) with its defaults: seconds")
            }
            findings.equal(resolved.sendsDuration, !model.duration.isOmittedFromRequest, "\(name): sends its length")
            findings.equal(resolved.aspectRatio, model.aspectRatios.default, "\(name) with its defaults: ratio")
            findings.equal(resolved.resolution, model.resolutions?.default, "\(name) with its defaults: resolution")
            findings.equal(resolved.warnings, [], "\(name) with its defaults: warnings")
        }
        return findings.list
    }

    // MARK: - Validation

    /// Whatever the table does not allow is refused, one violation naming the parameter, the value and
    /// what the table allows; its edges are accepted.
    func validationFailures() -> [String] {
        var findings = Findings()
        for model in provider.descriptor.models {
            lengthFailures(model, &findings)
            ratioAndResolutionFailures(model, &findings)
            imageCountFailures(model, &findings)
            everythingWrongFailures(model, &findings)
            let name = model.model
            let limit = model.promptMaxLength
            refused(
                VideoRequest(model: name, prompt: ""),
                [
                    Violation(
                        parameter: "prompt", value: "\"\"", allowed: "1–\(limit) characters",
                        reason: "the prompt is empty")
                ], &findings)
            refused(
                VideoRequest(model: name, prompt: String(repeating: "猫", count: limit + 1)),
                [
                    Violation(
                        parameter: "prompt", value: "\(limit + 1) characters", allowed: "at most \(limit) characters")
                ],
                &findings)
            _ = accepted(VideoRequest(model: name, prompt: String(repeating: "🐱", count: limit)), &findings)
            for key in provider.descriptor.effectiveReservedOptionNames.sorted() {
                let error = refusal(VideoRequest(model: name, prompt: Self.prompt, vendorOptions: [key: "x"]))
                findings.equal(
                    error?.violations.map { [$0.parameter, $0.value, $0.reason ?? ""] },
                    [["vendor-options.\(key)", #""x""#, "the library sets '\(key)' itself; use the typed parameter"]],
                    "\(name): vendor option '\(key)'")
            }
        }
        let names = provider.descriptor.models.map(\.model)
        let unknown = refusal(VideoRequest(model: "no-such-model", prompt: Self.prompt))
        findings.equal(unknown?.kind, .unknownModel, "an unknown model")
        findings.equal(unknown?.providerID, provider.id, "an unknown model: the provider")
        findings.equal(
            unknown?.violations,
            [Violation(parameter: "model", value: "no-such-model", allowed: names.joined(separator: ", "))],
            "an unknown model")
        return findings.list
    }

    private func lengthFailures(_ model: ModelCapabilities, _ findings: inout Findings) {
        let rule = model.duration
        let (refusedLengths, acceptedLengths): ([Int], [Int])
        switch rule {
        case .range(let min, let max, _): (refusedLengths, acceptedLengths) = ([min - 1, max + 1], [min, max])
        case .fixed(let value, _): (refusedLengths, acceptedLengths) = ([value - 1, value + 1], [value])
        case .set(let values, _):
            let gap = (values.min()!...values.max()!).first { !values.contains($0) }
            (refusedLengths, acceptedLengths) = ([values.max()! + 1] + (gap.map { [$0] } ?? []), values)
        case .minimum(let min, let max, _):
            (refusedLengths, acceptedLengths) = (
                [min - 1] + (max.map { [$0 + 1] } ?? []), [min] + (max.map { [$0] } ?? [])
            )
        }
        for seconds in refusedLengths {
            let request = VideoRequest(model: model.model, prompt: Self.prompt, seconds: seconds)
            refused(request, [Violation(parameter: "seconds", value: "\(seconds)", allowed: rule.summary)], &findings)
            // Adjusting snaps a positive length to the nearest the table allows, and says so.
            guard seconds > 0, let resolved = accepted(request, policy: .adjustToNearest, &findings) else { continue }
            let nearest = rule.nearestAllowed(to: seconds)
            findings.equal(resolved.seconds, nearest, "\(model.model) at \(seconds) s, adjusted")
            findings.equal(
                resolved.warnings.map { [$0.parameter, $0.applied ?? ""] }, [["seconds", "\(nearest)"]],
                "\(model.model) at \(seconds) s, adjusted: warnings")
        }
        for seconds in acceptedLengths {
            let request = VideoRequest(model: model.model, prompt: Self.prompt, seconds: seconds)
            if let resolved = accepted(request, &findings) {
                findings.equal(resolved.seconds, seconds, "\(model.model) at \(seconds) s")
            }
        }
    }

    private func ratioAndResolutionFailures(_ model: ModelCapabilities, _ findings: inout Findings) {
        let name = model.model
        let ratios = model.aspectRatios
        if ratios.custom {
            for ratio: AspectRatio in ["21:9", "7:5"] {
                if let resolved = accepted(
                    VideoRequest(model: name, prompt: Self.prompt, aspectRatio: ratio), &findings)
                {
                    findings.equal(resolved.aspectRatio, ratio, "\(name) with a custom \(ratio)")
                }
            }
        } else if let ratio = Self.unlistedRatio(ratios) {
            let allowed = ratios.values.map(\.rawValue).joined(separator: ", ")
            let request = VideoRequest(model: name, prompt: Self.prompt, aspectRatio: ratio)
            refused(request, [Violation(parameter: "aspect-ratio", value: ratio.rawValue, allowed: allowed)], &findings)
            if let adjusted = accepted(request, policy: .adjustToNearest, &findings) {
                findings.equal(adjusted.aspectRatio, ratios.nearestPreset(to: ratio), "\(name) at \(ratio), adjusted")
                findings.equal(adjusted.warnings.map(\.parameter), ["aspect-ratio"], "\(name) at \(ratio): warnings")
            }
        }
        for ratio in ratios.values {
            _ = accepted(VideoRequest(model: name, prompt: Self.prompt, aspectRatio: ratio), &findings)
        }
        guard let rule = model.resolutions else {
            refused(
                VideoRequest(model: name, prompt: Self.prompt, resolution: .p720),
                [
                    Violation(
                        parameter: "resolution", value: "720p", allowed: "none",
                        reason: "\(name) does not let the caller choose a resolution")
                ], &findings)
            return
        }
        let tiers = ["480p", "540p", "720p", "1080p", "2160p"].compactMap(Resolution.init(parsing:))
        for resolution in tiers where !rule.values.contains(resolution) {
            let request = VideoRequest(model: name, prompt: Self.prompt, resolution: resolution)
            let allowed = rule.values.map(\.rawValue).joined(separator: ", ")
            refused(
                request, [Violation(parameter: "resolution", value: resolution.rawValue, allowed: allowed)], &findings)
            if let adjusted = accepted(request, policy: .adjustToNearest, &findings) {
                findings.equal(adjusted.resolution, rule.nearest(to: resolution), "\(name) at \(resolution), adjusted")
                findings.equal(adjusted.warnings.map(\.parameter), ["resolution"], "\(name) at \(resolution): warnings")
            }
        }
        for resolution in rule.values {
            if let resolved = accepted(
                VideoRequest(model: name, prompt: Self.prompt, resolution: resolution), &findings)
            {
                findings.equal(resolved.resolution, resolution, "\(name) at \(resolution)")
            }
        }
    }

    /// A ratio the table does not list, when it lists only some.
    static func unlistedRatio(_ rule: AspectRatioRule) -> AspectRatio? {
        rule.custom ? nil : (["4:3", "21:9", "5:4", "1:1"] as [AspectRatio]).first { !rule.allows($0) }
    }

    /// A request wrong in every way its model can be is refused once, listing every problem in order.
    private func everythingWrongFailures(_ model: ModelCapabilities, _ findings: inout Findings) {
        var request = VideoRequest(model: model.model, prompt: " ")
        var parameters = ["prompt"]
        if let seconds = [0, 999].first(where: { !model.duration.allows($0) }) {
            request.seconds = seconds
            parameters.append("seconds")
        }
        if let ratio = Self.unlistedRatio(model.aspectRatios) {
            request.aspectRatio = ratio
            parameters.append("aspect-ratio")
        }
        request.resolution = Resolution(parsing: "2160p")
        parameters.append("resolution")
        if model.images.max > 0 {
            request.images = [.url(URL(string: "ftp://example.com/cat.png")!)]
            parameters.append("images[0]")
        }
        guard let error = refusal(request) else { return findings.fail("\(describe(request)) was accepted") }
        findings.equal(error.violations.map(\.parameter), parameters, "\(model.model) wrong in every way")
        findings.check(
            error.message.contains("\(parameters.count) problems"),
            "\(model.model) wrong in every way: the message does not count \(parameters.count) problems")
    }

    private func imageCountFailures(_ model: ModelCapabilities, _ findings: inout Findings) {
        let name = model.model
        let rule = model.images
        guard rule.max > 0, let image = Self.acceptedInput(rule) else { return }
        var most = VideoRequest(model: name, prompt: Self.prompt, images: Array(repeating: image, count: rule.max))
        most.imageRoles = Self.rolesFilling(rule, count: rule.max)
        if let resolved = accepted(most, &findings) {
            findings.equal(resolved.images.count, rule.max, "\(name) with \(rule.max) images")
        }
        let tooMany = refusal(
            VideoRequest(model: name, prompt: Self.prompt, images: Array(repeating: image, count: rule.max + 1)))
        findings.equal(
            tooMany?.violations.first { $0.parameter == "images" },
            Violation(parameter: "images", value: "\(rule.max + 1) images", allowed: "at most \(rule.max)"),
            "\(name) with \(rule.max + 1) images")
    }

    /// No roles when images without one can fill `count` (a plain list), else each role up to its limit in
    /// the table's order: two images on a first-and-last-frame model (MiniMax Hailuo-02) are first and last.
    static func rolesFilling(_ rule: ImageRule, count: Int) -> [Int: ImageRole] {
        guard rule.maximum(of: rule.unassignedRole.role(imageCount: count)) < count else { return [:] }
        let roles = rule.roles.flatMap { Array(repeating: $0.role, count: $0.max) }
        return Dictionary(uniqueKeysWithValues: zip(0..<count, roles).map { ($0, $1) })
    }

    /// An image in a form `rule` takes: a public URL when it fetches them, else the sample of a format it
    /// takes.
    static func acceptedInput(_ rule: ImageRule) -> ImageInput? {
        if rule.accepts(.publicURL) { return .url(URL(string: "https://example.com/image.png")!) }
        guard rule.accepts(.dataURI) || rule.accepts(.multipartFile), let format = rule.formats.first else {
            return nil
        }
        return .data(SampleImage.bytes(format))
    }

    // MARK: - Image inputs

    /// Image forms the model does not take, and inputs that are not images, are refused naming the image;
    /// every form it takes becomes the transport its table says.
    func imageInputFailures() -> [String] {
        var findings = Findings()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for model in provider.descriptor.models where model.images.max > 0 {
            let name = model.model
            let rule = model.images
            let transports = rule.transports.map(\.rawValue).joined(separator: ", ")
            let formats = rule.formats.map(\.rawValue).joined(separator: ", ")
            func image(_ input: ImageInput, _ violation: Violation) {
                refused(VideoRequest(model: name, prompt: Self.prompt, images: [input]), [violation], &findings)
            }
            image(
                .url(URL(string: "ftp://example.com/cat.png")!),
                Violation(
                    parameter: "images[0]", value: "ftp://example.com/cat.png",
                    allowed: "an http(s) URL, a data: URI, bytes or a local file", reason: "unsupported URL scheme"))
            image(
                .file(URL(fileURLWithPath: "/nonexistent/conformance/ref.png")),
                Violation(
                    parameter: "images[0]", value: "/nonexistent/conformance/ref.png",
                    allowed: "a readable jpeg, png or webp file",
                    reason: "cannot open the file: No such file or directory (ENOENT)"))
            if !rule.accepts(.publicURL) {
                image(
                    .url(URL(string: "https://example.com/cat.png")!),
                    Violation(
                        parameter: "images[0]", value: "https://example.com/cat.png", allowed: transports,
                        reason: "\(name) does not fetch public URLs; pass the image as bytes or a file"))
            }
            guard rule.accepts(.dataURI) || rule.accepts(.multipartFile) else {
                let file = scratch.appendingPathComponent("reference.png")
                try? SampleImage.png.write(to: file)
                let inputs = [
                    (ImageInput.data(SampleImage.png), "70 bytes"),
                    (.url(URL(string: SampleImage.dataURI(.png))!), "70 bytes"),
                    (.file(file), "file reference.png"),
                ]
                for (input, value) in inputs {
                    image(
                        input,
                        Violation(
                            parameter: "images[0]", value: value, allowed: transports,
                            reason: "\(name) only takes public URLs; host the image and pass its https URL"))
                }
                continue
            }
            image(
                .data(Data("GIF89a-no".utf8)),
                Violation(
                    parameter: "images[0]", value: "9 bytes of unknown format", allowed: formats,
                    reason: "not a jpeg, png or webp image"))
            image(
                .url(URL(string: "data:image/png,abc")!),
                Violation(
                    parameter: "images[0]", value: "data:image/png,abc", allowed: "data:image/(jpeg|png|webp);base64,…",
                    reason: "malformed data URI"))
            for format in rule.formats {
                let other: ImageFormat = format == .png ? .jpeg : .png
                let bytes = SampleImage.bytes(format)
                image(
                    .data(bytes, format: other),
                    Violation(
                        parameter: "images[0]", value: "\(bytes.count) bytes declared \(other)", allowed: formats,
                        reason: "the bytes are \(format), not \(other)"))
                // The three forms travel together, so only a model that takes three images shows them side by side.
                guard rule.max >= 3 else { continue }
                let file = scratch.appendingPathComponent("reference.\(format.fileExtension)")
                try? bytes.write(to: file)
                let inputs: [ImageInput] = [.data(bytes), .file(file), .url(URL(string: SampleImage.dataURI(format))!)]
                guard let resolved = accepted(VideoRequest(model: name, prompt: Self.prompt, images: inputs), &findings)
                else { continue }
                let expected: [ResolvedImage] =
                    rule.accepts(.dataURI)
                    ? [
                        .dataURI(.bytes(bytes), format), .dataURI(.file(file, byteCount: Int64(bytes.count)), format),
                        .dataURI(.bytes(bytes), format),
                    ]
                    : [
                        .upload(.bytes(bytes), format, filename: "image-1.\(format.fileExtension)"),
                        .upload(.file(file, byteCount: Int64(bytes.count)), format, filename: file.lastPathComponent),
                        .upload(.bytes(bytes), format, filename: "image-3.\(format.fileExtension)"),
                    ]
                findings.equal(resolved.images, expected, "\(name): \(format) as bytes, a file and a data URI")
                let converted = rule.accepts(.dataURI) ? ["images[1]"] : ["images[2]"]
                findings.equal(
                    resolved.warnings.map(\.parameter), converted, "\(name): the converted \(format) image is reported")
                let change = rule.accepts(.dataURI) ? ["file", "data-uri"] : ["data-uri", "multipart-file"]
                findings.equal(
                    resolved.warnings.map { ["\($0.kind)", $0.requested, $0.applied ?? ""] },
                    [["converted"] + change], "\(name): the conversion of the \(format) image")
            }
        }
        return findings.list
    }

    /// A table that wrongly listed public URLs would still never put one on a wire that takes bytes only: the
    /// provider refuses it, naming what its wire takes.
    func pastValidationFailures() -> [String] {
        var findings = Findings()
        for model in provider.descriptor.models where model.images.max > 0 && !model.images.accepts(.publicURL) {
            guard let valid = accepted(VideoRequest(model: model.model, prompt: Self.prompt), &findings) else {
                continue
            }
            let request = ResolvedVideoRequest(
                model: valid.model, prompt: valid.prompt, seconds: valid.seconds, sendsDuration: valid.sendsDuration,
                aspectRatio: valid.aspectRatio, resolution: valid.resolution,
                images: [.publicURL(URL(string: "https://example.com/a.png")!)], vendorOptions: [:], warnings: [],
                capabilities: valid.capabilities)
            do {
                _ = try provider.submitRequest(for: request, context: context)
                findings.fail("\(model.model): a public URL past validation was put on the wire")
            } catch {
                findings.equal(error.kind, .invalidRequest, "\(model.model), a public URL past validation: kind")
                findings.equal(error.providerID, provider.id, "\(model.model), a public URL past validation: provider")
                findings.equal(
                    error.violations.map { [$0.parameter, $0.allowed] },
                    [["images[0]", model.images.transports.map(\.rawValue).joined(separator: ", ")]],
                    "\(model.model), a public URL past validation")
            }
        }
        return findings.list
    }

    /// The vendor's own refusals, each with its exact violations.
    func refusalSampleFailures() -> [String] {
        var findings = Findings()
        for sample in refusals {
            refused(sample.request, sample.violations, kind: sample.kind, &findings)
            if sample.kind == .invalidRequest {
                findings.equal(refusal(sample.request)?.model, sample.request.model, "\(sample): the model")
            }
            if let message = sample.message {
                findings.equal(refusal(sample.request)?.message, message, "\(sample): the message")
            }
        }
        return findings.list
    }

    /// Adjusted requests: the values applied, and one warning per parameter changed, saying what was asked
    /// and what was applied.
    func adjustmentSampleFailures() -> [String] {
        var findings = Findings()
        for sample in adjustments {
            let label = "\(sample)"
            guard let resolved = accepted(sample.request, policy: .adjustToNearest, &findings) else { continue }
            if let seconds = sample.seconds { findings.equal(resolved.seconds, seconds, "\(label): seconds") }
            if let ratio = sample.aspectRatio { findings.equal(resolved.aspectRatio, ratio, "\(label): ratio") }
            if let resolution = sample.resolution {
                findings.equal(resolved.resolution, resolution, "\(label): resolution")
            }
            if sample.dropsResolution { findings.equal(resolved.resolution, nil, "\(label): resolution") }
            findings.equal(resolved.warnings.map(\.parameter), sample.warnings, "\(label): the warnings")
            if let messages = sample.messages {
                findings.equal(resolved.warnings.map(\.message), messages, "\(label): the warnings' messages")
            }
            for warning in resolved.warnings {
                let (requested, applied): (String?, String?)
                switch warning.parameter {
                case "seconds":
                    (requested, applied) = (sample.request.seconds.map(String.init), String(resolved.seconds))
                case "aspect-ratio":
                    (requested, applied) = (sample.request.aspectRatio?.rawValue, resolved.aspectRatio.rawValue)
                case "resolution":
                    (requested, applied) = (sample.request.resolution?.rawValue, resolved.resolution?.rawValue)
                default: continue
                }
                findings.equal(
                    warning.kind, applied == nil ? .ignored : .adjusted, "\(label): \(warning.parameter)'s kind")
                findings.equal(warning.requested, requested, "\(label): \(warning.parameter) requested")
                findings.equal(warning.applied, applied, "\(label): \(warning.parameter) applied")
                findings.check(warning.message.contains(sample.request.model), "\(label): the message names the model")
            }
        }
        return findings.list
    }

    // MARK: - Validation helpers

    /// The request resolved on the provider's table, or `nil` with a finding.
    func accepted(
        _ request: VideoRequest, policy: ValidationPolicy = .strict, _ findings: inout Findings
    ) -> ResolvedVideoRequest? {
        do {
            return try RequestValidator.resolve(request, on: provider.descriptor, policy: policy)
        } catch {
            findings.fail("\(describe(request)) was refused: \(error.message)")
            return nil
        }
    }

    /// The validation error for `request`, or `nil` when it is accepted.
    func refusal(_ request: VideoRequest) -> VideoProviderError? {
        do {
            _ = try RequestValidator.resolve(request, on: provider.descriptor)
            return nil
        } catch {
            return error
        }
    }

    /// Checks that `request` is refused (as `kind`) with exactly `violations`.
    func refused(
        _ request: VideoRequest, _ violations: [Violation], kind: VideoProviderError.Kind = .invalidRequest,
        _ findings: inout Findings
    ) {
        guard let error = refusal(request) else {
            findings.fail("\(describe(request)) was accepted; expected \(violations)")
            return
        }
        findings.equal(error.kind, kind, "\(describe(request)): the error kind")
        findings.equal(error.violations, violations, describe(request))
        findings.equal(error.providerID, provider.id, "\(describe(request)): the provider")
    }

    func describe(_ request: VideoRequest) -> String {
        var parts = [request.model]
        if let seconds = request.seconds { parts.append("\(seconds) s") }
        if let ratio = request.aspectRatio { parts.append(ratio.rawValue) }
        if let resolution = request.resolution { parts.append(resolution.rawValue) }
        if !request.images.isEmpty { parts.append("\(request.images.count) image(s)") }
        if !request.vendorOptions.isEmpty { parts.append("options \(request.vendorOptions.keys.sorted())") }
        if request.prompt.unicodeScalars.count > 40 {
            parts.append("a \(request.prompt.unicodeScalars.count)-character prompt")
        } else if request.prompt != Self.prompt {
            parts.append("prompt \"\(request.prompt)\"")
        }
        return parts.joined(separator: ", ")
    }
}
