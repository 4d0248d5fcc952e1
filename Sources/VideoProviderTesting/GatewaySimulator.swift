public import Foundation
public import VideoProviderKit

/// An in-process ``HTTPTransport`` that plays the server side of every gateway VideoProviderKit speaks:
/// kyyReactApiServer (aizfw, Xingchaoyiqing), the OpenAI-format `/v1/videos` dialect in JSON
/// (`grok-imagine-video`) and multipart (the grok-video-3 family), xAI, and a CDN serving the finished
/// videos.
///
/// It is written from the vendors' documentation, independently of the library's encoders: request bodies
/// are read with `JSONSerialization` and the simulator's own multipart parser, and checked against the
/// simulator's own model rules. A request the real gateway would refuse gets that gateway's 400 (or 401)
/// in its own error shape. Accepted submits create tasks that move from queued through processing (with
/// rising progress where the vendor reports it) to completed, on an injectable ``VideoClock``: with a
/// ``VirtualClock`` a 40-second task takes no real time.
///
/// ```swift
/// let clock = VirtualClock(mode: .manual)
/// let simulator = GatewaySimulator(clock: clock)
/// simulator.inject(.httpError(status: 429, headers: ["Retry-After": "2"]), on: .submit, times: 1)
/// simulator.scriptNextTasks(GatewaySimulator.TaskScript(outcome: .failure(message: "GPU pool exhausted")))
///
/// let client = VideoClient(registry: registry, transport: simulator, clock: clock)
/// // … drive the client, advancing `clock` …
///
/// #expect(simulator.count(.submit) == 2)
/// #expect(simulator.tasks.count == 1)
/// #expect(simulator.cdnReceivedAuthorization == false)
/// ```
///
/// Everything is recorded for assertions (``requests``, ``count(_:at:)``, ``tasks``, ``task(_:)``), with
/// credentials redacted. The simulator is thread-safe and can serve many concurrent clients.
public final class GatewaySimulator: HTTPTransport, @unchecked Sendable {
    /// `https://cdn.simulator.invalid`, a host distinct from every gateway.
    public static let defaultCDNBaseURL = URL(string: "https://cdn.simulator.invalid")!

    /// The clock tasks age on and delays wait on.
    public let clock: any VideoClock
    /// Where finished videos are served, without credentials: `{cdnBaseURL}/videos/{task id}.mp4`.
    public let cdnBaseURL: URL
    /// The timing of tasks on gateways that do not set their own.
    public let timing: Timing
    /// What status and content requests for a task id the simulator never created get.
    public let unknownTasks: UnknownTasks

    /// How the simulator answers a task id it did not create.
    public enum UnknownTasks: Sendable, Hashable {
        /// 404 in the gateway's error shape, as a real gateway answers an id it does not know. The default.
        case notFound
        /// A well-formed id (the shape the dialect's own ids have: `video_…` for kyy and the OpenAI format,
        /// a UUID for xAI) is adopted as a task that has already completed, with a video on the CDN.
        ///
        /// A process that follows a job created by another process (`videogen status JOB --simulate` after
        /// `videogen generate --simulate`) gets a fresh simulator that never saw the submit; this lets it
        /// follow and download the job anyway. Malformed ids are still 404.
        case completed
    }

    private let lock = NSLock()
    // Guarded by `lock`:
    private var state: State

    /// A simulator serving `gateways` (every documented one by default) and the CDN.
    public init(
        clock: any VideoClock = VirtualClock(), gateways: [Gateway] = Gateway.standard(),
        cdnBaseURL: URL = GatewaySimulator.defaultCDNBaseURL, timing: Timing = .realistic,
        unknownTasks: UnknownTasks = .notFound
    ) {
        self.clock = clock
        self.cdnBaseURL = cdnBaseURL
        self.timing = timing
        self.unknownTasks = unknownTasks
        state = State()
        for gateway in gateways { state.add(gateway) }
    }

    // MARK: - Gateways

    /// The gateways served, in the order they were added.
    public var gateways: [Gateway] { lock.withLock { state.gateways } }

    /// Serves `gateway`, replacing any gateway at the same base URL.
    public func addGateway(_ gateway: Gateway) { lock.withLock { state.add(gateway) } }

    /// Stops serving the gateway at `baseURL`; its host then refuses connections.
    public func removeGateway(at baseURL: URL) {
        let key = Endpoint.baseKey(baseURL)
        lock.withLock { state.gateways.removeAll { Endpoint.baseKey($0.baseURL) == key } }
    }

    // MARK: - Scripting

    /// Gives the next `count` tasks accepted at `gateway` (any gateway when `nil`) this script; `count: nil`
    /// scripts every later task. Scripts queue up and are used in the order given.
    public func scriptNextTasks(_ script: TaskScript, count: Int? = 1, at gateway: URL? = nil) {
        guard count.map({ $0 > 0 }) ?? true else { return }
        let key = gateway.map(resolveKey)
        lock.withLock { state.scripts.append(ScriptRule(script: script, gatewayKey: key, remaining: count)) }
    }

    /// Replaces the script of an existing task (its timing counts from its creation). Returns `false` when
    /// there is no such task.
    @discardableResult
    public func rescript(taskID: String, _ script: TaskScript) -> Bool {
        lock.withLock {
            guard var record = state.tasks[taskID] else { return false }
            record.script = script
            record.schedule(timing: timing(for: record.gatewayBaseURL, script: script))
            state.tasks[taskID] = record
            return true
        }
    }

    /// Makes the next `times` requests of `operation` (any when `nil`) to `gateway` (any base URL, or any
    /// URL under one; the CDN is ``cdnBaseURL``; any host when `nil`) suffer `fault`. `times: nil` means
    /// always. Faults act in the order injected, one per request.
    ///
    /// A refused connection is the server's: injected at a gateway, ``Fault/refuseConnection`` refuses every
    /// gateway on that URL's origin (scheme, host, port), as a real host does. Other faults are answers and
    /// stay with the gateway; with `apiKey`, only with the requests that carry that key as a bearer token,
    /// so two providers served by one gateway (aizfw and Xingchaoyiqing share kyyReactApiServer) fail apart.
    public func inject(
        _ fault: Fault, on operation: Operation? = nil, at gateway: URL? = nil, times: Int? = 1, apiKey: String? = nil
    ) {
        guard times.map({ $0 > 0 }) ?? true else { return }
        let key = gateway.map(resolveKey)
        let origin = fault == .refuseConnection ? gateway.flatMap(Endpoint.origin) : nil
        lock.withLock {
            state.faults.append(
                FaultRule(
                    fault: fault, operation: operation, gatewayKey: key, origin: origin, apiKey: apiKey,
                    remaining: times))
        }
    }

    /// Makes a random share of later requests misbehave: a request of `operation` (any when `nil`) to
    /// `gateway` (as in ``inject(_:on:at:times:)``) that no injected fault claims suffers, with
    /// `probability`, one of `faults`, picked with equal chances. Rules added earlier are drawn first; a
    /// request suffers at most one fault.
    ///
    /// For soak and chaos tests. The draws come from a generator seeded with `seed`: one client sending
    /// one request at a time sees the same faults on every run; concurrent clients interleave their
    /// requests, so only the rates repeat.
    public func injectRandomly(
        _ faults: [Fault], probability: Double, on operation: Operation? = nil, at gateway: URL? = nil, seed: UInt64
    ) {
        guard !faults.isEmpty, probability > 0 else { return }
        let key = gateway.map(resolveKey)
        lock.withLock {
            state.randomFaults.append(
                RandomFaultRule(
                    faults: faults, probability: min(1, probability), operation: operation, gatewayKey: key,
                    generator: SeededRandomNumberGenerator(seed: seed)))
        }
    }

    /// Gives a random share of later tasks at `gateway` (any gateway when `nil`) that no queued script
    /// (``scriptNextTasks(_:count:at:)``) claims one of `scripts`, picked with equal chances, with
    /// `probability`; the others succeed. Seeded like ``injectRandomly(_:probability:on:at:seed:)``.
    public func scriptTasksRandomly(
        _ scripts: [TaskScript], probability: Double, at gateway: URL? = nil, seed: UInt64
    ) {
        guard !scripts.isEmpty, probability > 0 else { return }
        let key = gateway.map(resolveKey)
        lock.withLock {
            state.randomScripts.append(
                RandomScriptRule(
                    scripts: scripts, probability: min(1, probability), gatewayKey: key,
                    generator: SeededRandomNumberGenerator(seed: seed)))
        }
    }

    /// Removes every fault not yet used up, and every random fault rule.
    public func removeAllFaults() {
        lock.withLock {
            state.faults.removeAll()
            state.randomFaults.removeAll()
        }
    }

    /// How many injected faults still have uses left (an `always` fault counts once). Random fault rules
    /// (``injectRandomly(_:probability:on:at:seed:)``) are not counted.
    public var pendingFaultCount: Int { lock.withLock { state.faults.count } }

    // MARK: - Introspection

    /// Every request the transport was asked to send, in order, including refused ones
    /// (``ReceivedRequest/delivered`` `false`).
    public var requests: [ReceivedRequest] { lock.withLock { state.requests } }

    /// The requests the server saw, optionally only one operation's and one gateway's.
    public func requests(_ operation: Operation? = nil, at gateway: URL? = nil) -> [ReceivedRequest] {
        let key = gateway.map(resolveKey)
        return lock.withLock {
            state.requests.filter { request in
                request.delivered && (operation.map { request.operation == $0 } ?? true)
                    && (key.map { request.gatewayBaseURL.map(Endpoint.baseKey) == $0 } ?? true)
            }
        }
    }

    /// How many requests the server saw, optionally only one operation's and one gateway's.
    public func count(_ operation: Operation? = nil, at gateway: URL? = nil) -> Int {
        requests(operation, at: gateway).count
    }

    /// Every task created, in creation order, as it stands now.
    public var tasks: [SimulatedTask] {
        let now = clock.now()
        return lock.withLock { state.taskOrder.compactMap { state.tasks[$0].map { snapshot($0, now: now) } } }
    }

    /// The task with this id, as it stands now.
    public func task(_ id: String) -> SimulatedTask? {
        let now = clock.now()
        return lock.withLock { state.tasks[id].map { snapshot($0, now: now) } }
    }

    /// Whether any request to the CDN carried `Authorization` (it never should: the API key must not leave
    /// the gateway's host).
    public var cdnReceivedAuthorization: Bool {
        let key = Endpoint.baseKey(cdnBaseURL)
        return lock.withLock {
            state.requests.contains { $0.hasAuthorization && $0.gatewayBaseURL.map(Endpoint.baseKey) == key }
        }
    }

    /// Forgets every request, task, fault and script (random rules included); the gateways stay.
    public func reset() {
        lock.withLock {
            let gateways = state.gateways
            state = State()
            state.gateways = gateways
        }
    }

    // MARK: - HTTPTransport

    /// Serves `request` as the addressed gateway or the CDN would, after any injected fault.
    ///
    /// Throws ``HTTPTransportError``: `.connectionFailed` for a host nobody serves or a refused connection,
    /// the fault's kind for a dropped answer, `.cancelled` when the task is cancelled during a delay,
    /// `.responseTooLarge` when the body exceeds a `.memory(limit:)` destination, `.localWrite` when the
    /// temporary file cannot be written.
    public func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        // The work is synchronous and out of line: an async function's frame lives in the calling task's
        // allocator, so keeping this one small keeps every simulated job small (docs/performance.md, `jobs`).
        switch try arrive(request, to: bodyDestination) {
        case .answered(let response):
            return response
        case .delayed(let delayed):
            do {
                try await clock.sleep(for: delayed.duration)
            } catch {
                throw abandon(delayed)
            }
            return try finish(answerAfterDelay(delayed), fault: delayed.fault, request: request, to: bodyDestination)
        }
    }

    private enum Arrival {
        /// The answer as delivered to the destination.
        case answered(HTTPResponse)
        case delayed(DelayedRequest)
    }

    /// A request held back by a scripted delay (a class, so the waiting frame holds one reference).
    private final class DelayedRequest {
        let duration: Duration
        let fault: Fault?
        let parsed: ParsedRequest
        let endpoint: Endpoint

        init(duration: Duration, fault: Fault?, parsed: ParsedRequest, endpoint: Endpoint) {
            self.duration = duration
            self.fault = fault
            self.parsed = parsed
            self.endpoint = endpoint
        }
    }

    /// Routes, parses and (unless a delay is scripted) answers a request. Routing and parsing happen
    /// outside the lock, and a request takes it twice: with many concurrent callers the lock was what kept
    /// the others waiting (docs/performance.md, `jobs`).
    @inline(never)
    private func arrive(_ request: HTTPRequest, to destination: ResponseBodyDestination) throws -> Arrival {
        if Task.isCancelled {
            throw HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled before sending")
        }
        let body: Data
        do {
            body = try request.body.collect()
        } catch {
            throw HTTPTransportError(
                .localIO, requestMayHaveBeenSent: false,
                message: "reading the request body failed: \(error.localizedDescription)")
        }
        let endpoint = Endpoint.route(
            request.url, method: request.method, gateways: lock.withLock { state.gateways }, cdn: cdnBaseURL)
        let parsed = ParsedRequest(request, body: body)
        let now = clock.now()
        let wall = clock.wallTime()
        enum Outcome {
            case refused
            case delayed(DelayedRequest)
            case answered(PendingAnswer)
        }
        let outcome = lock.withLock { () -> Outcome in
            let fault = state.takeFault(for: endpoint, bearer: parsed.bearerToken?.secret)
            if fault == .refuseConnection || endpoint.isUnknownHost {
                _ = record(parsed, endpoint: endpoint, fault: fault, delivered: false, now: now)
                return .refused
            }
            if case .delay(let duration)? = fault {
                return .delayed(DelayedRequest(duration: duration, fault: fault, parsed: parsed, endpoint: endpoint))
            }
            return .answered(answer(parsed, endpoint: endpoint, fault: fault, now: now, wall: wall))
        }
        switch outcome {
        case .refused:
            throw HTTPTransportError(
                .connectionFailed, requestMayHaveBeenSent: false,
                message: endpoint.isUnknownHost
                    ? "no simulated gateway at \(request.url.host ?? "?") (add one with addGateway)"
                    : "connection to \(request.url.host ?? "?") refused (simulated)")
        case .delayed(let delayed):
            return .delayed(delayed)
        case .answered(let pending):
            return .answered(try finish(pending.response(), fault: pending.fault, request: request, to: destination))
        }
    }

    @inline(never)
    private func answerAfterDelay(_ delayed: DelayedRequest) -> HTTPResponse {
        let now = clock.now()
        let wall = clock.wallTime()
        let pending = lock.withLock {
            answer(delayed.parsed, endpoint: delayed.endpoint, fault: delayed.fault, now: now, wall: wall)
        }
        return pending.response()
    }

    @inline(never)
    private func abandon(_ delayed: DelayedRequest) -> HTTPTransportError {
        lock.withLock { _ = record(delayed.parsed, endpoint: delayed.endpoint, fault: delayed.fault, delivered: false) }
        return HTTPTransportError(
            .cancelled, requestMayHaveBeenSent: false, message: "cancelled during a simulated delay")
    }

    @inline(never)
    private func finish(
        _ response: HTTPResponse, fault: Fault?, request: HTTPRequest, to destination: ResponseBodyDestination
    ) throws -> HTTPResponse {
        if case .dropResponse(let kind)? = fault {
            throw HTTPTransportError(
                kind, requestMayHaveBeenSent: true,
                message: "the connection to \(request.url.host ?? "?") broke before the answer arrived (simulated)")
        }
        return try deliver(response, to: destination)
    }

    // MARK: - Internals

    /// An answer decided under the lock. A status body is written after the lock is released: with many
    /// concurrent pollers, writing JSON under it was what kept the others waiting.
    private enum Reply {
        case ready(HTTPResponse)
        case status(StatusView, Responses, extraHeader: (name: String, value: String)?)

        var status: Int {
            switch self {
            case .ready(let response): return response.status
            case .status: return 200
            }
        }

        func render() -> HTTPResponse {
            switch self {
            case .ready(let response):
                return response
            case .status(let view, let responses, let extra):
                var response = responses.status(view)
                if let extra { response.headers[extra.name] = extra.value }
                return response
            }
        }
    }

    private struct PendingAnswer {
        let reply: Reply
        let fault: Fault?
        let url: URL

        /// The answer as sent: rendered, damaged by the fault, stamped with the request's URL.
        func response() -> HTTPResponse {
            var response = GatewaySimulator.damaged(reply.render(), by: fault)
            response.url = url
            return response
        }
    }

    /// Records a request that reached the server and decides its answer. Called with the lock held.
    private func answer(
        _ parsed: ParsedRequest, endpoint: Endpoint, fault: Fault?, now: Duration, wall: Date
    ) -> PendingAnswer {
        let request = parsed.request
        let index = record(parsed, endpoint: endpoint, fault: fault, delivered: true, now: now)
        let reply: Reply
        if let fault, !fault.processesRequest {
            reply = .ready(faultResponse(fault, endpoint: endpoint))
        } else {
            let (answer, taskID) = handle(request, body: parsed.body, endpoint: endpoint, now: now, wall: wall)
            reply = answer
            if let taskID { state.requests[index].taskID = taskID }
        }
        if case .dropResponse? = fault {
            state.requests[index].responseStatus = nil
        } else {
            // Damage never changes the status code, so it is known before the body is written.
            state.requests[index].responseStatus = reply.status
        }
        return PendingAnswer(reply: reply, fault: fault, url: request.url)
    }

    private func resolveKey(_ url: URL) -> String {
        lock.withLock { Endpoint.route(url, method: .get, gateways: state.gateways, cdn: cdnBaseURL).baseKey }
            ?? Endpoint.baseKey(url)
    }

    private func timing(for gatewayBaseURL: URL, script: TaskScript) -> (queued: Duration, processing: Duration?) {
        let key = Endpoint.baseKey(gatewayBaseURL)
        let base = state.gateways.first { Endpoint.baseKey($0.baseURL) == key }?.timing ?? timing
        return (script.queued ?? base.queued, script.processing)
    }

    /// What the request log keeps of a request, worked out before taking the lock.
    private struct ParsedRequest {
        let request: HTTPRequest
        let body: Data
        let redactedHeaders: HTTPHeaders
        let bearerToken: APIKey?

        init(_ request: HTTPRequest, body: Data) {
            self.request = request
            self.body = body
            redactedHeaders = request.headers.redacted()
            bearerToken = Auth.bearerToken(request.headers["Authorization"]).map(APIKey.init)
        }
    }

    /// Appends the record of a request and returns its index. Called with the lock held.
    private func record(
        _ parsed: ParsedRequest, endpoint: Endpoint, fault: Fault?, delivered: Bool, now: Duration? = nil
    ) -> Int {
        let request = parsed.request
        let received = ReceivedRequest(
            sequence: state.requests.count + 1, receivedAt: now ?? clock.now(), method: request.method,
            url: request.url, headers: parsed.redactedHeaders,
            hasAuthorization: request.headers["Authorization"] != nil, body: parsed.body,
            gatewayName: endpoint.gatewayName, gatewayBaseURL: endpoint.baseURL,
            operation: endpoint.operation, taskID: endpoint.taskID, delivered: delivered, responseStatus: nil,
            fault: fault, bearerToken: parsed.bearerToken)
        state.requests.append(received)
        return state.requests.count - 1
    }

    /// The answer to a request that reached the server. Called with the lock held.
    private func handle(
        _ request: HTTPRequest, body: Data, endpoint: Endpoint, now: Duration, wall: Date
    ) -> (Reply, String?) {
        switch endpoint.target {
        case .unknownHost:
            return (.ready(Responses.plain(404, "Not Found")), nil)
        case .cdn(let file):
            return (.ready(cdn(file: file, method: request.method, now: now)), nil)
        case .gateway(let gateway, let action):
            let responses = Responses(
                dialect: gateway.dialect, flavor: gateway.flavor,
                nativeRoute: !request.url.path(percentEncoded: true).contains("/openai/v1/"))
            switch action {
            case .unknownPath:
                return (
                    .ready(
                        responses.error(404, "No route for \(request.method) \(request.url.path).", code: "not_found")),
                    nil
                )
            case .wrongMethod(let allowed):
                var response = responses.error(
                    405, "\(request.method) is not allowed here; use \(allowed).", code: "method_not_allowed")
                response.headers["Allow"] = allowed
                return (.ready(response), nil)
            default:
                break
            }
            if let failure = Auth.check(request.headers["Authorization"], gateway: gateway) {
                return (.ready(responses.error(401, failure.message, code: failure.code)), nil)
            }
            switch action {
            case .submit:
                let (response, id) = submit(
                    request, body: body, gateway: gateway, responses: responses, now: now, wall: wall)
                return (.ready(response), id)
            case .status(let id):
                return (status(id: id, gateway: gateway, responses: responses, now: now), id)
            case .content(let id):
                return (
                    .ready(content(id: id, gateway: gateway, responses: responses, method: request.method, now: now)),
                    id
                )
            case .unknownPath, .wrongMethod:
                return (.ready(responses.error(404, "Not found.", code: "not_found")), nil)
            }
        }
    }

    private func submit(
        _ request: HTTPRequest, body: Data, gateway: Gateway, responses: Responses, now: Duration, wall: Date
    ) -> (HTTPResponse, String?) {
        let accepted: AcceptedSubmission
        do {
            if gateway.flavor == .newAPIXAI, responses.nativeRoute {
                // The native route passes the body through to xAI, which judges it by its own rules.
                var upstream = Gateway.xAI(baseURL: gateway.baseURL)
                upstream.models += gateway.models.filter { upstream.rules(for: $0.name) == nil }
                do {
                    accepted = try SubmitValidator.validate(headers: request.headers, body: body, gateway: upstream)
                } catch {
                    // relay_task.go: a non-200 upstream answer becomes {"code":"fail_to_fetch_task","message":<its body>}.
                    let upstreamBody = Responses(dialect: .xAI).error(error.status, error.message, code: error.code)
                    return (
                        Responses.json(
                            error.status,
                            [
                                "code": "fail_to_fetch_task",
                                "message": String(decoding: upstreamBody.body, as: UTF8.self),
                                "data": NSNull(),
                            ]), nil
                    )
                }
            } else {
                accepted = try SubmitValidator.validate(headers: request.headers, body: body, gateway: gateway)
            }
        } catch {
            return (responses.error(error.status, error.message, code: error.code), nil)
        }
        let script = state.takeScript(for: Endpoint.baseKey(gateway.baseURL))
        let id = TaskRecord.newID(gateway.dialect, flavor: gateway.flavor)
        var record = TaskRecord(
            id: id, gatewayName: gateway.name, gatewayBaseURL: gateway.baseURL, dialect: gateway.dialect,
            submission: accepted, createdAt: now, createdWall: wall, script: script,
            videoURL: cdnBaseURL.appendingPathComponent("videos").appendingPathComponent("\(id).mp4"))
        let base = gateway.timing ?? timing
        record.schedule(
            timing: (
                script.queued ?? base.queued,
                script.processing ?? base.processing(forVideoSeconds: accepted.seconds)
            ))
        state.tasks[id] = record
        state.taskOrder.append(id)
        var response = responses.submitted(record)
        if let hint = gateway.pollHint { response.headers[hint.field.name] = hint.field.value }
        return (response, id)
    }

    /// With ``UnknownTasks/completed``, records a well-formed id nobody created as a task that has just
    /// completed at `gateway`. Called with the lock held.
    private func adoptUnknownTask(_ id: String, gateway: Gateway, now: Duration) {
        guard unknownTasks == .completed, state.tasks[id] == nil,
            TaskRecord.isWellFormedID(id, gateway.dialect, flavor: gateway.flavor)
        else { return }
        let rules = gateway.models.first
        let seconds = rules?.seconds.defaultSeconds ?? 0
        let submission = AcceptedSubmission(
            model: rules?.name ?? "unknown", prompt: "", requestedSeconds: nil, seconds: seconds,
            aspectRatio: rules?.defaultAspectRatio ?? "16:9", resolution: rules?.defaultResolution, imageCount: 0)
        var record = TaskRecord(
            id: id, gatewayName: gateway.name, gatewayBaseURL: gateway.baseURL, dialect: gateway.dialect,
            submission: submission, createdAt: now, createdWall: clock.wallTime(), script: .success,
            videoURL: cdnBaseURL.appendingPathComponent("videos").appendingPathComponent("\(id).mp4"))
        record.schedule(timing: (.zero, .zero))
        state.tasks[id] = record
        state.taskOrder.append(id)
    }

    private func status(id: String, gateway: Gateway, responses: Responses, now: Duration) -> Reply {
        adoptUnknownTask(id, gateway: gateway, now: now)
        guard var record = state.tasks[id], Endpoint.baseKey(record.gatewayBaseURL) == Endpoint.baseKey(gateway.baseURL)
        else {
            return .ready(responses.taskNotFound(id))
        }
        record.statusQueries += 1
        if gateway.flavor == .kyyDeployment, record.statusQueries == 1 {
            // A deployed kyy backend refuses a status call now and then; the next one answers.
            state.tasks[id] = record
            return .ready(Responses.kyyTransientAuth())
        }
        let (phase, progress) = record.phase(at: now)
        var view = StatusView(record: record, phase: phase, progress: progress, revealsVideoURL: true)
        if let word = record.script.unknownStatus, record.statusQueries <= record.script.unknownStatusPolls {
            view.overrideStatus = word
        } else if phase == .completed {
            record.completedAnswers += 1
            view.revealsVideoURL = record.completedAnswers > record.script.completedWithoutVideoURLPolls
        }
        state.tasks[id] = record
        return .status(view, responses, extraHeader: gateway.pollHint.map { ($0.field.name, $0.field.value) })
    }

    private func content(
        id: String, gateway: Gateway, responses: Responses, method: HTTPMethod, now: Duration
    ) -> HTTPResponse {
        adoptUnknownTask(id, gateway: gateway, now: now)
        guard var record = state.tasks[id], Endpoint.baseKey(record.gatewayBaseURL) == Endpoint.baseKey(gateway.baseURL)
        else {
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
        if let lifetime = (record.gatewayTiming(in: state.gateways) ?? timing).videoURLLifetime,
            now > record.finishesAt + lifetime
        {
            return Responses.cdnError(403, code: "AccessDenied", "Request has expired.")
        }
        record.downloads += 1
        state.tasks[record.id] = record
        return Responses.video(method: method)
    }

    /// The answer a non-processing fault gives. Called with the lock held.
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

    /// The real answer, damaged by a processing fault.
    private static func damaged(_ response: HTTPResponse, by fault: Fault?) -> HTTPResponse {
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

    private func deliver(_ response: HTTPResponse, to destination: ResponseBodyDestination) throws -> HTTPResponse {
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

    private func snapshot(_ record: TaskRecord, now: Duration) -> SimulatedTask {
        let (phase, progress) = record.phase(at: now)
        return SimulatedTask(
            id: record.id, gatewayName: record.gatewayName, gatewayBaseURL: record.gatewayBaseURL,
            dialect: record.dialect, model: record.submission.model, prompt: record.submission.prompt,
            requestedSeconds: record.submission.requestedSeconds, seconds: record.submission.seconds,
            aspectRatio: record.submission.aspectRatio, resolution: record.submission.resolution,
            imageCount: record.submission.imageCount, createdAt: record.createdAt, finishesAt: record.finishesAt,
            script: record.script, phase: phase, progress: Int(progress), videoURL: record.videoURL,
            statusQueries: record.statusQueries, downloads: record.downloads)
    }
}

// MARK: - State

extension GatewaySimulator {
    struct FaultRule {
        let fault: Fault
        let operation: Operation?
        let gatewayKey: String?
        /// For a refused connection: every gateway on this origin is refused.
        let origin: String?
        /// Only requests with this bearer token.
        let apiKey: String?
        var remaining: Int?

        func applies(to endpoint: Endpoint, bearer: String?) -> Bool {
            guard operation.map({ $0 == endpoint.operation }) ?? true, apiKey.map({ $0 == bearer }) ?? true else {
                return false
            }
            guard let gatewayKey else { return true }
            if gatewayKey == endpoint.baseKey { return true }
            guard let origin, let base = endpoint.baseURL else { return false }
            return Endpoint.origin(base) == origin
        }
    }

    struct ScriptRule {
        let script: TaskScript
        let gatewayKey: String?
        var remaining: Int?
    }

    struct RandomFaultRule {
        let faults: [Fault]
        let probability: Double
        let operation: Operation?
        let gatewayKey: String?
        var generator: SeededRandomNumberGenerator
    }

    struct RandomScriptRule {
        let scripts: [TaskScript]
        let probability: Double
        let gatewayKey: String?
        var generator: SeededRandomNumberGenerator
    }

    struct State {
        var gateways: [Gateway] = []
        var requests: [ReceivedRequest] = []
        var tasks: [String: TaskRecord] = [:]
        var taskOrder: [String] = []
        var faults: [FaultRule] = []
        var scripts: [ScriptRule] = []
        var randomFaults: [RandomFaultRule] = []
        var randomScripts: [RandomScriptRule] = []

        mutating func add(_ gateway: Gateway) {
            let key = Endpoint.baseKey(gateway.baseURL)
            if let index = gateways.firstIndex(where: { Endpoint.baseKey($0.baseURL) == key }) {
                gateways[index] = gateway
            } else {
                gateways.append(gateway)
            }
        }

        /// The first fault that applies to `endpoint`, used up by one.
        mutating func takeFault(for endpoint: Endpoint, bearer: String?) -> Fault? {
            // Nobody lives at an unknown host: there is nothing for a fault to act on.
            guard !endpoint.isUnknownHost else { return nil }
            if let index = faults.firstIndex(where: { $0.applies(to: endpoint, bearer: bearer) }) {
                let fault = faults[index].fault
                if let remaining = faults[index].remaining {
                    if remaining <= 1 { faults.remove(at: index) } else { faults[index].remaining = remaining - 1 }
                }
                return fault
            }
            for index in randomFaults.indices {
                let rule = randomFaults[index]
                guard rule.operation.map({ $0 == endpoint.operation }) ?? true,
                    rule.gatewayKey.map({ $0 == endpoint.baseKey }) ?? true
                else { continue }
                if let choice = randomFaults[index].generator.pick(
                    probability: rule.probability, among: rule.faults.count)
                {
                    return rule.faults[choice]
                }
            }
            return nil
        }

        /// The script for the next task at the gateway with `key`, used up by one.
        mutating func takeScript(for key: String) -> TaskScript {
            guard let index = scripts.firstIndex(where: { $0.gatewayKey.map { $0 == key } ?? true }) else {
                for index in randomScripts.indices where randomScripts[index].gatewayKey.map({ $0 == key }) ?? true {
                    let rule = randomScripts[index]
                    if let choice = randomScripts[index].generator.pick(
                        probability: rule.probability, among: rule.scripts.count)
                    {
                        return rule.scripts[choice]
                    }
                }
                return .success
            }
            let script = scripts[index].script
            if let remaining = scripts[index].remaining {
                if remaining <= 1 { scripts.remove(at: index) } else { scripts[index].remaining = remaining - 1 }
            }
            return script
        }
    }

    /// A task's full record. Its phase is computed from the clock whenever it is asked for.
    struct TaskRecord {
        let id: String
        let gatewayName: String
        let gatewayBaseURL: URL
        let dialect: Dialect
        let submission: AcceptedSubmission
        let createdAt: Duration
        let createdWall: Date
        var script: TaskScript
        let videoURL: URL
        var startsAt: Duration = .zero
        var finishesAt: Duration = .zero
        var statusQueries = 0
        var completedAnswers = 0
        var downloads = 0

        init(
            id: String, gatewayName: String, gatewayBaseURL: URL, dialect: Dialect, submission: AcceptedSubmission,
            createdAt: Duration, createdWall: Date, script: TaskScript, videoURL: URL
        ) {
            self.id = id
            self.gatewayName = gatewayName
            self.gatewayBaseURL = gatewayBaseURL
            self.dialect = dialect
            self.submission = submission
            self.createdAt = createdAt
            self.createdWall = createdWall
            self.script = script
            self.videoURL = videoURL
        }

        /// Sets the queued and processing phases; a `nil` processing time keeps the current length.
        mutating func schedule(timing: (queued: Duration, processing: Duration?)) {
            let processing = timing.processing ?? (finishesAt - startsAt)
            startsAt = createdAt + max(.zero, timing.queued)
            finishesAt = startsAt + max(.zero, processing)
        }

        func gatewayTiming(in gateways: [Gateway]) -> Timing? {
            let key = Endpoint.baseKey(gatewayBaseURL)
            return gateways.first { Endpoint.baseKey($0.baseURL) == key }?.timing
        }

        /// Where the task stands at `now`, with progress 0–100 (fractional while processing).
        func phase(at now: Duration) -> (Phase, Double) {
            if now < startsAt { return (.queued, 0) }
            if now < finishesAt {
                let fraction = (now - startsAt) / (finishesAt - startsAt)
                return (.processing, min(99, max(1, fraction * 100)))
            }
            switch script.outcome {
            case .success: return (.completed, 100)
            case .failure, .moderated: return (.failed, 100)
            case .expired: return (.expired, 100)
            case .cancelled: return (.cancelled, 100)
            }
        }

        /// Whether `id` has the shape ``newID(_:flavor:)`` gives ids of `dialect` and `flavor`.
        static func isWellFormedID(_ id: String, _ dialect: Dialect, flavor: Flavor = .documented) -> Bool {
            if flavor.isNewAPI {
                guard id.hasPrefix("task_") else { return false }
                let rest = id.dropFirst("task_".count)
                return rest.count == 32 && rest.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) }
            }
            switch dialect {
            case .kyyReact, .openAIFormat:
                guard id.hasPrefix("video_") else { return false }
                let rest = id.dropFirst("video_".count)
                return !rest.isEmpty && rest.count <= 64
                    && rest.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "0123456789abcdef-").contains($0) }
            case .xAI:
                return UUID(uuidString: id) != nil
            }
        }

        /// A new id in the dialect's format (new-api's public `task_` + 32 characters for its flavours).
        static func newID(_ dialect: Dialect, flavor: Flavor = .documented) -> String {
            let uuid = UUID().uuidString.lowercased()
            if flavor.isNewAPI { return "task_" + uuid.replacingBytes(of: "-", with: "") }
            switch dialect {
            case .kyyReact: return "video_\(uuid)"
            case .openAIFormat: return "video_\(uuid.replacingBytes(of: "-", with: ""))"
            case .xAI: return uuid
            }
        }
    }
}
