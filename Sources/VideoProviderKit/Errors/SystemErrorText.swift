import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Says what a failed file operation ran into, in the operating system's words and with its code name:
/// `No space left on device (ENOSPC)`, `Permission denied (EACCES)`, `Read-only file system (EROFS)`.
///
/// Foundation wraps these in Cocoa errors whose own text is vague ("There isn't enough space", "The file
/// doesn't exist") and loses the difference between, say, a full disk and a quota; the POSIX code underneath
/// keeps it.
package enum SystemErrorText {
    /// `strerror(code)` and the code's name.
    package static func describe(errno code: Int32) -> String {
        let reason = String(cString: strerror(code))
        guard let name = names[code] else { return "\(reason) (errno \(code))" }
        return "\(reason) (\(name))"
    }

    /// The POSIX reason inside `error` when it holds one (directly, as its underlying error, or as the Cocoa
    /// code that stands for it), else its localized description.
    package static func describe(_ error: any Error) -> String {
        if let code = posixCode(of: error) { return describe(errno: code) }
        var text = (error as NSError).localizedDescription
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The POSIX error code of `error` or of the error it wraps.
    package static func posixCode(of error: any Error) -> Int32? {
        var current: NSError? = error as NSError
        var cocoa: Int32?
        for _ in 0..<4 {
            guard let nsError = current else { break }
            if nsError.domain == NSPOSIXErrorDomain { return Int32(truncatingIfNeeded: nsError.code) }
            if nsError.domain == NSCocoaErrorDomain, cocoa == nil { cocoa = cocoaCodes[nsError.code] }
            current = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
        }
        return cocoa
    }

    /// Cocoa file error codes Foundation reports without the POSIX error underneath (creating a folder on a
    /// read-only volume, for one), and the POSIX codes they stand for.
    private static let cocoaCodes: [Int: Int32] = [
        CocoaError.fileWriteOutOfSpace.rawValue: ENOSPC, CocoaError.fileWriteVolumeReadOnly.rawValue: EROFS,
        CocoaError.fileWriteNoPermission.rawValue: EACCES, CocoaError.fileReadNoPermission.rawValue: EACCES,
        CocoaError.fileNoSuchFile.rawValue: ENOENT, CocoaError.fileReadNoSuchFile.rawValue: ENOENT,
        CocoaError.fileWriteFileExists.rawValue: EEXIST, CocoaError.fileReadTooLarge.rawValue: EFBIG,
    ]

    private static let names: [Int32: String] = [
        ENOSPC: "ENOSPC", EDQUOT: "EDQUOT", EACCES: "EACCES", EPERM: "EPERM", EROFS: "EROFS", EFBIG: "EFBIG",
        EISDIR: "EISDIR", ENOTDIR: "ENOTDIR", ENOENT: "ENOENT", EEXIST: "EEXIST", EIO: "EIO", EXDEV: "EXDEV",
        EMFILE: "EMFILE", ENFILE: "ENFILE", ENAMETOOLONG: "ENAMETOOLONG", ELOOP: "ELOOP", ETXTBSY: "ETXTBSY",
        EBUSY: "EBUSY", EINVAL: "EINVAL", ENXIO: "ENXIO", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
    ]
}
