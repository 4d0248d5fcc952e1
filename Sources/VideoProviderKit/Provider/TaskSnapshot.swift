public import Foundation

/// Where a task stands, normalized across vendors.
public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case queued, processing, completed, failed, cancelled, expired
    /// A status string this library does not recognize. Polling continues (until the timeout) and the
    /// vendor's text stays visible in ``TaskSnapshot/rawStatus``.
    case unknown

    /// `completed`, `failed`, `cancelled` and `expired` end a task.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .expired: return true
        case .queued, .processing, .unknown: return false
        }
    }

    public var description: String { rawValue }

    /// Maps the status words gateways use (``vendorWords``: `pending`, `in_progress`, `Success`, `fail`,
    /// `done`, …), case-insensitively; anything else is ``unknown``.
    public init(vendorStatus: String) {
        self = Self.vendorWords[vendorStatus.trimmingWhitespaceAndNewlines().lowercased()] ?? .unknown
    }
}

/// One observation of a task: what a submit or status call returned.
public struct TaskSnapshot: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
    // The fields live in a `CopyOnWrite`: snapshots are held across every await of the polling loop,
    // where a large value weighs on every waiting job (docs/performance.md, `jobs`).
    private struct Fields: Hashable {
        var taskID: String
        var status: TaskStatus
        var rawStatus: String?
        var progress: Int?
        var videoURL: URL?
        var errorMessage: String?
        var errorCode: String?
        var actualDuration: Double?
        var model: String?
        var pollAfter: Duration?
        var resultReference: String?
        var videoURLExpiresAt: Date?
    }

    private var storage: CopyOnWrite<Fields>

    public var taskID: String {
        get { storage.box.value.taskID }
        set { storage.update { $0.taskID = newValue } }
    }
    public var status: TaskStatus {
        get { storage.box.value.status }
        set { storage.update { $0.status = newValue } }
    }
    /// The vendor's own status word, kept as sent.
    public var rawStatus: String? {
        get { storage.box.value.rawStatus }
        set { storage.update { $0.rawStatus = newValue } }
    }
    /// 0–100 when the vendor reports it.
    public var progress: Int? {
        get { storage.box.value.progress }
        set { storage.update { $0.progress = newValue } }
    }
    /// Where the finished video is, when the vendor says.
    public var videoURL: URL? {
        get { storage.box.value.videoURL }
        set { storage.update { $0.videoURL = newValue } }
    }
    public var errorMessage: String? {
        get { storage.box.value.errorMessage }
        set { storage.update { $0.errorMessage = newValue } }
    }
    public var errorCode: String? {
        get { storage.box.value.errorCode }
        set { storage.update { $0.errorCode = newValue } }
    }
    /// The video length the vendor reports, in seconds.
    public var actualDuration: Double? {
        get { storage.box.value.actualDuration }
        set { storage.update { $0.actualDuration = newValue } }
    }
    /// The model the vendor says it ran.
    public var model: String? {
        get { storage.box.value.model }
        set { storage.update { $0.model = newValue } }
    }
    /// How long the vendor asked us to wait before the next poll (`openai-poll-after-ms`, `Retry-After`).
    public var pollAfter: Duration? {
        get { storage.box.value.pollAfter }
        set { storage.update { $0.pollAfter = newValue } }
    }
    /// What the vendor gave instead of the video's URL when the task completed (MiniMax's `file_id`):
    /// the provider's ``VideoProvider/resultRequest(for:context:)`` turns it into the call that yields the
    /// URL. `nil` for vendors that put the URL in the status answer.
    public var resultReference: String? {
        get { storage.box.value.resultReference }
        set { storage.update { $0.resultReference = newValue } }
    }
    /// When ``videoURL`` stops working, when the vendor says (Runway: 24–48 h; Veo: 2 days). A download
    /// after it asks the vendor for a fresh URL first.
    public var videoURLExpiresAt: Date? {
        get { storage.box.value.videoURLExpiresAt }
        set { storage.update { $0.videoURLExpiresAt = newValue } }
    }

    /// Whether the vendor's code or message says a content policy stopped the task
    /// (``VendorResponse/isContentPolicy(code:message:)``): what makes a failed task a
    /// ``VideoProviderError/Kind/contentPolicy`` error rather than ``VideoProviderError/Kind/taskFailed``.
    public var isContentPolicyRefusal: Bool { VendorResponse.isContentPolicy(code: errorCode, message: errorMessage) }

    public init(
        taskID: String,
        status: TaskStatus,
        rawStatus: String? = nil,
        progress: Int? = nil,
        videoURL: URL? = nil,
        errorMessage: String? = nil,
        errorCode: String? = nil,
        actualDuration: Double? = nil,
        model: String? = nil,
        pollAfter: Duration? = nil,
        resultReference: String? = nil,
        videoURLExpiresAt: Date? = nil
    ) {
        storage = CopyOnWrite(
            Fields(
                taskID: taskID, status: status, rawStatus: rawStatus, progress: progress.map { min(max($0, 0), 100) },
                videoURL: videoURL, errorMessage: errorMessage, errorCode: errorCode, actualDuration: actualDuration,
                model: model, pollAfter: pollAfter, resultReference: resultReference,
                videoURLExpiresAt: videoURLExpiresAt))
    }

    /// The snapshot in one line, the fields that have a value, vendor text with its control characters
    /// escaped.
    public var description: String {
        readableDescription(
            "TaskSnapshot",
            [
                "task": taskID, "status": status, "rawStatus": rawStatus, "progress": progress.map { "\($0)%" },
                "videoURL": videoURL, "error": errorMessage, "errorCode": errorCode,
                "actualDuration": actualDuration, "model": model, "pollAfter": pollAfter,
                "resultReference": resultReference, "videoURLExpiresAt": videoURLExpiresAt?.formatted(.iso8601),
            ])
    }

    public var customMirror: Mirror { storage.mirror(of: self) }

    private enum CodingKeys: String, CodingKey {
        case taskID, status, rawStatus, progress, videoURL, errorMessage, errorCode, actualDuration, model
        case pollAfterSeconds, resultReference, videoURLExpiresAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            taskID: try container.decode(String.self, forKey: .taskID),
            status: try container.decode(TaskStatus.self, forKey: .status),
            rawStatus: try container.decodeIfPresent(String.self, forKey: .rawStatus),
            progress: try container.decodeIfPresent(Int.self, forKey: .progress),
            videoURL: try container.decodeIfPresent(URL.self, forKey: .videoURL),
            errorMessage: try container.decodeIfPresent(String.self, forKey: .errorMessage),
            errorCode: try container.decodeIfPresent(String.self, forKey: .errorCode),
            actualDuration: try container.decodeIfPresent(Double.self, forKey: .actualDuration),
            model: try container.decodeIfPresent(String.self, forKey: .model),
            pollAfter: try container.decodeIfPresent(Double.self, forKey: .pollAfterSeconds).map { .seconds($0) },
            resultReference: try container.decodeIfPresent(String.self, forKey: .resultReference),
            videoURLExpiresAt: try container.decodeIfPresent(Date.self, forKey: .videoURLExpiresAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(taskID, forKey: .taskID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(rawStatus, forKey: .rawStatus)
        try container.encodeIfPresent(progress, forKey: .progress)
        try container.encodeIfPresent(videoURL, forKey: .videoURL)
        try container.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try container.encodeIfPresent(errorCode, forKey: .errorCode)
        try container.encodeIfPresent(actualDuration, forKey: .actualDuration)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(pollAfter?.seconds, forKey: .pollAfterSeconds)
        try container.encodeIfPresent(resultReference, forKey: .resultReference)
        try container.encodeIfPresent(videoURLExpiresAt, forKey: .videoURLExpiresAt)
    }
}
