import Foundation
import VideoProviderKit

// How the simulator answers a request that reached a server: the gateway's endpoints (submit, status,
// content), the CDN, and the answers faults give. Everything here runs with the simulator's lock held.

extension GatewaySimulator {
    /// The key of the gateway `url` belongs to (its base URL or any URL under it), or of `url` itself.
    func gatewayKey(_ url: URL) -> String {
        lock.withLock { Endpoint.route(url, method: .get, gateways: state.gateways, cdn: cdnBaseURL).baseKey }
            ?? Endpoint.baseKey(url)
    }

    /// Appends a request to the log and returns its index. `delivered` is `false` for a request the server
    /// never saw (a refused connection, an unknown host, a delay cut short).
    func record(
        _ request: HTTPRequest, body: Data, endpoint: Endpoint, fault: Fault?, delivered: Bool = false,
        at time: Duration
    ) -> Int {
        let authorization = request.headers["Authorization"]
        state.requests.append(
            ReceivedRequest(
                sequence: state.requests.count + 1, receivedAt: time, method: request.method, url: request.url,
                headers: request.headers.redacted(), hasAuthorization: authorization != nil, body: body,
                gatewayName: endpoint.gatewayName, gatewayBaseURL: endpoint.baseURL, operation: endpoint.operation,
                taskID: endpoint.taskID, delivered: delivered, responseStatus: nil, fault: fault,
                bearerToken: Auth.bearerToken(authorization).map(APIKey.init),
                presentedKey: Auth.presentedKey(request.headers, endpoint.keyPlacement).map(APIKey.init),
                hasCredentials: request.headers.contains { request.headers.isSensitive($0.name) }))
        return state.requests.count - 1
    }

    /// Records a request that reached the server and answers it (before any damage a fault does).
    func answer(
        _ request: HTTPRequest, body: Data, endpoint: Endpoint, fault: Fault?, now: Duration, wall: Date
    ) -> HTTPResponse {
        let index = record(request, body: body, endpoint: endpoint, fault: fault, delivered: true, at: now)
        let response: HTTPResponse
        if let fault, !fault.processesRequest {
            response = faultResponse(fault, endpoint: endpoint)
        } else {
            let (handled, taskID) = handle(request, body: body, endpoint: endpoint, now: now, wall: wall)
            response = handled
            if let taskID { state.requests[index].taskID = taskID }
        }
        if case .dropResponse? = fault {
            state.requests[index].responseStatus = nil
        } else {
            state.requests[index].responseStatus = response.status
        }
        return response
    }

    /// The answer to a request that reached the server, and the task it created or asked about.
    private func handle(
        _ request: HTTPRequest, body: Data, endpoint: Endpoint, now: Duration, wall: Date
    ) -> (HTTPResponse, String?) {
        switch endpoint.target {
        case .unknownHost:
            return (Responses.plain(404, "Not Found"), nil)
        case .cdn(let file):
            if let response = runwayCDN(request, file: file, now: now) { return (response, nil) }
            return (cdn(file: file, method: request.method, now: now), nil)
        case .gateway(let gateway, let action):
            if gateway.dialect == .runway {
                return runway(request, body: body, gateway: gateway, action: action, now: now, wall: wall)
            }
            if gateway.dialect == .gemini {
                return gemini(request, body: body, gateway: gateway, action: action, now: now)
            }
            let responses = Responses(
                dialect: gateway.dialect, flavor: gateway.flavor,
                nativeRoute: !request.url.path(percentEncoded: true).contains("/openai/v1/"))
            switch action {
            case .unknownPath:
                return (
                    responses.error(404, "No route for \(request.method) \(request.url.path).", code: "not_found"), nil
                )
            case .wrongMethod(let allowed):
                var response = responses.error(
                    405, "\(request.method) is not allowed here; use \(allowed).", code: "method_not_allowed")
                response.headers["Allow"] = allowed
                return (response, nil)
            case .submit, .status, .content, .result:
                break
            }
            if gateway.dialect == .kling,
                let answer = klingGate(request, body: body, action: action, gateway: gateway, wall: wall)
            {
                return answer
            }
            if let failure = Auth.check(request.headers, gateway: gateway) {
                return (responses.error(401, failure.message, code: failure.code), nil)
            }
            switch action {
            case .submit:
                return submit(request, body: body, gateway: gateway, responses: responses, now: now, wall: wall)
            case .status(let id):
                return (status(id: id, gateway: gateway, responses: responses, now: now, wall: wall), id)
            case .content(let id):
                return (content(id: id, gateway: gateway, responses: responses, method: request.method, now: now), id)
            case .result(let id): return miniMaxResult(fileID: id, gateway: gateway, responses: responses, now: now)
            case .unknownPath, .wrongMethod:
                return (responses.error(404, "Not found.", code: "not_found"), nil)
            }
        }
    }

    // MARK: Submit

    private func submit(
        _ request: HTTPRequest, body: Data, gateway: Gateway, responses: Responses, now: Duration, wall: Date
    ) -> (HTTPResponse, String?) {
        // new-api's xAI channel passes a body on its native route through to xAI, which judges it.
        let passesThroughToXAI = gateway.flavor == .newAPIXAI && responses.nativeRoute
        let accepted: AcceptedSubmission
        do {
            accepted = try SubmitValidator.validate(
                headers: request.headers, body: body, gateway: passesThroughToXAI ? gateway.xAIUpstream : gateway)
        } catch {
            if passesThroughToXAI { return (Responses.newAPIUpstreamRefusal(error), nil) }
            return (responses.error(error.status, error.message, code: error.code), nil)
        }
        let record = createTask(
            TaskRecord.newID(gateway.dialect, flavor: gateway.flavor), for: accepted, at: gateway, now: now, wall: wall)
        let id = record.id
        var response = responses.submitted(record)
        if let hint = gateway.pollHint { response.headers[hint.field.name] = hint.field.value }
        return (response, id)
    }

    // MARK: Status and content

    /// With ``UnknownTasks/completed``, records a well-formed id nobody created as a task that has just
    /// completed at `gateway`.
    private func adoptUnknownTask(_ id: String, gateway: Gateway, now: Duration, wall: Date) {
        guard unknownTasks == .completed, state.tasks[id] == nil,
            TaskRecord.isWellFormedID(id, gateway.dialect, flavor: gateway.flavor)
        else { return }
        let rules = gateway.models.first
        let submission = AcceptedSubmission(
            model: rules?.name ?? "unknown", prompt: "", requestedSeconds: nil,
            seconds: rules?.seconds.defaultSeconds ?? 0, aspectRatio: rules?.defaultAspectRatio ?? "16:9",
            resolution: rules?.defaultResolution, imageCount: 0)
        adoptCompletedTask(id, submission: submission, at: gateway, now: now, wall: wall)
    }

    /// Records the task `id` for a submission `gateway` accepted, scheduled by the gateway's next script and
    /// its timing (every dialect creates its tasks here, so scripts and timing mean the same everywhere).
    func createTask(_ id: String, for accepted: AcceptedSubmission, at gateway: Gateway, now: Duration, wall: Date)
        -> TaskRecord
    {
        let script = state.takeScript(for: Endpoint.baseKey(gateway.baseURL))
        var record = TaskRecord(
            id: id, gateway: gateway, submission: accepted, createdAt: now, createdWall: wall, script: script,
            cdn: cdnBaseURL)
        let timing = gateway.timing ?? timing
        record.schedule(
            queued: script.queued ?? timing.queued,
            processing: script.processing ?? timing.processing(forVideoSeconds: accepted.seconds))
        state.add(record)
        return record
    }

    /// Records `id`, a task nobody created here, as one that has just completed (``UnknownTasks/completed``:
    /// a job file from an earlier `videogen --simulate` run).
    func adoptCompletedTask(
        _ id: String, submission: AcceptedSubmission, at gateway: Gateway, now: Duration, wall: Date
    ) {
        var record = TaskRecord(
            id: id, gateway: gateway, submission: submission, createdAt: now, createdWall: wall, script: .success,
            cdn: cdnBaseURL)
        record.schedule(queued: .zero, processing: .zero)
        state.add(record)
    }

    /// The task `id` at `gateway`, adopted first when unknown tasks are adopted; `nil` when it is not there.
    private func task(_ id: String, at gateway: Gateway, now: Duration, wall: Date) -> TaskRecord? {
        adoptUnknownTask(id, gateway: gateway, now: now, wall: wall)
        guard let record = state.tasks[id], record.belongs(to: gateway) else { return nil }
        return record
    }

    private func status(id: String, gateway: Gateway, responses: Responses, now: Duration, wall: Date) -> HTTPResponse {
        guard var record = task(id, at: gateway, now: now, wall: wall) else { return responses.taskNotFound(id) }
        defer { state.tasks[id] = record }
        if gateway.flavor == .kyyDeployment, record.statusQueries == 0 {
            // A deployed kyy backend refuses a status call now and then; the next one answers.
            record.statusQueries += 1
            return Responses.kyyTransientAuth()
        }
        var response = responses.status(record.answerStatusQuery(at: now))
        if let hint = gateway.pollHint { response.headers[hint.field.name] = hint.field.value }
        return response
    }

    private func content(
        id: String, gateway: Gateway, responses: Responses, method: HTTPMethod, now: Duration
    ) -> HTTPResponse {
        guard var record = task(id, at: gateway, now: now, wall: clock.wallTime()) else {
            if gateway.flavor.isNewAPI {
                return Responses.contentProxyError(404, "Task not found", type: "invalid_request_error")
            }
            return responses.error(404, "Task '\(id)' not found.", code: "task_not_found")
        }
        let (phase, _) = record.phase(at: now)
        if gateway.flavor == .newAPIXAI, phase.isTerminal, record.script.outcome == .moderated {
            // controller/video_proxy.go: the proxy fetches the stored URL; for a withheld video it is the
            // proxy's own, and the fetch fails.
            return Responses.contentProxyError(502, "Failed to fetch video content", type: "server_error")
        }
        guard phase == .completed, record.script.outcome == .success else {
            if gateway.flavor.isNewAPI {
                let status = phase == .processing ? "IN_PROGRESS" : phase == .queued ? "QUEUED" : "FAILURE"
                return Responses.contentProxyError(
                    400, "Task is not completed yet, current status: \(status)", type: "invalid_request_error")
            }
            return responses.error(
                404, "The video of task '\(id)' is not available (status: \(phase)).", code: "video_not_ready")
        }
        record.downloads += 1
        state.tasks[id] = record
        return Responses.video(method: method)
    }

    private func cdn(file: String, method: HTTPMethod, now: Duration) -> HTTPResponse {
        guard method == .get || method.rawValue == "HEAD" else {
            return Responses.cdnError(405, code: "MethodNotAllowed", "The specified method is not allowed.")
        }
        guard file.hasSuffix(".mp4"), var record = state.tasks[String(file.dropLast(4))] else {
            return Responses.cdnError(404, code: "NoSuchKey", "The specified key does not exist.")
        }
        let (phase, _) = record.phase(at: now)
        guard phase == .completed, record.script.outcome == .success else {
            return Responses.cdnError(404, code: "NoSuchKey", "The specified key does not exist.")
        }
        let gateway = state.gateway(withKey: Endpoint.baseKey(record.gatewayBaseURL))
        if let lifetime = (gateway?.timing ?? timing).videoURLLifetime, now > record.finishesAt + lifetime {
            return Responses.cdnError(403, code: "AccessDenied", "Request has expired.")
        }
        record.downloads += 1
        state.tasks[record.id] = record
        return Responses.video(method: method)
    }

    // MARK: Faults and delivery

    /// The answer a fault that keeps the request from the server gives.
    private func faultResponse(_ fault: Fault, endpoint: Endpoint) -> HTTPResponse {
        switch fault {
        case .httpError(let status, let message, let code, let headers):
            var response: HTTPResponse
            switch endpoint.target {
            case .gateway(let gateway, _):
                response = Responses(dialect: gateway.dialect).error(status, message, code: code, vendorCode: true)
            case .cdn: response = Responses.cdnError(status, code: code ?? "SimulatedError", message)
            case .unknownHost: response = Responses.plain(status, message)
            }
            for field in headers { response.headers[field.name] = field.value }
            return response
        case .htmlErrorPage(let status):
            return Responses.html(status)
        case .response(let status, let headers, let body):
            return HTTPResponse(status: status, headers: headers, body: body)
        case .quotaExhausted:
            if case .gateway(let gateway, _) = endpoint.target {
                return Responses(dialect: gateway.dialect, flavor: gateway.flavor).quotaExhausted()
            }
            return Responses.plain(402, "Payment Required")
        default:
            return Responses.plain(500, "unexpected fault")
        }
    }

    /// The real answer, damaged by a fault that lets the server process the request.
    static func damaged(_ response: HTTPResponse, by fault: Fault?) -> HTTPResponse {
        var copy = response
        switch fault {
        case .truncatedJSON?:
            copy.body = copy.body.prefix(copy.body.count / 2)
        case .emptyBody?:
            copy.body = Data()
            copy.headers["Content-Length"] = "0"
        case .wrongContentType(let type)?:
            copy.headers["Content-Type"] = type
        case .extraHeaders(let headers)?:
            for field in headers { copy.headers[field.name] = field.value }
        default:
            break
        }
        return copy
    }

    /// The answer handed over as the caller asked: in memory (within its limit) or in a temporary file.
    static func deliver(_ response: HTTPResponse, to destination: ResponseBodyDestination) throws -> HTTPResponse {
        switch destination {
        case .memory(let limit):
            guard response.body.count <= limit else {
                throw HTTPTransportError(
                    .responseTooLarge, requestMayHaveBeenSent: true,
                    message: "the answer has \(response.body.count) bytes; the limit is \(limit)")
            }
            return response
        case .temporaryFile(let directory):
            let file = directory.appendingPathComponent("gateway-simulator-\(UUID().uuidString).download")
            do {
                try response.body.write(to: file)
            } catch {
                throw HTTPTransportError(
                    .localWrite, requestMayHaveBeenSent: true,
                    message: "cannot write \(file.path): \(SystemErrorText.describe(error))")
            }
            var copy = response
            copy.body = Data()
            copy.bodyFile = file
            return copy
        }
    }
}
