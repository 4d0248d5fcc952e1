import BuiltInProviders
import Foundation
import VideoProviderKit

/// `route`: resolving and validating a request through a registry of every built-in provider
/// (`ProviderRegistry.plan(for:)`: candidates by name and alias, then `RequestValidator` against each), in
/// ns per call. Report only. Baseline in the same run: `RequestValidator.resolve` of the same request
/// against one model's capabilities, i.e. validating once without routing.
enum RouteBench {
    struct Case {
        let name: String
        /// The provider whose capabilities the baseline validates against.
        let baselineProvider: ProviderID
        let request: VideoRequest
    }

    static func cases() -> [Case] {
        // A small but real JPEG (valid header, random payload), as an app would attach it.
        var image = EncodeBench.makeImages()[0].prefix(64 << 10)
        image[image.endIndex - 2] = 0xFF
        image[image.endIndex - 1] = 0xD9
        return [
            Case(
                name: "grok-video-3, text, 8 s 16:9 720p", baselineProvider: "octopusx",
                request: VideoRequest(
                    model: "grok-video-3", prompt: "A paper boat drifting down a rain-soaked street at dusk",
                    seconds: 8, aspectRatio: "16:9", resolution: .p720)),
            Case(
                name: "grok-imagine-video, 1 image (64 KiB bytes)", baselineProvider: "openai-compatible",
                request: VideoRequest(
                    model: "grok-imagine-video", prompt: "The same boat, seen from above", seconds: 6,
                    images: [.data(Data(image))])),
        ]
    }

    static func run(json: Bool, machine: Machine) throws {
        var registry = ProviderRegistry()
        for provider in BuiltInProviders.all {
            try registry.register(
                provider, apiKey: "sk-bench-\(provider.id.rawValue)",
                baseURL: provider.descriptor.documentedBaseURL == nil
                    ? URL(string: "https://gateway.bench.invalid") : nil)
        }
        var results: [(name: String, candidates: Int, eligible: Int, route: Sample, baseline: Sample)] = []
        for item in cases() {
            let plan = registry.plan(for: item.request)
            guard let capabilities = registry.capabilities(of: item.request.model, on: item.baselineProvider) else {
                throw Child.Failure(description: "\(item.baselineProvider) has no \(item.request.model)")
            }
            var native = item.request
            native.model = capabilities.model
            let route = measure { _ = registry.plan(for: item.request) }
            let baseline = measure {
                _ = try? RequestValidator.resolve(native, capabilities: capabilities, providerID: item.baselineProvider)
            }
            results.append((item.name, plan.eligible.count + plan.skipped.count, plan.eligible.count, route, baseline))
        }

        if json {
            var object = machine.report(benchmark: "route")
            object.set("providers", registry.providers.count)
            object.set("ns_per_call", results[0].route.median)
            object.set("baseline_ns_per_call", results[0].baseline.median)
            object.set(
                "cases",
                results.map { result in
                    var row = JSONObject()
                    row.set("request", result.name)
                    row.set("candidates", result.candidates)
                    row.set("eligible", result.eligible)
                    row.set("ns_per_call", result.route.median)
                    row.set("ns_per_call_runs", result.route.values)
                    row.set("baseline_ns_per_call", result.baseline.median)
                    return row
                })
            print(object.text)
            return
        }
        print(
            "route: ProviderRegistry.plan(for:) over all \(registry.providers.count) built-in providers (report only)")
        print("  baseline = RequestValidator.resolve against one model's capabilities (validation without routing)")
        print("  ns per call: median of 7 batches (min–max)")
        print(
            Format.table(
                ["request", "candidates", "eligible", "route ns", "baseline ns", "ratio"],
                results.map { result in
                    [
                        result.name, String(result.candidates), String(result.eligible),
                        Format.spread(result.route), Format.spread(result.baseline),
                        Format.number(result.route.median / result.baseline.median, 1) + "×",
                    ]
                }))
    }

    /// ns per call of `work`: batches sized to about 50 ms, 7 of them.
    static func measure(_ work: () -> Void) -> Sample {
        for _ in 0..<100 { work() }
        var iterations = 100
        while true {
            let start = ContinuousClock.now
            for _ in 0..<iterations { work() }
            let elapsed = (ContinuousClock.now - start).seconds
            if elapsed >= 0.05 || iterations >= 1 << 24 { break }
            iterations *= 2
        }
        var values: [Double] = []
        for _ in 0..<7 {
            let start = ContinuousClock.now
            for _ in 0..<iterations { work() }
            values.append((ContinuousClock.now - start).seconds * 1e9 / Double(iterations))
        }
        return Sample(values)
    }
}
