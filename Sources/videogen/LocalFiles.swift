import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files a command will write, checked before anything is sent: a video or job file that cannot be
/// written must stop the run while it is still free.
enum LocalFiles {
    /// Makes sure `path` (the value of `option`) can be written as a regular file: its folder exists
    /// (created if missing) and is writable, and the path itself is not a folder, a FIFO, a device or a
    /// socket, nor under something that is not a folder.
    static func prepareFile(_ path: String, option: String) throws(Arguments.UsageError) -> URL {
        func refuse(_ reason: String) -> Arguments.UsageError {
            Arguments.UsageError(description: "--\(option) \(path): \(reason)")
        }
        guard !path.isEmpty else { throw Arguments.UsageError(description: "--\(option) needs a file path") }
        if path.hasSuffix("/") { throw refuse("names a folder; give a file path") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var info = stat()
        if stat(url.path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw refuse("is a folder; give a file path")
            case S_IFIFO: throw refuse("is a FIFO, not a regular file; refusing to write a video into it")
            case S_IFCHR, S_IFBLK: throw refuse("is a device, not a regular file; refusing to replace it")
            case S_IFSOCK: throw refuse("is a socket, not a regular file")
            default: throw refuse("is not a regular file")
            }
        } else if errno == ENOTDIR {
            throw refuse("is under \(firstNonFolder(above: url) ?? "a file"), which is not a folder")
        } else if errno != ENOENT {
            throw refuse(String(cString: strerror(errno)))
        }
        let folder = url.deletingLastPathComponent()
        if let blocker = firstNonFolder(above: url) {
            throw refuse("is under \(blocker), which is not a folder")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw refuse("cannot create the folder \(folder.path) (\(reason(of: error)))")
        }
        guard access(folder.path, W_OK | X_OK) == 0 else {
            throw refuse("cannot write in \(folder.path) (\(String(cString: strerror(errno))))")
        }
        return url
    }

    /// The nearest existing ancestor of `url` that is not a folder, if any.
    private static func firstNonFolder(above url: URL) -> String? {
        var ancestors: [URL] = []
        var current = url.deletingLastPathComponent()
        while current.path != "/" && !current.path.isEmpty {
            ancestors.append(current)
            current = current.deletingLastPathComponent()
        }
        for ancestor in ancestors.reversed() {
            var info = stat()
            guard stat(ancestor.path, &info) == 0 else { return nil }
            if info.st_mode & S_IFMT != S_IFDIR { return ancestor.path }
        }
        return nil
    }

    private static func reason(of error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }

    /// Writes `data` to `url` atomically (a temporary file in the same folder, then a rename), readable
    /// and writable by the owner only until it replaces the destination.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: data, attributes: [.posixPermissions: NSNumber(value: 0o644)])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey: String(cString: strerror(code))])
        }
    }
}

/// An exclusive claim on an output file for the life of the process, so two runs cannot both write (and
/// both report saving) the same video.
///
/// The claim is an advisory `flock` on `FILE.lock` next to the output: the kernel drops it when the
/// process ends however it ends, so a crash never leaves a stale claim. The lock file is removed when the
/// claim is released.
final class OutputClaim: @unchecked Sendable {
    let lockFile: URL
    private var descriptor: Int32

    private init(lockFile: URL, descriptor: Int32) {
        self.lockFile = lockFile
        self.descriptor = descriptor
    }

    /// Claims `output`, or explains who holds it.
    static func acquire(_ output: URL, option: String = "output") throws(Arguments.UsageError) -> OutputClaim {
        let lockFile = URL(fileURLWithPath: output.path + ".lock")
        for _ in 0..<5 {
            let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw Arguments.UsageError(
                    description:
                        "--\(option) \(output.path): cannot create the lock file \(lockFile.path) (\(String(cString: strerror(errno))))"
                )
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let holder = (try? String(contentsOf: lockFile, encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines)
                close(descriptor)
                throw Arguments.UsageError(
                    description:
                        "--\(option) \(output.path) is being written by another videogen\(holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? ""); wait for it to finish or choose another file"
                )
            }
            // The holder before us may have removed the file after we opened it: the lock must be on the
            // file that is at the path now.
            var opened = stat()
            var current = stat()
            guard fstat(descriptor, &opened) == 0, stat(lockFile.path, &current) == 0,
                opened.st_ino == current.st_ino, opened.st_dev == current.st_dev
            else {
                close(descriptor)
                continue
            }
            _ = ftruncate(descriptor, 0)
            let pid = "\(getpid())\n"
            _ = pid.withCString { write(descriptor, $0, strlen($0)) }
            return OutputClaim(lockFile: lockFile, descriptor: descriptor)
        }
        throw Arguments.UsageError(
            description: "--\(option) \(output.path): the lock file \(lockFile.path) keeps changing; try again")
    }

    /// Removes the lock file and drops the claim.
    func release() {
        guard descriptor >= 0 else { return }
        unlink(lockFile.path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
