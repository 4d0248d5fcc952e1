import Foundation

/// Models of different vendors that an app treats as one, so a request can fall back across vendors.
///
/// The built-in families are spellings of one Grok model (``ModelAliases``). An app can declare its own:
/// a name of its choosing and, for each registration, the native model that serves it. A request for the
/// family's name then goes to each member in the registry's order (or the order set with
/// ``ProviderRegistry/setFallbackOrder(_:for:)`` for that name), checked against each member's own
/// capability table; a request naming a member's native model still goes only where that model is.
public struct ModelFamily: Sendable, Hashable {
    /// What requests call the family (compared like model names: case, `-` and `_` do not matter).
    public var name: String
    /// Registration id → the native model that serves the family there.
    public var members: [ProviderID: String]

    public init(name: String, members: [ProviderID: String]) {
        self.name = name
        self.members = members
    }
}

extension ProviderRegistry {
    /// Registers `family`, replacing an app family of the same name.
    ///
    /// Throws ``VideoProviderError/Kind/configuration`` for an empty name or member model, no members, a
    /// name with `:` (that is the `provider:model` pin), or a name of a built-in Grok family (whose members
    /// are fixed). Members need not be registered yet: a member that is not registered is not a candidate.
    public mutating func registerFamily(_ family: ModelFamily) throws(VideoProviderError) {
        let name = family.name.trimmingWhitespaceAndNewlines()
        func refuse(_ message: String, _ value: String, _ allowed: String) -> VideoProviderError {
            VideoProviderError(
                .configuration, message,
                violations: [Violation(parameter: "model-family", value: "\"\(value)\"", allowed: allowed)])
        }
        guard !name.isEmpty, !name.contains(":") else {
            throw refuse("A model family needs a name without ':'.", family.name, "a model name without ':'")
        }
        guard ModelAliases.families[ModelAliases.canonicalName(for: name)] == nil else {
            throw refuse(
                "'\(name)' is a built-in model family; choose another name.", name, "a name that is not built in")
        }
        guard !family.members.isEmpty,
            family.members.values.allSatisfy({ !$0.trimmingWhitespaceAndNewlines().isEmpty })
        else {
            throw refuse(
                "Model family '\(name)' needs at least one member, each naming a model.", name,
                "members mapping registration ids to model names")
        }
        var stored = family
        stored.name = name
        stored.members = family.members.mapValues { $0.trimmingWhitespaceAndNewlines() }
        appFamilies[ModelAliases.canonicalName(for: name)] = stored
    }

    /// Forgets the app family called `name`.
    public mutating func removeFamily(named name: String) {
        appFamilies[ModelAliases.canonicalName(for: name)] = nil
    }

    /// The app family called `name` (any spelling), if one is registered.
    public func family(named name: String) -> ModelFamily? {
        appFamilies[ModelAliases.canonicalName(for: name)]
    }

    /// The app's families, by name.
    public var families: [ModelFamily] { appFamilies.values.sorted { $0.name < $1.name } }

    /// What `entry` runs for the model string `name`: the member of an app family of that name, else its
    /// own model of that name (or alias).
    func modelCapabilities(for name: String, on entry: RegisteredProvider) -> ModelCapabilities? {
        if let family = family(named: name) {
            return family.members[entry.id].flatMap { entry.descriptor.capabilities(for: $0) }
        }
        return entry.descriptor.capabilities(for: name)
    }
}
