import Foundation

/// The canonical model families, defined once, in data.
///
/// Gateways spell the same upstream model differently: `grok_video3` on the kyyReactApiServer gateways is
/// `grok-video-3` on the OpenAI-format ones. A family's canonical name is the hyphenated spelling; every
/// member is an alias of every other. Beyond the families, names compare ignoring case, surrounding
/// spaces and the separators `-` and `_` (`grok_imagine_video` is `grok-imagine-video`, `grok-video3` is
/// `grok-video-3`): gateways differ in exactly these, never in a way that makes two such names different
/// models.
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
            for spelling in spellings { table[matchKey(spelling)] = canonical }
        }
        return table
    }()

    /// The family's canonical name for `model`, or `model` itself (lower-cased, trimmed, `_` written as
    /// `-`) when it belongs to no family.
    public static func canonicalName(for model: String) -> String {
        canonicalBySpelling[matchKey(model)] ?? normalize(model).replacingOccurrences(of: "_", with: "-")
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
        matchKey(lhs) == matchKey(rhs) || canonicalName(for: lhs) == canonicalName(for: rhs)
    }

    private static func normalize(_ model: String) -> String {
        model.trimmingWhitespaceAndNewlines().lowercased()
    }

    /// What two spellings of one model share: no case, no surrounding spaces, no `-` or `_`.
    private static func matchKey(_ model: String) -> String {
        String(normalize(model).unicodeScalars.filter { $0 != "-" && $0 != "_" }.map(Character.init))
    }
}
