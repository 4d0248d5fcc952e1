import Foundation
import VideoProviderKit

extension LifecycleConformance {
    // MARK: - Refused before sending

    /// An image form the model does not take is refused before any byte is sent.
    func refusedImageFailures(_ model: Model, _ form: ImageForm) async -> [String] {
        var findings = Findings()
        let scratch = Scratch()
        defer { scratch.remove() }
        do {
            let (simulator, client) = try harness()
            do {
                _ = try await client.submit(
                    VideoRequest(model: model.name, prompt: prompt, images: [input(form, index: 0, in: scratch)]))
                findings.fail("the submission was accepted")
            } catch {
                findings.equal(error.kind, .invalidRequest, "the error kind")
                findings.equal(error.violations.map(\.parameter), ["images[0]"], "the parameters named")
            }
            findings.equal(simulator.requests.count, 0, "requests sent")
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }

    // MARK: - How tasks end

    /// A task that ends badly ends the follow with the error `result(for:)` throws, the vendor's reason
    /// included, and nothing is downloaded.
    func endingFailures(_ model: Model, _ ending: Ending) async -> [String] {
        var findings = Findings()
        do {
            let (simulator, client) = try harness()
            let outcome: GatewaySimulator.Outcome
            switch ending {
            case .failed: outcome = .failure(message: Self.failureMessage, code: Self.failureCode)
            case .expired: outcome = .expired
            case .cancelled: outcome = .cancelled
            case .moderated: outcome = .moderated
            }
            simulator.scriptNextTasks(GatewaySimulator.TaskScript(outcome: outcome))
            let job = try await client.submit(VideoRequest(model: model.name, prompt: prompt))
            var seen: [TaskSnapshot] = []
            var thrown: VideoProviderError?
            do {
                for try await snapshot in client.updates(for: job) { seen.append(snapshot) }
            } catch {
                thrown = error as? VideoProviderError
            }
            guard let last = seen.last else { return ["no snapshot before the end"] }
            findings.check(last.status.isTerminal, "the last snapshot is \(last.status)")
            findings.check(seen.dropLast().allSatisfy { !$0.status.isTerminal }, "ended twice: \(seen.map(\.status))")
            var error: VideoProviderError?
            do {
                _ = try await client.result(for: job)
                findings.fail("result(for:) returned for a task that ended \(ending)")
            } catch let caught {
                error = caught
            }
            // The follow ends with the error `result(for:)` throws, the vendor's code and reason included.
            findings.equal(thrown?.kind, error?.kind, "the follow's error kind")
            findings.equal(thrown?.message, error?.message, "the follow's error message")
            findings.equal(thrown?.vendorMessage, error?.vendorMessage, "the follow's vendor message")
            findings.equal(thrown?.vendorCode, error?.vendorCode, "the follow's vendor code")
            findings.equal(error?.taskID, job.taskID, "the error's task id")
            switch ending {
            case _ where longRunningOperations && ending != .moderated:
                // `done` with google.rpc codes: 13 INTERNAL (the scripted code is not a number), 4, 1.
                let codes: [Ending: String] = [.failed: "13", .expired: "4", .cancelled: "1"]
                findings.equal(last.status, .failed, "the last status")
                findings.equal(error?.kind, .taskFailed, "the error kind")
                findings.equal(error?.vendorCode, codes[ending], "the vendor's code")
                findings.equal(error?.rawStatus, "done", "the raw status")
            case _ where failureWord != nil && ending != .moderated:
                findings.equal(last.status, .failed, "the last status")
                findings.equal(error?.kind, .taskFailed, "the error kind")
                findings.equal(error?.rawStatus, failureWord, "the raw status")
                if ending == .failed {
                    findings.equal(error?.vendorMessage, Self.failureMessage, "the vendor's reason")
                }
            case .failed:
                findings.equal(last.status, .failed, "the last status")
                findings.equal(error?.kind, .taskFailed, "the error kind")
                findings.equal(error?.vendorMessage, Self.failureMessage, "the vendor's reason")
                findings.equal(error?.vendorCode, failureCodes ? Self.failureCode : nil, "the vendor's code")
                findings.equal(error?.rawStatus, "failed", "the raw status")
            case .expired, .cancelled:
                findings.equal(last.status, ending == .expired ? .expired : .cancelled, "the last status")
                findings.equal(error?.kind, .taskFailed, "the error kind")
                findings.equal(error?.rawStatus, ending.rawValue, "the raw status")
            case .moderated:
                findings.equal(last.status, .failed, "the last status")
                findings.equal(error?.kind, .contentPolicy, "the error kind")
            }
            findings.equal(simulator.count(.submit), 1, "submissions")
            findings.equal(simulator.count(.content), 0, "downloads")
            findings.check(
                simulator.requests(.status).allSatisfy { $0.carriesKey(apiKey) }, "a status query lacks the key"
            )
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }

    /// A status word nobody knows keeps the follow going, the word kept, until the task completes.
    func unknownStatusFailures(_ model: Model) async -> [String] {
        var findings = Findings()
        let scratch = Scratch()
        defer { scratch.remove() }
        do {
            let (simulator, client) = try harness()
            simulator.scriptNextTasks(GatewaySimulator.TaskScript(unknownStatus: "rendering", unknownStatusPolls: 2))
            let job = try await client.submit(VideoRequest(model: model.name, prompt: prompt))
            var seen: [TaskSnapshot] = []
            for try await snapshot in client.updates(for: job) { seen.append(snapshot) }
            let unknown = seen.filter { $0.status == .unknown }
            findings.equal(unknown.count, 2, "unknown snapshots")
            findings.check(unknown.allSatisfy { $0.rawStatus == "rendering" }, "the unknown word is not kept")
            findings.equal(seen.last?.status, .completed, "the last status")
            let video = try await client.download(job, to: scratch.url.appendingPathComponent("video.mp4"))
            findings.check((try? Data(contentsOf: video.fileURL)) == SampleVideo.mp4, "the saved video differs")
            findings.check(!simulator.cdnReceivedCredentials, "the CDN received a credential")
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }

    /// The vendor's refusal reaches the app with the vendor's message and code; nothing else is sent.
    func refusalFailures(_ model: Model) async -> [String] {
        var findings = Findings()
        let message = "prompt rejected: unsupported characters"
        do {
            let (simulator, client) = try harness()
            simulator.inject(.httpError(status: 400, message: message, code: "invalid_prompt"), on: .submit)
            do {
                _ = try await client.submit(VideoRequest(model: model.name, prompt: prompt))
                findings.fail("the refused submission returned a job")
            } catch {
                findings.equal(error.kind, .vendorRejected, "the error kind")
                findings.equal(error.httpStatus, refusalShape?.httpStatus ?? 400, "the HTTP status")
                findings.equal(
                    error.vendorMessage, (refusalShape?.messagePrefix ?? "") + message, "the vendor's message")
                findings.equal(error.vendorCode, refusalShape?.code ?? "invalid_prompt", "the vendor's code")
            }
            findings.equal(simulator.count(.submit), 1, "submissions")
            findings.equal(simulator.tasks.count, 0, "tasks")
            findings.equal(simulator.count(.status), 0, "status queries")
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }

    /// A request the page rules out, let through by a loosened table, is refused by the simulator in the
    /// vendor's own shape, and that refusal reaches the app as the vendor's message; no task is created.
    func pageRuleFailures(_ rule: PageRule) async -> [String] {
        var findings = Findings()
        do {
            let (simulator, client) = try harness(overrides: [rule.loosened])
            do {
                _ = try await client.submit(rule.request)
                findings.fail("the submission was accepted")
            } catch {
                findings.equal(error.kind, .vendorRejected, "the error kind")
                findings.equal(error.httpStatus, refusalShape?.httpStatus ?? 400, "the HTTP status")
                findings.equal(error.vendorMessage, rule.vendorMessage, "the vendor's message")
                if let code = rule.vendorCode { findings.equal(error.vendorCode, code, "the vendor's code") }
            }
            findings.equal(simulator.count(.submit), 1, "submissions")
            findings.equal(simulator.tasks.count, 0, "tasks")
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }

    // MARK: - Images and downloads

    /// Each image format the table takes, given as bytes, reaches the simulator in its own media type.
    func formatFailures(_ model: Model, _ format: ImageFormat) async -> [String] {
        var findings = Findings()
        let bytes = SampleImage.bytes(format)
        do {
            let (simulator, client) = try harness()
            let job = try await client.submit(VideoRequest(model: model.name, prompt: prompt, images: [.data(bytes)]))
            findings.equal(try await client.result(for: job).status, .completed, "the task's end")
            guard let submit = simulator.requests(.submit).first else { return ["nothing was submitted"] }
            let uri = JSONValue.string(SampleImage.dataURI(format))
            let value: JSONValue = json.imagesAsObjects ? .object(["url": uri]) : uri
            if let submissionBody {
                findings.equal(
                    submit.json, submissionBody(model.name, model.defaults, [.bytes(bytes, format)]), "the body")
                findings.equal(simulator.tasks.first?.imageCount, 1, "the simulator's image count")
                return findings.list
            }
            switch rule(model)?.layout {
            case .array(let field)?:
                findings.equal(submit.json?[field], .array([value]), "'\(field)'")
            case .singleOrArray(let field, _)?:
                findings.equal(submit.json?[field], value, "'\(field)'")
            case .repeatedPart(let field)?:
                let part = submit.part(field)
                findings.equal(part?.contentType, format.mimeType, "the file part's type")
                findings.equal(part?.filename, "image-1.\(format.fileExtension)", "the file part's name")
                findings.equal(part?.body, bytes, "the file part's bytes")
            case nil:
                findings.fail("no table for \(model.name)")
            }
            findings.equal(simulator.tasks.first?.imageCount, 1, "the simulator's image count")
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }

    /// When the content endpoint fails, the download falls back to the video URL, and the key stays behind.
    func fallbackFailures(_ model: Model) async -> [String] {
        var findings = Findings()
        let scratch = Scratch()
        defer { scratch.remove() }
        guard let contentURL, let gateway = registeredBaseURL ?? provider?.descriptor.defaultBaseURL else {
            return ["no content endpoint, or no gateway URL"]
        }
        do {
            let (simulator, client) = try harness()
            simulator.inject(
                .httpError(status: 404, message: "Not found.", code: "not_found"), on: .content, at: gateway)
            let job = try await client.submit(VideoRequest(model: model.name, prompt: prompt))
            let final = try await client.result(for: job)
            let video = try await client.download(
                job, to: scratch.url.appendingPathComponent("video.mp4"), snapshot: final)
            findings.check((try? Data(contentsOf: video.fileURL)) == SampleVideo.mp4, "the saved video differs")
            findings.equal(video.sourceHost, GatewaySimulator.defaultCDNBaseURL.host, "where the video came from")
            let content = simulator.requests(.content)
            findings.equal(
                content.map(\.url), [URL(string: url(contentURL, job.taskID))!, final.videoURL].compactMap { $0 },
                "downloads")
            findings.check(content.first?.carriesKey(apiKey) == true, "the content endpoint lacks the key")
            findings.check(content.last?.hasAuthorization == false, "the video URL received Authorization")
            findings.check(!simulator.cdnReceivedCredentials, "the CDN received a credential")
        } catch {
            findings.fail("unexpected error: \(error)")
        }
        return findings.list
    }
}
