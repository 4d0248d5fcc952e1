public import Foundation
public import VideoProviderKit

// Kling AI's own API as its reference describes it (https://app.klingai.com/global/dev/document-api,
// General Information, the model capability map, Text to Video, Image to Video, Multi-Image to Video, the
// error-code table),
// written from those documents and not from `KlingProvider`: the routes, the `{code, message, request_id,
// data}` envelope, the task words `submitted|processing|succeed|failed`, the error codes, and the
// access-key / secret-key JWT ("Follow JWT (Json Web Token, RFC 7519) standard", HS256).

extension GatewaySimulator {
    /// An access key and the secret key its tokens are signed with (Kling's AK/SK scheme).
    public struct SignedTokenKeys: Sendable, Hashable, CustomStringConvertible {
        public var accessKey: String
        public var secretKey: APIKey

        public init(accessKey: String, secretKey: APIKey) {
            self.accessKey = accessKey
            self.secretKey = secretKey
        }

        public var description: String { "SignedTokenKeys(\(accessKey), [redacted])" }
    }
}

extension GatewaySimulator.Gateway {
    /// `https://api-singapore.klingai.com` ("The API endpoint for the new system has been updated from
    /// https://api.klingai.com to https://api-singapore.klingai.com").
    public static let klingBaseURL = URL(string: "https://api-singapore.klingai.com")!

    /// Kling AI, running the models of its capability map. It takes any bearer token unless told: with
    /// `apiKey` that API key; with `keys` a JWT signed HS256 with the secret key whose `iss` is the access
    /// key and whose `nbf`/`exp` hold at the simulator's wall time; with both, either.
    public static func kling(
        baseURL: URL = klingBaseURL, apiKey: APIKey? = nil, keys: GatewaySimulator.SignedTokenKeys? = nil
    ) -> Self {
        var gateway = Self(
            name: "Kling AI", baseURL: baseURL, dialect: .kling, models: KlingDialect.models.map(\.rules),
            expectedAPIKey: apiKey)
        gateway.signedTokenKeys = keys
        return gateway
    }

    /// The Kling gateway a registration talks to: its key as the API key, or, when the registration signs
    /// tokens (`CredentialScheme.signedBearer`), its key as the secret key of the signer's access key.
    public static func kling(baseURL: URL, credentials: CredentialScheme, key: APIKey?) -> Self {
        if case .signedBearer(let signer) = credentials.placement, let key {
            return kling(
                baseURL: baseURL, keys: GatewaySimulator.SignedTokenKeys(accessKey: signer.accessKey, secretKey: key))
        }
        return kling(baseURL: baseURL, apiKey: key)
    }
}

/// Kling's side of the simulator: one model table, routes, answers and checks.
enum KlingDialect {
    /// One model of the capability map ("skillsMap"), as the simulator reads it.
    struct Model {
        let name: String
        /// On the text2video endpoint's `model_name` enum (kling-v2-1 and kling-v1-5 are image2video only).
        let textToVideo: Bool
        /// "duration … Enum values: 5, 10" (kling-v3: "3"…"15").
        let durations: [Int]
        /// Whether `mode` has std and pro (the master models have no split).
        let modes: Bool
        /// The modes that take `image_tail`; empty when none does.
        let tailModes: Set<String>
        /// v1: start and end frames at 5 s only.
        let tailFiveSecondsOnly: Bool
        /// v1-5, v1-6: "also end-frame only".
        let tailAlone: Bool
        /// "Only V2.6 and subsequent versions support this parameter".
        let sound: Bool
        /// "kling-v2.x models do not support this parameter".
        let cfgScale: Bool
        /// multi-image2video's `image_list` size ("model_name … Enum values: kling-v1-6"; "Support up to 4
        /// images"); 0 for the models that endpoint does not take.
        var referenceImages: Int { name == "kling-v1-6" ? 4 : 0 }

        /// Sound only in pro: the capability map's "only no audio" on std is v2.6's alone (v3 lists std and
        /// pro without it).
        var soundNeedsPro: Bool { name == "kling-v2-6" }

        var rules: GatewaySimulator.ModelRules {
            GatewaySimulator.ModelRules(
                name, seconds: .oneOf(durations, default: 5), aspectRatios: ["16:9", "9:16", "1:1"],
                resolutions: [], maxImages: max(tailModes.isEmpty ? 1 : 2, referenceImages),
                imageTransports: [.publicURL, .dataURI],
                imageFormats: [.jpeg, .png], promptMaxLength: 2500)
        }
    }

    static let models: [Model] = [
        Model(
            name: "kling-v2-6", textToVideo: true, durations: [5, 10], modes: true, tailModes: ["pro"],
            tailFiveSecondsOnly: false, tailAlone: false, sound: true, cfgScale: false),
        Model(
            name: "kling-v3", textToVideo: true, durations: Array(3...15), modes: true, tailModes: ["std", "pro"],
            tailFiveSecondsOnly: false, tailAlone: false, sound: true, cfgScale: true),
        Model(
            name: "kling-v2-5-turbo", textToVideo: true, durations: [5, 10], modes: true, tailModes: ["pro"],
            tailFiveSecondsOnly: false, tailAlone: false, sound: false, cfgScale: false),
        Model(
            name: "kling-v2-1", textToVideo: false, durations: [5, 10], modes: true, tailModes: ["pro"],
            tailFiveSecondsOnly: false, tailAlone: false, sound: false, cfgScale: false),
        Model(
            name: "kling-v2-1-master", textToVideo: true, durations: [5, 10], modes: false, tailModes: [],
            tailFiveSecondsOnly: false, tailAlone: false, sound: false, cfgScale: false),
        Model(
            name: "kling-v2-master", textToVideo: true, durations: [5, 10], modes: false, tailModes: [],
            tailFiveSecondsOnly: false, tailAlone: false, sound: false, cfgScale: false),
        Model(
            name: "kling-v1-6", textToVideo: true, durations: [5, 10], modes: true, tailModes: ["pro"],
            tailFiveSecondsOnly: false, tailAlone: true, sound: false, cfgScale: true),
        Model(
            name: "kling-v1-5", textToVideo: false, durations: [5, 10], modes: true, tailModes: ["pro"],
            tailFiveSecondsOnly: false, tailAlone: true, sound: false, cfgScale: true),
        Model(
            name: "kling-v1", textToVideo: true, durations: [5, 10], modes: true, tailModes: ["std", "pro"],
            tailFiveSecondsOnly: true, tailAlone: false, sound: false, cfgScale: true),
    ]

    static func model(_ name: String) -> Model? { models.first { $0.name == name } }

    static let endpoints = ["text2video", "image2video", "multi-image2video"]

    // MARK: Routes

    /// `POST /v1/videos/{text2video|image2video|multi-image2video}`, `GET /v1/videos/{…}/{id}`.
    static func action(_ segments: [String], method: HTTPMethod) -> Endpoint.Action {
        guard segments.count >= 3, segments[0] == "v1", segments[1] == "videos", endpoints.contains(segments[2])
        else { return .unknownPath }
        if segments.count == 3 { return method == .post ? .submit : .wrongMethod(allowed: "POST") }
        if segments.count == 4 { return method == .get ? .status(segments[3]) : .wrongMethod(allowed: "GET") }
        return .unknownPath
    }

    /// The endpoint (`text2video`, `image2video`, `multi-image2video`) a Kling URL names.
    static func endpoint(of url: URL, base: URL) -> String? {
        let prefix = Endpoint.baseKey(base)
        let full = Endpoint.baseKey(url)
        guard full.hasPrefix(prefix) else { return nil }
        let segments = full.dropFirst(prefix.count).split(separator: "/").map(String.init)
        return segments.count >= 3 ? segments[2] : nil
    }

    // MARK: Ids

    /// Kling's task ids are strings of digits (`"867283741759111202"`).
    static func newID() -> String {
        var digits = String(UInt64.random(in: 100_000_000_000_000_000...999_999_999_999_999_999))
        if digits.count < 18 { digits = String(repeating: "1", count: 18 - digits.count) + digits }
        return digits
    }

    static func isWellFormedID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 32 && id.allSatisfy { $0.isASCII && $0.isNumber }
    }

    // MARK: Answers

    static func envelope(_ status: Int, code: Any, message: String, data: Any? = nil) -> HTTPResponse {
        var object: [String: Any] = [
            "code": code, "message": message, "request_id": UUID().uuidString.lowercased(),
        ]
        if let data { object["data"] = data }
        return Responses.json(status, object)
    }

    /// Kling's code for a simulator status: the first code of the table's row for it.
    static func code(for status: Int) -> Int {
        switch status {
        case 401: return 1000
        case 402: return 1102
        case 403: return 1103
        case 404: return 1203
        case 405: return 1202
        case 429: return 1302
        case 503: return 5001
        case 504: return 5002
        case 500...599: return 5000
        default: return 1200
        }
    }

    /// `{"code", "message", "request_id"}`. A numeric code is sent as a number; a scripted fault's own code
    /// (`vendorCode`) as it is; any other machine code becomes the table's code for the status. An
    /// exhausted balance (HTTP 402 elsewhere) is Kling's HTTP 429 with code 1102.
    static func error(_ status: Int, _ message: String, code: String?, vendorCode: Bool) -> HTTPResponse {
        if status == 402 {
            return envelope(429, code: 1102, message: "Resource pack depleted or expired (prepaid scenario)")
        }
        if let code, let number = Int(code) { return envelope(status, code: number, message: message) }
        if vendorCode, let code { return envelope(status, code: code, message: message) }
        return envelope(status, code: Self.code(for: status), message: message)
    }

    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func submitted(_ record: GatewaySimulator.TaskRecord) -> HTTPResponse {
        let created = milliseconds(record.createdWall)
        return envelope(
            200, code: 0, message: "SUCCEED",
            data: [
                "task_id": record.id, "task_status": "submitted", "task_info": [String: Any](),
                "created_at": created, "updated_at": created,
            ])
    }

    /// `data` of a query: `submitted`, `processing`, `succeed` with `task_result.videos`, or `failed` with
    /// `task_status_msg`. Kling has no expired or cancelled task: those fail with a message saying so.
    static func status(_ view: StatusView) -> HTTPResponse {
        let record = view.record
        let created = milliseconds(record.createdWall)
        var data: [String: Any] = [
            "task_id": record.id, "task_status_msg": "", "task_info": [String: Any](), "created_at": created,
            "updated_at": created,
        ]
        let word: String
        switch (view.phase, record.script.outcome) {
        case (.queued, _): word = "submitted"
        case (.processing, _): word = "processing"
        case (.completed, _):
            word = "succeed"
            var video: [String: Any] = ["id": record.id + "1", "duration": String(record.submission.seconds)]
            if view.revealsVideoURL { video["url"] = record.videoURL.absoluteString }
            data["task_result"] = ["videos": view.revealsVideoURL ? [video] : []]
            data["final_unit_deduction"] = "1"
        case (_, .failure(let message, _)):
            word = "failed"
            data["task_status_msg"] = message
        case (_, .moderated):
            word = "failed"
            data["task_status_msg"] = "Failure to pass the risk control system"
        case (.expired, _):
            word = "failed"
            data["task_status_msg"] = "The task expired."
        default:
            word = "failed"
            data["task_status_msg"] = "The task was cancelled."
        }
        data["task_status"] = view.overrideStatus ?? word
        return envelope(200, code: 0, message: "SUCCEED", data: data)
    }

    // MARK: Authorization

    /// Why `header` does not authorize a request, as Kling's code and explanation; `nil` when it does.
    static func authFailure(
        _ header: String?, gateway: GatewaySimulator.Gateway, now: Date
    ) -> (code: Int, message: String)? {
        guard let header, !header.trimmingWhitespace().isEmpty else { return (1001, "Authorization is empty") }
        guard let token = Auth.bearerToken(header) else { return (1002, "Authorization is invalid") }
        if let expected = gateway.expectedAPIKey, expected.secret == token { return nil }
        if let keys = gateway.signedTokenKeys { return jwtFailure(token, keys: keys, now: now) }
        return gateway.expectedAPIKey == nil ? nil : (1002, "Authorization is invalid")
    }

    /// A JWT's checks: three base64url parts, header `alg` HS256, the HMAC-SHA256 of the first two parts
    /// with the secret key, `iss` the access key, `nbf` ≤ now ≤ `exp`.
    static func jwtFailure(_ token: String, keys: GatewaySimulator.SignedTokenKeys, now: Date) -> (Int, String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let invalid = (1002, "Authorization is invalid")
        guard parts.count == 3, let header = base64URL(parts[0]), let payload = base64URL(parts[1]),
            let signature = base64URL(parts[2])
        else { return invalid }
        guard SimulatorJSON.object(header)?["alg"] == .string("HS256") else { return invalid }
        let expected = HMACSHA256.authenticationCode(
            for: Array("\(parts[0]).\(parts[1])".utf8), key: Array(keys.secretKey.secret.utf8))
        guard Array(signature) == expected else { return invalid }
        guard let claims = SimulatorJSON.object(payload), claims["iss"] == .string(keys.accessKey),
            let notBefore = claims["nbf"]?.intValue, let expiry = claims["exp"]?.intValue
        else { return invalid }
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        if seconds < notBefore { return (1003, "Authorization is not yet valid") }
        if seconds > expiry { return (1004, "Authorization has expired") }
        return nil
    }

    static func base64URL(_ text: Substring) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}

extension GatewaySimulator {
    /// Kling's checks before the shared handling: the credential, a submission's endpoint against its body,
    /// and a query against the endpoint that created the task. `nil` lets the request through.
    func klingGate(
        _ request: HTTPRequest, body: Data, action: Endpoint.Action, gateway: Gateway, wall: Date
    ) -> (HTTPResponse, String?)? {
        if let failure = KlingDialect.authFailure(request.headers["Authorization"], gateway: gateway, now: wall) {
            return (KlingDialect.envelope(401, code: failure.code, message: failure.message), nil)
        }
        let endpoint = KlingDialect.endpoint(of: request.url, base: gateway.baseURL)
        switch action {
        case .submit:
            guard case .object(let json)? = SimulatorJSON.object(body) else { return nil }
            let hasImage = [json["image"], json["image_tail"]].contains { $0 != nil && $0 != .null }
            let hasImageList = json["image_list"].map { $0 != .null } ?? false
            if endpoint == "multi-image2video" {
                if hasImage {
                    return (
                        KlingDialect.envelope(
                            400, code: 1201,
                            message: "multi-image2video takes 'image_list', not 'image' or 'image_tail'."),
                        nil
                    )
                }
                if !hasImageList {
                    return (KlingDialect.envelope(400, code: 1201, message: "'image_list' is required."), nil)
                }
            } else if hasImageList {
                return (
                    KlingDialect.envelope(
                        400, code: 1201, message: "'image_list' is taken by multi-image2video, not \(endpoint ?? "?")."),
                    nil
                )
            }
            if endpoint == "text2video", hasImage {
                return (
                    KlingDialect.envelope(
                        400, code: 1201, message: "text2video takes no 'image' or 'image_tail'; use image2video."),
                    nil
                )
            }
            if endpoint == "image2video", !hasImage {
                return (
                    KlingDialect.envelope(
                        400, code: 1201, message: "At least one of image or image_tail must be provided."), nil
                )
            }
            let name = json["model_name"]?.stringValue ?? "kling-v1"
            if endpoint == "text2video", let model = KlingDialect.model(name), !model.textToVideo {
                return (
                    KlingDialect.envelope(
                        400, code: 1201, message: "model_name '\(name)' is not supported by text2video."), nil
                )
            }
            return nil
        case .status(let id):
            // A task is answered on the endpoint that created it (an unknown id is left to the shared code).
            guard let record = state.tasks[id], record.belongs(to: gateway) else { return nil }
            let created =
                record.submission.endpoint ?? (record.submission.imageCount > 0 ? "image2video" : "text2video")
            if endpoint != created {
                return (
                    KlingDialect.envelope(
                        404, code: 1203,
                        message: "The requested resource does not exist: task \(id) on \(endpoint ?? "?")"),
                    id
                )
            }
            return nil
        default:
            return nil
        }
    }
}
