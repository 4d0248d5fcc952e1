import Foundation
import VideoProviderKit

// What the simulator remembers between requests: its gateways, the request log, the tasks, and the faults
// and scripts waiting to be used. `GatewaySimulator` keeps one `State` behind its lock.

extension GatewaySimulator {
    /// Which requests a fault rule acts on; a `nil` member matches any request.
    struct RequestScope {
        var operation: Operation?
        /// The gateway (or the CDN) by its ``Endpoint/baseKey(_:)``.
        var gatewayKey: String?
        /// For a refused connection: every gateway on this origin is refused.
        var origin: String?
        /// Only requests with this bearer token.
        var apiKey: String?

        func matches(_ endpoint: Endpoint, bearer: String?) -> Bool {
            guard operation.map({ $0 == endpoint.operation }) ?? true, apiKey.map({ $0 == bearer }) ?? true else {
                return false
            }
            guard let gatewayKey, gatewayKey != endpoint.baseKey else { return true }
            guard let origin, let base = endpoint.baseURL else { return false }
            return Endpoint.origin(base) == origin
        }
    }

    /// An injected fault (``GatewaySimulator/inject(_:on:at:times:apiKey:)``).
    struct FaultRule {
        let fault: Fault
        let scope: RequestScope
        var remaining: Int?
    }

    /// A queued task script (``GatewaySimulator/scriptNextTasks(_:count:at:)``).
    struct ScriptRule {
        let script: TaskScript
        let gatewayKey: String?
        var remaining: Int?
    }

    /// A random fault rule (``GatewaySimulator/injectRandomly(_:probability:on:at:seed:)``).
    struct RandomFaultRule {
        let faults: [Fault]
        let probability: Double
        let scope: RequestScope
        var generator: SeededRandomNumberGenerator
    }

    /// A random script rule (``GatewaySimulator/scriptTasksRandomly(_:probability:at:seed:)``).
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

        /// Serves `gateway`, replacing any gateway at the same base URL.
        mutating func add(_ gateway: Gateway) {
            let key = Endpoint.baseKey(gateway.baseURL)
            if let index = gateways.firstIndex(where: { Endpoint.baseKey($0.baseURL) == key }) {
                gateways[index] = gateway
            } else {
                gateways.append(gateway)
            }
        }

        /// The gateway at the base URL with `key`, if one is served.
        func gateway(withKey key: String) -> Gateway? {
            gateways.first { Endpoint.baseKey($0.baseURL) == key }
        }

        /// The first fault that applies to `endpoint`, used up by one.
        mutating func takeFault(for endpoint: Endpoint, bearer: String?) -> Fault? {
            // Nobody lives at an unknown host: there is nothing for a fault to act on.
            guard !endpoint.isUnknownHost else { return nil }
            if let index = faults.firstIndex(where: { $0.scope.matches(endpoint, bearer: bearer) }) {
                let fault = faults[index].fault
                if let remaining = faults[index].remaining {
                    if remaining <= 1 { faults.remove(at: index) } else { faults[index].remaining = remaining - 1 }
                }
                return fault
            }
            for index in randomFaults.indices where randomFaults[index].scope.matches(endpoint, bearer: bearer) {
                let rule = randomFaults[index]
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
            if let index = scripts.firstIndex(where: { $0.gatewayKey.map { $0 == key } ?? true }) {
                let script = scripts[index].script
                if let remaining = scripts[index].remaining {
                    if remaining <= 1 { scripts.remove(at: index) } else { scripts[index].remaining = remaining - 1 }
                }
                return script
            }
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

        /// Adds a task to the record.
        mutating func add(_ record: TaskRecord) {
            tasks[record.id] = record
            taskOrder.append(record.id)
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

        /// A task just accepted at `gateway`, with its video at `{cdn}/videos/{id}.mp4`.
        init(
            id: String, gateway: Gateway, submission: AcceptedSubmission, createdAt: Duration, createdWall: Date,
            script: TaskScript, cdn: URL
        ) {
            self.id = id
            self.gatewayName = gateway.name
            self.gatewayBaseURL = gateway.baseURL
            self.dialect = gateway.dialect
            self.submission = submission
            self.createdAt = createdAt
            self.createdWall = createdWall
            self.script = script
            self.videoURL = cdn.appendingPathComponent("videos").appendingPathComponent("\(id).mp4")
        }

        /// Whether the task belongs to `gateway` (a gateway does not know another's tasks).
        func belongs(to gateway: Gateway) -> Bool {
            Endpoint.baseKey(gatewayBaseURL) == Endpoint.baseKey(gateway.baseURL)
        }

        /// Sets the queued and processing phases; a `nil` processing time keeps the current length.
        mutating func schedule(queued: Duration, processing: Duration?) {
            let processing = processing ?? (finishesAt - startsAt)
            startsAt = createdAt + max(.zero, queued)
            finishesAt = startsAt + max(.zero, processing)
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

        /// The task as ``GatewaySimulator/tasks`` shows it at `now`.
        func snapshot(at now: Duration) -> SimulatedTask {
            let (phase, progress) = phase(at: now)
            return SimulatedTask(
                id: id, gatewayName: gatewayName, gatewayBaseURL: gatewayBaseURL, dialect: dialect,
                model: submission.model, prompt: submission.prompt, requestedSeconds: submission.requestedSeconds,
                seconds: submission.seconds, aspectRatio: submission.aspectRatio, resolution: submission.resolution,
                imageCount: submission.imageCount, createdAt: createdAt, finishesAt: finishesAt, script: script,
                phase: phase, progress: Int(progress), videoURL: videoURL, statusQueries: statusQueries,
                downloads: downloads)
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
            case .runway: return UUID(uuidString: id) != nil
            case .gemini: return GeminiWire.isOperationName(id)
            case .miniMax: return isMiniMaxID(id)
            case .kling: return KlingDialect.isWellFormedID(id)
            }
        }

        /// A new id in the dialect's format (new-api's public `task_` + 32 characters for its flavours).
        static func newID(_ dialect: Dialect, flavor: Flavor = .documented) -> String {
            let uuid = UUID().uuidString.lowercased()
            let hex = uuid.replacingOccurrences(of: "-", with: "")
            if flavor.isNewAPI { return "task_" + hex }
            switch dialect {
            case .kyyReact: return "video_\(uuid)"
            case .openAIFormat: return "video_\(hex)"
            case .xAI: return uuid
            case .runway: return uuid
            case .gemini: return GeminiWire.operationName(model: "unknown", id: hex)
            case .miniMax: return newMiniMaxID()
            case .kling: return KlingDialect.newID()
            }
        }
    }
}
