import BuiltInProviders
import Foundation
import VideoProviderKit
import VideoProviderTesting

/// `encode`: building the submit request for 7 reference images of 4 MiB each, in the data-URI JSON
/// dialect (`openai-compatible`, `grok-imagine-video`) and the multipart dialect (`octopusx`,
/// `grok-video-3`), up to the bytes that would be sent.
///
/// The library's figure goes through the same path as ``URLSessionTransport`` for a body of this size:
/// plan (resolve + validate) → `submitRequest` → `HTTPBody.writeToTemporaryFile`. A second figure writes
/// the body into a discarding sink (encoding cost without the file). The baseline is the naive way: base64
/// strings held in memory and `JSONEncoder`, or the multipart body assembled in one `Data`. Each variant runs
/// in its own child process, so its peak RSS is its own.
enum EncodeBench {
    static let imageCount = 7
    static let imageSize = 4 << 20
    static var imageBytes: Int64 { Int64(imageCount * imageSize) }

    enum Dialect: String, CaseIterable {
        case json, multipart
    }

    enum Source: String, CaseIterable {
        /// `ImageInput.data`: the app already holds the bytes.
        case data
        /// `ImageInput.file`: the images are files on disk.
        case file
    }

    enum Method: String, CaseIterable {
        /// plan → submitRequest → `writeToTemporaryFile` (the transport's path).
        case library
        /// plan → submitRequest → `HTTPBody.write` into a sink that only counts.
        case sink
        /// Naive: base64 strings + `JSONEncoder`; multipart in one `Data`.
        case naive
    }

    struct ChildResult: Codable {
        var imageBytes: Int64
        var bodyBytes: Int64
        var seconds: [Double]
        /// Process CPU time (user + system, every thread) per iteration.
        var cpuSeconds: [Double]
        var peakGrowth: Int64
    }

    struct Variant {
        let dialect: Dialect
        let source: Source
        let method: Method
        let result: ChildResult

        /// MB (10^6 bytes) of images per wall-clock second, one value per iteration.
        var throughputSpread: Sample { Sample(result.seconds.map { Double(result.imageBytes) / $0 / 1e6 }) }
        /// The median of ``throughputSpread``.
        var megabytesPerSecond: Double { throughputSpread.median }
        /// MB of images per CPU second: what the same work gives on an otherwise idle core.
        var megabytesPerCPUSecond: Double {
            Sample(result.cpuSeconds.map { Double(result.imageBytes) / $0 / 1e6 }).median
        }
        var peakRatio: Double { Double(result.peakGrowth) / Double(result.imageBytes) }
    }

    // MARK: Parent

    static func run(json: Bool, machine: Machine) throws {
        var variants: [Variant] = []
        for dialect in Dialect.allCases {
            for source in Source.allCases {
                for method in Method.allCases {
                    let iterations = method == .naive ? 4 : 8
                    let result = try Child.run(
                        "encode", [dialect.rawValue, source.rawValue, method.rawValue, String(iterations)],
                        as: ChildResult.self)
                    variants.append(Variant(dialect: dialect, source: source, method: method, result: result))
                }
            }
        }
        func find(_ dialect: Dialect, _ source: Source, _ method: Method) -> Variant {
            variants.first { $0.dialect == dialect && $0.source == source && $0.method == method }!
        }
        let multipart = find(.multipart, .data, .library)
        let jsonBody = find(.json, .data, .library)
        let library = variants.filter { $0.method == .library }
        let naive = variants.filter { $0.method == .naive }
        let peakRatio = library.map(\.peakRatio).max() ?? .nan
        let baselinePeakRatio = naive.map(\.peakRatio).max() ?? .nan
        let targets: [(Dialect, Double)] = [(.multipart, 1000), (.json, 500)]

        if json {
            var object = machine.report(benchmark: "encode")
            object.set("image_bytes", Int(imageBytes))
            object.set("multipart_mb_per_s", multipart.megabytesPerSecond)
            object.set("json_mb_per_s", jsonBody.megabytesPerSecond)
            object.set("peak_extra_ratio", peakRatio)
            object.set("baseline_peak_extra_ratio", baselinePeakRatio)
            object.set("baseline_multipart_mb_per_s", find(.multipart, .data, .naive).megabytesPerSecond)
            object.set("baseline_json_mb_per_s", find(.json, .data, .naive).megabytesPerSecond)
            object.set(
                "variants",
                variants.map { variant in
                    var row = JSONObject()
                    row.set("dialect", variant.dialect.rawValue)
                    row.set("source", variant.source.rawValue)
                    row.set("method", variant.method.rawValue)
                    row.set("body_bytes", Int(variant.result.bodyBytes))
                    row.set("mb_per_s", variant.megabytesPerSecond)
                    row.set("mb_per_s_runs", variant.throughputSpread.values)
                    row.set("mb_per_cpu_s", variant.megabytesPerCPUSecond)
                    row.set("peak_extra_bytes", Int(variant.result.peakGrowth))
                    row.set("peak_extra_ratio", variant.peakRatio)
                    return row
                })
            object.set("targets_met", targetsMet(variants, targets: targets))
            print(object.text)
            return
        }

        print("encode: submit request with \(imageCount) reference images × 4 MiB (\(imageBytes) bytes of JPEG)")
        print("  json = openai-compatible grok-imagine-video (data URIs); multipart = octopusx grok-video-3")
        print("  library = plan + submitRequest + HTTPBody.writeToTemporaryFile (the transport's path for")
        print("  bodies over 1 MiB); sink = the same into a counting sink; naive = base64 String + JSONEncoder,")
        print("  or multipart in one Data (files read with Data(contentsOf:)). One child process per row.")
        print("  MB/s = 10^6 bytes of images per wall second (median of runs, min–max); MB/CPU-s = per second of")
        print("  process CPU time (robust to other load on the machine); peak extra = peak RSS growth over RSS before.")
        var rows: [[String]] = []
        for variant in variants {
            let naiveTwin = find(variant.dialect, variant.source, .naive)
            rows.append([
                variant.dialect.rawValue, variant.source.rawValue, variant.method.rawValue,
                String(variant.result.bodyBytes),
                Format.spread(variant.throughputSpread, 0),
                Format.number(variant.megabytesPerCPUSecond, 0),
                variant.method == .naive
                    ? "1.00×" : Format.number(variant.megabytesPerSecond / naiveTwin.megabytesPerSecond, 2) + "×",
                Format.mib(variant.result.peakGrowth),
                Format.number(variant.peakRatio, 2) + "×",
            ])
        }
        print(
            Format.table(
                [
                    "dialect", "images", "method", "body bytes", "MB/s", "MB/CPU-s", "vs naive", "peak extra",
                    "extra/images",
                ], rows))
        print("targets (library path):")
        for (dialect, minimum) in targets {
            for source in Source.allCases {
                let variant = find(dialect, source, .library)
                let value = variant.megabytesPerSecond
                print(
                    "  \(dialect.rawValue) from \(source.rawValue): \(Format.number(value, 0)) MB/s ≥ \(Int(minimum)) MB/s: "
                        + Format.verdict(
                            met: value >= minimum,
                            gap:
                                "\(Format.number(minimum - value, 0)) MB/s (\(Format.number(value / minimum * 100, 0))% of target)"
                        ))
            }
        }
        for variant in library {
            print(
                "  \(variant.dialect.rawValue) from \(variant.source.rawValue): peak extra \(Format.number(variant.peakRatio, 2))× images ≤ 1.10×: "
                    + Format.verdict(
                        met: variant.peakRatio <= 1.1, gap: Format.number(variant.peakRatio - 1.1, 2) + "× images"))
        }
        print(
            "  worst peak extra: library \(Format.number(peakRatio, 2))×, naive \(Format.number(baselinePeakRatio, 2))×"
        )
    }

    static func targetsMet(_ variants: [Variant], targets: [(Dialect, Double)]) -> Bool {
        let library = variants.filter { $0.method == .library }
        let speed = targets.allSatisfy { dialect, minimum in
            library.filter { $0.dialect == dialect }.allSatisfy { $0.megabytesPerSecond >= minimum }
        }
        return speed && library.allSatisfy { $0.peakRatio <= 1.1 }
    }

    // MARK: Child

    /// `--child encode DIALECT SOURCE METHOD ITERATIONS`
    static func child(_ arguments: [String], out: String) async throws {
        guard arguments.count == 4, let dialect = Dialect(rawValue: arguments[0]),
            let source = Source(rawValue: arguments[1]), let method = Method(rawValue: arguments[2]),
            let iterations = Int(arguments[3])
        else { throw Child.Failure(description: "usage: encode DIALECT SOURCE METHOD ITERATIONS") }

        let images = makeImages()
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-encode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var files: [URL] = []
        if source == .file {
            for (index, image) in images.enumerated() {
                let url = scratch.appendingPathComponent("reference-\(index + 1).jpg")
                try image.write(to: url)
                files.append(url)
            }
        }
        // The app holds the bytes (data) or does not (file): only then do they count as resident.
        let held: [Data] = source == .data ? images : []
        let inputs: [ImageInput] = source == .data ? held.map { .data($0) } : files.map { .file($0) }
        let registry = try makeRegistry()
        let request = VideoRequest(
            model: dialect == .json ? "openai-compatible:grok-imagine-video" : "octopusx:grok-video-3",
            prompt: "A paper boat drifting down a rain-soaked street at dusk, cinematic", seconds: 8,
            aspectRatio: "16:9", resolution: .p720, images: inputs)

        var seconds: [Double] = []
        var cpuSeconds: [Double] = []
        var bodyBytes: Int64 = 0
        let (_, growth) = try await Memory.peakGrowth {
            for _ in 0..<iterations {
                var written: Int64 = 0
                let cpuStart = processCPUSeconds()
                let elapsed = try await wallSeconds {
                    switch method {
                    case .library:
                        let body = try submitBody(request, registry: registry)
                        let file = try body.writeToTemporaryFile(in: scratch)
                        written =
                            (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?
                            .int64Value ?? 0
                        try FileManager.default.removeItem(at: file)
                    case .sink:
                        let body = try submitBody(request, registry: registry)
                        try body.write { written += Int64($0.count) }
                    case .naive:
                        let bytes = source == .data ? held : try files.map { try Data(contentsOf: $0) }
                        let body = dialect == .json ? try naiveJSON(bytes) : naiveMultipart(bytes)
                        written = Int64(body.count)
                    }
                }
                cpuSeconds.append(processCPUSeconds() - cpuStart)
                seconds.append(elapsed)
                bodyBytes = written
            }
        }
        withExtendedLifetime(held) {}
        try Child.report(
            ChildResult(
                imageBytes: imageBytes, bodyBytes: bodyBytes, seconds: seconds, cpuSeconds: cpuSeconds,
                peakGrowth: growth), to: out)
    }

    /// Valid JPEG framing (SOI, a JFIF APP0 segment, …, EOI) around random scan data: what a photo's
    /// compressed bytes look like to base64 and to the format sniffer.
    static func makeImages() -> [Data] {
        let header: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00,
            0x48, 0x00, 0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00,
        ]
        return (0..<imageCount).map { index in
            var data = Data(count: imageSize)
            data.withUnsafeMutableBytes { buffer in
                var random = SeededRandomNumberGenerator(seed: UInt64(index + 1) &* 0x1234_5678_9ABC_DEF1)
                random.fill(buffer)
                for (offset, byte) in header.enumerated() { buffer[offset] = byte }
                buffer[imageSize - 2] = 0xFF
                buffer[imageSize - 1] = 0xD9
            }
            return data
        }
    }

    static func makeRegistry() throws -> ProviderRegistry {
        var registry = ProviderRegistry()
        for provider in BuiltInProviders.all where ["openai-compatible", "octopusx"].contains(provider.id) {
            try registry.register(
                provider, apiKey: "sk-bench",
                baseURL: provider.descriptor.documentedBaseURL == nil
                    ? URL(string: "https://gateway.bench.invalid") : nil)
        }
        return registry
    }

    /// What the client does before sending: route and validate, then let the provider build the request.
    static func submitBody(_ request: VideoRequest, registry: ProviderRegistry) throws -> HTTPBody {
        let plan = registry.plan(for: request)
        guard let entry = plan.eligible.first else { throw plan.noCandidateError() }
        let context = entry.context()
        return try entry.provider.provider.submitRequest(for: entry.resolved, context: context).body
    }

    private struct NaiveBody: Encodable {
        let model: String
        let prompt: String
        let seconds: String
        let aspectRatio: String
        let resolution: String
        let images: [String]

        enum CodingKeys: String, CodingKey {
            case model, prompt, seconds
            case aspectRatio = "aspect_ratio"
            case resolution, images
        }
    }

    /// The naive data-URI JSON body: every image as a base64 `String`, then `JSONEncoder`.
    static func naiveJSON(_ images: [Data]) throws -> Data {
        let uris = images.map { "data:image/jpeg;base64," + $0.base64EncodedString() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(
            NaiveBody(
                model: "grok-imagine-video",
                prompt: "A paper boat drifting down a rain-soaked street at dusk, cinematic",
                seconds: "8", aspectRatio: "16:9", resolution: "720P", images: uris))
    }

    /// The naive multipart body: everything appended to one `Data`.
    static func naiveMultipart(_ images: [Data]) -> Data {
        let boundary = MultipartBody.randomBoundary()
        var body = Data()
        let fields = [
            ("model", "grok-video-3"), ("prompt", "A paper boat drifting down a rain-soaked street at dusk, cinematic"),
            ("aspect_ratio", "16:9"), ("seconds", "8"), ("size", "720P"),
        ]
        for (name, value) in fields {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (index, image) in images.enumerated() {
            body.append(
                Data(
                    ("--\(boundary)\r\nContent-Disposition: form-data; name=\"input_reference\"; "
                        + "filename=\"image-\(index + 1).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").utf8))
            body.append(image)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }
}
