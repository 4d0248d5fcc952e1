import Foundation

/// The canonical model families, defined once, in data.
///
/// Gateways spell the same upstream model differently: `grok_video3` on the kyyReactApiServer gateways is
/// `grok-video-3` on the OpenAI-format ones. A family's canonical name is the hyphenated spelling; every
/// member is an alias of every other. Model names not listed here only match themselves.
public enum ModelAliases {
    /// Canonical name → every spelling of it (the canonical one included).
    public static let families: [String: [String]] = [
        "grok-video-3": ["grok-video-3", "grok_video3"],
        "grok-video-3-pro": ["grok-video-3-pro", "grok_video3_pro"],
        "grok-video-3-max": ["grok-video-3-max", "grok_video3_max"],
        "grok-video-3-stable": ["grok-video-3-stable", "grok_video3_stable"],
    ]

    private static let canonicalBySpelling: [String: String] = {
        var table: [String: String] = [:]
        for (canonical, spellings) in families {
            for spelling in spellings { table[normalize(spelling)] = canonical }
        }
        return table
    }()

    /// The family's canonical name for `model`, or `model` itself (lower-cased, trimmed) when it
    /// belongs to no family.
    public static func canonicalName(for model: String) -> String {
        let key = normalize(model)
        return canonicalBySpelling[key] ?? key
    }

    /// Every other spelling of `model`'s family, excluding `model` itself.
    public static func aliases(of model: String) -> [String] {
        let canonical = canonicalName(for: model)
        // Names compare case-insensitively and trimmed everywhere; "itself" does too.
        let spelling = normalize(model)
        return (families[canonical] ?? []).filter { normalize($0) != spelling }.sorted()
    }

    /// Whether two names denote the same model.
    public static func areEquivalent(_ lhs: String, _ rhs: String) -> Bool {
        canonicalName(for: lhs) == canonicalName(for: rhs)
    }

    private static func normalize(_ model: String) -> String {
        model.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
