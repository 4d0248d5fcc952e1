import Foundation
import VideoProviderKit

/// The documented JSON formats (docs/cli.md, "JSON formats" and "Event lines"), keys in the documented
/// order. They are the tool's interface, so they are written here rather than derived from the library's
/// `Codable` forms, which serve job files and may change with them.
enum JSONView {
    // MARK: providers and capabilities

    /// `providers --json`.
    static func providers(_ registry: ProviderRegistry) -> JSONBody {
        let list = registry.providers.map { entry in
            JSONBody([
                "id": entry.id, "name": entry.descriptor.name, "baseURL": entry.baseURL,
                "baseURLSource": baseURLSource(of: entry),
                "apiKeyEnvironmentVariable": entry.id.apiKeyEnvironmentVariable,
                "apiKeyConfigured": entry.configuration.apiKey != nil, "ready": entry.unavailableReason == nil,
                "models": entry.descriptor.models.map(\.model),
            ])
        }
        return JSONBody(["providers": list])
    }

    /// `capabilities --json`.
    static func capabilities(_ providers: [RegisteredProvider], model: String?) -> JSONBody {
        let list = providers.map { entry in
            JSONBody([
                "id": entry.id, "name": entry.descriptor.name, "baseURL": entry.baseURL,
                "baseURLSource": baseURLSource(of: entry),
                "apiKeyEnvironmentVariable": entry.id.apiKeyEnvironmentVariable,
                "models": Render.models(of: entry, matching: model).map(self.model),
            ])
        }
        return JSONBody(["providers": list])
    }

    /// Where a vendor document names the provider's default base URL, or `null` when it has no documented
    /// default (the value does not change when `--base-url` overrides the default).
    static func baseURLSource(of entry: RegisteredProvider) -> String? {
        entry.descriptor.documentedBaseURL == nil ? nil : entry.descriptor.baseURLSource
    }

    /// MODEL.
    static func model(_ model: ModelCapabilities) -> JSONBody {
        var images = JSONBody([
            "max": model.images.max, "transports": model.images.transports.map(\.rawValue),
            "formats": model.images.formats.map(\.rawValue), "fields": model.images.layout.summary,
        ])
        // Only where a model has the limit (xAI's reference-to-video), so other lines keep their shape.
        images["maxSecondsWithMultipleImages"] = model.images.maximumSecondsWithMultipleImages?.jsonValue
        images["maxBytes"] = model.images.maximumBytes.jsonValue
        images["roles"] = roles(model.images).jsonValue
        images["unassignedRole"] = unassignedRole(model.images).jsonValue
        return JSONBody([
            "model": model.model, "aliases": ModelAliases.aliases(of: model.model),
            "duration": duration(model.duration),
            "aspectRatios": JSONBody([
                "values": model.aspectRatios.values.map(\.rawValue), "default": model.aspectRatios.default.rawValue,
                "custom": model.aspectRatios.custom,
            ]),
            "resolutions": model.resolutions.map {
                JSONBody(["values": $0.values.map(\.rawValue), "default": $0.default.rawValue])
            },
            "images": images, "promptMaxLength": model.promptMaxLength, "billing": model.billing.rawValue,
            "assumptions": model.assumptions,
        ]).appending(requestExtras(model))
    }

    static func duration(_ rule: DurationRule) -> JSONBody {
        switch rule {
        case .range(let min, let max, let value):
            return JSONBody(["kind": "range", "min": min, "max": max, "default": value])
        case .fixed(let value, let omitted):
            return JSONBody(["kind": "fixed", "value": value, "omitted": omitted])
        case .set(let values, let value):
            return JSONBody(["kind": "set", "values": values, "default": value])
        case .minimum(let min, let max, let value):
            var json = JSONBody(["kind": "minimum", "min": min])
            json["max"] = max?.jsonValue
            json["default"] = value?.jsonValue
            return json
        }
    }

    // MARK: plan and dry runs

    /// CANDIDATE of `plan --json` and `generate --dry-run --json`.
    static func candidate(
        _ entry: RoutePlan.Entry, order: Int, missingKeys: Set<ProviderID>, plan: RoutePlan
    ) -> JSONBody {
        let configured = !missingKeys.contains(entry.providerID)
        return JSONBody([
            "order": order, "provider": entry.providerID, "model": entry.model, "baseURL": entry.provider.baseURL,
            "sharesOriginWith": plan.providers(sharingOriginWith: entry).map(\.rawValue),
            "apiKeyEnvironmentVariable": entry.providerID.apiKeyEnvironmentVariable, "apiKeyConfigured": configured,
            "note": configured ? nil : GenerateCommand.missingKeyNote(entry.providerID),
            "resolved": resolved(entry.resolved), "billable": billable(entry.resolved.billableEstimate),
        ])
    }

    /// RESOLVED.
    static func resolved(_ resolved: ResolvedVideoRequest) -> JSONBody {
        let images = resolved.images.map { image -> JSONBody in
            switch image {
            case .publicURL(let url): return JSONBody(["transport": "public-url", "url": url])
            case .dataURI(let payload, let format):
                return JSONBody(["transport": "data-uri", "format": format.rawValue, "bytes": payload.byteCount])
            case .upload(let payload, let format, let filename):
                return JSONBody([
                    "transport": "multipart-file", "format": format.rawValue, "bytes": payload.byteCount,
                    "filename": filename,
                ])
            }
        }
        return JSONBody([
            "model": resolved.model, "prompt": resolved.prompt, "seconds": resolved.seconds,
            "sendsDuration": resolved.sendsDuration, "aspectRatio": resolved.aspectRatio.rawValue,
            "resolution": resolved.resolution?.rawValue, "images": images,
            "warnings": resolved.warnings.map(\.message),
        ]).appending(resolvedExtras(resolved))
    }

    static func billable(_ estimate: BillableEstimate) -> JSONBody {
        switch estimate {
        case .seconds(let count): return JSONBody(["unit": "per-second", "seconds": count])
        case .calls(let count): return JSONBody(["unit": "per-call", "calls": count])
        }
    }

    /// `request` of a DRYRUN_CANDIDATE: method, URL, redacted headers, the body text, and a structured view
    /// of the body.
    static func request(_ request: HTTPRequest) -> JSONBody {
        var headers = JSONBody()
        for field in request.headers.redacted() { headers[field.name] = .string(field.value) }
        let body = BodyView(request)
        return JSONBody([
            "method": request.method.rawValue, "url": request.url, "headers": headers,
            "bodyFormat": body.format.rawValue, "bodyLength": request.body.length, "body": body.text,
            "bodyComplete": body.complete, "json": body.json, "parts": body.parts?.map(\.json),
        ])
    }

    // MARK: Errors

    /// The error object.
    static func error(
        _ error: VideoProviderError, exitCode: ExitCode, hints: [String] = [], followCommand: String? = nil
    ) -> JSONBody {
        JSONBody([
            "event": "error", "kind": error.kind.rawValue, "message": error.message, "exitCode": Int(exitCode.rawValue),
            "provider": error.providerID, "model": error.model, "taskID": error.taskID, "httpStatus": error.httpStatus,
            "vendorCode": error.vendorCode, "vendorMessage": error.vendorMessage, "status": error.rawStatus,
            "violations": error.violations.map(violation), "skipped": error.skipped.map(skipped),
            "attempts": error.attempts.map(attempt), "hints": hints, "followCommand": followCommand,
        ])
    }

    /// The error object of a command-line mistake.
    static func usageError(_ message: String) -> JSONBody {
        JSONBody(["event": "error", "kind": "usage", "message": message, "exitCode": Int(ExitCode.usage.rawValue)])
    }

    /// VIOLATION.
    static func violation(_ violation: Violation) -> JSONBody {
        JSONBody([
            "parameter": violation.parameter, "value": violation.value, "allowed": violation.allowed,
            "reason": violation.reason,
        ])
    }

    /// SKIPPED.
    static func skipped(_ skipped: SkippedCandidate) -> JSONBody {
        JSONBody([
            "provider": skipped.providerID, "model": skipped.model, "reason": skipped.reason,
            "violations": skipped.violations.map(violation),
        ])
    }

    /// ATTEMPT.
    static func attempt(_ attempt: SubmissionAttempt) -> JSONBody {
        JSONBody([
            "provider": attempt.providerID, "model": attempt.model, "outcome": attempt.outcome.rawValue,
            "httpStatus": attempt.httpStatus, "errorKind": attempt.errorKind?.rawValue, "detail": attempt.detail,
        ])
    }

    // MARK: Jobs

    /// `status --json`.
    static func status(_ job: VideoJob, _ snapshot: TaskSnapshot) -> JSONBody {
        JSONBody([
            "provider": job.providerID, "model": job.model, "taskID": snapshot.taskID,
            "status": snapshot.status.rawValue, "rawStatus": snapshot.rawStatus, "progress": snapshot.progress,
            "videoURL": snapshot.videoURL, "actualDuration": snapshot.actualDuration,
            "errorCode": snapshot.errorCode, "errorMessage": snapshot.errorMessage,
        ])
    }

    /// The `downloaded` event.
    static func downloaded(_ video: DownloadedVideo) -> JSONBody {
        JSONBody([
            "event": "downloaded", "path": video.fileURL.path, "bytes": video.byteCount,
            "contentType": video.contentType, "host": video.sourceHost,
        ])
    }

    /// Seconds with one decimal, for `elapsed`, `delay` and `seconds`.
    static func seconds(_ duration: Duration) -> Double { (duration.seconds * 10).rounded() / 10 }
}
