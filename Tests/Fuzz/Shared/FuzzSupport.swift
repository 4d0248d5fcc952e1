import Foundation

// Shared by every fuzz target (`.ci/fuzz.sh` compiles this directory into each one).

/// Fails the run when an invariant does not hold. `fatalError` (not `assert`, which -O removes) so
/// libFuzzer sees a deadly signal and saves the input.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}

/// The input bytes libFuzzer hands over, as `Data` (a copy: the buffer is only valid during the call).
func fuzzData(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Data {
    guard let pointer, count > 0 else { return Data() }
    return Data(bytes: pointer, count: count)
}

/// Splits off a leading block of `Name: value` lines ended by an empty line, the way an HTTP head ends,
/// so the fuzzer can vary headers as well as the body. `nil` when there is no such block.
func splitHeaderBlock(_ data: Data) -> (headers: [(String, String)], rest: Data)? {
    let bytes = [UInt8](data)
    var index = 0
    while index + 1 < bytes.count, !(bytes[index] == 0x0A && bytes[index + 1] == 0x0A) { index += 1 }
    guard index + 1 < bytes.count else { return nil }
    let head = String(decoding: bytes[..<index], as: UTF8.self)
    var headers: [(String, String)] = []
    for line in head.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers.append(
            (
                String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            ))
    }
    return (headers, Data(bytes[(index + 2)...]))
}
