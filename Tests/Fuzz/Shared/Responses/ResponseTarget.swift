import Foundation
import VideoProviderKit

// The entry point of every `*-responses` target (`.ci/fuzz.sh` compiles this directory into those targets
// only): the target's `main.swift` names the provider as `fuzzedProvider`, the rest is the same for all.

let fuzzedRequests = ResponseFuzzer.requests(for: fuzzedProvider)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    ResponseFuzzer.run(fuzzedProvider, requests: fuzzedRequests, input: fuzzData(bytes, count))
    return 0
}
