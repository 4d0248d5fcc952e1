public import Foundation
public import VideoProviderKit

/// A documented submit request and the exact bytes it must become.
public struct RequestSample: Sendable, CustomStringConvertible {
    /// What the sample shows, for failure messages.
    public var name: String
    public var request: VideoRequest
    public var policy: ValidationPolicy
    /// The `Content-Type` the request must carry; `nil` for the suite's: JSON, or multipart with the
    /// conformance boundary when ``body`` starts with it.
    public var contentType: String?
    /// Every byte of the body.
    public var body: Data
    /// The parameters validation warns about, in order, when the sample pins them.
    public var warnings: [String]?
    /// The warnings' messages, in order, when the sample pins them.
    public var warningMessages: [String]?

    /// A sample whose body is text (JSON, or multipart without file parts).
    public init(
        _ name: String, _ request: VideoRequest, policy: ValidationPolicy = .strict, contentType: String? = nil,
        warnings: [String]? = nil, warningMessages: [String]? = nil, body: String
    ) {
        self.init(name, request, policy: policy, contentType: contentType, warnings: warnings, bytes: Data(body.utf8))
        self.warningMessages = warningMessages
    }

    /// A `multipart/form-data` sample, written part by part with the conformance's `boundary`.
    public init(
        _ name: String, _ request: VideoRequest, policy: ValidationPolicy = .strict, warnings: [String]? = nil,
        boundary: String = ProviderConformance.defaultBoundary, parts: [FormPart]
    ) {
        self.init(name, request, policy: policy, warnings: warnings, bytes: FormPart.body(parts, boundary: boundary))
    }

    /// A sample whose body holds bytes that are not text (image file parts).
    public init(
        _ name: String, _ request: VideoRequest, policy: ValidationPolicy = .strict, contentType: String? = nil,
        warnings: [String]? = nil, bytes: Data
    ) {
        self.name = name
        self.request = request
        self.policy = policy
        self.contentType = contentType
        self.warnings = warnings
        self.body = bytes
    }

    public var description: String { name }
}

/// One part of a `multipart/form-data` sample body, written out as RFC 7578 spells it.
public enum FormPart: Sendable {
    /// A text field.
    case text(String, String)
    /// A file: field name, file name as it appears on the wire, media type, bytes.
    case file(String, filename: String, type: String, Data)

    /// The text parts of an OpenAI-format video form, in the vendors' curl order: `model`, `prompt`,
    /// `aspect_ratio`, `seconds` (when sent), `size`.
    public static func videoFields(
        model: String, prompt: String = "Rain", aspectRatio: String = "16:9", seconds: String?, size: String = "720P"
    ) -> [FormPart] {
        [.text("model", model), .text("prompt", prompt), .text("aspect_ratio", aspectRatio)]
            + (seconds.map { [.text("seconds", $0)] } ?? []) + [.text("size", size)]
    }

    /// The parts one after another, each after `--boundary`, then the closing delimiter.
    public static func body(_ parts: [FormPart], boundary: String) -> Data {
        var body = Data()
        for part in parts {
            body.append(Data("--\(boundary)\r\n".utf8))
            switch part {
            case .text(let name, let value):
                body.append(Data("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
            case .file(let name, let filename, let type, let bytes):
                body.append(
                    Data(
                        ("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n"
                            + "Content-Type: \(type)\r\n\r\n").utf8))
                body.append(bytes)
                body.append(Data("\r\n".utf8))
            }
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }
}

/// A request adjusted to the nearest the table allows (``ValidationPolicy/adjustToNearest``), and what it
/// becomes: the values applied and, in order, the parameters the warnings name.
public struct AdjustmentSample: Sendable, CustomStringConvertible {
    public var request: VideoRequest
    public var seconds: Int?
    public var aspectRatio: AspectRatio?
    public var resolution: Resolution?
    /// Whether the resolution is dropped (the model lets the caller choose none).
    public var dropsResolution: Bool
    public var warnings: [String]
    /// The warnings' messages, in order, when the sample pins them.
    public var messages: [String]?

    public init(
        _ request: VideoRequest, seconds: Int? = nil, aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil,
        dropsResolution: Bool = false, warnings: [String], messages: [String]? = nil
    ) {
        self.messages = messages
        self.request = request
        self.seconds = seconds
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.dropsResolution = dropsResolution
        self.warnings = warnings
    }

    public var description: String { "\(request.model) adjusted: " + warnings.joined(separator: ", ") }
}

extension AdjustmentSample {
    /// `requested` seconds on `model`, adjusted to `applied` with one warning.
    public static func seconds(_ model: String, _ requested: Int, to applied: Int) -> AdjustmentSample {
        AdjustmentSample(
            VideoRequest(model: model, prompt: "Rain", seconds: requested), seconds: applied, warnings: ["seconds"])
    }
}

/// A request the vendor's documents rule out, and the exact violations validation names for it.
public struct RefusalSample: Sendable, CustomStringConvertible {
    public var request: VideoRequest
    /// ``VideoProviderError/Kind/invalidRequest``, or ``VideoProviderError/Kind/unknownModel``.
    public var kind: VideoProviderError.Kind
    public var violations: [Violation]
    /// The error's whole message, when the sample pins it.
    public var message: String?

    public init(
        _ request: VideoRequest, kind: VideoProviderError.Kind = .invalidRequest, _ violations: [Violation],
        message: String? = nil
    ) {
        self.request = request
        self.kind = kind
        self.violations = violations
        self.message = message
    }

    public var description: String { "\(request.model): " + violations.map(\.parameter).joined(separator: ", ") }
}

extension RefusalSample {
    /// A length the model does not allow, refused with exactly `allowed`.
    public static func seconds(_ model: String, _ seconds: Int, allowed: String) -> RefusalSample {
        RefusalSample(
            VideoRequest(model: model, prompt: "Rain", seconds: seconds),
            [Violation(parameter: "seconds", value: "\(seconds)", allowed: allowed)])
    }

    /// A ratio the model does not allow, refused with exactly `allowed`.
    public static func ratio(_ model: String, _ ratio: AspectRatio, allowed: String) -> RefusalSample {
        RefusalSample(
            VideoRequest(model: model, prompt: "Rain", aspectRatio: ratio),
            [Violation(parameter: "aspect-ratio", value: ratio.rawValue, allowed: allowed)])
    }

    /// A resolution (`"1080p"`) the model does not allow, refused with exactly `allowed`.
    public static func resolution(_ model: String, _ text: String, allowed: String) -> RefusalSample {
        RefusalSample(
            VideoRequest(model: model, prompt: "Rain", resolution: Resolution(parsing: text)),
            [Violation(parameter: "resolution", value: text, allowed: allowed)])
    }

    /// `count` copies of `image`, one more than the model's `max`.
    public static func images(_ model: String, _ count: Int, of image: ImageInput, max: Int) -> RefusalSample {
        RefusalSample(
            VideoRequest(model: model, prompt: "Rain", images: Array(repeating: image, count: count)),
            [Violation(parameter: "images", value: "\(count) images", allowed: "at most \(max)")])
    }

    /// A public URL a model that takes bytes only refuses, naming the transports it takes (`allowed`).
    public static func publicURL(_ model: String, _ url: String, allowed: String) -> RefusalSample {
        RefusalSample(
            VideoRequest(model: model, prompt: "Rain", images: [.url(URL(string: url)!)]),
            [
                Violation(
                    parameter: "images[0]", value: url, allowed: allowed,
                    reason: "\(model) does not fetch public URLs; pass the image as bytes or a file")
            ])
    }

    /// A model the table does not list, refused naming every model it does (`allowed`).
    public static func unknownModel(_ name: String, allowed: String) -> RefusalSample {
        RefusalSample(
            VideoRequest(model: name, prompt: "Rain"), kind: .unknownModel,
            [Violation(parameter: "model", value: name, allowed: allowed)])
    }
}

/// An answer a vendor sends and what it must read as.
public struct AnswerSample: Sendable, CustomStringConvertible {
    /// Which parser reads the answer.
    public enum Operation: Sendable, Hashable {
        /// The submit answer, read for the conformance's first request sample.
        case submit
        /// A status answer for the task with this id.
        case status(taskID: String)
    }

    /// What the answer must read as.
    public enum Outcome: Sendable {
        /// Exactly this snapshot (the submit's `model` defaults to the request's when the snapshot has none).
        case snapshot(TaskSnapshot)
        /// This error: its kind, vendor code, vendor message and `Retry-After` exactly, and its message when
        /// given. The HTTP status, provider, model (submit) and task id (status) are checked too.
        case error(ExpectedError)
    }

    /// Snapshot fields a sample leaves unchecked, where dialects legitimately differ.
    public enum Field: String, Sendable, Hashable {
        case progress, model, actualDuration
    }

    public var name: String
    public var operation: Operation
    public var response: HTTPResponse
    public var outcome: Outcome
    public var ignoring: Set<Field>

    public init(
        _ name: String, _ operation: Operation, _ response: HTTPResponse, _ outcome: Outcome,
        ignoring: Set<Field> = []
    ) {
        self.name = name
        self.operation = operation
        self.response = response
        self.outcome = outcome
        self.ignoring = ignoring
    }

    /// A status answer (JSON unless `contentType` says otherwise) for task `video_1` unless told.
    public static func status(
        _ name: String, _ body: String, http status: Int = 200, headers: [String: String] = [:],
        taskID: String = "video_1", ignoring: Set<Field> = [], _ outcome: Outcome
    ) -> AnswerSample {
        AnswerSample(
            name, .status(taskID: taskID), ProviderConformance.answer(status, body, headers: headers), outcome,
            ignoring: ignoring)
    }

    /// A submit answer (JSON) for the first request sample.
    public static func submit(
        _ name: String, _ body: String, http status: Int = 200, headers: [String: String] = [:],
        ignoring: Set<Field> = [], _ outcome: Outcome
    ) -> AnswerSample {
        AnswerSample(
            name, .submit, ProviderConformance.answer(status, body, headers: headers), outcome, ignoring: ignoring)
    }

    public var description: String { name }
}

extension AnswerSample.Outcome {
    /// A finished task: `completed` in the vendor's word `raw`, with its video, length, model and progress.
    public static func completed(
        _ taskID: String, _ video: String, seconds: Double? = nil, model: String? = nil, progress: Int? = 100,
        raw: String = "completed"
    ) -> Self {
        .snapshot(
            TaskSnapshot(
                taskID: taskID, status: .completed, rawStatus: raw, progress: progress, videoURL: URL(string: video),
                actualDuration: seconds, model: model))
    }
}

/// The error an answer must read as.
public struct ExpectedError: Sendable, Hashable, CustomStringConvertible {
    public var kind: VideoProviderError.Kind
    public var vendorCode: String?
    public var vendorMessage: String?
    public var retryAfter: Duration?
    /// The whole message, when the sample pins it; `{provider}` stands for the provider's id.
    public var message: String?

    public init(
        _ kind: VideoProviderError.Kind, code: String? = nil, message vendorMessage: String? = nil,
        retryAfter: Duration? = nil, exactly message: String? = nil
    ) {
        self.kind = kind
        self.vendorCode = code
        self.vendorMessage = vendorMessage
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String {
        "\(kind) (code \(vendorCode ?? "nil"), message \(vendorMessage ?? "nil"))"
    }
}
