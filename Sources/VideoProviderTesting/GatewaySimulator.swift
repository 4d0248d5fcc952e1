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

    let lock = NSLock()
    /// Guarded by `lock`.
    var state: State

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
        let key = gateway.map(gatewayKey)
        lock.withLock { state.scripts.append(ScriptRule(script: script, gatewayKey: key, remaining: count)) }
    }

    /// Replaces the script of an existing task (its timing counts from its creation). Returns `false` when
    /// there is no such task.
    @discardableResult
    public func rescript(taskID: String, _ script: TaskScript) -> Bool {
        lock.withLock {
            guard var record = state.tasks[taskID] else { return false }
            let timing = state.gateway(withKey: Endpoint.baseKey(record.gatewayBaseURL))?.timing ?? timing
            record.script = script
            record.schedule(queued: script.queued ?? timing.queued, processing: script.processing)
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
        let key = gateway.map(gatewayKey)
        let origin = fault == .refuseConnection ? gateway.flatMap(Endpoint.origin) : nil
        lock.withLock {
            state.faults.append(
                FaultRule(
                    fault: fault,
                    scope: RequestScope(operation: operation, gatewayKey: key, origin: origin, apiKey: apiKey),
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
        let key = gateway.map(gatewayKey)
        lock.withLock {
            state.randomFaults.append(
                RandomFaultRule(
                    faults: faults, probability: min(1, probability),
                    scope: RequestScope(operation: operation, gatewayKey: key),
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
        let key = gateway.map(gatewayKey)
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
        let key = gateway.map(gatewayKey)
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
        return lock.withLock { state.taskOrder.compactMap { state.tasks[$0]?.snapshot(at: now) } }
    }

    /// The task with this id, as it stands now.
    public func task(_ id: String) -> SimulatedTask? {
        let now = clock.now()
        return lock.withLock { state.tasks[id]?.snapshot(at: now) }
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
        let arrivedAt = clock.now()
        let (endpoint, fault) = lock.withLock { () -> (Endpoint, Fault?) in
            let endpoint = Endpoint.route(
                request.url, method: request.method, gateways: state.gateways, cdn: cdnBaseURL)
            return (
                endpoint,
                state.takeFault(for: endpoint, bearer: Auth.presentedKey(request.headers, endpoint.keyPlacement))
            )
        }
        if fault == .refuseConnection || endpoint.isUnknownHost {
            lock.withLock { _ = record(request, body: body, endpoint: endpoint, fault: fault, at: arrivedAt) }
            throw HTTPTransportError(
                .connectionFailed, requestMayHaveBeenSent: false,
                message: endpoint.isUnknownHost
                    ? "no simulated gateway at \(request.url.host ?? "?") (add one with addGateway)"
                    : "connection to \(request.url.host ?? "?") refused (simulated)")
        }
        if case .delay(let duration)? = fault {
            do {
                try await clock.sleep(for: duration)
            } catch {
                lock.withLock { _ = record(request, body: body, endpoint: endpoint, fault: fault, at: clock.now()) }
                throw HTTPTransportError(
                    .cancelled, requestMayHaveBeenSent: false, message: "cancelled during a simulated delay")
            }
        }
        let now = clock.now()
        let wall = clock.wallTime()
        var response = lock.withLock {
            answer(request, body: body, endpoint: endpoint, fault: fault, now: now, wall: wall)
        }
        if case .dropResponse(let kind)? = fault {
            throw HTTPTransportError(
                kind, requestMayHaveBeenSent: true,
                message: "the connection to \(request.url.host ?? "?") broke before the answer arrived (simulated)")
        }
        response = Self.damaged(response, by: fault)
        response.url = request.url
        if let hop = Self.redirect(after: response, from: request) {
            return try await Self.$redirectChain.withValue(hop.chain) {
                try await send(hop.next, bodyDestination: bodyDestination)
            }
        }
        return try Self.deliver(response, to: bodyDestination)
    }
}
