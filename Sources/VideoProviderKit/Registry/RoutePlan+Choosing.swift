import Foundation

/// What a candidate would make: the three values a fallback must keep.
struct VideoOutput: Hashable, CustomStringConvertible {
    let seconds: Int
    let aspectRatio: AspectRatio
    /// `nil` when the model picks its own resolution.
    let resolution: Resolution?

    /// What else shapes the video, when sent: a fallback keeps the first choice's seed and negative prompt,
    /// its audio where both have a switch, and whether the ratio is chosen or follows the image.
    let seed: Int?
    let negativePrompt: String?
    let audio: Bool?
    let sendsAspectRatio: Bool

    init(_ resolved: ResolvedVideoRequest) {
        seconds = resolved.seconds
        aspectRatio = resolved.aspectRatio
        resolution = resolved.resolution
        seed = resolved.seed
        negativePrompt = resolved.negativePrompt
        audio = resolved.audio
        sendsAspectRatio = resolved.sendsAspectRatio
    }

    /// Whether a fallback making this makes the same video as `target`.
    func matches(_ target: VideoOutput) -> Bool {
        seconds == target.seconds && aspectRatio == target.aspectRatio && resolution == target.resolution
            && sendsAspectRatio == target.sendsAspectRatio && (target.seed == nil || seed == target.seed)
            && (target.negativePrompt == nil || negativePrompt == target.negativePrompt)
            && (audio == nil || target.audio == nil || audio == target.audio)
    }

    var description: String {
        var text =
            "\(seconds) s, " + (sendsAspectRatio ? "\(aspectRatio)" : "the image's aspect ratio") + ", "
            + (resolution.map(\.rawValue) ?? "a resolution the model chooses")
        if let seed { text += ", seed \(seed)" }
        if negativePrompt != nil { text += ", a negative prompt" }
        if let audio { text += audio ? ", sound" : ", no sound" }
        return text
    }
}

extension RoutePlan {
    /// The reason of a candidate passed over for the budget.
    static let overBudgetReason = "over the billable-seconds budget"

    /// The plan with every candidate that would make something other than `reference` (another length,
    /// aspect ratio or resolution; without its seed or negative prompt; with other audio) moved to
    /// ``skipped``, with what it would make and bill.
    ///
    /// Candidates fill in their own defaults, so a fallback could otherwise make and bill a different
    /// video than the first choice: ``VideoClient`` applies this under ``FallbackMatching/sameOutput``.
    package func keepingSameOutput(as reference: Entry) -> RoutePlan {
        let target = VideoOutput(reference.resolved)
        return passingOver { entry in
            let output = VideoOutput(entry.resolved)
            guard !output.matches(target) else { return nil }
            return (
                "would make \(output) and bill \(Self.billing(entry.resolved.billableEstimate)), not what the first choice \(reference.providerID) makes (\(target)); a fallback must make the same video unless differences are allowed",
                []
            )
        }
    }

    /// The plan with every candidate `reason` gives a reason for moved to ``skipped`` with it, in order.
    private func passingOver(_ reason: (Entry) -> (reason: String, violations: [Violation])?) -> RoutePlan {
        var copy = self
        copy.eligible = []
        for entry in eligible {
            if let (why, violations) = reason(entry) {
                copy.skipped.append(
                    SkippedCandidate(
                        providerID: entry.providerID, model: entry.model, reason: why, violations: violations))
            } else {
                copy.eligible.append(entry)
            }
        }
        return copy
    }

    private static func billing(_ estimate: BillableEstimate) -> String {
        switch estimate {
        case .seconds(let count): return "\(count) s"
        case .calls(let count): return count == 1 ? "1 call" : "\(count) calls"
        }
    }

    /// The plan with every candidate whose one submission would bill more than `remaining` seconds moved
    /// to ``skipped`` (a per-call model counts its fixed length). `total` is the whole budget, for the
    /// reason.
    func keepingWithinBudget(_ remaining: Int, total: Int) -> RoutePlan {
        passingOver { entry in
            let seconds = entry.resolved.seconds
            guard seconds > remaining else { return nil }
            let billed =
                entry.resolved.capabilities.billing == .perSecond
                ? "\(seconds)" : "\(seconds) (a per-call model of fixed length)"
            let allowed =
                remaining == total
                ? "at most \(total) billable seconds (the budget)"
                : "at most \(max(0, remaining)) billable seconds (\(total - remaining) of the \(total)-second budget are already spent)"
            let violation = Violation(
                parameter: "seconds", value: billed, allowed: allowed, reason: "over the billable-seconds budget")
            return (Self.overBudgetReason, [violation])
        }
    }

    /// The candidates reordered for ``ValidationPolicy/adjustToNearest``: those that make exactly what
    /// `request` asks for first, then the closest, in route order among equals.
    ///
    /// Closeness compares only what the request set: the number of values changed (length, aspect ratio,
    /// resolution; a resolution, seed, negative prompt, audio or ratio the model ignores counts as changed),
    /// then the sum of the relative
    /// changes (seconds and resolution height by the requested value, aspect ratios by the ratio of their
    /// ratios).
    func orderedByCloseness(to request: VideoRequest) -> RoutePlan {
        var copy = self
        let ranked = eligible.enumerated().map { index, entry in
            (entry: entry, index: index, distance: Self.distance(entry.resolved, from: request))
        }
        copy.eligible = ranked.sorted { lhs, rhs in
            if lhs.distance.changed != rhs.distance.changed { return lhs.distance.changed < rhs.distance.changed }
            if lhs.distance.amount != rhs.distance.amount { return lhs.distance.amount < rhs.distance.amount }
            return lhs.index < rhs.index
        }.map(\.entry)
        return copy
    }

    static func distance(_ resolved: ResolvedVideoRequest, from request: VideoRequest) -> (changed: Int, amount: Double)
    {
        var changed = 0
        var amount = 0.0
        if let seconds = request.seconds, seconds > 0, resolved.seconds != seconds {
            changed += 1
            amount += Double(abs(resolved.seconds - seconds)) / Double(seconds)
        }
        if let ratio = request.aspectRatio, resolved.aspectRatio != ratio {
            changed += 1
            amount += abs(log(resolved.aspectRatio.value / ratio.value))
        }
        if let resolution = request.resolution, resolved.resolution != resolution {
            changed += 1
            if let applied = resolved.resolution {
                amount += Double(abs(applied.lines - resolution.lines)) / Double(max(1, resolution.lines))
            } else {
                amount += 1
            }
        }
        // A seed, negative prompt, audio or ratio asked for and left out counts as one whole change each.
        let dropped = [
            request.seed != nil && resolved.seed == nil,
            request.negativePrompt != nil && resolved.negativePrompt == nil,
            request.audio != nil && resolved.audio != request.audio,
            request.aspectRatio != nil && !resolved.sendsAspectRatio,
        ].filter { $0 }.count
        return (changed + dropped, amount + Double(dropped))
    }
}

extension RoutePlan {
    /// The plan with the providers the caller excludes, and those cooling down, moved to ``skipped`` with the
    /// reason. `cooldown` answers for one provider: the time left and why, or `nil` when it is available.
    func passingOver(
        _ excluded: Set<ProviderID>, cooldown: (ProviderID) -> (remaining: Duration, reason: String)?
    ) -> RoutePlan {
        passingOver { entry in
            if excluded.contains(entry.providerID) { return ("excluded by the caller", []) }
            guard let cooling = cooldown(entry.providerID) else { return nil }
            return ("cooling down for \(Int(cooling.remaining.seconds.rounded(.up))) s after: \(cooling.reason)", [])
        }
    }
}
