/// Image roles, seed, negative prompt, audio and per-provider options: the parts of a request that not
/// every model takes, each refused by name where the table does not list it.
extension RequestValidator {
    /// Each image's role: its own, or the table's for images without one. Refuses a role the model does not
    /// take, more images of a role than it takes, and a role given for an image that does not exist.
    static func resolveRoles(
        _ request: VideoRequest, _ rule: ImageRule, _ model: String, _ violations: inout [Violation]
    ) -> [ImageRole] {
        let count = request.images.count
        for index in request.imageRoles.keys.sorted() where !(0..<count).contains(index) {
            violations.append(
                Violation(
                    parameter: "image-roles[\(index)]", value: request.imageRoles[index]!.rawValue,
                    allowed: count == 0 ? "no roles (the request has no images)" : "an index of images, 0–\(count - 1)",
                    reason: "there is no images[\(index)]"))
        }
        let unassigned = rule.unassignedRole.role(imageCount: count)
        let roles = (0..<count).map { request.imageRoles[$0] ?? unassigned }
        // A text-only model already refuses the images as a whole.
        guard rule.max > 0 else { return roles }
        let allowed = rule.roles.filter { $0.max > 0 }.map { "\($0.role) (at most \($0.max))" }.joined(separator: ", ")
        var seen: [ImageRole: Int] = [:]
        for (index, role) in roles.enumerated() {
            let number = (seen[role] ?? 0) + 1
            seen[role] = number
            let maximum = rule.maximum(of: role)
            let given = request.imageRoles[index] == nil ? "\(role) (the role of an image without one)" : "\(role)"
            if maximum == 0 {
                violations.append(
                    Violation(
                        parameter: "images[\(index)]", value: "role " + given, allowed: allowed,
                        reason: "\(model) takes no \(role) image"))
            } else if number > maximum, count <= rule.max {
                // (Beyond the total the images as a whole are refused already; one violation says it.)
                violations.append(
                    Violation(
                        parameter: "images[\(index)]", value: "role " + given + ", image \(number) of that role",
                        allowed: "at most \(maximum) \(role) image" + (maximum == 1 ? "" : "s"),
                        reason: "too many \(role) images for \(model)"))
            }
        }
        return roles
    }

    /// The seed, negative prompt and audio to send. A value the model does not take is a violation, or under
    /// ``ValidationPolicy/adjustToNearest`` left out with a warning; a value outside the model's range is
    /// always a violation, since no nearby seed or shorter negative prompt means the same thing.
    static func resolveExtras(
        _ request: VideoRequest, _ capabilities: ModelCapabilities, _ policy: ValidationPolicy,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) -> (seed: Int?, negativePrompt: String?, audio: Bool?) {
        let model = capabilities.model
        func unsupported(_ parameter: String, _ value: String, _ lack: String) {
            if policy == .adjustToNearest {
                warnings.append(
                    ValidationWarning(
                        kind: .ignored, parameter: parameter, requested: value, applied: nil,
                        message: "\(parameter) \(value) ignored: \(model) \(lack)."))
            } else {
                violations.append(
                    Violation(
                        parameter: parameter, value: value, allowed: "none", reason: "\(model) \(lack)"))
            }
        }
        var seed: Int?
        if let requested = request.seed {
            if let rule = capabilities.seed {
                if (rule.min...rule.max).contains(requested) {
                    seed = requested
                } else {
                    violations.append(Violation(parameter: "seed", value: "\(requested)", allowed: rule.summary))
                }
            } else {
                unsupported("seed", "\(requested)", "does not take a seed")
            }
        }
        var negativePrompt: String?
        if let requested = request.negativePrompt {
            if let rule = capabilities.negativePrompt {
                if let violation = textViolation(
                    requested, parameter: "negative-prompt", name: "negative prompt", maxLength: rule.maxLength)
                {
                    violations.append(violation)
                } else {
                    negativePrompt = requested
                }
            } else {
                unsupported(
                    "negative-prompt", "\(requested.unicodeScalars.count) characters", "does not take a negative prompt"
                )
            }
        }
        var audio: Bool?
        if let rule = capabilities.audio {
            audio = rule.default
            if let requested = request.audio {
                if rule.allowedValues.contains(requested) {
                    audio = requested
                } else if policy == .adjustToNearest {
                    warnings.append(
                        ValidationWarning(
                            kind: .adjusted, parameter: "audio", requested: "\(requested)", applied: "\(rule.default)",
                            message: "audio \(requested) adjusted to \(rule.default): \(model) always has "
                                + (rule.default ? "sound." : "no sound.")))
                } else {
                    violations.append(
                        Violation(
                            parameter: "audio", value: "\(requested)", allowed: "\(rule.default)",
                            reason: "\(model) always has " + (rule.default ? "sound" : "no sound")))
                }
            }
        } else if let requested = request.audio {
            unsupported("audio", "\(requested)", "has no audio switch")
        }
        return (seed, negativePrompt, audio)
    }

    /// The vendor options for `provider` (``VideoRequest/options(for:)``), refusing a field the library sets
    /// itself wherever it comes from. A provider's keyed options are checked only for that provider, so
    /// one candidate's bad option does not stop another.
    static func resolveOptions(
        _ request: VideoRequest, providerID: ProviderID?, reserved: Set<String>, _ violations: inout [Violation]
    ) -> [String: JSONValue] {
        let options = request.options(for: providerID)
        let keyed = providerID.flatMap { request.providerOptions[$0] } ?? [:]
        for key in options.keys.sorted() where reserved.contains(key) {
            let parameter = keyed[key] != nil ? "provider-options.\(providerID!).\(key)" : "vendor-options.\(key)"
            violations.append(
                Violation(
                    parameter: parameter, value: options[key]!.description,
                    allowed: "any field but " + reserved.sorted().joined(separator: ", "),
                    reason: "the library sets '\(key)' itself; use the typed parameter"))
        }
        return options
    }
}
