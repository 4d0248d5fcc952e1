import Foundation
import VideoProviderKit
import VideoProviderTesting

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Memory

/// Resident memory from `/proc/self/status` (Linux). Peaks come from `VmHWM`, which
/// ``resetPeak()`` resets (`echo 5 > /proc/self/clear_refs`) so each phase gets a clean peak; where that is
/// not possible a sampling thread stands in (it can miss peaks shorter than its 1 ms period).
enum Memory {
    /// A `/proc/self/status` field in bytes (`VmRSS`, `VmHWM`).
    static func field(_ name: String) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }
            return Int64(digits).map { $0 * 1024 }
        }
        return nil
    }

    static func rss() -> Int64 { field("VmRSS") ?? 0 }

    /// glibc's `malloc_trim(0)`: returns freed heap pages to the kernel, so RSS shows what is live rather
    /// than the allocator's high-water mark from an earlier burst. Looked up at run time (Swift's Glibc
    /// module does not import it); a no-op elsewhere.
    static func trim() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// Makes `VmHWM` start again from the current RSS. Returns `false` where the kernel does not allow it.
    static func resetPeak() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let written = "5".withCString { write(descriptor, $0, 1) }
        return written == 1
    }

    /// Runs `work` and returns its result with the peak RSS growth over the RSS just before it.
    static func peakGrowth<T>(_ work: () async throws -> T) async rethrows -> (value: T, growth: Int64) {
        let canReset = resetPeak()
        let sampler = canReset ? nil : Sampler()
        let before = rss()
        if let sampler { Thread.detachNewThread { sampler.run() } }
        let value = try await work()
        let peak = sampler?.finish() ?? field("VmHWM") ?? rss()
        return (value, max(0, peak - before))
    }

    private final class Sampler: @unchecked Sendable {
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)
        private var stopping = false  // guarded by `lock`
        private var peak: Int64 = 0  // guarded by `lock`

        func run() {
            while true {
                let sample = Memory.rss()
                let stop = lock.withLock { () -> Bool in
                    peak = max(peak, sample)
                    return stopping
                }
                if stop { break }
                usleep(1_000)
            }
            done.signal()
        }

        func finish() -> Int64 {
            lock.withLock { stopping = true }
            done.wait()
            return lock.withLock { peak }
        }
    }
}

// MARK: - Time

/// CPU time of the whole process (every thread), in seconds.
func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// CPU seconds used by children reaped so far (user + system).
func childrenCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    #else
        getrusage(RUSAGE_CHILDREN, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Wall time of `work` in seconds.
func wallSeconds(_ work: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await work()
    return (ContinuousClock.now - start).seconds
}

// MARK: - Statistics

/// A set of repeated measurements: the figure reported is the median, the spread is min–max.
struct Sample: Codable, Sendable {
    var values: [Double]

    init(_ values: [Double]) { self.values = values.sorted() }

    var median: Double {
        guard !values.isEmpty else { return .nan }
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
    var min: Double { values.first ?? .nan }
    var max: Double { values.last ?? .nan }
}

// MARK: - Formatting

enum Format {
    static func number(_ value: Double, _ decimals: Int = 1) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: "%.\(decimals)f", value)
    }

    static func spread(_ sample: Sample, _ decimals: Int = 0) -> String {
        "\(number(sample.median, decimals)) (\(number(sample.min, decimals))–\(number(sample.max, decimals)))"
    }

    static func mib(_ bytes: Int64) -> String { number(Double(bytes) / 1_048_576, 1) + " MiB" }

    /// A plain-text table with left-aligned columns.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = Swift.max(widths[index], cell.count)
            }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    /// `met` or `MISSED by <gap>`.
    static func verdict(met: Bool, gap: String) -> String { met ? "met" : "MISSED by \(gap)" }
}

// MARK: - JSON output

/// Builds the `--json` objects: keys in insertion order, numbers as plain JSON numbers.
struct JSONObject {
    private var members: [(String, String)] = []

    mutating func set(_ key: String, _ value: Double) {
        members.append((key, value.isFinite ? Self.number(value) : "null"))
    }
    mutating func set(_ key: String, _ value: Int) { members.append((key, String(value))) }
    mutating func set(_ key: String, _ value: Bool) { members.append((key, value ? "true" : "false")) }
    mutating func set(_ key: String, _ value: String) { members.append((key, Self.quoted(value))) }
    mutating func set(_ key: String, _ value: JSONObject) { members.append((key, value.text)) }
    mutating func set(_ key: String, _ values: [JSONObject]) {
        members.append((key, "[" + values.map(\.text).joined(separator: ",") + "]"))
    }
    mutating func set(_ key: String, _ values: [Double]) {
        members.append((key, "[" + values.map { $0.isFinite ? Self.number($0) : "null" }.joined(separator: ",") + "]"))
    }

    var text: String { "{" + members.map { Self.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}" }

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value).contains("e") ? String(value) : String(format: "%.6g", value)
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

// MARK: - Child processes

/// Measurements that need a clean heap (peak RSS) run in a fresh child process of this executable:
/// `videogen-bench --child KIND --out FILE ARGS…`. The child writes one JSON document to `FILE`.
enum Child {
    static let flag = "--child"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// This executable's path.
    static var executable: URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }

    /// Runs a child measurement and decodes what it wrote.
    static func run<T: Decodable>(_ kind: String, _ arguments: [String] = [], as type: T.Type) throws -> T {
        let out = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = executable
        process.arguments = [flag, kind, "--out", out.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: out) else {
            throw Failure(
                description: "child '\(kind) \(arguments.joined(separator: " "))' failed "
                    + "(exit \(process.terminationStatus))")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// In the child: writes the result for the parent.
    static func report<T: Encodable>(_ value: T, to path: String) throws {
        try JSONEncoder().encode(value).write(to: URL(fileURLWithPath: path))
    }
}

// MARK: - Machine

/// What the figures were measured on.
struct Machine {
    let cores: Int
    let memoryGiB: Double
    let os: String
    let kernel: String
    let cpu: String
    let swift: String
    let buildConfiguration: String
    /// `/proc/loadavg`'s 1-minute figure when the run started: other work on the machine skews wall times.
    let loadAverage: Double

    static func current() -> Machine {
        let info = ProcessInfo.processInfo
        var os = info.operatingSystemVersionString
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
            let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
        {
            os = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        var kernel = ""
        var names = utsname()
        if uname(&names) == 0 {
            kernel = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        var cpu = "unknown CPU"
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        #if DEBUG
            let configuration = "debug (figures are meaningless: use -c release)"
        #else
            let configuration = "release"
        #endif
        let load =
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .flatMap { $0.split(separator: " ").first.flatMap { Double($0) } } ?? .nan
        return Machine(
            cores: info.activeProcessorCount, memoryGiB: Double(info.physicalMemory) / 1_073_741_824, os: os,
            kernel: kernel, cpu: cpu, swift: swiftVersion(), buildConfiguration: configuration, loadAverage: load)
    }

    /// The compiler this binary was built with (`swift --version` when the toolchain is on PATH, since
    /// `#if compiler` only bounds it).
    private static func swiftVersion() -> String {
        if let path = which("swift"), let text = versionOutput(path),
            let line = text.split(separator: "\n").first(where: { $0.contains("Swift version") })
        {
            return line.replacingOccurrences(of: "Swift version ", with: "").trimmingCharacters(in: .whitespaces)
        }
        #if compiler(>=6.3)
            return "≥ 6.3"
        #else
            return "< 6.3"
        #endif
    }

    var summary: String {
        "\(cores) cores (\(cpu)), \(Format.number(memoryGiB, 1)) GiB RAM, \(os), Linux \(kernel); "
            + "Swift \(swift); \(buildConfiguration) build; load average \(Format.number(loadAverage, 2)) at start"
    }

    /// The start of a benchmark's JSON report: its name, then this machine.
    func report(benchmark: String) -> JSONObject {
        var object = JSONObject()
        object.set("benchmark", benchmark)
        addTo(&object)
        return object
    }

    func addTo(_ object: inout JSONObject) {
        object.set("cores", cores)
        object.set("memory_gib", memoryGiB)
        object.set("os", os)
        object.set("swift", swift)
        object.set("build", buildConfiguration)
        object.set("load_average", loadAverage)
    }
}

/// What `tool --version` prints; `nil` when it cannot be run.
func versionOutput(_ tool: URL) -> String? {
    let process = Process()
    let pipe = Pipe()
    process.executableURL = tool
    process.arguments = ["--version"]
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text
}

/// The first executable called `name` on `PATH`.
func which(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
}

/// Deterministic pseudo-random bytes, so every run measures the same images.
extension SeededRandomNumberGenerator {
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset + 8 <= buffer.count {
            buffer.storeBytes(of: next(), toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < buffer.count {
            buffer[offset] = UInt8(truncatingIfNeeded: next())
            offset += 1
        }
    }
}
