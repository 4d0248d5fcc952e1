import OpenAICompatibleProvider
import VideoProviderKit

// OpenAICompatibleProvider's submit and status decoders on arbitrary HTTP answers (layout: ResponseFuzzer).

let provider = OpenAICompatibleProvider()
let requests = ResponseFuzzer.requests(for: provider)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    ResponseFuzzer.run(provider, requests: requests, input: fuzzData(bytes, count))
    return 0
}
