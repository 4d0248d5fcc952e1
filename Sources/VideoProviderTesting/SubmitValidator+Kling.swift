import Foundation
import VideoProviderKit

// Kling's text2video, image2video and multi-image2video bodies, read as its API reference describes them. Every refusal is
// HTTP 400 code 1201 ("Invalid parameters, such as incorrect key or illegal value") naming the field, or
// 404 1203 for a model Kling does not have. Fields the reference lists that the simulator does not model
// (`callback_url`, `watermark_info`, `external_task_id`, …) are accepted as they are.

extension SubmitValidator {
    static func klingRejection(_ message: String) -> Rejection {
        Rejection(status: 400, message: message, code: "1201")
    }

    static func kling(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection) -> AcceptedSubmission {
        // multi-image2video's body is the one with `image_list` (the gate holds each body to its endpoint).
        let list = json["image_list"].flatMap { $0 == .null ? nil : $0 }
        // "model_name … Default value: kling-v1"; multi-image2video: "Default to kling-v1-6".
        let name = try string(json, "model_name") ?? (list == nil ? "kling-v1" : "kling-v1-6")
        guard gateway.rules(for: name) != nil, let model = KlingDialect.model(name) else {
            throw Rejection(
                status: 404, message: "The requested resource does not exist: model_name '\(name)'.", code: "1203")
        }
        let image = try string(json, "image")
        let tail = try string(json, "image_tail")
        let imageToVideo = image != nil || tail != nil
        // "prompt … Cannot exceed 2500 characters"; text2video and multi-image2video ("prompt … Required")
        // need one.
        let prompt = try string(json, "prompt") ?? ""
        if !imageToVideo || list != nil, prompt.trimmingWhitespaceAndNewlines().isEmpty {
            throw klingRejection("'prompt' must not be empty.")
        }
        if prompt.unicodeScalars.count > 2500 { throw klingRejection("'prompt' cannot exceed 2500 characters.") }
        if let negative = try string(json, "negative_prompt"), negative.unicodeScalars.count > 2500 {
            throw klingRejection("'negative_prompt' cannot exceed 2500 characters.")
        }
        // "duration … string … Enum values: 5, 10".
        var seconds = 5
        var requested: Int?
        if let value = json["duration"], value != .null {
            guard case .string(let text) = value, let number = Int(text) else {
                throw klingRejection("'duration' must be a string such as \"5\".")
            }
            guard model.durations.contains(number) else {
                throw klingRejection(
                    "'duration' \"\(text)\" is not supported by \(name); allowed: "
                        + model.durations.map { "\"\($0)\"" }.joined(separator: ", ") + ".")
            }
            seconds = number
            requested = number
        }
        // "mode … std, pro. Default value: std".
        let mode = try string(json, "mode") ?? "std"
        guard mode == "std" || mode == "pro" else { throw klingRejection("'mode' must be std or pro, not '\(mode)'.") }
        // "sound … on, off. Default value: off"; on needs v2.6 or later, and pro on v2.6.
        let sound = try string(json, "sound") ?? "off"
        guard sound == "on" || sound == "off" else {
            throw klingRejection("'sound' must be on or off, not '\(sound)'.")
        }
        if sound == "on" {
            guard model.sound else { throw klingRejection("'sound' on is not supported by \(name).") }
            guard mode == "pro" || !model.soundNeedsPro else {
                throw klingRejection("'sound' on requires mode pro.")
            }
        }
        // "aspect_ratio … 16:9, 9:16, 1:1" on text2video and multi-image2video: image2video follows the image.
        var ratio = "16:9"
        if let value = try string(json, "aspect_ratio") {
            guard !imageToVideo else { throw klingRejection("image2video takes no 'aspect_ratio'.") }
            guard ["16:9", "9:16", "1:1"].contains(value) else {
                throw klingRejection("'aspect_ratio' '\(value)' is not supported; allowed: 16:9, 9:16, 1:1.")
            }
            ratio = value
        }
        if let value = json["cfg_scale"], value != .null {
            guard model.cfgScale else { throw klingRejection("\(name) does not support 'cfg_scale'.") }
            guard value.stringValue == nil, let number = value.doubleValue, (0...1).contains(number) else {
                throw klingRejection("'cfg_scale' must be a number from 0 to 1.")
            }
        }
        if let list {
            return try klingMultiImage(list, model: model, prompt: prompt, requested: requested, ratio: ratio)
        }
        var images = 0
        if let image {
            try klingImage(image, field: "image")
            images += 1
        }
        if let tail {
            try klingImage(tail, field: "image_tail")
            images += 1
            guard model.tailModes.contains(mode) else {
                throw klingRejection("'image_tail' is not supported by \(name) in mode \(mode).")
            }
            if model.tailFiveSecondsOnly, seconds != 5 {
                throw klingRejection("'image_tail' on \(name) needs duration \"5\".")
            }
            if image == nil, !model.tailAlone { throw klingRejection("'image_tail' on \(name) needs 'image'.") }
            if sound == "on" { throw klingRejection("start and end frames on \(name) are only without sound.") }
            if json["camera_control"].map({ $0 != .null }) == true {
                throw klingRejection(
                    "image_tail, dynamic_masks/static_mask, and camera_control are mutually exclusive.")
            }
        }
        return AcceptedSubmission(
            model: name, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: ratio,
            resolution: nil, imageCount: images, endpoint: imageToVideo ? "image2video" : "text2video")
    }

    /// multi-image2video: "model_name … Enum values: kling-v1-6"; "image_list … Required … Support up to 4
    /// images … `{ "image":"image_url" }`"; "aspect_ratio … 16:9, 9:16, 1:1" (checked by the caller).
    static func klingMultiImage(
        _ list: JSONValue, model: KlingDialect.Model, prompt: String, requested: Int?, ratio: String
    ) throws(Rejection) -> AcceptedSubmission {
        guard model.referenceImages > 0 else {
            throw klingRejection("model_name '\(model.name)' is not supported by multi-image2video.")
        }
        guard case .array(let entries) = list, (1...model.referenceImages).contains(entries.count) else {
            throw klingRejection("'image_list' must hold 1 to \(model.referenceImages) images.")
        }
        for (index, entry) in entries.enumerated() {
            guard case .object(let members) = entry, case .string(let text)? = members["image"] else {
                throw klingRejection("'image_list[\(index)]' must be {\"image\": \"<URL or Base64>\"}.")
            }
            try klingImage(text, field: "image_list[\(index)].image")
        }
        return AcceptedSubmission(
            model: model.name, prompt: prompt, requestedSeconds: requested, seconds: requested ?? 5,
            aspectRatio: ratio,
            resolution: nil, imageCount: entries.count, endpoint: "multi-image2video")
    }

    /// "Support inputting image Base64 encoding or image URL … do NOT add any prefix like
    /// data:image/png;base64," — .jpg/.jpeg/.png, at most 10MB.
    static func klingImage(_ text: String, field: String) throws(Rejection) {
        if text.lowercased().hasPrefix("http://") || text.lowercased().hasPrefix("https://") {
            guard ImageSniffer.isPublicHTTPURL(text) else {
                throw klingRejection("'\(field)' must be a publicly accessible URL.")
            }
            return
        }
        if text.lowercased().hasPrefix("data:") {
            throw klingRejection("'\(field)': submit only the raw Base64 string, without a data: prefix.")
        }
        let padding = text.reversed().prefix { $0 == "=" }.count
        guard padding <= 2, text.count > padding, !text.dropLast(padding).contains("="),
            let bytes = Data(base64Encoded: text), !bytes.isEmpty
        else { throw klingRejection("'\(field)' is neither an image URL nor valid Base64.") }
        guard bytes.count <= 10_000_000 else { throw klingRejection("'\(field)' cannot exceed 10MB.") }
        guard let kind = ImageSniffer.kind(of: bytes), kind == .jpeg || kind == .png else {
            throw klingRejection("'\(field)' must be a .jpg / .jpeg / .png image.")
        }
    }
}
