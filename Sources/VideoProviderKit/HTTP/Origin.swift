package import Foundation

/// A URL's origin (scheme, host, port), the unit the web's security rules and our failure domains use.
///
/// Two providers whose base URLs share an origin are one server as far as a connection is concerned: when
/// it refuses connections for one, it does for the other (see ``VideoClient/submit(_:options:)``).
package struct Origin: Sendable, Hashable, CustomStringConvertible {
    package let scheme: String
    package let host: String
    package let port: Int

    /// `nil` for a URL without a scheme or host.
    package init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            return nil
        }
        self.scheme = scheme
        self.host = host
        port = url.port ?? Self.defaultPort(scheme)
    }

    static func defaultPort(_ scheme: String) -> Int {
        switch scheme {
        case "https": return 443
        case "http": return 80
        default: return -1
        }
    }

    /// `https://host`, with the port only when it is not the scheme's default.
    package var description: String {
        port == Self.defaultPort(scheme) ? "\(scheme)://\(host)" : "\(scheme)://\(host):\(port)"
    }
}
