import Foundation
import VideoProviderKit

// Each dialect's submit body, read as its documents describe it.

extension SubmitValidator {
    /// What kyy and xAI bodies have in common: `model`, `prompt`, an integer `duration`, `aspect_ratio` and
    /// `resolution`, read after refusing the field names of the other dialects (`foreign`).
    private struct DurationFields {
        let rules: ModelRules
        /// The submission these fields make, without images.
        let submission: AcceptedSubmission

        init(_ json: [String: JSONValue], gateway: Gateway, foreign: [String: String]) throws(Rejection) {
            try refuseForeignFields(json.keys, foreign: foreign)
            let rules = try modelRules(try string(json, "model"), gateway: gateway)
            let prompt = try SubmitValidator.prompt(try string(json, "prompt"), rules: rules)
            var requested: Int?
            if let value = json["duration"] {
                // Even `"duration": null` is a length the vendor says not to send.
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
            self.rules = rules
            submission = AcceptedSubmission(
                model: rules.name, prompt: prompt, requestedSeconds: requested,
                seconds: try SubmitValidator.seconds(requested, rules: rules, field: "duration"),
                aspectRatio: try aspectRatio(try string(json, "aspect_ratio"), rules: rules),
                resolution: try resolution(try string(json, "resolution"), rules: rules, field: "resolution"),
                imageCount: 0)
        }

        func accepted(images: Int) -> AcceptedSubmission {
            var accepted = submission
            accepted.imageCount = images
            return accepted
        }
    }

    /// A present value that is not `null`.
    private static func given(_ value: JSONValue?) -> JSONValue? {
        value == .null ? nil : value
    }

    // MARK: - kyyReactApiServer

    static func kyy(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection) -> AcceptedSubmission {
        let fields = try DurationFields(
            json, gateway: gateway,
            foreign: [
                "seconds": "this API takes 'duration' (an integer)",
                "size": "this API takes 'resolution' (480p or 720p)",
                "image": "reference images go in 'image_urls'",
                "images": "reference images go in 'image_urls'",
                "input_reference": "reference images go in 'image_urls'",
                "reference_images": "reference images go in 'image_urls'",
            ])
        guard let value = given(json["image_urls"]) else { return fields.accepted(images: 0) }
        guard case .array(let items) = value else {
            throw Rejection(message: "'image_urls' must be an array of strings.", code: "invalid_image_urls")
        }
        try imageCount(items.count, rules: fields.rules, field: "image_urls")
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw Rejection(message: "'image_urls[\(index)]' must be a string.", code: "invalid_image_urls")
            }
            try imageString(text, rules: fields.rules, field: "image_urls[\(index)]")
        }
        return fields.accepted(images: items.count)
    }

    // MARK: - xAI

    static func xAI(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection) -> AcceptedSubmission {
        let useImageOrReferences = "use 'image' ({\"url\": …}) or 'reference_images' ([{\"url\": …}])"
        let fields = try DurationFields(
            json, gateway: gateway,
            foreign: [
                "seconds": "this API takes 'duration' (an integer)",
                "size": "this API takes 'resolution' (480p or 720p)",
                "image_urls": useImageOrReferences,
                "images": useImageOrReferences,
                "input_reference": useImageOrReferences,
            ])
        let rules = fields.rules
        func url(of value: JSONValue, field: String) throws(Rejection) -> String {
            guard case .object(let members) = value, case .string(let text)? = members["url"] else {
                throw Rejection(message: "'\(field)' must be an object {\"url\": \"…\"}.", code: "invalid_\(field)")
            }
            return text
        }
        switch (given(json["image"]), given(json["reference_images"])) {
        case (.some, .some):
            throw Rejection(
                message: "'image' and 'reference_images' cannot be combined.", code: "invalid_reference_images")
        case (.some(let value), nil):
            try imageString(try url(of: value, field: "image"), rules: rules, field: "image")
            return fields.accepted(images: 1)
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
            guard fields.submission.seconds <= 10 else {
                throw Rejection(
                    message:
                        "'duration' \(fields.submission.seconds) is too long for reference images; the maximum duration allowed when using reference images is 10 seconds.",
                    code: "invalid_duration")
            }
            return fields.accepted(images: items.count)
        case (nil, nil):
            return fields.accepted(images: 0)
        }
    }

    // MARK: - OpenAI format, JSON (grok-imagine-video)

    static func openAIJSON(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection)
        -> AcceptedSubmission
    {
        let rules = try openAIRules(try string(json, "model"), gateway: gateway, sentAs: .json)
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
        if let value = given(json["seconds"]) {
            guard case .string(let text) = value else {
                throw Rejection(
                    message: "'seconds' must be a string of whole seconds, such as \"8\".", code: "invalid_seconds")
            }
            requested = try wholeSeconds(text)
        }
        let seconds = try seconds(requested, rules: rules, field: "seconds")
        let ratio = try aspectRatio(try string(json, "aspect_ratio"), rules: rules)
        var resolution = try resolution(try string(json, "resolution"), rules: rules, field: "resolution")
        if let value = resolution, value.allSatisfy(\.isNumber) { resolution = value + "P" }
        var images = 0
        switch (given(json["image"]), given(json["images"])) {
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

    /// The OpenAI format's `seconds`, a string of plain decimal digits and nothing else.
    private static func wholeSeconds(_ text: String) throws(Rejection) -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text)
        else {
            throw Rejection(message: "'seconds' '\(text)' is not a whole number of seconds.", code: "invalid_seconds")
        }
        return number
    }

    /// The rules of an OpenAI-format model, refusing a body in the other encoding: the classic mix-up
    /// between `grok-imagine-video` (JSON) and the grok-video-3 family (multipart).
    private static func openAIRules(_ model: String?, gateway: Gateway, sentAs encoding: GatewaySimulator.BodyEncoding)
        throws(Rejection) -> ModelRules
    {
        let rules = try modelRules(model, gateway: gateway)
        guard rules.encoding == encoding else {
            let expected =
                rules.encoding == .multipart
                ? "a multipart/form-data body (fields model, prompt, aspect_ratio, seconds, size, input_reference files), not JSON"
                : "an application/json body (fields model, prompt, seconds, aspect_ratio, resolution, image/images), not multipart"
            throw Rejection(message: "\(rules.name) takes \(expected).", code: "invalid_content_type")
        }
        return rules
    }

    // MARK: - OpenAI format, multipart (grok-video-3 family)

    static func openAIMultipart(
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
        let rules = try openAIRules(fields["model"], gateway: gateway, sentAs: .multipart)
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
            requested = try wholeSeconds(text)
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
}
