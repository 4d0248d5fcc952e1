public import Foundation
public import VideoProviderKit

extension GatewaySimulator {
    /// What a request asked a gateway (or the CDN) to do.
    public enum Operation: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The task-creating `POST`.
        case submit
        /// A status query.
        case status
        /// A video download: the OpenAI-format content endpoint or a CDN fetch.
        case content
        /// Anything else: an unknown path or method, or a host the simulator does not serve.
        case other
        /// The follow-up call that names a finished task's video (MiniMax's `files/retrieve`).
        case result

        public var description: String { rawValue }
    }

    /// A scripted misbehaviour of the network or the server, injected with
    /// ``GatewaySimulator/inject(_:on:at:times:)``.
    ///
    /// Faults fall in three groups, and which group decides whether a submit creates a task:
    /// - **Before the server** (nothing processed, no task): ``refuseConnection``, ``httpError(status:message:code:headers:)``,
    ///   ``htmlErrorPage(status:)``, ``response(status:headers:body:)``, ``quotaExhausted``.
    /// - **After the server** (processed normally, then the answer is damaged; a submit's task exists):
    ///   ``truncatedJSON``, ``emptyBody``, ``wrongContentType(_:)``, ``extraHeaders(_:)``, and
    ///   ``dropResponse(_:)``, the dangerous ambiguous case where the client never learns the task id.
    /// - ``delay(_:)``: waits on the simulator's clock, then processes normally.
    public enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// The connection is refused: throws ``HTTPTransportError`` `.connectionFailed` with
        /// `requestMayHaveBeenSent: false`. The server never sees the request.
        case refuseConnection
        /// An error answer in the gateway's own error shape (OpenAI `{"error":{…}}`, xAI `{"code","error"}`,
        /// kyy `{"error": "…"}`), e.g. 429 with `Retry-After`, 500, 503. The request is not processed.
        case httpError(
            status: Int, message: String = "simulated error", code: String? = nil, headers: HTTPHeaders = [:])
        /// A proxy's HTML error page (`text/html`), such as nginx's 502. The request is not processed.
        case htmlErrorPage(status: Int = 502)
        /// Any answer at all. The request is not processed.
        case response(status: Int, headers: HTTPHeaders = [:], body: Data = Data())
        /// The account's quota or balance is used up, answered as the gateway's flavour does: new-api HTTP 403
        /// `{"code":"insufficient_user_quota","message":"用户额度不足, …","data":null}`, a kyy deployment HTTP 200
        /// `{"code","msg":"余额不足"}`, the documented dialects their own error shape with HTTP 402. The
        /// request is not processed.
        case quotaExhausted
        /// The real answer cut in half: truncated, malformed JSON. The request is processed.
        case truncatedJSON
        /// The real status and headers with an empty body. The request is processed.
        case emptyBody
        /// The real answer relabelled with another `Content-Type` (e.g. a video served as `text/html`).
        /// The request is processed.
        case wrongContentType(String = "text/html; charset=utf-8")
        /// The real answer with extra headers (`Retry-After`, `openai-poll-after-ms`, …). The request is
        /// processed.
        case extraHeaders(HTTPHeaders)
        /// Waits this long on the simulator's clock, then answers normally.
        case delay(Duration)
        /// The request is processed (a submit creates its task), then the answer is lost: throws
        /// ``HTTPTransportError`` of `kind` (`.connectionLost` or `.timedOut`) with
        /// `requestMayHaveBeenSent: true`.
        case dropResponse(HTTPTransportError.Kind = .connectionLost)

        /// Whether the server processes the request before the fault acts.
        public var processesRequest: Bool {
            switch self {
            case .refuseConnection, .httpError, .htmlErrorPage, .response, .quotaExhausted: return false
            case .truncatedJSON, .emptyBody, .wrongContentType, .extraHeaders, .delay, .dropResponse: return true
            }
        }

        public var description: String {
            switch self {
            case .refuseConnection: return "refuse-connection"
            case .httpError(let status, _, let code, _): return "http-error(\(status)\(code.map { ", \($0)" } ?? ""))"
            case .htmlErrorPage(let status): return "html-error-page(\(status))"
            case .response(let status, _, let body): return "response(\(status), \(body.count) bytes)"
            case .quotaExhausted: return "quota-exhausted"
            case .truncatedJSON: return "truncated-json"
            case .emptyBody: return "empty-body"
            case .wrongContentType(let type): return "wrong-content-type(\(type))"
            case .extraHeaders(let headers): return "extra-headers(\(headers.map(\.name).joined(separator: ", ")))"
            case .delay(let duration): return "delay(\(duration))"
            case .dropResponse(let kind): return "drop-response(\(kind))"
            }
        }
    }

    /// How a simulated task ends.
    public enum Outcome: Sendable, Hashable {
        /// Completes with a video on the CDN.
        case success
        /// Fails with the vendor's `failed` status and this message (and code, where the dialect has one).
        case failure(message: String, code: String? = nil)
        /// Refused by moderation: xAI answers `done` with `respect_moderation: false` and no URL; the other
        /// dialects answer `failed` with a content-policy message.
        case moderated
        /// Ends `expired` (xAI's word; the other dialects have no documented equivalent and send it as is).
        case expired
        /// Ends `cancelled`.
        case cancelled
    }

    /// How the OpenAI-format dialect spells `progress` (the brief has seen all three in the wild).
    public enum ProgressFormat: Sendable, Hashable {
        /// `42`
        case integer
        /// `42.5`
        case fractional
        /// `"42%"`
        case percentString
    }

    /// The life one task will have: its outcome, its timing and any quirks its status answers show.
    ///
    /// ```swift
    /// typealias TaskScript = GatewaySimulator.TaskScript
    /// simulator.scriptNextTasks(TaskScript(outcome: .failure(message: "upstream overloaded", code: "busy")))
    /// simulator.scriptNextTasks(TaskScript(unknownStatus: "rendering", unknownStatusPolls: 2), at: octopusX)
    /// ```
    public struct TaskScript: Sendable, Hashable {
        public var outcome: Outcome
        /// Overrides the gateway's queued time.
        public var queued: Duration?
        /// Overrides the gateway's processing time.
        public var processing: Duration?
        /// A status word the first ``unknownStatusPolls`` status answers carry instead of the real one.
        public var unknownStatus: String?
        public var unknownStatusPolls: Int
        /// How many answers for the finished task say `completed` (or `done`) without a video URL before
        /// the URL appears.
        public var completedWithoutVideoURLPolls: Int
        public var progressFormat: ProgressFormat

        public init(
            outcome: Outcome = .success, queued: Duration? = nil, processing: Duration? = nil,
            unknownStatus: String? = nil, unknownStatusPolls: Int = 0, completedWithoutVideoURLPolls: Int = 0,
            progressFormat: ProgressFormat = .integer
        ) {
            self.outcome = outcome
            self.queued = queued
            self.processing = processing
            self.unknownStatus = unknownStatus
            self.unknownStatusPolls = unknownStatus == nil ? 0 : max(0, unknownStatusPolls)
            self.completedWithoutVideoURLPolls = max(0, completedWithoutVideoURLPolls)
            self.progressFormat = progressFormat
        }

        /// A successful task with the gateway's timing.
        public static let success = TaskScript()
    }

    /// Where a simulated task stands.
    public enum Phase: String, Sendable, Hashable, CustomStringConvertible {
        case queued, processing, completed, failed, expired, cancelled

        public var isTerminal: Bool { self != .queued && self != .processing }
        public var description: String { rawValue }
    }

    /// A task the simulator created, as it stands when it was looked up.
    public struct SimulatedTask: Sendable, Hashable, CustomStringConvertible {
        /// The vendor-format id (`video_<uuid>` for kyy, `video_<hex>` for OpenAI format, a UUID for xAI).
        public let id: String
        public let gatewayName: String
        public let gatewayBaseURL: URL
        public let dialect: Dialect
        public let model: String
        public let prompt: String
        /// The length the request named, or `nil` when it sent none.
        public let requestedSeconds: Int?
        /// The length the video has (the request's, the model's default, or a fixed model's length).
        public let seconds: Int
        public let aspectRatio: String
        /// The resolution or size, in the vendor's spelling.
        public let resolution: String?
        public let imageCount: Int
        /// When it was created, on the simulator's clock.
        public let createdAt: Duration
        /// When it reaches its final state, on the simulator's clock.
        public let finishesAt: Duration
        public let script: TaskScript
        public let phase: Phase
        /// 0–100.
        public let progress: Int
        /// Where the finished video is served (whether or not an answer has revealed it yet).
        public let videoURL: URL
        /// How many status queries and downloads the task has seen.
        public let statusQueries: Int
        public let downloads: Int

        public var description: String {
            "\(id) on \(gatewayName) [\(model), \(seconds) s]: \(phase) \(progress)%"
        }
    }

    /// One request the transport was asked to send, as the server saw it.
    ///
    /// Headers are kept with credentials redacted; whether a request carried `Authorization`, and with
    /// which key, is answered by ``hasAuthorization`` and ``carriesBearerToken(_:)`` without exposing it.
    public struct ReceivedRequest: Sendable, Hashable, CustomStringConvertible {
        /// 1, 2, 3, … in arrival order.
        public let sequence: Int
        /// When it arrived, on the simulator's clock.
        public let receivedAt: Duration
        public let method: HTTPMethod
        public let url: URL
        /// The headers with `Authorization` and other credentials redacted.
        public let headers: HTTPHeaders
        /// Whether the request carried an `Authorization` header at all.
        public let hasAuthorization: Bool
        public let body: Data
        /// The body parsed with `JSONSerialization`, when it is a JSON object (and not multipart).
        public var json: JSONValue? { isMultipart ? nil : SimulatorJSON.object(body) }
        /// The body's parts, when it is well-formed `multipart/form-data` (parsed when asked for).
        public var parts: [MultipartPart]? {
            guard isMultipart else { return nil }
            let contentType = headers["Content-Type"] ?? ""
            return try? MultipartReader.parse(body, boundary: MultipartReader.boundary(fromContentType: contentType))
        }
        private var isMultipart: Bool {
            SubmitValidator.mediaTypeOf(headers["Content-Type"] ?? "") == "multipart/form-data"
        }
        /// The gateway that received it (`"CDN"` for the CDN), or `nil` when no gateway lives at that host.
        public let gatewayName: String?
        public let gatewayBaseURL: URL?
        public let operation: Operation
        /// The task the request created or asked about, when there is one.
        public internal(set) var taskID: String?
        /// `false` when the connection was refused (or the host is unknown): the server never saw it.
        public internal(set) var delivered: Bool
        /// The status of the answer, or `nil` when the transport threw instead.
        public internal(set) var responseStatus: Int?
        /// The fault that acted on this request, if any.
        public internal(set) var fault: Fault?
        // An `APIKey`, so `dump` and descriptions print `[redacted]`.
        let bearerToken: APIKey?
        /// The key where the gateway's dialect takes it (`Authorization: Bearer` for the CDN).
        let presentedKey: APIKey?
        /// Whether the request carried any credential header (``HTTPHeaders/isSensitive(_:)``:
        /// `Authorization`, `x-goog-api-key`, a header the credential scheme marked).
        public let hasCredentials: Bool

        /// Whether the request carried `Authorization: Bearer <key>`.
        public func carriesBearerToken(_ key: String) -> Bool { bearerToken?.secret == key }

        /// Whether the request carried `key` where its gateway's dialect takes it (`Authorization: Bearer`
        /// for the Grok dialects, `x-goog-api-key` for Gemini).
        public func carriesKey(_ key: String) -> Bool { presentedKey?.secret == key }

        /// The first multipart part named `name`.
        public func part(_ name: String) -> MultipartPart? { parts?.first { $0.name == name } }

        public var description: String {
            let status = responseStatus.map(String.init) ?? (delivered ? "no answer" : "not delivered")
            let auth = hasAuthorization ? " [Authorization: redacted]" : ""
            return
                "#\(sequence) \(method) \(url.absoluteString) (\(operation), \(body.count) bytes)\(auth) -> \(status)"
        }
    }

    /// One part of a `multipart/form-data` body.
    public struct MultipartPart: Sendable, Hashable, CustomStringConvertible {
        /// The `name` parameter of `Content-Disposition`.
        public let name: String
        /// The `filename` parameter, present for file parts.
        public let filename: String?
        /// The part's `Content-Type`, if it has one.
        public let contentType: String?
        /// Every header of the part, in order.
        public let headers: HTTPHeaders
        public let body: Data

        /// The body as UTF-8 text, or `nil` when it is not valid UTF-8.
        public var text: String? { String(data: body, encoding: .utf8) }

        public var isFile: Bool { filename != nil }

        public var description: String {
            if let filename {
                return "\(name) (file \(filename), \(contentType ?? "no type"), \(body.count) bytes)"
            }
            return "\(name)=\(text.map { $0.count > 80 ? String($0.prefix(80)) + "…" : $0 } ?? "<binary>")"
        }
    }
}
