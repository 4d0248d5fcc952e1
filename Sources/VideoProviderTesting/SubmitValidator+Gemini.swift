import Foundation
import VideoProviderKit

// The Gemini API's `predictLongRunning` body for Veo, read as Google's Veo guide describes it: `instances[0]`
// with `prompt`, `image`, `lastFrame`, `referenceImages`; `parameters` with `aspectRatio`, `durationSeconds`,
// `resolution`, `negativePrompt`, `seed`, `personGeneration`. Images are `{"bytesBase64Encoded", "mimeType"}`.
// Refusals are 400 `INVALID_ARGUMENT`; the wording of unsupported fields is Google's ("`X` isn't supported by
// this model.", live probes), the wording of the rule refusals is the simulator's own (Google states the rules,
// not the messages).

extension SubmitValidator {
    static func geminiInvalid(_ message: String) -> Rejection {
        Rejection(message: message, code: "INVALID_ARGUMENT")
    }

    /// A body for `model` (from the path; `nil` when the path names none) at a Gemini API gateway.
    static func gemini(
        _ json: [String: JSONValue], model: String?, gateway: Gateway
    ) throws(Rejection) -> AcceptedSubmission {
        guard let model, let rules = gateway.rules(for: model) else {
            throw Rejection(
                status: 404,
                message:
                    "models/\(model ?? "") is not found for API version v1beta, or is not supported for "
                    + "predictLongRunning. Call ListModels to see the list of available models and their supported methods.",
                code: "NOT_FOUND")
        }
        for name in json.keys.sorted() where name != "instances" && name != "parameters" {
            throw geminiInvalid("Invalid JSON payload received. Unknown name \"\(name)\": Cannot find field.")
        }
        guard case .array(let instances)? = json["instances"], instances.count == 1,
            case .object(let instance) = instances[0]
        else { throw geminiInvalid("'instances' must hold exactly one instance object.") }
        for name in instance.keys.sorted()
        where !["prompt", "image", "lastFrame", "referenceImages"].contains(name) {
            throw geminiInvalid("`\(name)` isn't supported by this model.")
        }
        let prompt = try geminiPrompt(instance["prompt"], rules: rules)
        let veo31 = GeminiWire.veo31.contains(model)
        var images = 0
        if let image = instance["image"] {
            try geminiImage(image, rules: rules, field: "instances[0].image")
            images += 1
        }
        if let lastFrame = instance["lastFrame"] {
            guard veo31 else { throw geminiInvalid("`lastFrame` isn't supported by this model.") }
            guard instance["image"] != nil else {
                throw geminiInvalid("'lastFrame' must be used in combination with 'image'.")
            }
            try geminiImage(lastFrame, rules: rules, field: "instances[0].lastFrame")
            images += 1
        }
        var references = 0
        if let value = instance["referenceImages"] {
            guard veo31 else { throw geminiInvalid("`referenceImages` isn't supported by this model.") }
            references = try geminiReferences(value, rules: rules)
            guard images == 0 else {
                throw geminiInvalid("'referenceImages' cannot be combined with 'image' or 'lastFrame'.")
            }
            images = references
        }
        let parameters = try geminiParameters(json["parameters"])
        let requested = try geminiDuration(parameters["durationSeconds"])
        let seconds = try SubmitValidator.seconds(requested, rules: rules, field: "durationSeconds")
        let ratio = try geminiChoice(
            parameters["aspectRatio"], "aspectRatio", rules.aspectRatios, default: rules.defaultAspectRatio)
        let resolution = try geminiChoice(
            parameters["resolution"], "resolution", rules.resolutions, default: rules.defaultResolution ?? "720p")
        if let negative = parameters["negativePrompt"] {
            guard case .string = negative else { throw geminiInvalid("'negativePrompt' must be a string.") }
        }
        if let seed = parameters["seed"] {
            guard let value = integer(seed), (0...4_294_967_295).contains(value) else {
                throw geminiInvalid("'seed' must be an integer from 0 to 4294967295.")
            }
        }
        if let person = parameters["personGeneration"] {
            guard case .string(let text) = person, ["allow_all", "allow_adult", "dont_allow"].contains(text) else {
                throw geminiInvalid("'personGeneration' must be \"allow_all\", \"allow_adult\" or \"dont_allow\".")
            }
        }
        // "1080p (only supports 8s duration)"; Veo 3: "1080p (16:9 only)"; "Must be "8" when using … interpolation
        // … and when using referenceImages (only supports 16:9)".
        if resolution == "1080p", seconds != 8 {
            throw geminiInvalid("1080p only supports 8s duration; durationSeconds is \(seconds).")
        }
        if resolution == "1080p", !veo31, ratio != "16:9" {
            throw geminiInvalid("1080p on \(model) only supports 16:9; aspectRatio is \(ratio).")
        }
        if instance["lastFrame"] != nil, seconds != 8 {
            throw geminiInvalid("durationSeconds must be 8 when using lastFrame; it is \(seconds).")
        }
        if references > 0, seconds != 8 || ratio != "16:9" {
            throw geminiInvalid("referenceImages need durationSeconds 8 and aspectRatio 16:9.")
        }
        return AcceptedSubmission(
            model: model, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: ratio,
            resolution: resolution, imageCount: images)
    }

    private static func geminiPrompt(_ value: JSONValue?, rules: ModelRules) throws(Rejection) -> String {
        guard case .string(let text)? = value, !text.trimmingWhitespaceAndNewlines().isEmpty else {
            throw geminiInvalid("'prompt' is required and must be a non-empty string.")
        }
        guard text.unicodeScalars.count <= rules.promptMaxLength else {
            throw geminiInvalid("The prompt is longer than the model's input limit of \(rules.promptMaxLength).")
        }
        return text
    }

    /// `{"bytesBase64Encoded": "<base64>", "mimeType": "image/…"}`: real image bytes of the type named.
    private static func geminiImage(_ value: JSONValue, rules: ModelRules, field: String) throws(Rejection) {
        guard case .object(let image) = value else { throw geminiInvalid("'\(field)' must be an Image object.") }
        if image["inlineData"] != nil { throw geminiInvalid("`inlineData` isn't supported by this model.") }
        if image["gcsUri"] != nil { throw geminiInvalid("`gcsUri` isn't supported by this model.") }
        guard case .string(let encoded)? = image["bytesBase64Encoded"], let bytes = Data(base64Encoded: encoded) else {
            throw geminiInvalid("'\(field).bytesBase64Encoded' must be base64 image bytes.")
        }
        guard case .string(let mimeType)? = image["mimeType"] else {
            throw geminiInvalid("'\(field).mimeType' is required.")
        }
        try imageBytes(bytes, declared: mimeType, rules: rules, field: field)
    }

    private static func geminiReferences(_ value: JSONValue, rules: ModelRules) throws(Rejection) -> Int {
        guard case .array(let items) = value, !items.isEmpty, items.count <= rules.maxImages else {
            throw geminiInvalid("'referenceImages' takes one to \(rules.maxImages) images.")
        }
        for (index, item) in items.enumerated() {
            guard case .object(let reference) = item, let image = reference["image"] else {
                throw geminiInvalid("'referenceImages[\(index)]' must be {\"image\": …, \"referenceType\": \"asset\"}.")
            }
            guard reference["referenceType"] == .string("asset") else {
                throw geminiInvalid("'referenceImages[\(index)].referenceType' must be \"asset\".")
            }
            try geminiImage(image, rules: rules, field: "referenceImages[\(index)].image")
        }
        return items.count
    }

    private static func geminiParameters(_ value: JSONValue?) throws(Rejection) -> [String: JSONValue] {
        guard let value, value != .null else { return [:] }
        guard case .object(let parameters) = value else { throw geminiInvalid("'parameters' must be an object.") }
        let known = ["aspectRatio", "durationSeconds", "resolution", "negativePrompt", "seed", "personGeneration"]
        for name in parameters.keys.sorted() where !known.contains(name) {
            throw geminiInvalid("`\(name)` isn't supported by this model.")
        }
        return parameters
    }

    /// "durationSeconds needs to be a number" (a live probe): a string is refused.
    private static func geminiDuration(_ value: JSONValue?) throws(Rejection) -> Int? {
        guard let value, value != .null else { return nil }
        guard let seconds = integer(value) else { throw geminiInvalid("durationSeconds needs to be a number.") }
        return seconds
    }

    private static func geminiChoice(
        _ value: JSONValue?, _ field: String, _ allowed: [String], default fallback: String
    ) throws(Rejection) -> String {
        guard let value, value != .null else { return fallback }
        guard case .string(let text) = value, allowed.contains(text) else {
            throw geminiInvalid(
                "'\(field)' must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")).")
        }
        return text
    }
}
