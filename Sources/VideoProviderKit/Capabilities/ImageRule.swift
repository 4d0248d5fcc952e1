import Foundation

/// How a reference image travels to a vendor.
public enum ImageTransport: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A publicly reachable `http(s)` URL that the vendor fetches itself.
    case publicURL = "public-url"
    /// The bytes inline in the JSON body, as `data:image/png;base64,…`.
    case dataURI = "data-uri"
    /// The bytes as a file part of a `multipart/form-data` body.
    case multipartFile = "multipart-file"

    public var description: String { rawValue }
}

/// An image file format the gateways accept.
public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case jpeg, png, webp

    public var mimeType: String {
        switch self {
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        case .webp: return "image/webp"
        }
    }

    public var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .png: return "png"
        case .webp: return "webp"
        }
    }

    /// Recognizes a format from its MIME type (`image/jpeg`, `image/jpg`, `image/png`, `image/webp`).
    public init?(mimeType: String) {
        switch mimeType.lowercased().trimmingWhitespace() {
        case "image/jpeg", "image/jpg", "image/pjpeg": self = .jpeg
        case "image/png": self = .png
        case "image/webp": self = .webp
        default: return nil
        }
    }

    /// Recognizes a format from the file's first bytes (its magic number), never from its name.
    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(12))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
            self = .jpeg
        } else if head.count >= 8, head[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            self = .png
        } else if head.count >= 12, head[0..<4] == [0x52, 0x49, 0x46, 0x46], head[8..<12] == [0x57, 0x45, 0x42, 0x50] {
            self = .webp
        } else {
            return nil
        }
    }

    public var description: String { rawValue }
}

/// How several images are laid out in a request: the field names, and whether one image and many
/// images use different fields.
public enum ImageFieldLayout: Sendable, Hashable, Codable {
    /// Always an array field, even for one image (`image_urls: [...]`).
    case array(field: String)
    /// One image in `single`, several in `multiple`; never both (`image` / `images`).
    case singleOrArray(single: String, multiple: String)
    /// One multipart file part per image, all with the same name (`input_reference`).
    case repeatedPart(field: String)

    /// A short description for tables: `image_urls[]`, `image | images[]`, `input_reference × n`.
    public var summary: String {
        switch self {
        case .array(let field): return "\(field)[]"
        case .singleOrArray(let single, let multiple): return "\(single) | \(multiple)[]"
        case .repeatedPart(let field): return "\(field) × n"
        }
    }
}

/// What reference images a model takes.
public struct ImageRule: Sendable, Hashable, Codable {
    /// The most images one request may carry; `0` means the model takes none.
    public var max: Int
    /// The ways images may travel, in order of preference when the library converts.
    public var transports: [ImageTransport]
    /// The accepted file formats.
    public var formats: [ImageFormat]
    /// The request fields that carry them.
    public var layout: ImageFieldLayout
    /// The longest video, in seconds, a request with more than one image may ask for; `nil` when the
    /// number of images does not limit the length.
    ///
    /// A rule of the capability table rather than of a provider's encoder, so that routing can pass over
    /// a provider that cannot make the video (and try the next one) instead of failing at send time.
    /// xAI's reference-to-video (two to seven images) makes at most 10 s, although its text- and
    /// image-to-video go to 15 s.
    public var maximumSecondsWithMultipleImages: Int?
    /// The largest image, in bytes, that is sent as bytes (a data URI or an uploaded file); checked before
    /// anything is sent, from the file's size, so a 1 GiB file is refused instead of uploaded. Public URLs
    /// are fetched by the vendor and not checked.
    public var maximumBytes: Int64
    /// Which roles the model takes and how many of each. A table that does not say takes references only,
    /// up to ``max``.
    public var roles: [ImageRoleLimit]
    /// The role of an image given without one (``VideoRequest/images``), as the table's document implies.
    public var unassignedRole: UnassignedImageRole

    /// 20 MiB: the limit of a model whose vendor states none. Every gateway here relays to xAI's Grok, and
    /// xAI's one published intake limit for images is 20 MiB ("Maximum image size: 20MiB",
    /// docs.x.ai/developers/model-capabilities/images/understanding); as base64 that is a 27 MiB JSON body,
    /// well inside the request limits of the relays in front of it (new-api: `MAX_REQUEST_BODY_MB`, 128 by
    /// default). A model's table may set its own.
    public static let defaultMaximumBytes: Int64 = 20 << 20

    public init(
        max: Int, transports: [ImageTransport], formats: [ImageFormat] = [.jpeg, .png, .webp], layout: ImageFieldLayout,
        maximumSecondsWithMultipleImages: Int? = nil, maximumBytes: Int64 = ImageRule.defaultMaximumBytes,
        roles: [ImageRoleLimit]? = nil, unassignedRole: UnassignedImageRole = .always(.reference)
    ) {
        self.max = max
        self.transports = transports
        self.formats = formats
        self.layout = layout
        self.maximumSecondsWithMultipleImages = maximumSecondsWithMultipleImages
        self.maximumBytes = maximumBytes
        self.roles = roles ?? (max > 0 ? [ImageRoleLimit(.reference, max: max)] : [])
        self.unassignedRole = unassignedRole
    }

    /// The most images of `role` a request may carry (`0` when the model does not take the role).
    public func maximum(of role: ImageRole) -> Int { roles.first { $0.role == role }?.max ?? 0 }

    public func accepts(_ transport: ImageTransport) -> Bool { transports.contains(transport) }

    private enum CodingKeys: String, CodingKey {
        case max, transports, formats, layout, maximumSecondsWithMultipleImages, maximumBytes, roles
        case unassignedRole
    }

    /// Rules written before ``maximumBytes`` existed read with the default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        max = try container.decode(Int.self, forKey: .max)
        transports = try container.decode([ImageTransport].self, forKey: .transports)
        formats = try container.decode([ImageFormat].self, forKey: .formats)
        layout = try container.decode(ImageFieldLayout.self, forKey: .layout)
        maximumSecondsWithMultipleImages = try container.decodeIfPresent(
            Int.self, forKey: .maximumSecondsWithMultipleImages)
        maximumBytes = try container.decodeIfPresent(Int64.self, forKey: .maximumBytes) ?? Self.defaultMaximumBytes
        roles =
            try container.decodeIfPresent([ImageRoleLimit].self, forKey: .roles)
            ?? (max > 0 ? [ImageRoleLimit(.reference, max: max)] : [])
        unassignedRole =
            try container.decodeIfPresent(UnassignedImageRole.self, forKey: .unassignedRole) ?? .always(.reference)
    }
}
