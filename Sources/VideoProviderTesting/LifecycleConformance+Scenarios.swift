import Foundation
import VideoProviderKit

extension LifecycleConformance {
    /// How a task ends badly.
    enum Ending: String, Sendable, CaseIterable, CustomStringConvertible {
        case failed, expired, cancelled, moderated

        var description: String { rawValue }
    }

    static let failureMessage = "GPU pool exhausted, please retry later"
    static let failureCode = "upstream_error"

    /// A temporary directory for image files and downloads.
    struct Scratch {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID().uuidString)")

        init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    func url(_ template: String, _ taskID: String) -> String {
        template.replacingOccurrences(of: "{id}", with: taskID)
    }

    /// ``submitURL`` for `model`, `{model}` replaced (Google's model is in the path).
    func submitURL(for model: String) -> String { submitURL.replacingOccurrences(of: "{model}", with: model) }

    func rule(_ model: Model) -> ImageRule? { provider?.descriptor.capabilities(for: model.name)?.images }

    /// The image an app hands in, in `form`: the PNG sample, or a public URL.
    func input(_ form: ImageForm, index: Int, in scratch: Scratch) -> ImageInput {
        switch form {
        case .publicURL: return .url(URL(string: publicURL(index))!)
        case .bytes: return .data(SampleImage.png)
        case .file:
            let file = scratch.url.appendingPathComponent("reference\(index + 1).png")
            try? SampleImage.png.write(to: file)
            return .file(file)
        case .dataURI: return .url(URL(string: SampleImage.dataURI(.png))!)
        }
    }

    func publicURL(_ index: Int) -> String { "https://example.com/image\(index + 1).png" }

    // MARK: - The whole cycle

    func cycleFailures(_ model: Model, _ mode: Mode) async -> [String] {
        var findings = Findings()
        let scratch = Scratch()
        defer { scratch.remove() }
        let forms = mode.forms
        let wire = mode == .settings ? model.settings : model.defaults
        var request = VideoRequest(
            model: model.name, prompt: prompt, images: forms.enumerated().map { input($1, index: $0, in: scratch) })
        // Two images on a first-and-last-frame model are its first and last frame.
        request.imageRoles = rule(model).map { ProviderConformance.rolesFilling($0, count: forms.count) } ?? [:]
        if mode == .settings {
            request.seconds = wire.sentSeconds
            request.aspectRatio = AspectRatio(rawValue: wire.aspectRatio)
            request.resolution = wire.resolution.flatMap(Resolution.init(parsing:))
        }
        do {
            let (simulator, client) = try harness()
            let job = try await client.submit(request)
            var seen = [job.initialSnapshot]
            for try await snapshot in client.updates(for: job) { seen.append(snapshot) }
            let video = try await client.download(job, to: scratch.url.appendingPathComponent("video.mp4"))

            // What the app saw.
            statusOrderFailures(seen, &findings)
            progressFailures(seen, &findings)
            findings.check((try? Data(contentsOf: video.fileURL)) == SampleVideo.mp4, "the saved video differs")
            findings.equal(video.byteCount, Int64(SampleVideo.mp4.count), "the saved byte count")
            let videoHost =
                videoURLRedirectsToCDN
                ? URL(string: submitURL(for: model.name))?.host
                : contentURL.flatMap { URL(string: $0)?.host } ?? GatewaySimulator.defaultCDNBaseURL.host
            findings.equal(video.sourceHost, videoHost, "where the video came from")

            // The request as the client resolved it.
            findings.equal(job.model, model.name, "the job's model")
            findings.equal(job.request.seconds, wire.seconds, "the resolved length")
            findings.equal(job.request.sendsDuration, wire.sentSeconds != nil, "whether the length is sent")
            findings.equal(job.request.aspectRatio.rawValue, wire.aspectRatio, "the resolved ratio")
            findings.equal(job.request.resolution, wire.resolution.flatMap(Resolution.init(parsing:)), "the resolution")
            findings.equal(job.request.imageCount, forms.count, "the image count")
            let bytesTransport: ImageTransport = rule(model)?.accepts(.dataURI) == true ? .dataURI : .multipartFile
            findings.equal(
                job.request.imageTransports, forms.map { $0 == .publicURL ? .publicURL : bytesTransport },
                "the image transports")

            // What the simulator received, and understood.
            let submits = simulator.requests(.submit)
            guard submits.count == 1 else { return findings.list + ["\(submits.count) submissions, expected 1"] }
            findings.equal(submits[0].method, .post, "the submission's method")
            findings.equal(submits[0].url.absoluteString, submitURL(for: model.name), "the submission's URL")
            findings.check(submits[0].carriesKey(apiKey), "the submission lacks the key")
            fieldFailures(submits[0], model, wire, forms, &findings)
            guard simulator.tasks.count == 1 else { return findings.list + ["\(simulator.tasks.count) tasks"] }
            let task = simulator.tasks[0]
            findings.equal(task.id, job.taskID, "the simulator's task id")
            findings.equal(task.model, model.name, "the simulator's model")
            findings.equal(task.requestedSeconds, wire.sentSeconds, "the length field the simulator read")
            findings.equal(task.seconds, wire.seconds, "the simulator's task length")
            findings.equal(task.aspectRatio, wire.aspectRatio, "the simulator's ratio")
            if let resolution = wire.resolution { findings.equal(task.resolution, resolution, "the simulator's size") }
            findings.equal(task.imageCount, forms.count, "the simulator's image count")
            findings.equal(task.phase, .completed, "the simulator's task phase")
            findings.equal(task.downloads, 1, "the simulator's downloads")

            // Status calls with the key (every poll, plus the one `download` makes); where the video came from.
            let statuses = simulator.requests(.status)
            findings.equal(statuses.count, seen.count, "status queries")
            findings.check(
                statuses.allSatisfy {
                    $0.carriesKey(apiKey) && $0.url.absoluteString == url(statusURL, job.taskID)
                }, "every status query goes to \(url(statusURL, job.taskID)) with the key")
            let content = simulator.requests(.content)
            if videoURLRedirectsToCDN {
                // The video URL on the gateway's host, with the key; its redirect to the CDN, without.
                guard content.count == 2 else { return findings.list + ["\(content.count) downloads, expected 2"] }
                findings.equal(
                    content[0].url.host, URL(string: submitURL(for: model.name))?.host, "the video URL's host")
                findings.check(content[0].carriesKey(apiKey), "the video URL on the gateway lacks the key")
                findings.equal(content[0].responseStatus, 302, "the gateway's answer to the video URL")
                findings.equal(content[1].gatewayName, "CDN", "where the redirect led")
                findings.check(!content[1].hasCredentials, "the key followed the redirect to the CDN")
            } else if content.count != 1 {
                return findings.list + ["\(content.count) downloads, expected 1"]
            } else if let contentURL {
                findings.equal(content[0].url.absoluteString, url(contentURL, job.taskID), "the content request")
                findings.check(content[0].carriesKey(apiKey), "the content endpoint lacks the key")
                findings.equal(simulator.count(.content, at: simulator.cdnBaseURL), 0, "downloads from the CDN")
            } else {
                findings.equal(content[0].gatewayName, "CDN", "where the video was fetched")
                findings.check(!content[0].hasAuthorization, "the CDN received Authorization")
            }
            findings.check(!simulator.cdnReceivedCredentials, "the CDN received a credential")
        } catch {
            findings.fail("the cycle failed: \(error)")
        }
        return findings.list
    }

    /// queued… processing… completed, in that order, each at least once, and nothing after completed.
    func statusOrderFailures(_ seen: [TaskSnapshot], _ findings: inout Findings) {
        let order: [TaskStatus] = [.queued, .processing, .completed]
        let ranks = seen.map { order.firstIndex(of: $0.status) ?? -1 }
        let statuses = seen.map(\.status)
        findings.check(ranks.first == 0, "does not start queued: \(statuses)")
        findings.check(ranks.contains(1), "never processing: \(statuses)")
        findings.check(ranks.last == 2, "does not end completed: \(statuses)")
        findings.check(
            zip(ranks, ranks.dropFirst()).allSatisfy { $0 >= 0 && $0 <= $1 } && ranks.filter { $0 == 2 }.count == 1,
            "goes back, or completes twice: \(statuses)")
    }

    func progressFailures(_ seen: [TaskSnapshot], _ findings: inout Findings) {
        let reported: [TaskSnapshot]
        switch progress {
        case .none:
            findings.check(seen.allSatisfy { $0.progress == nil }, "progress where none is documented")
            return
        case .statusAnswers:
            findings.equal(seen.first?.progress, nil, "the submit answer's progress")
            reported = Array(seen.dropFirst())
        case .everyAnswer:
            findings.equal(seen.first?.progress, 0, "the submit answer's progress")
            reported = seen
        }
        let values = reported.compactMap(\.progress)
        findings.equal(values.count, reported.count, "answers carrying progress (\(seen.map(\.progress)))")
        findings.check(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "progress falls: \(values)")
        findings.equal(values.last, 100, "the last progress")
    }

    /// The submission as the simulator parsed it: the fields and the images, by the model's table layout.
    func fieldFailures(
        _ submit: GatewaySimulator.ReceivedRequest, _ model: Model, _ wire: Wire, _ forms: [ImageForm],
        _ findings: inout Findings
    ) {
        if let submissionBody {
            findings.equal(submit.headers["Content-Type"], "application/json", "the submission's Content-Type")
            let images = forms.enumerated().map { index, form in
                form == .publicURL ? SentImage.url(publicURL(index)) : .bytes(SampleImage.png, .png)
            }
            return findings.equal(submit.json, submissionBody(model.name, wire, images), "the submission's body")
        }
        let layout = rule(model)?.layout
        if case .repeatedPart(let field)? = layout {
            return multipartFailures(submit, model, wire, forms, field: field, &findings)
        }
        findings.equal(submit.headers["Content-Type"], "application/json", "the submission's Content-Type")
        guard let body = submit.json else { return findings.fail("the submission is not a JSON object") }
        findings.equal(body["model"], .string(model.name), "the model field")
        findings.equal(body["prompt"], .string(prompt), "the prompt field")
        let length = wire.sentSeconds.map { json.lengthAsText ? JSONValue.string(String($0)) : .int($0) }
        findings.equal(body[json.length], length, "'\(json.length)'")
        findings.equal(body["aspect_ratio"], .string(wire.aspectRatio), "the ratio field")
        findings.equal(body["resolution"], wire.resolution.map(JSONValue.string), "the resolution field")
        let values: [JSONValue] = forms.enumerated().map { index, form in
            let text = JSONValue.string(form == .publicURL ? publicURL(index) : SampleImage.dataURI(.png))
            return json.imagesAsObjects ? .object(["url": text]) : text
        }
        switch layout {
        case .array(let field)?:
            findings.equal(body[field], values.isEmpty ? JSONValue?.none : .array(values), "'\(field)'")
        case .singleOrArray(let single, let multiple)?:
            findings.equal(body[single], values.count == 1 ? values[0] : JSONValue?.none, "'\(single)'")
            findings.equal(body[multiple], values.count > 1 ? .array(values) : JSONValue?.none, "'\(multiple)'")
        default:
            findings.fail("a JSON model whose images are \(String(describing: layout))")
        }
    }

    /// A `multipart/form-data` submission: the text parts in the curl order, then one file part per image.
    func multipartFailures(
        _ submit: GatewaySimulator.ReceivedRequest, _ model: Model, _ wire: Wire, _ forms: [ImageForm], field: String,
        _ findings: inout Findings
    ) {
        findings.check(
            submit.headers["Content-Type"]?.hasPrefix("multipart/form-data; boundary=") == true,
            "the submission is not multipart")
        guard let parts = submit.parts else { return findings.fail("the submission has no parts") }
        let texts: [(String, String?)] = [
            ("model", model.name), ("prompt", prompt), ("aspect_ratio", wire.aspectRatio),
            ("seconds", wire.sentSeconds.map(String.init)), ("size", wire.resolution),
        ]
        findings.equal(
            parts.map(\.name), texts.filter { $0.1 != nil }.map(\.0) + forms.map { _ in field }, "the part order")
        for (name, text) in texts { findings.equal(submit.part(name)?.text, text, "the '\(name)' part") }
        let files = parts.filter(\.isFile)
        findings.equal(
            files.map(\.filename),
            forms.enumerated().map { $1 == .file ? "reference\($0 + 1).png" : "image-\($0 + 1).png" }, "the file names")
        findings.check(
            files.allSatisfy { $0.name == field && $0.contentType == "image/png" && $0.body == SampleImage.png },
            "the file parts do not hold the PNG")
    }
}
