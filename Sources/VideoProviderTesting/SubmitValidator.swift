import Foundation
import VideoProviderKit

/// A refused submit: the HTTP status, a message naming the field, value and what is allowed, and a
/// machine code for dialects that carry one.
struct Rejection: Error {
    var status: Int = 400
    let message: String
    let code: String
}

/// A submit the gateway accepted, with every value resolved (defaults applied, fixed lengths enforced).
struct AcceptedSubmission {
    let model: String
    let prompt: String
    let requestedSeconds: Int?
    let seconds: Int
    let aspectRatio: String
    let resolution: String?
    var imageCount: Int
    /// The endpoint that created the task, for a dialect that answers a task only there (Kling).
    var endpoint: String? = nil
}

/// Checks a submit body against a gateway's rules, written from the vendor docs. Every failure is a
/// `Rejection` that the simulator turns into the dialect's own 400 body.
enum SubmitValidator {
    typealias Gateway = GatewaySimulator.Gateway
    typealias ModelRules = GatewaySimulator.ModelRules

    static func validate(
        headers: HTTPHeaders, body: Data, gateway: Gateway
    ) throws(Rejection) -> AcceptedSubmission {
        let mediaType = headers["Content-Type"].map(mediaTypeOf) ?? ""
        switch gateway.dialect {
        case .kyyReact:
            return try kyy(try jsonBody(body, mediaType: mediaType), gateway: gateway)
        case .xAI:
            return try xAI(try jsonBody(body, mediaType: mediaType), gateway: gateway)
        case .openAIFormat:
            if mediaType == "multipart/form-data" {
                return try openAIMultipart(headers: headers, body: body, gateway: gateway)
            }
            return try openAIJSON(try jsonBody(body, mediaType: mediaType), gateway: gateway)
        case .runway: return try RunwayWire.validateForSharedCallers(headers: headers, body: body, gateway: gateway)
        case .gemini: return try gemini(try jsonBody(body, mediaType: mediaType), model: nil, gateway: gateway)
        case .miniMax: return try miniMax(try jsonBody(body, mediaType: mediaType), gateway: gateway)
        case .kling: return try kling(try jsonBody(body, mediaType: mediaType), gateway: gateway)
        }
    }

    static func mediaTypeOf(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
    }

    // MARK: - Shared pieces

    static func jsonBody(_ body: Data, mediaType: String) throws(Rejection) -> [String: JSONValue] {
        guard mediaType == "application/json" else {
            throw Rejection(
                message:
                    "Content-Type must be application/json (got \(mediaType.isEmpty ? "none" : "'\(mediaType)'")).",
                code: "invalid_content_type")
        }
        guard case .object(let members)? = SimulatorJSON.object(body) else {
            throw Rejection(message: "The request body is not a valid JSON object.", code: "invalid_json")
        }
        return members
    }

    static func modelRules(_ model: String?, gateway: Gateway) throws(Rejection) -> ModelRules {
        guard let model, !model.isEmpty else {
            throw Rejection(message: "'model' is required.", code: "missing_model")
        }
        guard let rules = gateway.rules(for: model) else {
            throw Rejection(
                message:
                    "model '\(model)' is not supported by \(gateway.name); available: \(gateway.models.map(\.name).joined(separator: ", ")).",
                code: "model_not_found")
        }
        return rules
    }

    static func prompt(_ value: String?, rules: ModelRules) throws(Rejection) -> String {
        guard let value, !value.trimmingWhitespaceAndNewlines().isEmpty else {
            throw Rejection(message: "'prompt' is required and must be a non-empty string.", code: "invalid_prompt")
        }
        let length = value.unicodeScalars.count
        guard length <= rules.promptMaxLength else {
            throw Rejection(
                message: "'prompt' is \(length) characters long; at most \(rules.promptMaxLength) are allowed.",
                code: "invalid_prompt")
        }
        return value
    }

    /// A JSON integer (an integral number; never a string or a boolean).
    static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 1e9: return Int(number)
        default: return nil
        }
    }

    /// Applies a seconds rule to the value the request named (`nil` when absent).
    static func seconds(
        _ provided: Int?, rules: ModelRules, field: String
    ) throws(Rejection) -> Int {
        guard let provided else { return rules.seconds.defaultSeconds }
        switch rules.seconds {
        case .range(let range, _):
            guard range.contains(provided) else {
                throw Rejection(
                    message:
                        "'\(field)' \(provided) is out of range for \(rules.name); allowed: \(range.lowerBound) to \(range.upperBound) seconds.",
                    code: "invalid_\(field)")
            }
            return provided
        case .oneOf(let values, _):
            guard values.contains(provided) else {
                throw Rejection(
                    message:
                        "'\(field)' \(provided) is not supported by \(rules.name); allowed: \(values.map(String.init).joined(separator: ", ")).",
                    code: "invalid_\(field)")
            }
            return provided
        case .fixed(let fixed, .corrected):
            return fixed
        case .fixed(let fixed, .rejected):
            throw Rejection(
                message: "\(rules.name) has a fixed \(fixed)-second length; do not set '\(field)'.",
                code: "invalid_\(field)")
        }
    }

    static func aspectRatio(_ value: String?, rules: ModelRules) throws(Rejection) -> String {
        guard let value else { return rules.defaultAspectRatio }
        if rules.aspectRatios.contains(value) { return value }
        if rules.allowsCustomAspectRatio, isCustomRatio(value) { return value }
        let custom = rules.allowsCustomAspectRatio ? " or a custom W:H ratio" : ""
        throw Rejection(
            message:
                "'aspect_ratio' '\(value)' is not supported by \(rules.name); allowed: \(rules.aspectRatios.joined(separator: ", "))\(custom).",
            code: "invalid_aspect_ratio")
    }

    /// `W:H` with two positive decimal numbers (`21:9`, `2.39:1`).
    static func isCustomRatio(_ text: String) -> Bool {
        let sides = text.split(separator: ":", omittingEmptySubsequences: false)
        guard sides.count == 2 else { return false }
        return sides.allSatisfy { side in
            guard !side.isEmpty, side.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                side.filter({ $0 == "." }).count <= 1, let number = Double(side)
            else { return false }
            return number > 0 && number.isFinite
        }
    }

    static func resolution(_ value: String?, rules: ModelRules, field: String) throws(Rejection) -> String? {
        guard let value else { return rules.defaultResolution }
        guard !rules.resolutions.isEmpty else {
            throw Rejection(
                message: "\(rules.name) does not let you choose a resolution; omit '\(field)'.",
                code: "invalid_\(field)")
        }
        guard rules.resolutions.contains(value) else {
            throw Rejection(
                message:
                    "'\(field)' '\(value)' is not supported by \(rules.name); allowed: \(rules.resolutions.joined(separator: ", ")).",
                code: "invalid_\(field)")
        }
        return value
    }

    static func imageCount(_ count: Int, rules: ModelRules, field: String) throws(Rejection) {
        guard count <= rules.maxImages else {
            let allowed = rules.maxImages == 0 ? "no images" : "at most \(rules.maxImages)"
            throw Rejection(
                message: "\(count) reference images sent in '\(field)'; \(rules.name) accepts \(allowed).",
                code: "invalid_\(field)")
        }
    }

    /// A data URI, public URL, or neither, checked against the model's transports and formats.
    static func imageString(_ text: String, rules: ModelRules, field: String) throws(Rejection) {
        if text.lowercased().hasPrefix("data:") {
            guard rules.imageTransports.contains(.dataURI) else {
                throw Rejection(
                    message: "'\(field)' is a base64 data URI; \(rules.name) accepts public image URLs only.",
                    code: "invalid_\(field)")
            }
            let decoded: (mediaType: String, bytes: Data)
            do {
                decoded = try ImageSniffer.dataURI(text)
            } catch {
                throw Rejection(message: "'\(field)' \(error.reason).", code: "invalid_\(field)")
            }
            try imageBytes(decoded.bytes, declared: decoded.mediaType, rules: rules, field: field)
            return
        }
        guard rules.imageTransports.contains(.publicURL) else {
            throw Rejection(
                message:
                    "'\(field)' must be a data URI such as data:image/png;base64,…; \(rules.name) does not fetch URLs.",
                code: "invalid_\(field)")
        }
        guard ImageSniffer.isPublicHTTPURL(text) else {
            throw Rejection(
                message: "'\(field)' must be a publicly accessible http(s) URL; got '\(text.prefix(100))'.",
                code: "invalid_\(field)")
        }
    }

    /// Real image bytes in an allowed format that matches what the request declared.
    static func imageBytes(_ bytes: Data, declared: String?, rules: ModelRules, field: String) throws(Rejection) {
        let allowed = rules.imageFormats.map(\.rawValue).sorted().joined(separator: ", ")
        guard let sniffed = ImageSniffer.kind(of: bytes) else {
            throw Rejection(
                message: "'\(field)' is not a jpeg, png or webp image (unrecognised bytes).", code: "invalid_\(field)")
        }
        guard rules.imageFormats.contains(sniffed) else {
            throw Rejection(
                message: "'\(field)' is a \(sniffed) image; \(rules.name) accepts \(allowed).", code: "invalid_\(field)"
            )
        }
        if let declared {
            guard ImageSniffer.kind(mediaType: declared) == sniffed else {
                throw Rejection(
                    message: "'\(field)' is declared as '\(declared)' but its bytes are \(sniffed.mimeType).",
                    code: "invalid_\(field)")
            }
        }
    }

    /// Field names of the other dialects: a body carrying one was built for the wrong gateway.
    static func refuseForeignFields(_ names: some Sequence<String>, foreign: [String: String])
        throws(Rejection)
    {
        for name in names.sorted() {
            if let hint = foreign[name] {
                throw Rejection(message: "Unknown parameter '\(name)'; \(hint).", code: "unknown_parameter")
            }
        }
    }

    static func string(_ members: [String: JSONValue], _ key: String) throws(Rejection) -> String? {
        guard let value = members[key], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw Rejection(message: "'\(key)' must be a string.", code: "invalid_\(key)")
        }
        return text
    }
}
