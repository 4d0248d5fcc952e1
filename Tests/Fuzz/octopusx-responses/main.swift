import OctopusXProvider
import VideoProviderKit

// OctopusXProvider's submit and status decoders on arbitrary HTTP answers (layout: ResponseFuzzer).

let provider = OctopusXProvider()
let requests = ResponseFuzzer.requests(for: provider)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    ResponseFuzzer.run(provider, requests: requests, input: fuzzData(bytes, count))
    return 0
}
