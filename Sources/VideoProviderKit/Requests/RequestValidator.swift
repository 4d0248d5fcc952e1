import Foundation

/// Checks a ``VideoRequest`` against one model's ``ModelCapabilities`` and fills in every default.
///
/// Validation is exhaustive: the thrown error lists every violation at once, each naming the parameter,
/// the value given and what is allowed, so a user fixes a request in one round. It runs entirely in the
/// process; the only I/O is reading the first bytes and the size of local image files.
public enum RequestValidator {
    /// Fields every dialect sets itself; vendor options may not replace them.
    public static let reservedFieldNames: Set<String> = [
        "model", "prompt", "duration", "seconds", "aspect_ratio", "resolution", "size", "image", "images",
        "image_urls", "input_reference", "reference_images",
    ]

    /// Resolves `request` for a model of `descriptor`, accepting the native name or an alias.
    public static func resolve(
        _ request: VideoRequest,
        on descriptor: ProviderDescriptor,
        policy: ValidationPolicy = .strict
    ) throws(VideoProviderError) -> ResolvedVideoRequest {
        guard let capabilities = descriptor.capabilities(for: request.model) else {
            let known = descriptor.models.map(\.model).joined(separator: ", ")
            throw VideoProviderError(
                .unknownModel,
                "\(descriptor.name) has no model '\(request.model)'.",
                providerID: descriptor.id,
                model: request.model,
                violations: [Violation(parameter: "model", value: request.model, allowed: known)])
        }
        return try resolve(
            request, capabilities: capabilities, providerID: descriptor.id, policy: policy,
            reservedOptionNames: descriptor.effectiveReservedOptionNames)
    }

    /// Resolves `request` against `capabilities`, or throws ``VideoProviderError/Kind/invalidRequest``
    /// listing every violation. `reservedOptionNames` are the body fields options may not replace (the
    /// provider's ``ProviderDescriptor/effectiveReservedOptionNames``).
    public static func resolve(
        _ request: VideoRequest,
        capabilities: ModelCapabilities,
        providerID: ProviderID? = nil,
        policy: ValidationPolicy = .strict,
        reservedOptionNames: Set<String> = reservedFieldNames
    ) throws(VideoProviderError) -> ResolvedVideoRequest {
        var violations: [Violation] = []
        var warnings: [ValidationWarning] = []
        let model = capabilities.model

        // Prompt: the only required text.
        if let violation = textViolation(
            request.prompt, parameter: "prompt", name: "prompt", maxLength: capabilities.promptMaxLength)
        {
            violations.append(violation)
        }

        let seconds = resolveSeconds(request.seconds, capabilities.duration, model, policy, &violations, &warnings)
        let aspectRatio = resolveAspectRatio(
            request.aspectRatio, capabilities.aspectRatios, model, policy, &violations, &warnings)
        let resolution = resolveResolution(
            request.resolution, capabilities.resolutions, model, policy, &violations, &warnings)
        let images = resolveImages(request.images, capabilities.images, model, &violations, &warnings)
        let length = limitSeconds(
            seconds, requested: request.seconds, imageCount: request.images.count, capabilities, policy, &violations,
            &warnings)

        let roles = resolveRoles(request, capabilities.images, model, &violations)
        let extras = resolveExtras(request, capabilities, policy, &violations, &warnings)
        var facts = RuleFacts(
            seconds: length, secondsChosen: request.seconds != nil, resolution: resolution,
            resolutionChosen: request.resolution != nil, aspectRatio: aspectRatio,
            aspectRatioChosen: request.aspectRatio != nil, audio: extras.audio, audioChosen: request.audio != nil,
            roles: roles)
        applyRules(capabilities, &facts, policy, &violations, &warnings)
        let options = resolveOptions(request, providerID: providerID, reserved: reservedOptionNames, &violations)

        guard violations.isEmpty else {
            let target = providerID.map { "\(model) on \($0)" } ?? model
            let summary =
                violations.count == 1
                ? violations[0].description
                : "\(violations.count) problems: " + violations.map(\.parameter).joined(separator: ", ")
            throw VideoProviderError(
                .invalidRequest, "Invalid request for \(target): \(summary).",
                providerID: providerID, model: model, violations: violations)
        }

        return ResolvedVideoRequest(
            model: model,
            prompt: request.prompt,
            seconds: facts.seconds ?? 0,
            sendsDuration: !capabilities.duration.isOmittedFromRequest,
            aspectRatio: facts.aspectRatio,
            resolution: facts.resolution,
            images: images,
            vendorOptions: options,
            warnings: warnings,
            capabilities: capabilities,
            imageRoles: roles,
            sendsAspectRatio: facts.sendsAspectRatio,
            seed: extras.seed,
            negativePrompt: extras.negativePrompt,
            audio: facts.audio)
    }

    /// Why `text` cannot be sent as `parameter` (empty, or longer than `maxLength`), or `nil`. Counted in
    /// Unicode scalars, as most gateways count code points.
    static func textViolation(_ text: String, parameter: String, name: String, maxLength: Int) -> Violation? {
        if text.trimmingWhitespaceAndNewlines().isEmpty {
            return Violation(
                parameter: parameter, value: "\"\(text)\"", allowed: "1–\(maxLength) characters",
                reason: "the \(name) is empty")
        }
        let length = text.unicodeScalars.count
        guard length > maxLength else { return nil }
        return Violation(
            parameter: parameter, value: "\(length) characters", allowed: "at most \(maxLength) characters")
    }

    private static func resolveSeconds(
        _ requested: Int?, _ rule: DurationRule, _ model: String, _ policy: ValidationPolicy,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) -> Int? {
        guard let requested else {
            if let value = rule.defaultSeconds { return value }
            violations.append(
                Violation(
                    parameter: "seconds", value: "(none)", allowed: rule.summary,
                    reason: "\(model) has no default length; choose one"))
            return nil
        }
        if rule.allows(requested) { return requested }
        if policy == .adjustToNearest && requested > 0 {
            let applied = rule.nearestAllowed(to: requested)
            warnings.append(
                ValidationWarning(
                    kind: .adjusted, parameter: "seconds", requested: "\(requested)", applied: "\(applied)",
                    message: "seconds \(requested) adjusted to \(applied): \(model) allows \(rule.summary)."))
            return applied
        }
        violations.append(Violation(parameter: "seconds", value: "\(requested)", allowed: rule.summary))
        return nil
    }

    /// Applies ``ImageRule/maximumSecondsWithMultipleImages``: with more than one image the length may not
    /// exceed it. A default that is too long is lowered (with a warning), since the caller did not choose
    /// it; a requested length is lowered only under ``ValidationPolicy/adjustToNearest``.
    private static func limitSeconds(
        _ seconds: Int?, requested: Int?, imageCount: Int, _ capabilities: ModelCapabilities,
        _ policy: ValidationPolicy, _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) -> Int? {
        guard let seconds, imageCount > 1, let cap = capabilities.images.maximumSecondsWithMultipleImages,
            seconds > cap
        else { return seconds }
        let model = capabilities.model
        let fitting = longestAllowed(capabilities.duration, atMost: cap)
        let images = "with 2–\(capabilities.images.max) images"
        let allowed: String
        switch capabilities.duration {
        case .range(let min, _, _), .minimum(let min, _, _):
            allowed = fitting.map { "\(min)–\($0) s \(images)" } ?? "at most \(cap) s \(images)"
        case .set(let values, _):
            let short = values.filter { $0 <= cap }
            allowed =
                short.isEmpty
                ? "at most \(cap) s \(images)"
                : "one of " + short.map(String.init).joined(separator: ", ") + " s \(images)"
        case .fixed:
            allowed = "at most \(cap) s \(images)"
        }
        if let fitting, requested == nil || policy == .adjustToNearest {
            let what = requested == nil ? "seconds \(seconds) (the default)" : "seconds \(seconds)"
            warnings.append(
                ValidationWarning(
                    kind: .adjusted, parameter: "seconds", requested: "\(seconds)", applied: "\(fitting)",
                    message: "\(what) lowered to \(fitting): \(model) makes at most \(cap) s from 2 or more images."))
            return fitting
        }
        violations.append(
            Violation(
                parameter: "seconds", value: "\(seconds)", allowed: allowed,
                reason: "reference-to-video is limited to \(cap) s"))
        return nil
    }

    /// The longest length `rule` allows that is at most `cap`, if any.
    static func longestAllowed(_ rule: DurationRule, atMost cap: Int) -> Int? {
        switch rule {
        case .range(let min, let max, _): return cap >= min ? Swift.min(max, cap) : nil
        case .fixed(let value, _): return value <= cap ? value : nil
        case .set(let values, _): return values.filter { $0 <= cap }.max()
        case .minimum(let min, let max, _): return cap >= min ? Swift.min(max ?? cap, cap) : nil
        }
    }

    private static func resolveAspectRatio(
        _ requested: AspectRatio?, _ rule: AspectRatioRule, _ model: String, _ policy: ValidationPolicy,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) -> AspectRatio {
        guard let requested else { return rule.default }
        if rule.allows(requested) { return requested }
        let allowed = rule.values.map(\.rawValue).joined(separator: ", ") + (rule.custom ? ", or any W:H" : "")
        if policy == .adjustToNearest {
            let applied = rule.nearestPreset(to: requested)
            warnings.append(
                ValidationWarning(
                    kind: .adjusted, parameter: "aspect-ratio", requested: requested.rawValue,
                    applied: applied.rawValue,
                    message: "aspect ratio \(requested) adjusted to \(applied): \(model) allows \(allowed)."))
            return applied
        }
        violations.append(Violation(parameter: "aspect-ratio", value: requested.rawValue, allowed: allowed))
        return rule.default
    }

    private static func resolveResolution(
        _ requested: Resolution?, _ rule: ResolutionRule?, _ model: String, _ policy: ValidationPolicy,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) -> Resolution? {
        guard let rule else {
            // The model picks its own resolution. Asking for one is a request it cannot honour: strictly a
            // violation (so routing passes on to a model that can), adjusted only by dropping it, with a warning.
            guard let requested else { return nil }
            if policy == .adjustToNearest {
                warnings.append(
                    ValidationWarning(
                        kind: .ignored, parameter: "resolution", requested: requested.rawValue, applied: nil,
                        message:
                            "resolution \(requested) ignored: \(model) does not let the caller choose a resolution."))
            } else {
                violations.append(
                    Violation(
                        parameter: "resolution", value: requested.rawValue, allowed: "none",
                        reason: "\(model) does not let the caller choose a resolution"))
            }
            return nil
        }
        guard let requested else { return rule.default }
        if rule.values.contains(requested) { return requested }
        let allowed = rule.values.map(\.rawValue).joined(separator: ", ")
        if policy == .adjustToNearest {
            let applied = rule.nearest(to: requested)
            warnings.append(
                ValidationWarning(
                    kind: .adjusted, parameter: "resolution", requested: requested.rawValue, applied: applied.rawValue,
                    message: "resolution \(requested) adjusted to \(applied): \(model) allows \(allowed)."))
            return applied
        }
        violations.append(Violation(parameter: "resolution", value: requested.rawValue, allowed: allowed))
        return nil
    }

    private static func resolveImages(
        _ inputs: [ImageInput], _ rule: ImageRule, _ model: String,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) -> [ResolvedImage] {
        if inputs.count > rule.max {
            violations.append(
                Violation(
                    parameter: "images", value: "\(inputs.count) images",
                    allowed: rule.max == 0 ? "none (\(model) is text-to-video only)" : "at most \(rule.max)"))
        }
        var resolved: [ResolvedImage] = []
        for (index, input) in inputs.enumerated() {
            let parameter = "images[\(index)]"
            switch resolveImage(input, index: index, rule: rule, model: model) {
            case .success(let image, let warning):
                resolved.append(image)
                if let warning {
                    warnings.append(
                        ValidationWarning(
                            kind: .converted, parameter: parameter, requested: warning.from, applied: warning.to,
                            message: "\(parameter) sent as \(warning.to) (given as \(warning.from)): \(model) takes "
                                + rule.transports.map(\.rawValue).joined(separator: ", ") + "."))
                }
            case .failure(let violation):
                violations.append(
                    Violation(
                        parameter: parameter, value: violation.value, allowed: violation.allowed,
                        reason: violation.reason))
            }
        }
        return resolved
    }

    private enum ImageOutcome {
        case success(ResolvedImage, (from: String, to: String)?)
        case failure(Violation)
    }

    private static func resolveImage(_ input: ImageInput, index: Int, rule: ImageRule, model: String) -> ImageOutcome {
        let transports = rule.transports.map(\.rawValue).joined(separator: ", ")
        switch input {
        case .url(let url):
            let scheme = url.scheme?.lowercased()
            if scheme == "data" {
                guard let (bytes, declared) = decodeDataURI(url.absoluteString) else {
                    return .failure(
                        Violation(
                            parameter: "", value: abbreviate(url.absoluteString),
                            allowed: "data:image/(jpeg|png|webp);base64,…", reason: "malformed data URI"))
                }
                let outcome = resolveBytes(
                    .bytes(bytes), head: bytes.prefix(12), declared: declared, index: index,
                    filename: nil, rule: rule, model: model)
                if case .success(let image, _) = outcome, image.transport == .multipartFile {
                    return .success(image, (from: "data-uri", to: "multipart-file"))
                }
                return outcome
            }
            if scheme == "file" { return resolveImage(.file(url), index: index, rule: rule, model: model) }
            guard scheme == "http" || scheme == "https", url.host?.isEmpty == false else {
                return .failure(
                    Violation(
                        parameter: "", value: abbreviate(url.absoluteString),
                        allowed: "an http(s) URL, a data: URI, bytes or a local file", reason: "unsupported URL scheme")
                )
            }
            guard rule.accepts(.publicURL) else {
                return .failure(
                    Violation(
                        parameter: "", value: abbreviate(url.absoluteString), allowed: transports,
                        reason: "\(model) does not fetch public URLs; pass the image as bytes or a file"))
            }
            return .success(.publicURL(url), nil)
        case .data(let bytes, let declared):
            return resolveBytes(
                .bytes(bytes), head: bytes.prefix(12), declared: declared, index: index,
                filename: nil, rule: rule, model: model)
        case .file(let url):
            let head: Data
            let size: Int64
            switch LocalImageFile.inspect(url) {
            case .success(let file): (head, size) = (file.head, file.size)
            case .failure(let problem):
                let allowed = "a readable jpeg, png or webp file"
                return .failure(Violation(parameter: "", value: url.path, allowed: allowed, reason: problem.reason))
            }
            let outcome = resolveBytes(
                .file(url, byteCount: size), head: head, declared: nil, index: index,
                filename: url.lastPathComponent, rule: rule, model: model)
            // A file inlined into the JSON body grows by a third and travels in the request itself: say so.
            if case .success(let image, _) = outcome, image.transport == .dataURI {
                return .success(image, (from: "file", to: "data-uri"))
            }
            return outcome
        }
    }

    private static func resolveBytes(
        _ payload: ImagePayload, head: Data, declared: ImageFormat?, index: Int, filename: String?,
        rule: ImageRule, model: String
    ) -> ImageOutcome {
        let what = payload.byteCount == 1 ? "1 byte" : "\(payload.byteCount) bytes"
        let formats = rule.formats.map(\.rawValue).joined(separator: ", ")
        // Only bytes that would be sent count: a model that takes public URLs only refuses the image below
        // for that reason, whatever its size.
        if payload.byteCount > rule.maximumBytes, rule.accepts(.dataURI) || rule.accepts(.multipartFile) {
            let value = (filename.map { "\($0), " } ?? "") + byteSize(payload.byteCount)
            return .failure(
                Violation(
                    parameter: "", value: value, allowed: "at most \(byteSize(rule.maximumBytes)) per image",
                    reason: "too large for \(model)"))
        }
        guard let sniffed = ImageFormat(sniffing: head) else {
            return .failure(
                Violation(
                    parameter: "", value: what + " of unknown format", allowed: formats,
                    reason: "not a jpeg, png or webp image"))
        }
        if let declared, declared != sniffed {
            return .failure(
                Violation(
                    parameter: "", value: "\(what) declared \(declared)", allowed: formats,
                    reason: "the bytes are \(sniffed), not \(declared)"))
        }
        guard rule.formats.contains(sniffed) else {
            return .failure(Violation(parameter: "", value: "\(sniffed) image", allowed: formats))
        }
        if rule.accepts(.dataURI) { return .success(.dataURI(payload, sniffed), nil) }
        if rule.accepts(.multipartFile) {
            let name = filename ?? "image-\(index + 1).\(sniffed.fileExtension)"
            return .success(.upload(payload, sniffed, filename: name), nil)
        }
        return .failure(
            Violation(
                parameter: "", value: filename.map { "file \($0)" } ?? what,
                allowed: rule.transports.map(\.rawValue).joined(separator: ", "),
                reason: "\(model) only takes public URLs; host the image and pass its https URL"))
    }

    /// Decodes `data:image/png;base64,…` into its bytes and declared format.
    static func decodeDataURI(_ text: String) -> (Data, ImageFormat?)? {
        guard text.count > 5, text.prefix(5).lowercased() == "data:", let comma = text.firstIndex(of: ",") else {
            return nil
        }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        let parameters = header.split(separator: ";").map { $0.trimmingWhitespace() }
        guard parameters.last?.lowercased() == "base64" else { return nil }
        let mime = parameters.count > 1 ? parameters[0] : ""
        let payload = text[text.index(after: comma)...]
        guard let bytes = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters), !bytes.isEmpty else {
            return nil
        }
        return (bytes, ImageFormat(mimeType: mime))
    }

    /// `1,073,741,824 bytes (1 GiB)`: exact, and readable.
    static func byteSize(_ count: Int64) -> String {
        var digits = String(count)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        let exact = digits + grouped + (count == 1 ? " byte" : " bytes")
        let units: [(Int64, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        guard let (unit, name) = units.first(where: { count >= $0.0 }) else { return exact }
        let value = Double(count) / Double(unit)
        let shown = value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
        return "\(exact) (\(shown) \(name))"
    }

    private static func abbreviate(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(60)) + "…(\(text.count) characters)"
    }
}
