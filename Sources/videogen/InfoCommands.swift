import Foundation
import VideoProviderKit

/// `providers` and `capabilities`: what is available, without sending anything.
enum InfoCommands {
    static func providers(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch {
            return VideoGen.report(error, json: args.flag("json"), console: console)
        }
        if args.flag("json") {
            console.out(JSONView.providers(registry).text)
            return .success
        }
        for entry in registry.providers {
            let key = entry.configuration.apiKey == nil ? "not set" : "set"
            console.out("\(entry.id)  \(entry.descriptor.name)")
            console.out("  base URL: \(entry.baseURL?.absoluteString ?? "none (use --base-url \(entry.id)=URL)")")
            if entry.configuration.baseURL != nil {
                console.out("            (set with --base-url)")
            } else if let source = entry.descriptor.baseURLSource, entry.baseURL != nil {
                console.out("            (documented: \(source))")
            }
            console.out("  API key:  \(entry.id.apiKeyEnvironmentVariable) (\(key))")
            console.out("  models:   " + entry.descriptor.models.map(\.model).joined(separator: ", "))
        }
        return .success
    }

    static func capabilities(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch {
            return VideoGen.report(error, json: args.flag("json"), console: console)
        }
        var providers = registry.providers
        if let id = args.value("provider") {
            guard let entry = registry.provider(ProviderID(id)) else {
                throw Arguments.UsageError(description: "unknown provider '\(id)'; known: \(Toolbox.providerList)")
            }
            providers = [entry]
        }
        let model = args.value("model")
        if let model {
            providers = providers.filter { !Render.models(of: $0, matching: model).isEmpty }
            guard !providers.isEmpty else {
                throw Arguments.UsageError(description: "no provider offers a model named '\(model)'")
            }
        }
        if args.flag("json") {
            console.out(JSONView.capabilities(providers, model: model).text)
        } else if args.flag("markdown") {
            console.out(Render.capabilitiesMarkdown(providers, model: model))
        } else {
            for entry in providers {
                console.out("\(entry.descriptor.name) (\(entry.id))")
                for capabilities in Render.models(of: entry, matching: model) {
                    console.out("  \(capabilities.model)")
                    console.out("    duration:      \(Render.durationText(capabilities.duration))")
                    console.out(
                        "    aspect ratios: " + capabilities.aspectRatios.values.map(\.rawValue).joined(separator: ", ")
                            + (capabilities.aspectRatios.custom ? ", custom W:H" : "")
                            + " (default \(capabilities.aspectRatios.default))")
                    console.out(
                        "    resolutions:   "
                            + (capabilities.resolutions.map {
                                $0.values.map(\.rawValue).joined(separator: ", ") + " (default \($0.default))"
                            } ?? "not configurable"))
                    console.out(
                        "    images:        "
                            + Render.imagesText(capabilities.images).replacingOccurrences(of: "`", with: ""))
                    console.out("    prompt:        ≤ \(capabilities.promptMaxLength) characters")
                    console.out("    billing:       \(capabilities.billing)")
                    for note in capabilities.assumptions { console.out("    assumed:       \(note)") }
                }
            }
        }
        return .success
    }
}
