import Foundation

/// A one-shot HTTP listener on 127.0.0.1: it accepts one connection, keeps the request's head (request
/// line and headers, as sent), answers with a fixed response and closes. Enough to see exactly which
/// headers a real `videogen` run puts on the wire.
final class RequestCapture: @unchecked Sendable {
    let port: UInt16
    private let socket: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var captured: String?  // guarded by `lock`

    struct SocketError: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameter response: the whole answer, status line included.
    init(response: String) throws {
        #if canImport(Darwin)
            let listener = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #else
            let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard listener >= 0 else { throw SocketError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(listener, generic, length) == 0 && listen(listener, 4) == 0
                    && getsockname(listener, generic, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw SocketError(description: "cannot listen on 127.0.0.1")
        }
        // Neither waiting for the connection nor reading it blocks the thread for ever.
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        socket = listener
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in serve(response) }
    }

    private func serve(_ response: String) {
        defer {
            close(socket)
            done.signal()
        }
        let connection = accept(socket, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.range(of: Data("\r\n\r\n".utf8)) == nil && head.count < 65536 {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            head.append(contentsOf: buffer[0..<count])
        }
        let end = head.range(of: Data("\r\n\r\n".utf8))?.lowerBound ?? head.endIndex
        lock.withLock { captured = String(decoding: head[head.startIndex..<end], as: UTF8.self) }
        let bytes = Array(response.utf8)
        _ = bytes.withUnsafeBufferPointer { write(connection, $0.baseAddress, $0.count) }
    }

    /// The request's head lines (request line first), once the one request has been answered.
    func requestHead(timeout: TimeInterval = 10) -> [String] {
        _ = done.wait(timeout: .now() + timeout)
        return lock.withLock { captured }?.components(separatedBy: "\r\n") ?? []
    }
}
