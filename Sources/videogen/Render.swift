import Foundation
import VideoProviderKit

/// Text, JSON and Markdown renderings shared by the commands.
enum Render {
    // MARK: Capabilities

    /// The documented `capabilities --json` schema (see docs/cli.md). Keep it stable.
    static func capabilitiesJSON(_ providers: [RegisteredProvider], model: String?) -> JSONLine {
        var list: [JSONLine] = []
        for entry in providers {
            var provider = JSONLine()
            provider["id"] = entry.id.rawValue
            provider["name"] = entry.descriptor.name
            provider["baseURL"] = entry.baseURL?.absoluteString ?? NSNull()
            provider["baseURLSource"] = baseURLSource(of: entry)
            provider["apiKeyEnvironmentVariable"] = entry.id.apiKeyEnvironmentVariable
            provider["models"] = models(of: entry, matching: model).map(modelJSON)
            list.append(provider)
        }
        return JSONLine(["providers": list])
    }

    /// Where a vendor document names the provider's default base URL, or `null` when it has no documented
    /// default (the value does not change when `--base-url` overrides the default).
    static func baseURLSource(of entry: RegisteredProvider) -> Any {
        guard entry.descriptor.documentedBaseURL != nil, let source = entry.descriptor.baseURLSource else {
            return NSNull()
        }
        return source
    }

    static func models(of entry: RegisteredProvider, matching model: String?) -> [ModelCapabilities] {
        guard let model else { return entry.descriptor.models }
        return entry.descriptor.models.filter { $0.model == model || ModelAliases.areEquivalent($0.model, model) }
    }

    static func modelJSON(_ model: ModelCapabilities) -> JSONLine {
        var json = JSONLine()
        json["model"] = model.model
        json["aliases"] = ModelAliases.aliases(of: model.model)
        json["duration"] = durationJSON(model.duration)
        json["aspectRatios"] = JSONLine([
            "values": model.aspectRatios.values.map(\.rawValue), "default": model.aspectRatios.default.rawValue,
            "custom": model.aspectRatios.custom,
        ])
        if let resolutions = model.resolutions {
            json["resolutions"] = JSONLine([
                "values": resolutions.values.map(\.rawValue), "default": resolutions.default.rawValue,
            ])
        } else {
            json["resolutions"] = NSNull()
        }
        var images = JSONLine([
            "max": model.images.max, "transports": model.images.transports.map(\.rawValue),
            "formats": model.images.formats.map(\.rawValue), "fields": model.images.layout.summary,
        ])
        // Only where a model has the limit (xAI's reference-to-video), so other lines keep their shape.
        images["maxSecondsWithMultipleImages"] = model.images.maximumSecondsWithMultipleImages
        images["maxBytes"] = model.images.maximumBytes
        json["images"] = images
        json["promptMaxLength"] = model.promptMaxLength
        json["billing"] = model.billing.rawValue
        json["assumptions"] = model.assumptions
        return json
    }

    static func durationJSON(_ rule: DurationRule) -> JSONLine {
        switch rule {
        case .range(let min, let max, let value):
            return JSONLine(["kind": "range", "min": min, "max": max, "default": value])
        case .fixed(let value, let omitted):
            return JSONLine(["kind": "fixed", "value": value, "omitted": omitted])
        case .set(let values, let value):
            return JSONLine(["kind": "set", "values": values, "default": value])
        case .minimum(let min, let max, let value):
            var json = JSONLine(["kind": "minimum", "min": min])
            json["max"] = max
            json["default"] = value
            return json
        }
    }

    static func durationText(_ rule: DurationRule) -> String {
        switch rule {
        case .range(let min, let max, let value): return "\(min)–\(max) s (default \(value))"
        case .fixed(let value, let omitted): return "fixed \(value) s" + (omitted ? " (field omitted)" : "")
        case .set(let values, let value):
            return values.map(String.init).joined(separator: " / ") + " s (default \(value))"
        case .minimum(let min, let max, let value):
            var text = "≥ \(min) s"
            if let max { text = "\(min)–\(max) s" }
            if let value { text += " (default \(value))" }
            return text
        }
    }

    /// The duration as the Markdown matrix shows it: like ``durationText(_:)``, with the default in bold.
    static func durationMarkdown(_ rule: DurationRule) -> String {
        switch rule {
        case .range(let min, let max, let value): return "\(min)–\(max) s (default **\(value)**)"
        case .fixed: return durationText(rule)
        case .set(let values, let value):
            return values.map { $0 == value ? "**\($0)**" : String($0) }.joined(separator: " / ") + " s"
        case .minimum(let min, let max, let value):
            var text = "≥ \(min) s"
            if let max { text = "\(min)–\(max) s" }
            if let value { text += " (default **\(value)**)" }
            return text
        }
    }

    /// A Markdown table cell: `|` would end the cell (even inside backticks, in GitHub-flavoured
    /// Markdown), so it is written `\|`.
    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }

    static func ratiosText(_ rule: AspectRatioRule) -> String {
        rule.values.map { $0 == rule.default ? "**\($0.rawValue)**" : $0.rawValue }.joined(separator: ", ")
            + (rule.custom ? ", custom W:H" : "")
    }

    static func resolutionsText(_ rule: ResolutionRule?) -> String {
        guard let rule else { return "not configurable" }
        return rule.values.map { $0 == rule.default ? "**\($0.rawValue)**" : $0.rawValue }.joined(separator: ", ")
    }

    static func imagesText(_ rule: ImageRule) -> String {
        guard rule.max > 0 else { return "none" }
        let limit = rule.maximumSecondsWithMultipleImages.map { "; ≤ \($0) s with 2+ images" } ?? ""
        // Bytes are only sent for data URIs and uploads; a public URL is the vendor's to fetch.
        let sendsBytes = rule.accepts(.dataURI) || rule.accepts(.multipartFile)
        let size = sendsBytes ? "; ≤ \(byteText(rule.maximumBytes)) each" : ""
        return "≤ \(rule.max); " + rule.transports.map(\.rawValue).joined(separator: ", ") + "; "
            + rule.formats.map(\.rawValue).joined(separator: "/") + "; `\(rule.layout.summary)`" + limit + size
    }

    /// `20 MiB`, or the exact bytes when not a whole number of MiB.
    static func byteText(_ count: Int64) -> String {
        count % (1 << 20) == 0 ? "\(count >> 20) MiB" : "\(count) bytes"
    }

    /// The Markdown matrix written to docs/capabilities.md: one table per provider.
    static func capabilitiesMarkdown(_ providers: [RegisteredProvider], model: String?) -> String {
        var lines = [
            "# Capability matrix", "",
            "<!-- Generated by `swift package --allow-writing-to-package-directory capability-matrix` from the provider tables. Do not edit by hand. -->",
            "",
            "Defaults are in **bold**. Values marked † are assumptions where the vendor's document is silent; the notes under each table say what was assumed.",
            "",
        ]
        for entry in providers {
            let models = models(of: entry, matching: model)
            guard !models.isEmpty else { continue }
            lines.append("## \(entry.descriptor.name) (`\(entry.id)`)")
            lines.append("")
            if let url = entry.descriptor.documentedBaseURL, let source = entry.descriptor.baseURLSource {
                lines.append("- Base URL: `\(url.absoluteString)` (source: \(source))")
            } else {
                lines.append("- Base URL: none (the app must set one)")
            }
            lines.append("- API key: `\(entry.id.apiKeyEnvironmentVariable)`")
            if let polling = entry.descriptor.polling {
                lines.append(
                    "- Recommended polling: every \(Int(polling.minimumInterval.seconds))–\(Int(polling.maximumInterval.seconds)) s"
                )
            }
            if let retention = entry.descriptor.resultRetention {
                lines.append("- Result URLs kept about \(Int(retention.seconds / 3600)) h")
            }
            lines.append("")
            lines.append(
                "| Model | Aliases | Duration | Aspect ratios | Resolution | Reference images | Prompt | Billing |")
            lines.append("|---|---|---|---|---|---|---|---|")
            for model in models {
                let mark = model.assumptions.isEmpty ? "" : " †"
                let aliases = ModelAliases.aliases(of: model.model).map { "`\($0)`" }.joined(separator: ", ")
                let cells = [
                    "`\(model.model)`\(mark)", aliases.isEmpty ? "—" : aliases, durationMarkdown(model.duration),
                    ratiosText(model.aspectRatios), resolutionsText(model.resolutions), imagesText(model.images),
                    "≤ \(model.promptMaxLength)", model.billing.rawValue,
                ]
                lines.append("| " + cells.map(markdownCell).joined(separator: " | ") + " |")
            }
            let notes = models.filter { !$0.assumptions.isEmpty }
            if !notes.isEmpty {
                lines.append("")
                for model in notes {
                    lines.append("† `\(model.model)`: " + model.assumptions.joined(separator: " "))
                    lines.append("")
                }
                lines.removeLast()
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Requests

    static func resolvedJSON(_ resolved: ResolvedVideoRequest) -> JSONLine {
        var json = JSONLine()
        json["model"] = resolved.model
        json["prompt"] = resolved.prompt
        json["seconds"] = resolved.seconds
        json["sendsDuration"] = resolved.sendsDuration
        json["aspectRatio"] = resolved.aspectRatio.rawValue
        json["resolution"] = resolved.resolution?.rawValue ?? NSNull()
        json["images"] = resolved.images.map { image -> JSONLine in
            switch image {
            case .publicURL(let url): return JSONLine(["transport": "public-url", "url": url.absoluteString])
            case .dataURI(let payload, let format):
                return JSONLine(["transport": "data-uri", "format": format.rawValue, "bytes": payload.byteCount])
            case .upload(let payload, let format, let filename):
                return JSONLine([
                    "transport": "multipart-file", "format": format.rawValue, "bytes": payload.byteCount,
                    "filename": filename,
                ])
            }
        }
        json["warnings"] = resolved.warnings.map(\.message)
        return json
    }

    static func billableJSON(_ estimate: BillableEstimate) -> JSONLine {
        switch estimate {
        case .seconds(let count): return JSONLine(["unit": "per-second", "seconds": count])
        case .calls(let count): return JSONLine(["unit": "per-call", "calls": count])
        }
    }

    static func resolvedText(_ entry: RoutePlan.Entry) -> [String] {
        let resolved = entry.resolved
        var lines = ["\(entry.providerID) · \(resolved.model)"]
        lines.append("  prompt:       \(resolved.prompt)")
        lines.append(
            "  seconds:      \(resolved.seconds)"
                + (resolved.sendsDuration ? "" : " (fixed; the field is left out of the request)"))
        lines.append("  aspect ratio: \(resolved.aspectRatio)")
        lines.append("  resolution:   \(resolved.resolution?.rawValue ?? "not configurable")")
        if resolved.images.isEmpty {
            lines.append("  images:       none")
        } else {
            for (index, image) in resolved.images.enumerated() {
                let text: String
                switch image {
                case .publicURL(let url): text = "public URL \(url.absoluteString)"
                case .dataURI(let payload, let format): text = "data URI, \(format), \(payload.byteCount) bytes"
                case .upload(let payload, let format, let filename):
                    text = "multipart file \(filename), \(format), \(payload.byteCount) bytes"
                }
                lines.append("  image \(index + 1):      \(text)")
            }
        }
        lines.append("  billable:     \(resolved.billableEstimate)")
        for warning in resolved.warnings { lines.append("  warning:      \(warning.message)") }
        return lines
    }

    /// The request as `generate --dry-run --json` shows it (documented in docs/cli.md): method, URL,
    /// redacted headers, the body text, and a structured view of the body.
    static func requestJSON(_ request: HTTPRequest) -> JSONLine {
        var headers = JSONLine()
        for field in request.headers.redacted() { headers[field.name] = field.value }
        let body = BodyView(request)
        var json = JSONLine(["method": request.method.rawValue, "url": request.url.absoluteString, "headers": headers])
        json["bodyFormat"] = body.format.rawValue
        json["bodyLength"] = Int(request.body.length)
        json["body"] = body.text
        json["bodyComplete"] = body.complete
        json["json"] = body.json ?? NSNull()
        json["parts"] = body.parts.map { $0.map(\.json) } ?? NSNull()
        return json
    }

    static func requestText(_ request: HTTPRequest) -> [String] {
        var lines = ["\(request.method) \(request.url.absoluteString)"]
        for field in request.headers.redacted() { lines.append("\(field.name): \(field.value)") }
        if !request.body.isEmpty {
            lines.append("Content-Length: \(request.body.length)")
            lines.append("")
            lines.append(BodyView(request).text)
        }
        return lines
    }

    /// An equivalent curl command. The key is a shell variable reference, never the key itself.
    ///
    /// When the command cannot run as printed, `# …` comment lines before it say why: a multipart file
    /// part whose bytes videogen holds in memory (an image given as a `data:` URI) names a file the user
    /// must write first, and a body with elided image data must have it put back.
    static func curl(_ request: HTTPRequest, provider: ProviderID, resolved: ResolvedVideoRequest) -> String {
        var parts = ["curl", "-X", request.method.rawValue, shellQuote(request.url.absoluteString)]
        var notes: [String] = []
        let isMultipart = request.headers["Content-Type"]?.lowercased().hasPrefix("multipart/form-data") == true
        for field in request.headers {
            if field.name.lowercased() == "authorization" {
                parts += ["-H", "\"Authorization: Bearer $\(provider.apiKeyEnvironmentVariable)\""]
            } else if HTTPHeaders.sensitiveNames.contains(field.name.lowercased()) {
                parts += ["-H", shellQuote("\(field.name): [redacted]")]
            } else if isMultipart && field.name.lowercased() == "content-type" {
                continue  // curl writes its own boundary for -F
            } else {
                parts += ["-H", shellQuote("\(field.name): \(field.value)")]
            }
        }
        let body = BodyView(request)
        if isMultipart {
            // File parts name the local file when there is one; in-memory bytes have no path to give, so
            // the command reads them from `./<filename>` and a note says to write that file first.
            var uploads = resolved.images.enumerated().compactMap { index, image -> (path: String, note: String?)? in
                guard case .upload(let payload, let format, let filename) = image else { return nil }
                if case .file(let url, _) = payload { return (url.path, nil) }
                let note =
                    "# Write image \(index + 1) (\(payload.byteCount) bytes of \(format.mimeType), given inline) to ./\(filename) first: the command reads it from there."
                return ("./" + filename, note)
            }
            for part in body.parts ?? [] {
                if let filename = part.filename {
                    let upload = uploads.isEmpty ? (path: filename, note: nil) : uploads.removeFirst()
                    if let note = upload.note { notes.append(note) }
                    let type = part.contentType.map { ";type=\($0)" } ?? ""
                    parts += ["-F", shellQuote("\(part.name)=@\(curlFormWord(upload.path))\(type)")]
                } else {
                    // --form-string: a value starting with @ or < is sent as text, not read from a file.
                    parts += ["--form-string", shellQuote("\(part.name)=\(part.value ?? "")")]
                }
            }
        } else if !request.body.isEmpty {
            if !body.complete {
                notes.append(
                    "# The body's image data is elided (…[base64 of N bytes]): put the full base64 back before running this command."
                )
            }
            parts += ["--data-raw", shellQuote(body.text)]
        }
        return (notes + [parts.joined(separator: " ")]).joined(separator: "\n")
    }

    /// A file name as curl's `-F name=@file` syntax reads it: as is when it holds nothing curl would
    /// split on, else in double quotes with `\"` and `\\` escaped (`;` and `,` end an unquoted word).
    static func curlFormWord(_ path: String) -> String {
        let special = path.contains { ";,\"\\".contains($0) || $0.isWhitespace }
        guard special else { return path }
        return "\"" + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    // MARK: Errors and snapshots

    /// The `error` object of `--json` output (see docs/cli.md).
    static func errorJSON(
        _ error: VideoProviderError, exitCode: ExitCode, hints: [String] = [], followCommand: String? = nil
    ) -> JSONLine {
        var json = JSONLine(["event": "error", "kind": error.kind.rawValue, "message": error.message])
        json["exitCode"] = Int(exitCode.rawValue)
        json["provider"] = error.providerID?.rawValue ?? NSNull()
        json["model"] = error.model ?? NSNull()
        json["taskID"] = error.taskID ?? NSNull()
        json["httpStatus"] = error.httpStatus ?? NSNull()
        json["vendorCode"] = error.vendorCode ?? NSNull()
        json["vendorMessage"] = error.vendorMessage ?? NSNull()
        json["status"] = error.rawStatus ?? NSNull()
        json["violations"] = error.violations.map(violationJSON)
        json["skipped"] = error.skipped.map(skippedJSON)
        json["attempts"] = error.attempts.map(attemptJSON)
        json["hints"] = hints
        json["followCommand"] = followCommand ?? NSNull()
        return json
    }

    /// Whole seconds as `5`, fractions as `2.5`.
    static func plainSeconds(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds.rounded() == seconds ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    static func violationJSON(_ violation: Violation) -> JSONLine {
        var json = JSONLine(["parameter": violation.parameter, "value": violation.value, "allowed": violation.allowed])
        json["reason"] = violation.reason ?? NSNull()
        return json
    }

    static func skippedJSON(_ skipped: SkippedCandidate) -> JSONLine {
        var json = JSONLine(["provider": skipped.providerID.rawValue])
        json["model"] = skipped.model ?? NSNull()
        json["reason"] = skipped.reason
        json["violations"] = skipped.violations.map(violationJSON)
        return json
    }

    static func attemptJSON(_ attempt: SubmissionAttempt) -> JSONLine {
        var json = JSONLine([
            "provider": attempt.providerID.rawValue, "model": attempt.model, "outcome": attempt.outcome.rawValue,
        ])
        json["httpStatus"] = attempt.httpStatus ?? NSNull()
        json["errorKind"] = attempt.errorKind?.rawValue ?? NSNull()
        json["detail"] = attempt.detail ?? NSNull()
        return json
    }

    static func downloadedJSON(_ video: DownloadedVideo) -> JSONLine {
        var json = JSONLine(["event": "downloaded", "path": video.fileURL.path, "bytes": Int(video.byteCount)])
        json["contentType"] = video.contentType ?? NSNull()
        json["host"] = video.sourceHost ?? NSNull()
        return json
    }

    /// Seconds with one decimal, for JSON.
    static func seconds(_ duration: Duration) -> Double { (duration.seconds * 10).rounded() / 10 }

    static func snapshotJSON(_ snapshot: TaskSnapshot) -> JSONLine {
        var json = JSONLine(["taskID": snapshot.taskID, "status": snapshot.status.rawValue])
        json["rawStatus"] = snapshot.rawStatus
        json["progress"] = snapshot.progress
        json["videoURL"] = snapshot.videoURL?.absoluteString
        json["actualDuration"] = snapshot.actualDuration
        json["errorMessage"] = snapshot.errorMessage
        json["errorCode"] = snapshot.errorCode
        return json
    }

    static func elapsed(_ duration: Duration) -> String {
        let total = Int(duration.seconds)
        return String(format: "%d:%02d", total / 60, total % 60)
    }

    /// Server text for one line of text output: control characters, line breaks included, escaped (`\n`,
    /// `\u001b`), so a vendor's task id, status or message can neither drive the terminal nor start a line
    /// that looks like the tool's own. (``Console`` escapes everything but line breaks anyway.)
    static func oneLine(_ text: String) -> String { text.escapingControlCharacters() }

    static func progressBar(_ snapshot: TaskSnapshot, elapsed: Duration, width: Int = 24) -> String {
        let percent = snapshot.progress ?? (snapshot.status == .completed ? 100 : 0)
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let status =
            snapshot.rawStatus.map { $0 == snapshot.status.rawValue ? $0 : "\(snapshot.status) (\($0))" }
            ?? snapshot.status.rawValue
        let percentText = snapshot.progress.map { "\($0)%" } ?? "–"
        return "\(bar) \(percentText)  \(oneLine(status))  \(Render.elapsed(elapsed))"
    }
}
