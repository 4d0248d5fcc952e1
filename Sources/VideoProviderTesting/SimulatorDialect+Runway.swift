public import Foundation
import VideoProviderKit

// Runway's developer API, written from Runway's documents (its API reference skill `rw-api-reference`, the
// openapi document, the SDKs' request types, the "Inputs", "Troubleshooting" and "Handle Task Failures"
// pages), not from RunwayProvider. What Runway does not document (the answer to a missing version header,
// the DELETE status, the 404 body, a task past its retention) is marked assumed.

extension GatewaySimulator.Gateway {
    /// `https://api.dev.runwayml.com` ("Base URL: https://api.dev.runwayml.com").
    public static let runwayBaseURL = URL(string: "https://api.dev.runwayml.com")!

    /// Runway's API serving gen4.5, gen4_turbo, veo3.1, veo3.1_fast and veo3.
    public static func runway(baseURL: URL = runwayBaseURL) -> Self {
        Self(name: "Runway", baseURL: baseURL, dialect: .runway, models: GatewaySimulator.ModelRules.runway)
    }
}

extension GatewaySimulator.ModelRules {
    /// The five models' names and defaults as the simulator's shared machinery reads them; what each endpoint
    /// accepts is `RunwayWire.models`.
    public static let runway: [Self] = RunwayWire.models.map { spec in
        Self(
            spec.name,
            seconds: spec.durations.count == 1
                ? .fixed(spec.durations[0], whenSent: .corrected)
                : .oneOf(spec.durations, default: spec.defaultDuration),
            aspectRatios: spec.imageRatios, defaultAspectRatio: "1280:720", resolutions: [],
            maxImages: spec.positions.count, imageTransports: [.publicURL, .dataURI], promptMaxLength: 1000)
    }
}

/// Runway's wire: routes, the version header, `{"error", "issues", "docUrl"}` errors and tasks.
enum RunwayWire {
    /// "X-Runway-Version: 2024-11-06" — "All requests require these headers".
    static let version = "2024-11-06"
    static let docURL = "https://docs.dev.runwayml.com/api"
    /// Assumed: Runway does not document the answer to a request without the header.
    static let missingVersion = "A valid X-Runway-Version header is required (2024-11-06)."

    /// What one model takes, from the SDK's `TextToVideoCreateParams` / `ImageToVideoCreateParams`.
    struct ModelSpec {
        let name: String
        /// `ratio` values on `/v1/text_to_video`; empty when the model has no text-to-video.
        let textRatios: [String]
        /// `ratio` values on `/v1/image_to_video`.
        let imageRatios: [String]
        let durations: [Int]
        let defaultDuration: Int
        let durationRequired: Bool
        /// `promptImage` positions the model takes.
        let positions: [String]
        /// Whether `promptText` may be left out on `/v1/image_to_video`.
        let promptOptionalOnImages: Bool
        let seed: Bool
        let audio: Bool
        /// Whether `negativePrompt` is taken (on both endpoints: sdk-python 5.13.0 text_to_video and
        /// image_to_video params).
        let negativePrompt: Bool
        /// Credits per second (skill: gen4.5 12, gen4_turbo 5, veo3.1 20–40).
        let credits: Int
    }

    static let veoRatios = ["1280:720", "720:1280", "1080:1920", "1920:1080"]
    static let gen4Ratios = ["1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672"]

    static let models: [ModelSpec] = [
        // gen4.5: "duration: Required[int] … Must be an integer from 2 to 10"; promptText required.
        ModelSpec(
            name: "gen4.5", textRatios: ["1280:720", "720:1280"], imageRatios: gen4Ratios, durations: Array(2...10),
            defaultDuration: 5, durationRequired: true, positions: ["first"], promptOptionalOnImages: false,
            seed: true, audio: false, negativePrompt: false, credits: 12),
        // gen4_turbo: image_to_video only; "duration: int" (2–10 per openapi), default assumed 10 (older SDKs).
        ModelSpec(
            name: "gen4_turbo", textRatios: [], imageRatios: gen4Ratios, durations: Array(2...10),
            defaultDuration: 10, durationRequired: false, positions: ["first"], promptOptionalOnImages: true,
            seed: true, audio: false, negativePrompt: false, credits: 5),
        // veo3.1 / veo3.1_fast: "duration: Literal[4, 6, 8]"; audio; first and last frame.
        ModelSpec(
            name: "veo3.1", textRatios: veoRatios, imageRatios: veoRatios, durations: [4, 6, 8], defaultDuration: 8,
            durationRequired: false, positions: ["first", "last"], promptOptionalOnImages: true, seed: false,
            audio: true, negativePrompt: true, credits: 40),
        ModelSpec(
            name: "veo3.1_fast", textRatios: veoRatios, imageRatios: veoRatios, durations: [4, 6, 8],
            defaultDuration: 8, durationRequired: false, positions: ["first", "last"], promptOptionalOnImages: true,
            seed: false, audio: true, negativePrompt: true, credits: 15),
        // veo3: "duration: Required[Literal[8]]".
        ModelSpec(
            name: "veo3", textRatios: veoRatios, imageRatios: veoRatios, durations: [8], defaultDuration: 8,
            durationRequired: true, positions: ["first"], promptOptionalOnImages: true, seed: false, audio: false,
            negativePrompt: true, credits: 40),
    ]

    /// `POST v1/text_to_video`, `POST v1/image_to_video`, `GET` and `DELETE v1/tasks/{id}` (the handler tells
    /// the two methods apart).
    static func action(_ segments: [String], method: HTTPMethod) -> Endpoint.Action {
        if segments == ["v1", "text_to_video"] || segments == ["v1", "image_to_video"] {
            return method == .post ? .submit : .wrongMethod(allowed: "POST")
        }
        if segments.count == 3, segments[0] == "v1", segments[1] == "tasks" {
            return method == .get || method == .delete ? .status(segments[2]) : .wrongMethod(allowed: "GET, DELETE")
        }
        return .unknownPath
    }

    // MARK: Errors

    /// One field-level problem, as Zod reports it (`code`, `path`, `message`).
    struct Issue: Error {
        let code: String
        let path: String
        let message: String
    }

    /// `{"error": message, "docUrl"}`; an exhausted account (the simulator's `insufficient_quota`) is Runway's
    /// HTTP 400 "You do not have enough credits to run this task."
    static func error(_ status: Int, _ message: String, code: String? = nil) -> HTTPResponse {
        if code == "insufficient_quota" {
            return Responses.json(400, ["error": "You do not have enough credits to run this task.", "docUrl": docURL])
        }
        return Responses.json(status, ["error": message, "docUrl": docURL])
    }

    /// 400 "Validation of body failed" with the issue.
    static func validationError(_ issue: Issue) -> HTTPResponse {
        Responses.json(
            400,
            [
                "error": "Validation of body failed",
                "issues": [["code": issue.code, "path": [issue.path], "message": issue.message]], "docUrl": docURL,
            ])
    }

    // MARK: Submissions

    /// Reads a submission to `endpoint` (`text_to_video` or `image_to_video`; `nil` reads it from the body).
    static func validate(
        headers: HTTPHeaders, body: Data, endpoint: String?, gateway: GatewaySimulator.Gateway
    ) throws(Issue) -> AcceptedSubmission {
        let mediaType = headers["Content-Type"].map(SubmitValidator.mediaTypeOf) ?? ""
        guard mediaType == "application/json", case .object(let json)? = SimulatorJSON.object(body) else {
            throw Issue(code: "invalid_type", path: "body", message: "Invalid input: expected a JSON object")
        }
        guard case .string(let name)? = json["model"] else {
            throw Issue(
                code: "invalid_type", path: "model", message: "Invalid input: expected string, received undefined")
        }
        let imageEndpoint =
            (endpoint ?? (json["promptImage"] == nil ? "text_to_video" : "image_to_video")) == "image_to_video"
        guard let spec = models.first(where: { $0.name == name }), gateway.rules(for: name) != nil,
            imageEndpoint || !spec.textRatios.isEmpty
        else {
            throw Issue(code: "invalid_union", path: "model", message: "Invalid input")
        }
        var allowed: Set<String> = ["model", "promptText", "ratio", "duration", "contentModeration"]
        if imageEndpoint { allowed.insert("promptImage") }
        if spec.seed { allowed.insert("seed") }
        if spec.audio { allowed.insert("audio") }
        if spec.negativePrompt { allowed.insert("negativePrompt") }
        if let extra = json.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Issue(code: "unrecognized_keys", path: extra, message: "Unrecognized key: \"\(extra)\"")
        }
        // promptText: "A non-empty string up to 1000 characters (measured in UTF-16 code units)."
        var prompt = ""
        switch json["promptText"] {
        case .string(let text)?:
            guard !text.isEmpty, text.utf16.count <= 1000 else {
                throw Issue(
                    code: "too_big", path: "promptText", message: "Too big: expected string to have <=1000 characters")
            }
            prompt = text
        case nil where imageEndpoint && spec.promptOptionalOnImages:
            break
        default:
            throw Issue(
                code: "invalid_type", path: "promptText", message: "Invalid input: expected string, received undefined")
        }
        let ratios = imageEndpoint ? spec.imageRatios : spec.textRatios
        guard case .string(let ratio)? = json["ratio"], ratios.contains(ratio) else {
            throw Issue(
                code: "invalid_value", path: "ratio",
                message: "Invalid option: expected one of " + ratios.map { "\"\($0)\"" }.joined(separator: "|"))
        }
        var requested: Int?
        switch json["duration"] {
        case nil where !spec.durationRequired:
            break
        case let value? where SubmitValidator.integer(value).map(spec.durations.contains) == true:
            requested = SubmitValidator.integer(value)
        default:
            throw Issue(
                code: "invalid_value", path: "duration",
                message: "Invalid option: expected one of " + spec.durations.map(String.init).joined(separator: "|"))
        }
        if let seed = json["seed"] {
            guard let value = SubmitValidator.integer(seed), (0...4_294_967_295).contains(value) else {
                throw Issue(code: "invalid_type", path: "seed", message: "Invalid input: expected int 0–4294967295")
            }
        }
        if let audio = json["audio"], case .bool = audio {
        } else if json["audio"] != nil {
            throw Issue(code: "invalid_type", path: "audio", message: "Invalid input: expected boolean")
        }
        var imageCount = 0
        if imageEndpoint { imageCount = try images(json["promptImage"], spec) }
        return AcceptedSubmission(
            model: name, prompt: prompt, requestedSeconds: requested, seconds: requested ?? spec.defaultDuration,
            aspectRatio: ratio, resolution: nil, imageCount: imageCount)
    }

    /// `promptImage`: an https URL or data URI, or an array of `{uri, position}` with the model's positions,
    /// each once, never only a last frame ("This model does not support generating with only a last frame.").
    static func images(_ value: JSONValue?, _ spec: ModelSpec) throws(Issue) -> Int {
        func check(_ uri: String) throws(Issue) {
            if uri.hasPrefix("https://") { return }
            // "An appropriate content type must be specified in the data URI"; "under 5MB".
            let kinds = ["jpeg", "jpg", "png", "webp"]
            guard uri.hasPrefix("data:image/"), uri.utf8.count < 5 * 1024 * 1024,
                let comma = uri.firstIndex(of: ","),
                kinds.contains(where: { uri[..<comma] == "data:image/\($0);base64" }),
                Data(base64Encoded: String(uri[uri.index(after: comma)...])) != nil
            else {
                throw Issue(code: "custom", path: "promptImage", message: "Invalid data URI.")
            }
        }
        switch value {
        case .string(let uri)?:
            try check(uri)
            return 1
        case .array(let items)? where !items.isEmpty && items.count <= spec.positions.count:
            var seen: [String] = []
            for item in items {
                guard case .string(let uri)? = item["uri"], case .string(let position)? = item["position"],
                    spec.positions.contains(position), !seen.contains(position)
                else {
                    throw Issue(
                        code: "invalid_value", path: "promptImage",
                        message: "Invalid option: position must be one of "
                            + spec.positions.map { "\"\($0)\"" }.joined(separator: "|") + ", each once")
                }
                try check(uri)
                seen.append(position)
            }
            guard seen.contains("first") else {
                throw Issue(
                    code: "custom", path: "promptImage",
                    message: "This model does not support generating with only a last frame.")
            }
            return items.count
        default:
            throw Issue(code: "invalid_type", path: "promptImage", message: "Invalid input: expected string or array")
        }
    }

    // MARK: Tasks

    /// `2026-08-11T06:12:01.171Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// A signed output URL: the task's video with a `_jwt` minted now (the simulator's clock, in ms), which
    /// the CDN honours for ``urlLifetime`` — "These URLs will expire within 24-48 hours; fetch the task again
    /// to get fresh URLs."
    static func outputURL(_ record: GatewaySimulator.TaskRecord, mintedAt now: Duration) -> String {
        let millis = now.components.seconds * 1000 + now.components.attoseconds / 1_000_000_000_000_000
        return record.videoURL.absoluteString + "?_jwt=sim.\(millis)"
    }

    /// The shorter bound of "24-48 hours".
    static let urlLifetime = Duration.seconds(24 * 3600)

    /// `{id, createdAt, status}` with `progress` (0–1) while RUNNING, `output` when SUCCEEDED, `failure` and
    /// `failureCode` when FAILED. Runway has no expired status: an expired task is FAILED (assumed).
    static func task(_ view: StatusView, now: Duration) -> [String: Any] {
        let record = view.record
        var object: [String: Any] = ["id": record.id, "createdAt": timestamp(record.createdWall)]
        if let word = view.overrideStatus {
            object["status"] = word
            return object
        }
        switch (view.phase, record.script.outcome) {
        case (.queued, _):
            object["status"] = "PENDING"
        case (.processing, _):
            object["status"] = "RUNNING"
            object["progress"] = (view.progress).rounded() / 100
        case (.completed, _):
            object["status"] = "SUCCEEDED"
            object["output"] = view.revealsVideoURL ? [outputURL(record, mintedAt: now)] : []
        case (.failed, .failure(let message, let code)):
            object["status"] = "FAILED"
            object["failure"] = message
            if let code { object["failureCode"] = code }
        case (.failed, _):
            // "SAFETY.INPUT.*: input rejected by moderation".
            object["status"] = "FAILED"
            object["failure"] = "The input was flagged by our content moderation system."
            object["failureCode"] = "SAFETY.INPUT.TEXT"
        case (.expired, _):
            object["status"] = "FAILED"
            object["failure"] = "The task expired."
            object["failureCode"] = "INTERNAL"
        case (.cancelled, _):
            object["status"] = "CANCELLED"
        }
        return object
    }
}

extension GatewaySimulator {
    /// Runway's endpoints: the bearer key and `X-Runway-Version` on every call, then submit, `GET` or `DELETE`
    /// a task.
    func runway(
        _ request: HTTPRequest, body: Data, gateway: Gateway, action: Endpoint.Action, now: Duration, wall: Date
    ) -> (HTTPResponse, String?) {
        switch action {
        case .unknownPath, .content, .result:
            return (RunwayWire.error(404, "Not found."), nil)
        case .wrongMethod(let allowed):
            var response = RunwayWire.error(405, "\(request.method) is not allowed here; use \(allowed).")
            response.headers["Allow"] = allowed
            return (response, nil)
        case .submit, .status:
            break
        }
        // 401 causes: "missing/ill-formed key, key disabled" (Troubleshooting).
        if let failure = Auth.check(request.headers["Authorization"], gateway: gateway) {
            return (RunwayWire.error(401, failure.message), nil)
        }
        guard request.headers["X-Runway-Version"]?.trimmingWhitespace() == RunwayWire.version else {
            return (RunwayWire.error(400, RunwayWire.missingVersion), nil)
        }
        switch action {
        case .submit:
            return runwaySubmit(request, body: body, gateway: gateway, now: now, wall: wall)
        case .status(let id) where request.method == .delete:
            return (runwayDelete(id, gateway: gateway, now: now), id)
        case .status(let id):
            return (runwayStatus(id, gateway: gateway, now: now), id)
        default:
            return (RunwayWire.error(404, "Not found."), nil)
        }
    }

    private func runwaySubmit(
        _ request: HTTPRequest, body: Data, gateway: Gateway, now: Duration, wall: Date
    ) -> (HTTPResponse, String?) {
        let accepted: AcceptedSubmission
        do {
            accepted = try RunwayWire.validate(
                headers: request.headers, body: body, endpoint: request.url.lastPathComponent, gateway: gateway)
        } catch {
            return (RunwayWire.validationError(error), nil)
        }
        let id = createTask(TaskRecord.newID(.runway), for: accepted, at: gateway, now: now, wall: wall).id
        let credits = (RunwayWire.models.first { $0.name == accepted.model }?.credits ?? 10) * accepted.seconds
        return (Responses.json(200, ["id": id, "estimatedCost": ["credits": credits]]), id)
    }

    /// The task `id` at `gateway`; with ``UnknownTasks/completed``, a well-formed id nobody created here is
    /// taken as a task that has just succeeded (a job file from an earlier `videogen --simulate` run).
    private func runwayTask(_ id: String, at gateway: Gateway, now: Duration) -> TaskRecord? {
        if unknownTasks == .completed, state.tasks[id] == nil, UUID(uuidString: id) != nil,
            let spec = RunwayWire.models.first(where: { gateway.rules(for: $0.name) != nil })
        {
            let submission = AcceptedSubmission(
                model: spec.name, prompt: "", requestedSeconds: nil, seconds: spec.defaultDuration,
                aspectRatio: "1280:720", resolution: nil, imageCount: 0)
            adoptCompletedTask(id, submission: submission, at: gateway, now: now, wall: clock.wallTime())
        }
        guard let record = state.tasks[id], record.belongs(to: gateway) else { return nil }
        return record
    }

    private func runwayStatus(_ id: String, gateway: Gateway, now: Duration) -> HTTPResponse {
        // Assumed: an unknown or deleted task is 404 ("Aborted and deleted tasks will not be able to be fetched").
        guard var record = runwayTask(id, at: gateway, now: now) else {
            return RunwayWire.error(404, "Task not found.")
        }
        defer { state.tasks[id] = record }
        return Responses.json(200, RunwayWire.task(record.answerStatusQuery(at: now), now: now))
    }

    /// "Tasks that are running, pending, or throttled can be canceled by invoking this method. Invoking this
    /// method for other tasks will delete them." Answered 204 (assumed; the SDK reads no body).
    private func runwayDelete(_ id: String, gateway: Gateway, now: Duration) -> HTTPResponse {
        guard var record = runwayTask(id, at: gateway, now: now) else {
            return RunwayWire.error(404, "Task not found.")
        }
        if record.phase(at: now).0.isTerminal {
            state.tasks[id] = nil
        } else {
            record.script.outcome = .cancelled
            record.startsAt = min(record.startsAt, now)
            record.finishesAt = now
            state.tasks[id] = record
        }
        return HTTPResponse(status: 204)
    }

    /// A Runway output URL on the CDN: refused with 403 once its `_jwt` is older than the URL's lifetime, however
    /// long the task itself stays; `nil` for any other CDN request.
    func runwayCDN(_ request: HTTPRequest, file: String, now: Duration) -> HTTPResponse? {
        guard file.hasSuffix(".mp4"), var record = state.tasks[String(file.dropLast(4))], record.dialect == .runway
        else { return nil }
        let token = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?
            .first { $0.name == "_jwt" }?.value
        guard let token, token.hasPrefix("sim."), let millis = Int64(token.dropFirst(4)),
            now <= .milliseconds(millis) + RunwayWire.urlLifetime
        else {
            return Responses.cdnError(403, code: "AccessDenied", "Request has expired.")
        }
        guard record.phase(at: now).0 == .completed, record.script.outcome == .success else {
            return Responses.cdnError(404, code: "NoSuchKey", "The specified key does not exist.")
        }
        record.downloads += 1
        state.tasks[record.id] = record
        return Responses.video(method: request.method)
    }
}

extension RunwayWire {
    /// ``validate(headers:body:endpoint:gateway:)`` for the simulator's shared submit reader, which knows no
    /// path: the endpoint follows from `promptImage`, and an issue becomes a ``Rejection``.
    static func validateForSharedCallers(
        headers: HTTPHeaders, body: Data, gateway: GatewaySimulator.Gateway
    ) throws(Rejection) -> AcceptedSubmission {
        do {
            return try validate(headers: headers, body: body, endpoint: nil, gateway: gateway)
        } catch {
            throw Rejection(message: "\(error.path): \(error.message)", code: error.code)
        }
    }
}
