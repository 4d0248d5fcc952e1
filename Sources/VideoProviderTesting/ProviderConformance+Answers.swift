import Foundation
import VideoProviderKit

extension ProviderConformance {
    /// What reading `response` gave: a snapshot or an error.
    enum Reading {
        case snapshot(TaskSnapshot)
        case error(VideoProviderError)
    }

    func read(_ response: HTTPResponse, as operation: AnswerSample.Operation) throws(VideoProviderError) -> Reading {
        do {
            switch operation {
            case .submit: return .snapshot(try provider.parseSubmitResponse(response, for: try sampleRequest()))
            case .status(let taskID): return .snapshot(try provider.parseStatusResponse(response, taskID: taskID))
            }
        } catch {
            return .error(error)
        }
    }

    // MARK: - Samples

    func answerSampleFailures(_ samples: [AnswerSample]) -> [String] {
        var findings = Findings()
        let model = try? sampleRequest().model
        for sample in samples {
            let label = "answer '\(sample.name)'"
            let reading: Reading
            do {
                reading = try read(sample.response, as: sample.operation)
            } catch {
                findings.fail("\(label): the request sample does not resolve: \(error)")
                continue
            }
            switch (sample.outcome, reading) {
            case (.snapshot(var expected), .snapshot(var actual)):
                if case .submit = sample.operation, expected.model == nil { expected.model = model }
                for field in sample.ignoring {
                    switch field {
                    case .progress: actual.progress = expected.progress
                    case .model: actual.model = expected.model
                    case .actualDuration: actual.actualDuration = expected.actualDuration
                    }
                }
                snapshotFailures(actual, expected, label, &findings)
            case (.error(let expected), .error(let actual)):
                errorFailures(actual, expected, sample, label, &findings)
            case (.snapshot(let expected), .error(let actual)):
                findings.fail("\(label): read as the error \(actual.kind) (\(actual.message)); expected \(expected)")
            case (.error(let expected), .snapshot(let actual)):
                findings.fail("\(label): read as \(actual); expected the error \(expected)")
            }
        }
        return findings.list
    }

    func snapshotFailures(_ actual: TaskSnapshot, _ expected: TaskSnapshot, _ label: String, _ findings: inout Findings)
    {
        findings.equal(actual.taskID, expected.taskID, "\(label): taskID")
        findings.equal(actual.status, expected.status, "\(label): status")
        findings.equal(actual.rawStatus, expected.rawStatus, "\(label): rawStatus")
        findings.equal(actual.progress, expected.progress, "\(label): progress")
        findings.equal(actual.videoURL, expected.videoURL, "\(label): videoURL")
        findings.equal(actual.errorCode, expected.errorCode, "\(label): errorCode")
        findings.equal(actual.errorMessage, expected.errorMessage, "\(label): errorMessage")
        findings.equal(actual.actualDuration, expected.actualDuration, "\(label): actualDuration")
        findings.equal(actual.model, expected.model, "\(label): model")
        findings.equal(actual.pollAfter, expected.pollAfter, "\(label): pollAfter")
    }

    func errorFailures(
        _ actual: VideoProviderError, _ expected: ExpectedError, _ sample: AnswerSample, _ label: String,
        _ findings: inout Findings
    ) {
        findings.equal(actual.kind, expected.kind, "\(label): kind")
        findings.equal(actual.vendorCode, expected.vendorCode, "\(label): vendorCode")
        findings.equal(actual.vendorMessage, expected.vendorMessage, "\(label): vendorMessage")
        findings.equal(actual.retryAfter, expected.retryAfter, "\(label): retryAfter")
        if let message = expected.message {
            let message = message.replacingOccurrences(of: "{provider}", with: provider.id.rawValue)
            findings.equal(actual.message, message, "\(label): message")
        }
        findings.equal(actual.httpStatus, sample.response.status, "\(label): httpStatus")
        findings.equal(actual.providerID, provider.id, "\(label): providerID")
        switch sample.operation {
        case .submit: findings.equal(actual.model, try? sampleRequest().model, "\(label): model")
        case .status(let taskID): findings.equal(actual.taskID, taskID, "\(label): taskID")
        }
        findings.check(!actual.description.contains(apiKey), "\(label): the key is in the error")
    }

    // MARK: - Failures every gateway sends

    /// HTTP failures in the shapes proxies and gateways send become the error kinds the client decides on.
    func httpFailureFailures() -> [String] {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
        var samples: [AnswerSample] = []
        for operation in [AnswerSample.Operation.submit, .status(taskID: "video_1")] {
            func sample(_ name: String, _ response: HTTPResponse, _ expected: ExpectedError) {
                samples.append(
                    AnswerSample(
                        "\(operation == .submit ? "submit" : "status"): \(name)", operation, response, .error(expected))
                )
            }
            sample(
                "401",
                Self.answer(401, #"{"error":{"message":"invalid key","type":"auth","code":"invalid_api_key"}}"#),
                ExpectedError(.authentication, code: "invalid_api_key", message: "invalid key"))
            sample(
                "429 with Retry-After",
                Self.answer(429, #"{"error":"too many requests"}"#, headers: ["Retry-After": "30"]),
                ExpectedError(.rateLimited, message: "too many requests", retryAfter: .seconds(30)))
            sample("500 without a body", Self.answer(500, ""), ExpectedError(.serverError))
            sample(
                "a proxy's 502 page",
                HTTPResponse(status: 502, headers: ["Content-Type": "text/html"], body: Data(page.utf8)),
                ExpectedError(.serverError, message: "HTML page: 502 Bad Gateway"))
        }
        samples.append(
            .status(
                "404", #"{"error":"task not found"}"#, http: 404,
                .error(ExpectedError(.notFound, message: "task not found"))
            ))
        return answerSampleFailures(samples)
    }

    /// A success status with a body that is not a JSON object is an invalid response, never a snapshot.
    func unreadableAnswerFailures() -> [String] {
        var findings = Findings()
        let bodies = [
            ("", "application/json"), (#"{"id":"video_1","status":"que"#, "application/json"),
            (#"[{"id":"video_1"}]"#, "application/json"), ("null", "application/json"),
            ("\"video_1\"", "application/json"), ("not json at all", "text/plain"),
            ("<!DOCTYPE html><html><title>Sign in</title></html>", "text/html"),
        ]
        for (body, contentType) in bodies {
            let response = HTTPResponse(status: 200, headers: ["Content-Type": contentType], body: Data(body.utf8))
            for operation in [AnswerSample.Operation.submit, .status(taskID: "video_1")] {
                let label = "\(operation == .submit ? "submit" : "status") answer \(body.debugDescription)"
                switch try? read(response, as: operation) {
                case .error(let error)?:
                    findings.equal(error.kind, .invalidResponse, "\(label): kind")
                    findings.equal(error.httpStatus, 200, "\(label): httpStatus")
                    if case .status(let taskID) = operation { findings.equal(error.taskID, taskID, "\(label): taskID") }
                case .snapshot(let snapshot)?: findings.fail("\(label): read as \(snapshot)")
                case nil: findings.fail("\(label): the request sample does not resolve")
                }
            }
        }
        return findings.list
    }

    // MARK: - Damaged answers

    /// The documented answers a parser must read whole: JSON successes among the samples.
    var wholeAnswers: [AnswerSample] {
        answers.filter { sample in
            guard case .snapshot = sample.outcome else { return false }
            return [200, 201].contains(sample.response.status) && sample.response.body.first == UInt8(ascii: "{")
        }
    }

    /// Every strict prefix of a documented answer is unreadable JSON: an invalid response from both parsers,
    /// never a trap or a half-filled snapshot.
    func truncationFailures() -> [String] {
        var findings = Findings()
        findings.check(!wholeAnswers.isEmpty, "no documented JSON answer to truncate")
        for sample in wholeAnswers {
            for length in 0..<sample.response.body.count {
                var response = sample.response
                response.body = sample.response.body.prefix(length)
                for operation in [AnswerSample.Operation.submit, .status(taskID: "video_1")] {
                    guard case .error(let error)? = try? read(response, as: operation), error.kind == .invalidResponse
                    else {
                        findings.fail("'\(sample.name)' cut to \(length) bytes is not an invalid response")
                        continue
                    }
                }
            }
        }
        return findings.list
    }

    /// One-byte corruptions anywhere in a documented answer: any reading but a trap, and a status snapshot
    /// keeps the id that was asked about.
    func corruptionFailures() -> [String] {
        var findings = Findings()
        for sample in wholeAnswers {
            let body = sample.response.body
            for offset in stride(from: 0, to: body.count, by: 3) {
                for replacement in Array("\"{}[],:\\0n\u{0}".utf8) + [0xFF] {
                    var response = sample.response
                    var corrupted = Data(body)
                    corrupted[offset] = replacement
                    response.body = corrupted
                    _ = try? read(response, as: .submit)
                    if case .snapshot(let snapshot)? = try? read(response, as: .status(taskID: "video_1")) {
                        findings.equal(snapshot.taskID, "video_1", "'\(sample.name)' corrupted at \(offset)")
                    }
                }
            }
        }
        return findings.list
    }
}
