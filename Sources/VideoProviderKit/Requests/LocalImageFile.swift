import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A local image file's size and first bytes, read without ever blocking.
///
/// `--image` may name anything: a FIFO, whose plain `open` waits for a writer for ever (it hung `plan` and
/// `--dry-run`), a device, a directory. So the path is checked with `stat` before it is opened, opened with
/// `O_NONBLOCK`, and checked again with `fstat` on what was opened (the path may have changed in between).
/// Only regular files (symbolic links to them included) are accepted.
enum LocalImageFile {
    struct Inspected {
        let size: Int64
        /// Up to the first 12 bytes, enough to sniff the format.
        let head: Data
    }

    struct Problem: Error {
        /// A few words for ``Violation/reason``.
        let reason: String
    }

    static func inspect(_ url: URL) -> Result<Inspected, Problem> {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(Problem(reason: "cannot open the file: \(SystemErrorText.describe(errno: errno))"))
        }
        if let kind = nonRegularKind(info.st_mode) { return .failure(Problem(reason: "\(kind), not a regular file")) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(Problem(reason: "cannot open the file: \(SystemErrorText.describe(errno: errno))"))
        }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else {
            return .failure(Problem(reason: "cannot read the file: \(SystemErrorText.describe(errno: errno))"))
        }
        if let kind = nonRegularKind(info.st_mode) { return .failure(Problem(reason: "\(kind), not a regular file")) }
        var head = [UInt8](repeating: 0, count: 12)
        var filled = 0
        while filled < head.count {
            let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count > 0 {
                filled += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 {
                return .failure(Problem(reason: "cannot read the file: \(SystemErrorText.describe(errno: errno))"))
            } else {
                break
            }
        }
        return .success(Inspected(size: Int64(info.st_size), head: Data(head[0..<filled])))
    }

    /// What a file that is not regular is, in words; `nil` for a regular file.
    private static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }
}
