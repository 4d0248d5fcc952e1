public import Foundation
import VideoProviderKit

// MiniMax's V1 video API as its documents describe it (platform.minimax.io: "Create Text-to-Video Generation
// Task", "Image-to-Video Task", "First & Last Frame", "Query Video Generation Task Status", "Video Download",
// "Error Codes"), written apart from MiniMaxProvider:
// - `POST /v1/video_generation` → `{"task_id", "base_resp": {"status_code", "status_msg"}}`;
// - `GET /v1/query/video_generation?task_id=` → `status` `Queueing | Processing | Success | Fail`, a string
//   `file_id` and `video_width`/`video_height` on success;
// - `GET /v1/files/retrieve?file_id=` → `{"file": {file_id (int64), bytes, created_at, filename, purpose,
//   download_url}}`, the URL on the CDN (no key);
// - every answer is HTTP 200; a refusal is a non-zero `base_resp.status_code` (1004 no or bad key, 2049 invalid
//   key, 1002 rate limit, 1008 balance, 1026/1027 sensitive content, 2013 invalid params, 1000 unknown error).

extension GatewaySimulator.Gateway {
    /// `https://api.minimax.io` (the OpenAPI `servers` of MiniMax's video pages).
    public static let miniMaxBaseURL = URL(string: "https://api.minimax.io")!

    /// MiniMax's V1 video API with the three Hailuo models.
    public static func miniMax(baseURL: URL = miniMaxBaseURL) -> Self {
        Self(name: "MiniMax", baseURL: baseURL, dialect: .miniMax, models: GatewaySimulator.ModelRules.miniMax)
    }
}

extension GatewaySimulator.ModelRules {
    private static func hailuo(_ name: String, resolutions: [String], maxImages: Int) -> Self {
        // "duration … Default is 6 … 6 or 10"; "resolution … 768P (default), 1080P"; "public URLs or Base64-encoded
        // Data URLs"; "JPG, JPEG, PNG, WebP"; "prompt … Max 2000 characters". No aspect-ratio field: the answer
        // sizes are landscape (1366×768, 1920×1080).
        Self(
            name, seconds: .oneOf([6, 10], default: 6), aspectRatios: ["16:9"], resolutions: resolutions,
            defaultResolution: "768P", maxImages: maxImages, imageTransports: [.publicURL, .dataURI],
            promptMaxLength: 2000)
    }

    /// `MiniMax-Hailuo-2.3` (text and first frame), `MiniMax-Hailuo-2.3-Fast` (first frame only) and
    /// `MiniMax-Hailuo-02` (text, first frame with 512P too, first & last frame).
    public static let miniMax = [
        hailuo("MiniMax-Hailuo-2.3", resolutions: ["768P", "1080P"], maxImages: 1),
        hailuo("MiniMax-Hailuo-2.3-Fast", resolutions: ["768P", "1080P"], maxImages: 1),
        hailuo("MiniMax-Hailuo-02", resolutions: ["512P", "768P", "1080P"], maxImages: 2),
    ]
}

extension Endpoint {
    /// MiniMax's three endpoints; the task and file ids are in the query string.
    static func miniMaxEndpoint(
        _ gateway: GatewaySimulator.Gateway, _ segments: [String], url: URL, method: HTTPMethod, _ base: URL
    ) -> Endpoint {
        func query(_ name: String) -> String {
            URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value ?? ""
        }
        func expect(_ allowed: HTTPMethod, _ action: Action) -> Action {
            method == allowed ? action : .wrongMethod(allowed: allowed.rawValue)
        }
        let action: Action
        switch segments {
        case ["v1", "video_generation"]: action = expect(.post, .submit)
        case ["v1", "query", "video_generation"]: action = expect(.get, .status(query("task_id")))
        case ["v1", "files", "retrieve"]: action = expect(.get, .result(query("file_id")))
        default: action = .unknownPath
        }
        return Endpoint(target: .gateway(gateway, action), baseURL: base)
    }
}

extension GatewaySimulator.TaskRecord {
    /// MiniMax's ids are decimal strings ("106916112212032"): 15 digits here.
    static func isMiniMaxID(_ id: String) -> Bool {
        id.count == 15 && id.first != "0" && id.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func newMiniMaxID() -> String {
        String(Int.random(in: 100_000_000_000_000...999_999_999_999_999))
    }

    /// The task's file: `1` followed by the task id (an int64 the query gives as a string).
    var miniMaxFileID: String { "1" + id }
}

extension Responses {
    /// `{"base_resp": {"status_code", "status_msg"}}` at HTTP 200, whatever went wrong: MiniMax's V1 API
    /// defines no other answer. The simulator's HTTP status picks the code of MiniMax's table; a numeric
    /// `code` is used as it is.
    static func miniMaxError(_ status: Int, _ message: String, code: String?) -> HTTPResponse {
        let (number, text): (Int, String)
        if let code, let given = Int(code) {
            (number, text) = (given, message)
        } else {
            switch status {
            case 401 where code == "missing_api_key":
                (number, text) = (
                    1004,
                    "login fail: Please carry the API secret key in the 'Authorization' field of the request header"
                )
            case 401: (number, text) = (2049, "invalid api key")
            case 403: (number, text) = (1004, message)
            case 402: (number, text) = (1008, "insufficient balance")
            case 429: (number, text) = (1002, message)
            case 408, 504: (number, text) = (1001, message)
            case 500...599: (number, text) = (1000, message)
            default: (number, text) = (2013, "invalid params, " + message)
            }
        }
        return json(200, ["task_id": "", "base_resp": ["status_code": number, "status_msg": text]])
    }

    static func miniMaxSubmitted(_ record: GatewaySimulator.TaskRecord) -> HTTPResponse {
        json(200, ["task_id": record.id, "base_resp": ["status_code": 0, "status_msg": "success"]])
    }

    /// The query answer: `Queueing`, `Processing`, `Success` with `file_id` and the size, `Fail` with the reason
    /// in `base_resp.status_msg` (1027 "output new_sensitive" for a withheld video).
    static func miniMaxStatus(_ view: StatusView) -> [String: Any] {
        let record = view.record
        var object: [String: Any] = ["task_id": record.id, "file_id": ""]
        var base: [String: Any] = ["status_code": 0, "status_msg": "success"]
        if let word = view.overrideStatus {
            object["status"] = word
        } else {
            switch (view.phase, record.script.outcome) {
            case (.queued, _): object["status"] = "Queueing"
            case (.processing, _): object["status"] = "Processing"
            case (.completed, _):
                object["status"] = "Success"
                object["file_id"] = record.miniMaxFileID
                let (width, height) = miniMaxSize(record.submission.resolution)
                object["video_width"] = width
                object["video_height"] = height
            case (.failed, .moderated):
                object["status"] = "Fail"
                base = ["status_code": 1027, "status_msg": "output new_sensitive"]
            case (.failed, .failure(let message, _)):
                object["status"] = "Fail"
                base["status_msg"] = message
            case (.expired, _), (.cancelled, _), (.failed, _):
                object["status"] = "Fail"
                base["status_msg"] = "The task \(view.phase)."
            }
        }
        object["base_resp"] = base
        return object
    }

    /// "1080p is 1920x1080, 768p is 1366x768" (ComfyUI's MiniMax node); 512P the same shape.
    private static func miniMaxSize(_ resolution: String?) -> (Int, Int) {
        switch resolution {
        case "1080P": return (1920, 1080)
        case "512P": return (910, 512)
        default: return (1366, 768)
        }
    }
}

extension GatewaySimulator {
    /// `files/retrieve`: the file of a task that finished well, its `download_url` on the CDN; any other id is
    /// MiniMax's 2013.
    func miniMaxResult(fileID: String, gateway: Gateway, responses: Responses, now: Duration) -> (HTTPResponse, String?)
    {
        let taskID = String(fileID.dropFirst())
        guard fileID.hasPrefix("1"), let record = state.tasks[taskID], record.belongs(to: gateway),
            record.phase(at: now).0 == .completed, record.script.outcome == .success
        else {
            return (responses.error(400, "file_id '\(fileID)' does not name a file", code: nil), nil)
        }
        let file: [String: Any] = [
            "file_id": Int(fileID) ?? 0, "bytes": SampleVideo.mp4.count,
            "created_at": Int(record.createdWall.timeIntervalSince1970), "filename": "output.mp4",
            "purpose": "video_generation", "download_url": record.videoURL.absoluteString,
        ]
        return (Responses.json(200, ["file": file, "base_resp": ["status_code": 0, "status_msg": "success"]]), taskID)
    }
}

extension SubmitValidator {
    /// A `POST /v1/video_generation` body as MiniMax's pages describe it. Refusals become 2013 "invalid params".
    static func miniMax(_ json: [String: JSONValue], gateway: Gateway) throws(Rejection) -> AcceptedSubmission {
        try refuseForeignFields(
            json.keys,
            foreign: [
                "aspect_ratio": "MiniMax takes no aspect ratio (the first frame sets the shape)",
                "seconds": "the length is 'duration' (an integer)", "size": "the size is 'resolution' (768P, 1080P)",
                "image": "the first frame is 'first_frame_image'",
                "image_urls": "the first frame is 'first_frame_image'",
                "images": "the first frame is 'first_frame_image'",
            ])
        let rules = try modelRules(try string(json, "model"), gateway: gateway)
        let first = try string(json, "first_frame_image")
        let last = try string(json, "last_frame_image")
        // "prompt … required" for text-to-video, optional with a first frame.
        let promptText = try string(json, "prompt")
        let prompt =
            first != nil && (promptText ?? "").isEmpty ? "" : try SubmitValidator.prompt(promptText, rules: rules)
        if first == nil, rules.name == "MiniMax-Hailuo-2.3-Fast" {
            throw Rejection(
                message: "MiniMax-Hailuo-2.3-Fast is image-to-video only; 'first_frame_image' is required.",
                code: "invalid_first_frame_image")
        }
        if last != nil, rules.maxImages < 2 {
            throw Rejection(
                message: "'last_frame_image' is only supported by MiniMax-Hailuo-02.", code: "invalid_last_frame_image")
        }
        if last != nil, first == nil {
            throw Rejection(
                message: "'last_frame_image' needs 'first_frame_image'.", code: "invalid_first_frame_image")
        }
        for (field, value) in [("first_frame_image", first), ("last_frame_image", last)] {
            if let value { try imageString(value, rules: rules, field: field) }
        }
        var requested: Int?
        if let value = json["duration"], value != .null {
            guard let number = integer(value) else {
                throw Rejection(message: "'duration' must be an integer number of seconds.", code: "invalid_duration")
            }
            requested = number
        }
        let seconds = try SubmitValidator.seconds(requested, rules: rules, field: "duration")
        let resolution = try SubmitValidator.resolution(
            try string(json, "resolution"), rules: rules, field: "resolution")
        if resolution == "1080P", seconds != 6 {
            throw Rejection(
                message: "duration \(seconds) is not supported for resolution 1080P (1080P is 6 s only).",
                code: "invalid_duration")
        }
        if resolution == "512P", first == nil || last != nil {
            throw Rejection(
                message: "resolution 512P is only supported for image-to-video from a first frame alone.",
                code: "invalid_resolution")
        }
        for field in ["prompt_optimizer", "fast_pretreatment", "aigc_watermark"] {
            if let value = json[field], value != .null {
                guard case .bool = value else {
                    throw Rejection(message: "'\(field)' must be a boolean.", code: "invalid_\(field)")
                }
            }
        }
        return AcceptedSubmission(
            model: rules.name, prompt: prompt, requestedSeconds: requested, seconds: seconds, aspectRatio: "16:9",
            resolution: resolution, imageCount: [first, last].compactMap { $0 }.count)
    }
}
