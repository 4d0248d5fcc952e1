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
    let imageCount: Int
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
        }
    }

    static func mediaTypeOf(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
    }

    // MARK: - Shared pieces

    private static func jsonBody(_ body: Data, mediaType: String) throws(Rejection) -> [String: JSONValue] {
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

    private static func modelRules(_ model: String?, gateway: Gateway) throws(Rejection) -> ModelRules {
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

    private static func prompt(_ value: String?, rules: ModelRules) throws(Rejection) -> String {
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
    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 1e9: return Int(number)
        default: return nil
        }
    }

    /// Applies a seconds rule to the value the request named (`nil` when absent).
    private static func seconds(
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

    private static func aspectRatio(_ value: String?, rules: ModelRules) throws(Rejection) -> String {
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

    private static func resolution(_ value: String?, rules: ModelRules, field: String) throws(Rejection) -> String? {
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

    private static func imageCount(_ count: Int, rules: ModelRules, field: String) throws(Rejection) {
        guard count <= rules.maxImages else {
            let allowed = rules.maxImages == 0 ? "no images" : "at most \(rules.maxImages)"
            throw Rejection(
                message: "\(count) reference images sent in '\(field)'; \(rules.name) accepts \(allowed).",
                code: "invalid_\(field)")
        }
    }

    /// A data URI, public URL, or neither, checked against the model's transports and formats.
    private static func imageString(_ text: String, rules: ModelRules, field: String) throws(Rejection) {
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
    private static func imageBytes(_ bytes: Data, declared: String?, rules: ModelRules, field: String) throws(Rejection)
    {
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
    private static func refuseForeignFields(_ names: some Sequence<String>, foreign: [String: String])
        throws(Rejection)
    {
        for name in names.sorted() {
            if let hint = foreign[name] {
                throw Rejection(message: "Unknown parameter '\(name)'; \(hint).", code: "unknown_parameter")
            }
        }
    }

    private static func string(_ members: [String: JSONValue], _ key: String) throws(Rejection) -> String? {
        guard let value = members[key], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw Rejection(message: "'\(key)' must be a string.", code: "invalid_\(key)")
        }
        return text
    }

    // MARK: - kyyReactApiServer

    private static func kyy(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection) -> AcceptedSubmission {
        try refuseForeignFields(
            json.keys,
            foreign: [
                "seconds": "this API takes 'duration' (an integer)",
                "size": "this API takes 'resolution' (480p or 720p)",
                "image": "reference images go in 'image_urls'",
                "images": "reference images go in 'image_urls'",
                "input_reference": "reference images go in 'image_urls'",
                "reference_images": "reference images go in 'image_urls'",
            ])
        let rules = try modelRules(try string(json, "model"), gateway: gateway)
        let prompt = try prompt(try string(json, "prompt"), rules: rules)
        var requested: Int?
        if let value = json["duration"] {
            if case .fixed(let fixed, .rejected) = rules.seconds {
                throw Rejection(
                    message: "\(rules.name) has a fixed \(fixed)-second length; do not set 'duration'.",
                    code: "invalid_duration")
            }
            if value != .null {
                guard let number = integer(value) else {
                    throw Rejection(
                        message: "'duration' must be an integer number of seconds.", code: "invalid_duration")
                }
                requested = number
            }
        }
        let seconds = try seconds(requested, rules: rules, field: "duration")
        let ratio = try aspectRatio(try string(json, "aspect_ratio"), rules: rules)
        let resolution = try resolution(try string(json, "resolution"), rules: rules, field: "resolution")
        var images = 0
        if let value = json["image_urls"], value != .null {
            guard case .array(let items) = value else {
                throw Rejection(message: "'image_urls' must be an array of strings.", code: "invalid_image_urls")
            }
            try imageCount(items.count, rules: rules, field: "image_urls")
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw Rejection(message: "'image_urls[\(index)]' must be a string.", code: "invalid_image_urls")
                }
                try imageString(text, rules: rules, field: "image_urls[\(index)]")
            }
            images = items.count
        }
        return AcceptedSubmission(
            model: rules.name, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: ratio,
            resolution: resolution, imageCount: images)
    }

    // MARK: - OpenAI format, JSON (grok-imagine-video)

    private static func openAIJSON(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection)
        -> AcceptedSubmission
    {
        let rules = try modelRules(try string(json, "model"), gateway: gateway)
        guard rules.encoding == .json else {
            throw Rejection(
                message:
                    "\(rules.name) takes a multipart/form-data body (fields model, prompt, aspect_ratio, seconds, size, input_reference files), not JSON.",
                code: "invalid_content_type")
        }
        try refuseForeignFields(
            json.keys,
            foreign: [
                "duration": "this API takes 'seconds' (a string such as \"8\")",
                "size": "\(rules.name) takes 'resolution' (such as 720P)",
                "image_urls": "reference images go in 'image' (one) or 'images' (several) as data URIs",
                "input_reference": "\(rules.name) takes 'image' or 'images' as data URIs, not file uploads",
                "reference_images": "reference images go in 'image' (one) or 'images' (several) as data URIs",
            ])
        let prompt = try prompt(try string(json, "prompt"), rules: rules)
        var requested: Int?
        if let value = json["seconds"], value != .null {
            guard case .string(let text) = value else {
                throw Rejection(
                    message: "'seconds' must be a string of whole seconds, such as \"8\".", code: "invalid_seconds")
            }
            guard let number = decimal(text) else {
                throw Rejection(
                    message: "'seconds' '\(text)' is not a whole number of seconds.", code: "invalid_seconds")
            }
            requested = number
        }
        let seconds = try seconds(requested, rules: rules, field: "seconds")
        let ratio = try aspectRatio(try string(json, "aspect_ratio"), rules: rules)
        var resolution = try resolution(try string(json, "resolution"), rules: rules, field: "resolution")
        if let value = resolution, value.allSatisfy(\.isNumber) { resolution = value + "P" }
        let single = json["image"].flatMap { $0 == .null ? nil : $0 }
        let multiple = json["images"].flatMap { $0 == .null ? nil : $0 }
        var images = 0
        switch (single, multiple) {
        case (.some, .some):
            throw Rejection(message: "Do not pass 'image' together with 'images'.", code: "invalid_images")
        case (.some(let value), nil):
            guard case .string(let text) = value else {
                throw Rejection(message: "'image' must be a data URI string.", code: "invalid_image")
            }
            try imageCount(1, rules: rules, field: "image")
            try imageString(text, rules: rules, field: "image")
            images = 1
        case (nil, .some(let value)):
            guard case .array(let items) = value else {
                throw Rejection(message: "'images' must be an array of data URI strings.", code: "invalid_images")
            }
            guard items.count >= 2 else {
                throw Rejection(
                    message: "'images' holds \(items.count) image(s); use 'image' for a single image.",
                    code: "invalid_images")
            }
            try imageCount(items.count, rules: rules, field: "images")
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw Rejection(message: "'images[\(index)]' must be a data URI string.", code: "invalid_images")
                }
                try imageString(text, rules: rules, field: "images[\(index)]")
            }
            images = items.count
        case (nil, nil):
            break
        }
        return AcceptedSubmission(
            model: rules.name, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: ratio,
            resolution: resolution, imageCount: images)
    }

    /// Plain decimal digits, nothing else.
    private static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    // MARK: - OpenAI format, multipart (grok-video-3 family)

    private static func openAIMultipart(
        headers: HTTPHeaders, body: Data, gateway: Gateway
    ) throws(Rejection) -> AcceptedSubmission {
        let parts: [GatewaySimulator.MultipartPart]
        do {
            let boundary = try MultipartReader.boundary(fromContentType: headers["Content-Type"] ?? "")
            parts = try MultipartReader.parse(body, boundary: boundary)
        } catch {
            throw Rejection(message: "Malformed multipart/form-data body: \(error.reason).", code: "invalid_multipart")
        }
        var fields: [String: String] = [:]
        var files: [GatewaySimulator.MultipartPart] = []
        for part in parts {
            if part.isFile {
                files.append(part)
                continue
            }
            guard let text = part.text else {
                throw Rejection(message: "Field '\(part.name)' is not UTF-8 text.", code: "invalid_\(part.name)")
            }
            guard fields[part.name] == nil else {
                throw Rejection(message: "Field '\(part.name)' is sent more than once.", code: "invalid_\(part.name)")
            }
            fields[part.name] = text
        }
        let rules = try modelRules(fields["model"], gateway: gateway)
        guard rules.encoding == .multipart else {
            throw Rejection(
                message:
                    "\(rules.name) takes an application/json body (fields model, prompt, seconds, aspect_ratio, resolution, image/images), not multipart.",
                code: "invalid_content_type")
        }
        try refuseForeignFields(
            fields.keys,
            foreign: [
                "duration": "this API takes 'seconds'",
                "resolution": "\(rules.name) takes 'size' (such as 720P)",
                "image": "reference images are 'input_reference' file uploads",
                "images": "reference images are 'input_reference' file uploads",
                "image_urls": "reference images are 'input_reference' file uploads",
                "input_reference": "'input_reference' must be a file upload, not a text field or URL",
            ])
        let prompt = try prompt(fields["prompt"], rules: rules)
        var requested: Int?
        if let text = fields["seconds"] {
            guard let number = decimal(text) else {
                throw Rejection(
                    message: "'seconds' '\(text)' is not a whole number of seconds.", code: "invalid_seconds")
            }
            requested = number
        }
        let seconds = try seconds(requested, rules: rules, field: "seconds")
        let ratio = try aspectRatio(fields["aspect_ratio"], rules: rules)
        let size = try resolution(fields["size"], rules: rules, field: "size")
        for file in files where file.name != "input_reference" {
            throw Rejection(
                message: "Unexpected file field '\(file.name)'; reference images are 'input_reference' files.",
                code: "unknown_parameter")
        }
        try imageCount(files.count, rules: rules, field: "input_reference")
        for (index, file) in files.enumerated() {
            guard !file.body.isEmpty else {
                throw Rejection(
                    message: "'input_reference' file \(index + 1) is empty.", code: "invalid_input_reference")
            }
            guard let declared = file.contentType else {
                throw Rejection(
                    message: "'input_reference' file \(index + 1) has no Content-Type.", code: "invalid_input_reference"
                )
            }
            try imageBytes(file.body, declared: declared, rules: rules, field: "input_reference")
        }
        return AcceptedSubmission(
            model: rules.name, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: ratio,
            resolution: size, imageCount: files.count)
    }

    // MARK: - xAI

    private static func xAI(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection) -> AcceptedSubmission {
        try refuseForeignFields(
            json.keys,
            foreign: [
                "seconds": "this API takes 'duration' (an integer)",
                "size": "this API takes 'resolution' (480p or 720p)",
                "image_urls": "use 'image' ({\"url\": …}) or 'reference_images' ([{\"url\": …}])",
                "images": "use 'image' ({\"url\": …}) or 'reference_images' ([{\"url\": …}])",
                "input_reference": "use 'image' ({\"url\": …}) or 'reference_images' ([{\"url\": …}])",
            ])
        let rules = try modelRules(try string(json, "model"), gateway: gateway)
        let prompt = try prompt(try string(json, "prompt"), rules: rules)
        var requested: Int?
        if let value = json["duration"], value != .null {
            guard let number = integer(value) else {
                throw Rejection(message: "'duration' must be an integer number of seconds.", code: "invalid_duration")
            }
            requested = number
        }
        let seconds = try seconds(requested, rules: rules, field: "duration")
        let ratio = try aspectRatio(try string(json, "aspect_ratio"), rules: rules)
        let resolution = try resolution(try string(json, "resolution"), rules: rules, field: "resolution")
        func url(of value: JSONValue, field: String) throws(Rejection) -> String {
            guard case .object(let members) = value, case .string(let text)? = members["url"] else {
                throw Rejection(message: "'\(field)' must be an object {\"url\": \"…\"}.", code: "invalid_\(field)")
            }
            return text
        }
        let single = json["image"].flatMap { $0 == .null ? nil : $0 }
        let references = json["reference_images"].flatMap { $0 == .null ? nil : $0 }
        var images = 0
        switch (single, references) {
        case (.some, .some):
            throw Rejection(
                message: "'image' and 'reference_images' cannot be combined.", code: "invalid_reference_images")
        case (.some(let value), nil):
            try imageString(try url(of: value, field: "image"), rules: rules, field: "image")
            images = 1
        case (nil, .some(let value)):
            guard case .array(let items) = value, !items.isEmpty else {
                throw Rejection(
                    message: "'reference_images' must be a non-empty array of {\"url\": …} objects.",
                    code: "invalid_reference_images")
            }
            try imageCount(items.count, rules: rules, field: "reference_images")
            for (index, item) in items.enumerated() {
                let field = "reference_images[\(index)]"
                try imageString(try url(of: item, field: field), rules: rules, field: field)
            }
            // xAI's reference-to-video page: "The maximum duration allowed when using reference images is 10
            // seconds."
            guard seconds <= 10 else {
                throw Rejection(
                    message:
                        "'duration' \(seconds) is too long for reference images; the maximum duration allowed when using reference images is 10 seconds.",
                    code: "invalid_duration")
            }
            images = items.count
        case (nil, nil):
            break
        }
        return AcceptedSubmission(
            model: rules.name, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: ratio,
            resolution: resolution, imageCount: images)
    }
}
