import Foundation
import VideoProviderKit

/// The request options issue 17 added: image roles, seed, negative prompt, audio, per-provider options.
extension GenerateCommand {
    /// The image options, with their roles, in the order they were given (`images[i]` counts in that order).
    static let imageOptions: [(name: String, role: ImageRole?)] = [
        ("image", nil), ("first-frame", .firstFrame), ("last-frame", .lastFrame), ("reference-image", .reference),
    ]

    /// Adds the images, seed, negative prompt, audio and provider options the options give to `request`.
    static func addExtras(_ args: Arguments, to request: inout VideoRequest) throws(Arguments.UsageError) {
        request.images = []
        for (name, value) in args.ordered {
            guard let option = imageOptions.first(where: { $0.name == name }) else { continue }
            request.addImage(try image(value, option: name), role: option.role)
        }
        if let seed = args.value("seed") {
            // The parser checked it is a whole number; the model's table judges the range.
            request.seed = Int(seed)
        }
        request.negativePrompt = args.value("negative-prompt")
        if args.flag("audio") { request.audio = true }
        if args.flag("no-audio") { request.audio = false }
        // A `--register` id is a provider like any other, so its options are keyed by that id.
        let known = Toolbox.providerIDs + (try Toolbox.registrations(args.all("register"))).map(\.id)
        for text in args.all("provider-option") {
            let (id, key, value) = try providerOption(text, known: known)
            request.providerOptions[id, default: [:]][key] = value
        }
    }

    /// `ID.KEY=JSON`: the value is JSON when it parses as JSON, else the text as a string (so `mode=pro`
    /// needs no quotes).
    static func providerOption(
        _ text: String, known: [ProviderID]
    ) throws(Arguments.UsageError) -> (ProviderID, String, JSONValue) {
        guard let dot = text.firstIndex(of: "."), let equals = text[dot...].firstIndex(of: "="),
            text.index(after: dot) < equals, dot > text.startIndex
        else {
            throw Arguments.UsageError(
                description: "--provider-option must be ID.KEY=JSON (like kling.mode=\"pro\"), not '\(text)'")
        }
        let id = ProviderID(String(text[..<dot]))
        guard known.contains(id) else {
            throw Arguments.UsageError(
                description:
                    "--provider-option names an unknown provider '\(id)'; known: \(known.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let key = String(text[text.index(after: dot)..<equals])
        let raw = String(text[text.index(after: equals)...])
        let value = (try? JSONValue.parse(Data(raw.utf8))) ?? .string(raw)
        return (id, key, value)
    }
}
