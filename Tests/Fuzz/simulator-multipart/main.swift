import Foundation
import VideoProviderKit

@testable import VideoProviderTesting

// The simulator's multipart reader and the multipart submit path of the OpenAI-format gateways.
//
// Input layout: the first line is the request's Content-Type (boundary and all), the rest is the body.
// An input without a line break is a body under a fixed boundary.

let multipartGateways = GatewaySimulator.Gateway.standard().filter { $0.dialect == .openAIFormat }
let fixedContentType = "multipart/form-data; boundary=----SimTestBoundary7MA4YWxkTrZu0gW"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzData(bytes, count)
    var contentType = fixedContentType
    var body = input
    if let newline = input.firstIndex(of: 0x0A) {
        contentType = String(decoding: input[..<newline], as: UTF8.self)
        if contentType.hasSuffix("\r") { contentType.removeLast() }
        body = Data(input[(newline + 1)...])
    }
    if let boundary = try? MultipartReader.boundary(fromContentType: contentType) {
        require((1...70).contains(boundary.utf8.count), "boundary of \(boundary.utf8.count) bytes")
        if let parts = try? MultipartReader.parse(body, boundary: boundary) {
            require(!parts.isEmpty, "parse returned no parts")
            for part in parts {
                require(!part.name.isEmpty, "a part without a name")
                require(part.body.count <= body.count, "a part larger than the body")
            }
        }
    }
    SimulatorFuzzer.submit(body, contentType: contentType, to: multipartGateways)
    return 0
}
