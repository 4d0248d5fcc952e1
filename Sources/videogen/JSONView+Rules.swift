import Foundation
import VideoProviderKit

/// The parts of `capabilities --json` and the dry run's RESOLVED that issue 17 added: image roles, seed,
/// negative prompt, audio and dependent rules.
extension JSONView {
    /// `images.roles`: `[{"role":"first-frame","max":1}, …]`.
    static func roles(_ rule: ImageRule) -> [JSONBody] {
        rule.roles.map { JSONBody(["role": $0.role.rawValue, "max": $0.max]) }
    }

    /// `images.unassignedRole`: the role of an image given without one, alone and among several.
    static func unassignedRole(_ rule: ImageRule) -> JSONBody {
        JSONBody([
            "one": rule.unassignedRole.role(imageCount: 1).rawValue,
            "several": rule.unassignedRole.role(imageCount: 2).rawValue,
        ])
    }

    /// `seed`, `negativePrompt`, `audio` and `rules` of MODEL; `null` where the model takes none.
    static func requestExtras(_ model: ModelCapabilities) -> JSONBody {
        JSONBody([
            "seed": model.seed.map { JSONBody(["min": $0.min, "max": $0.max]) },
            "negativePrompt": model.negativePrompt.map { JSONBody(["maxLength": $0.maxLength]) },
            "audio": model.audio.map { JSONBody(["default": $0.default, "switchable": $0.switchable]) },
            "rules": model.rules.map(rule),
        ])
    }

    /// One RULE: `{"when":{"resolutions":["1080p"]},"then":{"seconds":[8]},"note":…,"summary":…}`, each
    /// side with only the fields the rule sets.
    static func rule(_ rule: CapabilityRule) -> JSONBody {
        var when = JSONBody()
        when["seconds"] = rule.when.seconds?.jsonValue
        when["resolutions"] = rule.when.resolutions?.map(\.rawValue).jsonValue
        when["aspectRatios"] = rule.when.aspectRatios?.map(\.rawValue).jsonValue
        when["modes"] = rule.when.modes?.map(\.rawValue).jsonValue
        when["imageRoles"] = rule.when.imageRoles?.map(\.rawValue).jsonValue
        when["audio"] = rule.when.audio?.jsonValue
        var then = JSONBody()
        then["seconds"] = rule.then.seconds?.jsonValue
        then["maxSeconds"] = rule.then.maxSeconds?.jsonValue
        then["resolutions"] = rule.then.resolutions?.map(\.rawValue).jsonValue
        then["aspectRatios"] = rule.then.aspectRatios?.map(\.rawValue).jsonValue
        then["aspectRatioFollowsImage"] = rule.then.aspectRatioFollowsImage?.jsonValue
        then["audio"] = rule.then.audio?.jsonValue
        then["excludedImageRoles"] = rule.then.excludedImageRoles?.map(\.rawValue).jsonValue
        then["requiredImageRoles"] = rule.then.requiredImageRoles?.map(\.rawValue).jsonValue
        return JSONBody(["when": when, "then": then, "note": rule.note, "summary": rule.summary])
    }

    /// The RESOLVED members issue 17 added, only those that apply, so a Grok request's object keeps its shape.
    static func resolvedExtras(_ resolved: ResolvedVideoRequest) -> JSONBody {
        var extras = JSONBody()
        if !resolved.images.isEmpty {
            extras["imageRoles"] = resolved.imageRoles.map(\.rawValue).jsonValue
            extras["mode"] = resolved.mode.rawValue.jsonValue
        }
        if !resolved.sendsAspectRatio { extras["sendsAspectRatio"] = false.jsonValue }
        extras["seed"] = resolved.seed?.jsonValue
        extras["negativePrompt"] = resolved.negativePrompt?.jsonValue
        extras["audio"] = resolved.audio?.jsonValue
        return extras
    }
}

extension Render {
    /// The image roles as text: `first-frame ≤ 1, reference ≤ 7; without a role: first-frame (one image),
    /// reference (several)`.
    static func rolesText(_ rule: ImageRule) -> String {
        guard rule.max > 0 else { return "none" }
        return rule.roles.map { "\($0.role) ≤ \($0.max)" }.joined(separator: ", ")
            + "; without a role: \(rule.unassignedRole.summary)"
    }

    /// Seed, negative prompt and audio as text: `seed 0–4294967295; negative prompt ≤ 1000; audio on
    /// (switchable)`, or `—`.
    static func extrasText(_ model: ModelCapabilities) -> String {
        var parts: [String] = []
        if let seed = model.seed { parts.append("seed \(seed.summary)") }
        if let negative = model.negativePrompt { parts.append("negative prompt ≤ \(negative.maxLength)") }
        if let audio = model.audio {
            parts.append("audio " + (audio.default ? "on" : "off") + (audio.switchable ? " (switchable)" : " (always)"))
        }
        return parts.isEmpty ? "—" : parts.joined(separator: "; ")
    }

    /// The RESOLVED lines issue 17 added, only those that apply.
    static func resolvedExtrasText(_ resolved: ResolvedVideoRequest) -> [String] {
        var lines: [String] = []
        if !resolved.images.isEmpty {
            lines.append(
                "  image roles:  " + resolved.imageRoles.map(\.rawValue).joined(separator: ", ") + " (\(resolved.mode))"
            )
        }
        if !resolved.sendsAspectRatio { lines.append("  aspect ratio is not sent: it follows the image") }
        if let seed = resolved.seed { lines.append("  seed:         \(seed)") }
        if let negative = resolved.negativePrompt { lines.append("  negative:     \(negative)") }
        if let audio = resolved.audio { lines.append("  audio:        " + (audio ? "on" : "off")) }
        return lines
    }
}

extension Render {
    /// The matrix's list under each table: per model, its image roles, its seed / negative prompt / audio,
    /// and its dependent rules (a list, not more columns, so every table keeps its eight).
    static func requestRulesMarkdown(_ models: [ModelCapabilities]) -> [String] {
        models.map { model in
            let rules = model.rules.isEmpty ? "none" : model.rules.map(\.summary).joined(separator: "; ")
            return "- `\(model.model)`: image roles \(rolesText(model.images)). Seed, negative prompt, audio: "
                + "\(extrasText(model)). Rules: \(rules)."
        }
    }
}
