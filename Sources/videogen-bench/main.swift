import Foundation

// videogen-bench: VideoProviderKit's performance figures, each printed beside a baseline measured in the
// same run. Run it in release mode:
//
//     swift run -c release videogen-bench [encode|download|jobs|polling|route|transport] [--json]
//
// Every benchmark exits 0 whether or not its target is met (a miss is printed as MISSED with the gap);
// a non-zero exit means the benchmark itself could not run.

let usage = """
    usage: videogen-bench [NAME...] [--json]
           videogen-bench soak [--jobs N] [--waves N] [--seed N] [--fault-rate P] [--json]
           videogen-bench answer-memory [--transport curl|urlsession|both] [--json]

    NAME: encode, download, jobs, polling, route, transport (default: all of them, in that order)
    --json: one JSON object per benchmark on its own line, for scripts
    soak: thousands of jobs with random faults; exits 1 when a job is lost, a task is paid for twice
          without opt-in, or memory grows (not a benchmark, so never part of the default run)
    answer-memory: peak memory of a client answered with 1 GiB (announced, unannounced, endless, or a 1 MB
          gzip that inflates to 1 GiB) on submit and status; exits 1 when a judged transport (curl) grows past
          64 MiB or an error is not the expected one (a check, not part of the default run)
    """

let benchmarks = ["encode", "download", "jobs", "polling", "route", "transport"]

func main() async -> Int32 {
    var arguments = Array(CommandLine.arguments.dropFirst())

    if arguments.first == Child.flag {
        // A measurement in a fresh process (see `Child`).
        guard arguments.count >= 4, arguments[2] == "--out" else { return 2 }
        let kind = arguments[1]
        let out = arguments[3]
        let rest = Array(arguments.dropFirst(4))
        do {
            switch kind {
            case "encode": try await EncodeBench.child(rest, out: out)
            case "download": try await DownloadBench.child(rest, out: out)
            case "jobs": try await JobsBench.child(rest, out: out)
            case "transport": try await TransportBench.child(rest, out: out)
            case "answer-memory": try await AnswerMemoryCheck.child(rest, out: out)
            default: throw Child.Failure(description: "unknown child \(kind)")
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("videogen-bench child \(kind): \(error)\n".utf8))
            return 1
        }
    }

    // The two runs with their own options and exit status.
    let runs: [String: ([String], Machine) async throws -> Int32] = [
        "answer-memory": AnswerMemoryCheck.run, "soak": SoakRun.run,
    ]
    if let name = arguments.first, let run = runs[name] {
        do {
            return try await run(Array(arguments.dropFirst()), Machine.current())
        } catch {
            FileHandle.standardError.write(Data("videogen-bench \(name): \(error)\n".utf8))
            return 2
        }
    }

    let json = arguments.contains("--json")
    arguments.removeAll { $0 == "--json" }
    if arguments.contains("--help") || arguments.contains("-h") {
        print(usage)
        return 0
    }
    if let unknown = arguments.first(where: { !benchmarks.contains($0) && $0 != "all" }) {
        FileHandle.standardError.write(Data("videogen-bench: unknown benchmark '\(unknown)'\n\(usage)\n".utf8))
        return 2
    }
    let selected = arguments.isEmpty || arguments.contains("all") ? benchmarks : benchmarks.filter(arguments.contains)

    let machine = Machine.current()
    if !json {
        print("videogen-bench: \(machine.summary)")
        print("")
    }
    var failed = false
    for name in selected {
        do {
            switch name {
            case "encode": try EncodeBench.run(json: json, machine: machine)
            case "download": try await DownloadBench.run(json: json, machine: machine)
            case "jobs": try await JobsBench.run(json: json, machine: machine)
            case "polling": try await PollingBench.run(json: json, machine: machine)
            case "route": try RouteBench.run(json: json, machine: machine)
            case "transport": try await TransportBench.run(json: json, machine: machine)
            default: break
            }
        } catch {
            failed = true
            FileHandle.standardError.write(Data("videogen-bench \(name): could not run: \(error)\n".utf8))
        }
        if !json { print("") }
    }
    return failed ? 1 : 0
}

exit(await main())
