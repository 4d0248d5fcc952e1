/// Applies a model's ``CapabilityRule``s to the values the rest of validation settled on.
extension RequestValidator {
    /// The values rules look at and may move, each with whether the caller chose it.
    struct RuleFacts {
        var seconds: Int?
        var secondsChosen: Bool
        var resolution: Resolution?
        var resolutionChosen: Bool
        var aspectRatio: AspectRatio
        var aspectRatioChosen: Bool
        var sendsAspectRatio = true
        var audio: Bool?
        var audioChosen: Bool
        let roles: [ImageRole]
    }

    /// Checks the rules in table order, and again while a pass moved a value: a rule that moves a value can
    /// make an earlier rule apply (a ratio moved to one that needs 1080p, then 1080p needing 8 s). A value the
    /// caller did not choose moves to the nearest one the rule allows (with a warning); a chosen one moves
    /// only under ``ValidationPolicy/adjustToNearest``, else it is a violation naming the rule. Images are
    /// never changed. Passes are bounded by the number of rules, so rules that move values back and forth
    /// end with the last pass's values (and its violations).
    static func applyRules(
        _ capabilities: ModelCapabilities, _ facts: inout RuleFacts, _ policy: ValidationPolicy,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) {
        // Rules see the violations found before them (a ratio the model's list refused is not refused again).
        var found = violations
        for _ in 0...capabilities.rules.count {
            let movesBefore = warnings.count
            let sentRatioBefore = facts.sendsAspectRatio
            applyRulesOnce(capabilities, &facts, policy, &found, &warnings)
            if warnings.count == movesBefore && facts.sendsAspectRatio == sentRatioBefore { break }
        }
        // A refusal that stays refused is reported once, however many passes saw it.
        violations = []
        for violation in found where !violations.contains(violation) { violations.append(violation) }
    }

    private static func applyRulesOnce(
        _ capabilities: ModelCapabilities, _ facts: inout RuleFacts, _ policy: ValidationPolicy,
        _ violations: inout [Violation], _ warnings: inout [ValidationWarning]
    ) {
        let model = capabilities.model
        for rule in capabilities.rules where matches(rule.when, facts) {
            let condition = "when \(rule.when.summary)"
            func refuse(_ parameter: String, _ value: String, _ allowed: String) {
                violations.append(
                    Violation(
                        parameter: parameter, value: value, allowed: "\(allowed) \(condition)",
                        reason: rule.note ?? "\(model) allows only \(allowed) \(condition)"))
            }
            func moved(_ parameter: String, _ from: String, _ to: String, chosen: Bool) {
                let what = chosen ? "\(parameter) \(from)" : "\(parameter) \(from) (the default)"
                warnings.append(
                    ValidationWarning(
                        kind: .adjusted, parameter: parameter, requested: from, applied: to,
                        message: "\(what) adjusted to \(to): \(model) allows only \(rule.then.summary) \(condition)."))
            }
            let then = rule.then
            if let seconds = facts.seconds, then.seconds != nil || then.maxSeconds != nil {
                let fits = { (value: Int) in
                    (then.seconds?.contains(value) ?? true) && value <= (then.maxSeconds ?? Int.max)
                        && capabilities.duration.allows(value)
                }
                if !fits(seconds) {
                    let candidates =
                        then.seconds?.filter(fits)
                        ?? longestAllowed(capabilities.duration, atMost: then.maxSeconds ?? seconds).map { [$0] } ?? []
                    let nearest = candidates.min { lhs, rhs in
                        let (dl, dr) = (abs(lhs - seconds), abs(rhs - seconds))
                        return dl != dr ? dl < dr : lhs < rhs
                    }
                    let allowed =
                        then.seconds.map { "seconds " + $0.map(String.init).joined(separator: "/") }
                        ?? "at most \(then.maxSeconds!) s"
                    if let nearest, !facts.secondsChosen || policy == .adjustToNearest {
                        moved("seconds", "\(seconds)", "\(nearest)", chosen: facts.secondsChosen)
                        facts.seconds = nearest
                    } else {
                        refuse("seconds", "\(seconds)", allowed)
                        facts.seconds = nil
                    }
                }
            }
            if let allowedResolutions = then.resolutions, let resolution = facts.resolution,
                !allowedResolutions.contains(resolution)
            {
                let candidates = allowedResolutions.filter { capabilities.resolutions?.values.contains($0) ?? false }
                let allowed = "resolution " + allowedResolutions.map(\.rawValue).joined(separator: "/")
                if !candidates.isEmpty, !facts.resolutionChosen || policy == .adjustToNearest {
                    let nearest = ResolutionRule(values: candidates, default: candidates[0]).nearest(to: resolution)
                    moved("resolution", resolution.rawValue, nearest.rawValue, chosen: facts.resolutionChosen)
                    facts.resolution = nearest
                } else {
                    refuse("resolution", resolution.rawValue, allowed)
                    facts.resolution = nil
                }
            }
            if let allowedRatios = then.aspectRatios, facts.sendsAspectRatio, !allowedRatios.contains(facts.aspectRatio)
            {
                let ratio = facts.aspectRatio
                let candidates = allowedRatios.filter { capabilities.aspectRatios.allows($0) }
                if !candidates.isEmpty, !facts.aspectRatioChosen || policy == .adjustToNearest {
                    let nearest = AspectRatioRule(values: candidates, default: candidates[0]).nearestPreset(to: ratio)
                    moved("aspect-ratio", ratio.rawValue, nearest.rawValue, chosen: facts.aspectRatioChosen)
                    facts.aspectRatio = nearest
                } else {
                    refuse(
                        "aspect-ratio", ratio.rawValue,
                        "aspect ratio " + allowedRatios.map(\.rawValue).joined(separator: "/"))
                }
            }
            if then.aspectRatioFollowsImage == true, facts.sendsAspectRatio {
                facts.sendsAspectRatio = false
                if facts.aspectRatioChosen {
                    if policy == .adjustToNearest {
                        warnings.append(
                            ValidationWarning(
                                kind: .ignored, parameter: "aspect-ratio", requested: facts.aspectRatio.rawValue,
                                applied: nil,
                                message: "aspect ratio \(facts.aspectRatio) ignored: on \(model) the ratio follows "
                                    + "the image \(condition)."))
                    } else if !violations.contains(where: { $0.parameter == "aspect-ratio" }) {
                        // A ratio the model's list already refused is named once.
                        refuse("aspect-ratio", facts.aspectRatio.rawValue, "none (the ratio follows the image)")
                    }
                }
            }
            if let required = then.audio, let audio = facts.audio, audio != required {
                if !facts.audioChosen || policy == .adjustToNearest {
                    moved("audio", "\(audio)", "\(required)", chosen: facts.audioChosen)
                    facts.audio = required
                } else {
                    refuse("audio", "\(audio)", "audio \(required)")
                }
            }
            for role in then.excludedImageRoles ?? [] {
                for (index, given) in facts.roles.enumerated() where given == role {
                    refuse("images[\(index)]", "role \(role)", "no \(role) image")
                }
            }
            for role in then.requiredImageRoles ?? [] where !facts.roles.contains(role) {
                refuse("images", "no \(role) image", "a \(role) image")
            }
        }
    }

    private static func matches(_ condition: CapabilityRule.Condition, _ facts: RuleFacts) -> Bool {
        if let seconds = condition.seconds, !(facts.seconds.map(seconds.contains) ?? false) { return false }
        if let resolutions = condition.resolutions, !(facts.resolution.map(resolutions.contains) ?? false) {
            return false
        }
        if let ratios = condition.aspectRatios, !facts.sendsAspectRatio || !ratios.contains(facts.aspectRatio) {
            return false
        }
        if let modes = condition.modes, !modes.contains(GenerationMode(roles: facts.roles)) { return false }
        if let roles = condition.imageRoles, !facts.roles.contains(where: roles.contains) { return false }
        if let audio = condition.audio, facts.audio != audio { return false }
        return true
    }
}
