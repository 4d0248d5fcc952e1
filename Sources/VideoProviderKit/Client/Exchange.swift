import Foundation

/// One HTTP exchange with a provider, the same five steps for submissions, status calls and downloads:
///
/// 1. **send** the request the operation built (the provider's pure serializer), announcing it with a new
///    ``RequestID``;
/// 2. **limits**: the transport holds the answer to the operation's ``ResponseBodyDestination`` as it
///    arrives (1 MiB in memory, or a file capped by the download limit);
/// 3. **parse**: the operation reads the answer (the provider's pure deserializer, or the download's
///    checks), after the key has been scrubbed from it so no text cut from it can cut the key in two;
/// 4. **classify**: whatever failed on the way becomes a typed ``VideoProviderError`` with the provider,
///    model and task it belongs to (``transportFailure(_:request:operation:provider:model:taskID:)``,
///    ``answerFailure(_:response:provider:model:taskID:)``);
/// 5. **redact**: the error leaves with the key scrubbed from every text it holds.
///
/// Written once, as swift-openapi-runtime's `UniversalClient.send` is for every generated operation: each
/// operation only says how to build its request and how to read its answer.
struct Exchange: Sendable {
    let transport: any HTTPTransport
    let clock: any VideoClock
    let observer: VideoClientObserver

    /// Runs one exchange with `endpoint`.
    ///
    /// - Parameters:
    ///   - operation: what the exchange is for (events and the failure rules say).
    ///   - model, taskID: what the exchange belongs to, for events and errors.
    ///   - destination: where the answer's body goes, and its limit.
    ///   - build: makes the request; a failure is ``VideoProviderError/Kind/invalidRequest`` (nothing sent).
    ///   - read: reads the answer, throwing the error that ends the exchange.
    func run<Output>(
        _ operation: VideoClientEvent.Operation, with endpoint: ProviderEndpoint, model: String?,
        taskID: String? = nil, into destination: ResponseBodyDestination, request build: () throws -> HTTPRequest,
        read: (HTTPResponse, HTTPRequest) throws(VideoProviderError) -> Output
    ) async -> Result<Output, VideoProviderError> {
        // Only the await is here; the work around it is in synchronous helpers kept out of line. A task
        // keeps the memory of its deepest chain of async frames until it ends, and every followed job is
        // a task waiting here between polls (docs/performance.md, `jobs`).
        let request: HTTPRequest
        switch Self.built(build, endpoint: endpoint, model: model) {
        case .success(let built): request = built
        case .failure(let failure): return .failure(failure)
        }
        let sent = announce(request, operation, endpoint)
        do {
            let response = try await transport.send(request, bodyDestination: destination)
            return received(response, to: request, sent: sent, operation, endpoint, read: read)
        } catch {
            return .failure(
                failed(error, request: request, sent: sent, operation, endpoint, model: model, taskID: taskID))
        }
    }

    /// When and as what a request went out.
    struct Sent {
        let id: RequestID
        let start: Duration
    }

    @inline(never)
    private static func built(_ build: () throws -> HTTPRequest, endpoint: ProviderEndpoint, model: String?)
        -> Result<HTTPRequest, VideoProviderError>
    {
        do {
            return .success(try build())
        } catch {
            return .failure(wrap(error, as: .invalidRequest, endpoint.id, model).redacting(endpoint.secret))
        }
    }

    @inline(never)
    private func announce(_ request: HTTPRequest, _ operation: VideoClientEvent.Operation, _ endpoint: ProviderEndpoint)
        -> Sent
    {
        let id = RequestID.next()
        observer(
            .request(provider: endpoint.id, operation: operation, method: request.method, url: request.url, id: id))
        return Sent(id: id, start: clock.now())
    }

    @inline(never)
    private func received<Output>(
        _ response: HTTPResponse, to request: HTTPRequest, sent: Sent, _ operation: VideoClientEvent.Operation,
        _ endpoint: ProviderEndpoint, read: (HTTPResponse, HTTPRequest) throws(VideoProviderError) -> Output
    ) -> Result<Output, VideoProviderError> {
        let secret = endpoint.secret
        // The key is scrubbed from an answer before anything reads it (docs/reliability.md, "Redaction"),
        // and so is a token signed from it: a bearer credential in its own right while it lives.
        var answer = response
        answer.body = response.body.redactingSecretPrefixes(secret)
        let token = Self.signedToken(on: request, endpoint)
        if token != nil { answer.body = answer.body.redactingSecretPrefixes(token) }
        observer(
            .response(
                provider: endpoint.id, operation: operation, status: answer.status, elapsed: clock.now() - sent.start,
                id: sent.id, vendorRequestID: VendorRequestID.find(in: answer, secret: secret)))
        do {
            return .success(try read(answer, request))
        } catch {
            return .failure(error.redacting(secret).redacting(token))
        }
    }

    /// The token a signed-bearer scheme put on `request`, or `nil` for a key sent as it is.
    static func signedToken(on request: HTTPRequest, _ endpoint: ProviderEndpoint) -> String? {
        guard case .signedBearer = endpoint.registration.credentialScheme.placement,
            let value = request.headers["Authorization"], value.hasPrefix("Bearer ")
        else { return nil }
        return String(value.dropFirst(7))
    }

    @inline(never)
    private func failed(
        _ error: any Error, request: HTTPRequest, sent: Sent, _ operation: VideoClientEvent.Operation,
        _ endpoint: ProviderEndpoint, model: String?, taskID: String?
    ) -> VideoProviderError {
        observer(
            .response(
                provider: endpoint.id, operation: operation, status: nil, elapsed: clock.now() - sent.start,
                id: sent.id,
                vendorRequestID: nil))
        return Self.transportFailure(
            error, request: request, operation: operation, provider: endpoint.id, model: model, taskID: taskID
        ).redacting(endpoint.secret)
    }

    // MARK: Classifying

    /// A provider's reading of an answer as a snapshot, with the server's poll hint when the provider
    /// found none, and vendor text scrubbed of the key. A failure to read is typed
    /// (``answerFailure(_:response:provider:model:taskID:)``).
    static func snapshot(
        from response: HTTPResponse, endpoint: ProviderEndpoint, model: String?, taskID: String?,
        parse: (HTTPResponse) throws -> TaskSnapshot
    ) throws(VideoProviderError) -> TaskSnapshot {
        do {
            var snapshot = try parse(response)
            if snapshot.pollAfter == nil { snapshot.pollAfter = VendorResponse.pollAfter(response.headers) }
            return redacting(snapshot, endpoint.secret)
        } catch {
            throw answerFailure(error, response: response, provider: endpoint.id, model: model, taskID: taskID)
        }
    }

    /// A provider's refusal to read an answer, typed: its own ``VideoProviderError`` (or
    /// ``VideoProviderError/Kind/invalidResponse``), with the HTTP status, the task and the server's
    /// `Retry-After` when the provider did not set them.
    static func answerFailure(
        _ error: any Error, response: HTTPResponse, provider: ProviderID, model: String?, taskID: String?
    ) -> VideoProviderError {
        var failure = wrap(error, as: .invalidResponse, provider, model)
        // A provider names itself by its type's id; the registration (`gw-b`) is what the app routes by.
        failure.providerID = provider
        if failure.httpStatus == nil { failure.httpStatus = response.status }
        if failure.taskID == nil { failure.taskID = taskID }
        if failure.retryAfter == nil { failure.retryAfter = VendorResponse.retryAfter(response.headers) }
        return failure
    }

    /// The snapshot with vendor text scrubbed of the key and of its fragments (some gateways echo it).
    static func redacting(_ snapshot: TaskSnapshot, _ secret: String?) -> TaskSnapshot {
        guard let secret, secret.utf8.count >= SecretRedaction.minimumKeyLength else { return snapshot }
        func scrub(_ text: String?) -> String? { text?.redactingSecret(secret) }
        var copy = snapshot
        copy.errorMessage = scrub(snapshot.errorMessage)
        copy.errorCode = scrub(snapshot.errorCode)
        copy.rawStatus = scrub(snapshot.rawStatus)
        return copy
    }

    /// `error` as a ``VideoProviderError``: itself when it is one, else `kind` with its description.
    static func wrap(_ error: any Error, as kind: VideoProviderError.Kind, _ provider: ProviderID, _ model: String?)
        -> VideoProviderError
    {
        if let typed = error as? VideoProviderError { return typed }
        return VideoProviderError(
            kind, "\(provider): \(error)", providerID: provider, model: model, underlying: String(describing: error))
    }

    /// A transport's failure, typed. A submission that may have arrived is
    /// ``VideoProviderError/Kind/ambiguousSubmission``; any failure of a download is
    /// ``VideoProviderError/Kind/download`` (unless the caller cancelled).
    static func transportFailure(
        _ error: any Error, request: HTTPRequest, operation: VideoClientEvent.Operation, provider: ProviderID,
        model: String?, taskID: String?
    ) -> VideoProviderError {
        var failure = transportFailure(error, request: request, provider: provider, model: model, taskID: taskID)
        if operation == .content, failure.kind != .cancelled { failure.kind = .download }
        return failure
    }

    private static func transportFailure(
        _ error: any Error, request: HTTPRequest, provider: ProviderID, model: String?, taskID: String?
    ) -> VideoProviderError {
        func cancelled(mayHaveBeenSent: Bool) -> VideoProviderError {
            let uncertain = request.createsTask && mayHaveBeenSent
            return VideoProviderError(
                .cancelled,
                uncertain
                    ? "Cancelled while submitting to \(provider); the request may have arrived, so a task may exist."
                    : "Cancelled.",
                providerID: provider, model: model, taskID: taskID, requestMayHaveBeenSent: uncertain)
        }
        if error is CancellationError { return cancelled(mayHaveBeenSent: true) }
        guard let transportError = error as? HTTPTransportError else {
            return VideoProviderError(
                request.createsTask ? .ambiguousSubmission : .connectionFailed,
                "Request to \(provider) failed: \(error)", providerID: provider, model: model, taskID: taskID,
                requestMayHaveBeenSent: true, underlying: String(describing: error))
        }
        let host = request.url.host ?? "the server"
        let kind: VideoProviderError.Kind
        let message: String
        switch transportError.kind {
        case .connectionFailed:
            kind = .connectionFailed
            message = "Could not connect to \(host) (\(provider))."
        case .cancelled:
            return cancelled(mayHaveBeenSent: transportError.requestMayHaveBeenSent)
        case .localIO:
            kind = .invalidRequest
            // Reading an image file, or staging the body in the temporary folder: nothing was sent.
            message =
                "Could not prepare the request body for \(provider) (nothing was sent): \(transportError.message)."
        case .localWrite:
            // Only a body streamed to a file is written: a download. A submission may still have arrived.
            kind = request.createsTask && transportError.requestMayHaveBeenSent ? .ambiguousSubmission : .download
            message = "Could not save the answer from \(host) (\(provider)): \(transportError.message)."
        case .redirectRefused:
            kind = .invalidResponse
            message = "\(host) (\(provider)) redirected somewhere the client will not follow."
        case .responseTooLarge:
            // Part of the answer arrived and was dropped: for a submission it may have held the task.
            kind = request.createsTask ? .ambiguousSubmission : .invalidResponse
            message =
                "The answer from \(host) (\(provider)) was larger than the client accepts: \(transportError.message)"
        case .timedOut:
            // A timeout before the request went out (connecting) created nothing.
            kind = request.createsTask && transportError.requestMayHaveBeenSent ? .ambiguousSubmission : .timeout
            message = "No answer from \(host) (\(provider)) in time."
        default:
            kind =
                request.createsTask && transportError.requestMayHaveBeenSent ? .ambiguousSubmission : .connectionFailed
            message = "The connection to \(host) (\(provider)) failed after the request was sent."
        }
        return VideoProviderError(
            kind, message, providerID: provider, model: model, taskID: taskID,
            requestMayHaveBeenSent: transportError.requestMayHaveBeenSent, underlying: transportError.description)
    }
}
