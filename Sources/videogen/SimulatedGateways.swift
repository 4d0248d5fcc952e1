import Foundation
import VideoProviderKit
import VideoProviderTesting

/// `--simulate`: one in-process ``GatewaySimulator`` plays every registered provider at its base URL.
enum SimulatedGateways {
    /// What `--simulate-outcome` and `--simulate-fault` ask of the simulator.
    struct Script {
        var outcome: GatewaySimulator.Outcome = .success
        var faults: [(provider: ProviderID, fault: GatewaySimulator.Fault)] = []
        /// `--simulate-flavor`: how deployed gateways answer; `provider` nil applies to every provider whose
        /// gateway speaks the flavour's dialect.
        var flavors: [(provider: ProviderID?, flavor: GatewaySimulator.Flavor)] = []
    }

    /// `--simulate-flavor` values, in the order `videogen help` lists them.
    static let flavorNames = GatewaySimulator.Flavor.allCases.map(\.rawValue).joined(separator: ", ")

    /// Parses `FLAVOR` or `ID=FLAVOR`; a flavour named for a provider must fit that provider's dialect.
    static func flavorSpec(_ entry: String) throws(Arguments.UsageError) -> (
        provider: ProviderID?, flavor: GatewaySimulator.Flavor
    ) {
        var provider: ProviderID?
        var name = entry
        if let equals = entry.firstIndex(of: "=") {
            provider = ProviderID(String(entry[..<equals]))
            name = String(entry[entry.index(after: equals)...])
        }
        guard let flavor = GatewaySimulator.Flavor(rawValue: name.lowercased()) else {
            throw Arguments.UsageError(
                description: "--simulate-flavor takes FLAVOR or ID=FLAVOR (FLAVOR: \(flavorNames)), not '\(entry)'")
        }
        if let provider {
            guard let dialect = dialect(of: provider) else {
                throw Arguments.UsageError(
                    description:
                        "--simulate-flavor names an unknown provider '\(provider)'; known: \(Toolbox.providerList)")
            }
            if let fits = flavor.dialect, fits != dialect {
                throw Arguments.UsageError(
                    description:
                        "--simulate-flavor \(flavor) is a flavour of \(fits) gateways; \(provider) speaks \(dialect)")
            }
        }
        return (provider, flavor)
    }

    /// The dialect the simulator plays a built-in provider in, or `nil` for an unknown id.
    static func dialect(of provider: ProviderID) -> GatewaySimulator.Dialect? {
        guard Toolbox.providerIDs.contains(provider) else { return nil }
        switch provider.rawValue {
        case "aizfw", "xingchaoyiqing": return .kyyReact
        case "xai": return .xAI
        case "runway": return .runway
        case "gemini": return .gemini
        case "minimax": return .miniMax
        case "kling": return .kling
        default: return .openAIFormat
        }
    }

    /// `--simulate-outcome` values, in the order `videogen help` lists them.
    static let outcomes: [(name: String, outcome: GatewaySimulator.Outcome)] = [
        ("success", .success),
        ("failure", .failure(message: "Simulated failure: the upstream renderer gave up.", code: "simulated_failure")),
        ("moderated", .moderated),
        ("expired", .expired),
        ("cancelled", .cancelled),
    ]

    /// `--simulate-fault ID=KIND` kinds, applied to every submission to that provider.
    static func fault(_ kind: String) -> GatewaySimulator.Fault? {
        switch kind.lowercased() {
        case "refuse": return .refuseConnection
        case "html": return .htmlErrorPage(status: 502)
        case "drop": return .dropResponse(.connectionLost)
        case "timeout": return .dropResponse(.timedOut)
        case "quota": return .quotaExhausted
        default:
            guard let status = Int(kind), (400..<600).contains(status) else { return nil }
            return .httpError(status: status, message: "Simulated HTTP \(status).", code: "simulated_\(status)")
        }
    }

    static let faultKinds = "refuse, html, drop, timeout, quota or an HTTP status 400–599"

    static func make(registry: ProviderRegistry, clock: any VideoClock, script: Script) -> GatewaySimulator {
        var gateways: [GatewaySimulator.Gateway] = []
        for entry in registry.providers {
            guard let baseURL = entry.baseURL else { continue }
            var gateway = gateway(for: entry, at: baseURL)
            for (provider, flavor) in script.flavors
            where provider.map({ $0 == entry.id }) ?? (flavor.dialect.map { $0 == gateway.dialect } ?? true) {
                gateway = gateway.flavored(flavor)
            }
            // aizfw and Xingchaoyiqing share one backend: serve it once.
            if !gateways.contains(where: { $0.baseURL == gateway.baseURL }) { gateways.append(gateway) }
        }
        let simulator = GatewaySimulator(
            clock: clock, gateways: gateways, timing: .realistic, unknownTasks: .completed)
        if script.outcome != .success {
            simulator.scriptNextTasks(GatewaySimulator.TaskScript(outcome: script.outcome), count: nil)
        }
        for (provider, fault) in script.faults {
            guard let entry = registry.provider(provider), let baseURL = entry.baseURL else { continue }
            // A refused connection is the host's, so it reaches every provider on that origin; an answer
            // (an HTTP error, a dropped or late answer) is for this provider's requests only, which the
            // simulator tells apart by their key (aizfw and xingchaoyiqing share one gateway).
            let key = fault == .refuseConnection ? nil : bearerToken(of: entry)
            simulator.inject(fault, on: .submit, at: baseURL, times: nil, apiKey: key)
        }
        return simulator
    }

    /// The simulator's gateway for a provider: the documented one for the built-in providers; for a
    /// later vendor, an OpenAI-format gateway (the dialect `new-provider` scaffolds) built from its table.
    static func gateway(for entry: RegisteredProvider, at baseURL: URL) -> GatewaySimulator.Gateway {
        switch entry.provider.id.rawValue {
        case "aizfw", "xingchaoyiqing": return .kyyReactApiServer(baseURL: baseURL)
        case "octopusx": return .octopusX(baseURL: baseURL)
        case "duoyuanx": return .duoyuanx(baseURL: baseURL)
        case "xai": return .xAI(baseURL: baseURL)
        case "openai-compatible": return .openAICompatible(baseURL: baseURL)
        case "runway": return .runway(baseURL: baseURL)
        case "gemini": return .gemini(baseURL: baseURL)
        case "minimax": return .miniMax(baseURL: baseURL)
        case "kling":
            return .kling(baseURL: baseURL, credentials: entry.credentialScheme, key: entry.configuration.apiKey)
        default:
            return GatewaySimulator.Gateway(
                name: entry.descriptor.name, baseURL: baseURL, dialect: .openAIFormat,
                models: entry.descriptor.models.map(openAIRules))
        }
    }

    /// OpenAI-format rules that accept exactly what a capability table allows.
    static func openAIRules(_ model: ModelCapabilities) -> GatewaySimulator.ModelRules {
        let seconds: GatewaySimulator.SecondsRule
        switch model.duration {
        case .range(let min, let max, let value): seconds = .range(min...max, default: value)
        case .fixed(let value, _): seconds = .fixed(value, whenSent: .corrected)
        case .set(let values, let value): seconds = .oneOf(values, default: value)
        case .minimum(let min, let max, let value):
            seconds = .range(min...Swift.max(min, max ?? 60), default: value ?? min)
        }
        var transports: GatewaySimulator.ImageTransports = []
        for transport in model.images.transports {
            switch transport {
            case .publicURL: transports.insert(.publicURL)
            case .dataURI: transports.insert(.dataURI)
            case .multipartFile: transports.insert(.file)
            }
        }
        let multipart: Bool
        if case .repeatedPart = model.images.layout { multipart = true } else { multipart = false }
        return GatewaySimulator.ModelRules(
            model.model, encoding: multipart ? .multipart : .json, seconds: seconds,
            aspectRatios: model.aspectRatios.values.map(\.rawValue), allowsCustomAspectRatio: model.aspectRatios.custom,
            defaultAspectRatio: model.aspectRatios.default.rawValue,
            resolutions: model.resolutions?.values.map(\.upperCased) ?? [],
            defaultResolution: model.resolutions?.default.upperCased, maxImages: model.images.max,
            imageTransports: transports,
            imageFormats: Set(model.images.formats.compactMap { GatewaySimulator.ImageKind(rawValue: $0.rawValue) }),
            promptMaxLength: model.promptMaxLength)
    }
}
