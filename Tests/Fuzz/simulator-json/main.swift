import Foundation
import VideoProviderKit

@testable import VideoProviderTesting

// The simulator's JSON request reading (`SimulatorJSON`, over Foundation's JSONSerialization) and every
// JSON gateway's submit validation, called directly and through the simulator's `send`.

let gateways = GatewaySimulator.Gateway.standard()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzData(bytes, count)
    if let value = SimulatorJSON.object(input) {
        guard case .object = value else { fatalError("SimulatorJSON.object returned \(value)") }
    }
    SimulatorFuzzer.submit(input, contentType: "application/json", to: gateways)
    return 0
}
