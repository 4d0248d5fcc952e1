public import Foundation

/// A submitted task: enough to follow it, download its video, and resume after a restart.
///
/// `Codable` on purpose: persist it (a file, a database row) right after ``VideoClient/submit(_:options:)``
/// returns, and a fresh ``VideoClient`` with the same provider registered can pick it up with
/// ``VideoClient/updates(for:polling:)``, ``VideoClient/result(for:polling:)`` or
/// ``VideoClient/download(_:to:snapshot:)``.
/// It holds no secrets.
public struct VideoJob: Sendable, Hashable, Codable, Identifiable, CustomStringConvertible, CustomReflectable {
    // The fields live in a `CopyOnWrite`: every task that follows a job holds it across its awaits, where
    // a large value weighs on every waiting job (docs/performance.md, `jobs`). The JSON is the fields' own.
    private struct Fields: Sendable, Hashable, Codable {
        let id: UUID
        let providerID: ProviderID
        let model: String
        let taskID: String
        let baseURL: URL
        let request: Summary
        let attempts: [SubmissionAttempt]
        let submittedAt: Date
        let initialSnapshot: TaskSnapshot
    }

    private let storage: CopyOnWrite<Fields>

    public init(from decoder: any Decoder) throws { storage = CopyOnWrite(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try storage.box.value.encode(to: encoder) }

    /// A local identifier, unique per submission.
    public var id: UUID { storage.box.value.id }
    public var providerID: ProviderID { storage.box.value.providerID }
    /// The model's native name on that provider.
    public var model: String { storage.box.value.model }
    /// The vendor's task id.
    public var taskID: String { storage.box.value.taskID }
    /// Where the task was created. A client only follows a job at the base URL its registry has for the
    /// provider, so a tampered job file cannot send the API key elsewhere.
    public var baseURL: URL { storage.box.value.baseURL }
    public var request: Summary { storage.box.value.request }
    /// Every submission attempt, oldest first, the accepted one last.
    public var attempts: [SubmissionAttempt] { storage.box.value.attempts }
    /// When the vendor accepted the task, to the second: the precision its JSON keeps, so a job read back
    /// with ``decode(from:)`` equals the one that was written.
    public var submittedAt: Date { storage.box.value.submittedAt }
    /// The vendor's answer to the submission.
    public var initialSnapshot: TaskSnapshot { storage.box.value.initialSnapshot }

    public init(
        id: UUID = UUID(), providerID: ProviderID, model: String, taskID: String, baseURL: URL, request: Summary,
        attempts: [SubmissionAttempt], submittedAt: Date, initialSnapshot: TaskSnapshot
    ) {
        storage = CopyOnWrite(
            Fields(
                id: id, providerID: providerID, model: model, taskID: taskID, baseURL: baseURL, request: request,
                attempts: attempts,
                submittedAt: Date(timeIntervalSince1970: submittedAt.timeIntervalSince1970.rounded(.down)),
                initialSnapshot: initialSnapshot))
    }

    /// The job in one line: who holds the task, where, and since when (``request`` and ``attempts`` are in
    /// ``customMirror``, for `dump` and debuggers).
    public var description: String {
        readableDescription(
            "VideoJob",
            [
                "id": id, "provider": providerID.rawValue, "model": model, "task": taskID, "baseURL": baseURL,
                "submittedAt": submittedAt.formatted(.iso8601), "attempts": attempts.count,
            ])
    }

    public var customMirror: Mirror { storage.mirror(of: self) }

    /// What was asked for, as resolved for the provider that took it (no image bytes).
    public struct Summary: Sendable, Hashable, Codable {
        /// The model string the app gave (`grok-video-3`, `octopusx:grok-video-3`).
        public let requestedModel: String
        public let prompt: String
        public let seconds: Int
        public let sendsDuration: Bool
        public let aspectRatio: AspectRatio
        public let resolution: Resolution?
        public let imageCount: Int
        public let imageTransports: [ImageTransport]
        public let billing: BillableEstimate
        public let warnings: [ValidationWarning]
        /// Each image's role, in image order; `nil` without images (and in jobs written before roles existed).
        public let imageRoles: [ImageRole]?
        /// The seed sent, if any.
        public let seed: Int?
        /// The negative prompt sent, if any.
        public let negativePrompt: String?
        /// Whether audio was asked for, when the model has audio.
        public let audio: Bool?
        /// `false` when no aspect ratio was sent (the ratio follows the image); `nil` means it was sent.
        public let sendsAspectRatio: Bool?

        public init(requestedModel: String, resolved: ResolvedVideoRequest) {
            self.requestedModel = requestedModel
            self.prompt = resolved.prompt
            self.seconds = resolved.seconds
            self.sendsDuration = resolved.sendsDuration
            self.aspectRatio = resolved.aspectRatio
            self.resolution = resolved.resolution
            self.imageCount = resolved.images.count
            self.imageTransports = resolved.images.map(\.transport)
            self.billing = resolved.billableEstimate
            self.warnings = resolved.warnings
            self.imageRoles = resolved.imageRoles.isEmpty ? nil : resolved.imageRoles
            self.seed = resolved.seed
            self.negativePrompt = resolved.negativePrompt
            self.audio = resolved.audio
            self.sendsAspectRatio = resolved.sendsAspectRatio ? nil : false
        }
    }

    /// The job as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads a job written by ``encoded()``.
    public static func decode(from data: Data) throws -> VideoJob {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(VideoJob.self, from: data)
    }
}

/// A finished video on disk.
public struct DownloadedVideo: Sendable, Hashable {
    public let job: VideoJob
    public let fileURL: URL
    public let byteCount: Int64
    /// The `Content-Type` the server gave, if any.
    public let contentType: String?
    /// The host the bytes came from (the gateway, or a CDN).
    public let sourceHost: String?
}

/// A submission about to be sent: what ``VideoClient/SubmitOptions/beforeSubmitting`` receives, so an app
/// can record a possibly billed attempt before it happens (and a crash still leaves that record).
///
/// `Codable`, like ``VideoJob``, and holds no secrets.
public struct PendingSubmission: Sendable, Hashable, Codable {
    public let providerID: ProviderID
    /// The model's native name on that provider.
    public let model: String
    /// Where the submission goes.
    public let baseURL: URL
    /// 1 for the first submission of the call, 2 for the next, and so on.
    public let number: Int
    public let request: VideoJob.Summary
    /// The attempts already made in this call, oldest first (an ambiguous one may have created a task).
    public let attempts: [SubmissionAttempt]
    /// When it was about to be sent, to the second.
    public let startedAt: Date

    public init(
        providerID: ProviderID, model: String, baseURL: URL, number: Int, request: VideoJob.Summary,
        attempts: [SubmissionAttempt], startedAt: Date
    ) {
        self.providerID = providerID
        self.model = model
        self.baseURL = baseURL
        self.number = number
        self.request = request
        self.attempts = attempts
        self.startedAt = Date(timeIntervalSince1970: startedAt.timeIntervalSince1970.rounded(.down))
    }
}
