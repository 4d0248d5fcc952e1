/// What an input image is for. Vendors put each role in its own field (Veo `image` / `lastFrame` /
/// `referenceImages`, Kling `image` / `image_tail`, Runway `promptImage` positions), so the role, not the
/// image's place in a list, says where it goes.
public enum ImageRole: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The video starts on this image (image-to-video).
    case firstFrame = "first-frame"
    /// The video ends on this image.
    case lastFrame = "last-frame"
    /// The image guides content or style without being a frame of the video (reference-to-video).
    case reference

    public var description: String { rawValue }
}

/// How many images of one role a model takes.
public struct ImageRoleLimit: Sendable, Hashable, Codable {
    public var role: ImageRole
    public var max: Int

    public init(_ role: ImageRole, max: Int) {
        self.role = role
        self.max = max
    }
}

/// The role an image given without one takes.
///
/// Requests written before roles existed pass a plain list; each table says what that list meant, so those
/// requests keep their meaning (and their bytes).
public enum UnassignedImageRole: Sendable, Hashable, Codable {
    /// Every image without a role has this one.
    case always(ImageRole)
    /// One image alone takes `single`; when the request has two or more images, they take `multiple`
    /// (xAI: one image is the first frame, several are references).
    case byCount(single: ImageRole, multiple: ImageRole)

    /// The role of an image without one in a request of `imageCount` images.
    public func role(imageCount: Int) -> ImageRole {
        switch self {
        case .always(let role): return role
        case .byCount(let single, let multiple): return imageCount == 1 ? single : multiple
        }
    }

    /// `reference`, or `first-frame (one image), reference (several)`.
    public var summary: String {
        switch self {
        case .always(let role): return role.rawValue
        case .byCount(let single, let multiple): return "\(single) (one image), \(multiple) (several)"
        }
    }
}

/// What a request makes, read from its images' roles.
public enum GenerationMode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// No images.
    case textToVideo = "text-to-video"
    /// A first or last frame (with or without references).
    case imageToVideo = "image-to-video"
    /// Reference images only.
    case referenceToVideo = "reference-to-video"

    /// The mode of a request whose images have `roles`.
    public init(roles: [ImageRole]) {
        if roles.isEmpty {
            self = .textToVideo
        } else if roles.contains(where: { $0 != .reference }) {
            self = .imageToVideo
        } else {
            self = .referenceToVideo
        }
    }

    public var description: String { rawValue }
}

/// The seeds a model takes. A model without this rule takes none.
public struct SeedRule: Sendable, Hashable, Codable {
    public var min: Int
    public var max: Int

    public init(min: Int = 0, max: Int = 4_294_967_295) {
        self.min = min
        self.max = max
    }

    public var summary: String { "\(min)–\(max)" }
}

/// The negative prompts a model takes. A model without this rule takes none.
public struct NegativePromptRule: Sendable, Hashable, Codable {
    /// The longest negative prompt, in Unicode scalars, as for the prompt.
    public var maxLength: Int

    public init(maxLength: Int) { self.maxLength = maxLength }
}

/// Whether a model makes sound, and whether the caller may choose. A model without this rule has no audio
/// switch.
public struct AudioRule: Sendable, Hashable, Codable {
    /// What is sent when the request does not say, written explicitly like every default.
    public var `default`: Bool
    /// Whether the caller may ask for the other value (`false` for Veo through the Gemini API: always on).
    public var switchable: Bool

    public init(default: Bool, switchable: Bool = true) {
        self.default = `default`
        self.switchable = switchable
    }

    /// The values a request may ask for.
    public var allowedValues: [Bool] { switchable ? [false, true] : [`default`] }
}

/// A capability that depends on another: when every condition in ``when`` holds, the request must also
/// meet ``then``. Veo's "1080p only at 8 s" is `when: resolution 1080p`, `then: seconds 8`; Kling's "in
/// image-to-video the ratio follows the image" is `when: mode image-to-video`, `then: aspect ratio follows
/// the image`.
///
/// Checked after the model's own lists (a rule narrows them, never widens). A value the caller did not
/// choose (a default) is moved to the nearest value the rule allows, with a warning; a value the caller
/// chose is moved only under ``ValidationPolicy/adjustToNearest``, and is otherwise a ``Violation``.
public struct CapabilityRule: Sendable, Hashable, Codable {
    public var when: Condition
    public var then: Requirement
    /// Why, with the vendor's words where it has them.
    public var note: String?

    public init(when: Condition, then: Requirement, note: String? = nil) {
        self.when = when
        self.then = then
        self.note = note
    }

    /// When a rule applies: every field given must hold (a value in the list); a field left `nil` is no
    /// condition.
    public struct Condition: Sendable, Hashable, Codable {
        public var seconds: [Int]?
        public var resolutions: [Resolution]?
        public var aspectRatios: [AspectRatio]?
        public var modes: [GenerationMode]?
        /// Holds when the request has an image with any of these roles.
        public var imageRoles: [ImageRole]?
        public var audio: Bool?

        public init(
            seconds: [Int]? = nil, resolutions: [Resolution]? = nil, aspectRatios: [AspectRatio]? = nil,
            modes: [GenerationMode]? = nil, imageRoles: [ImageRole]? = nil, audio: Bool? = nil
        ) {
            self.seconds = seconds
            self.resolutions = resolutions
            self.aspectRatios = aspectRatios
            self.modes = modes
            self.imageRoles = imageRoles
            self.audio = audio
        }

        /// `resolution 1080p, mode image-to-video`.
        public var summary: String {
            var parts: [String] = []
            if let seconds { parts.append("seconds " + seconds.map(String.init).joined(separator: "/")) }
            if let resolutions { parts.append("resolution " + resolutions.map(\.rawValue).joined(separator: "/")) }
            if let aspectRatios { parts.append("aspect ratio " + aspectRatios.map(\.rawValue).joined(separator: "/")) }
            if let modes { parts.append("mode " + modes.map(\.rawValue).joined(separator: "/")) }
            if let imageRoles { parts.append("a " + imageRoles.map(\.rawValue).joined(separator: "/") + " image") }
            if let audio { parts.append(audio ? "audio on" : "audio off") }
            return parts.isEmpty ? "always" : parts.joined(separator: ", ")
        }
    }

    /// What a request must meet when the rule applies: every field given.
    public struct Requirement: Sendable, Hashable, Codable {
        public var seconds: [Int]?
        /// The longest length, for a range too long to list.
        public var maxSeconds: Int?
        public var resolutions: [Resolution]?
        public var aspectRatios: [AspectRatio]?
        /// The output takes its shape from the image: the caller may not choose a ratio and none is sent.
        public var aspectRatioFollowsImage: Bool?
        public var audio: Bool?
        /// Images with these roles may not be in the request.
        public var excludedImageRoles: [ImageRole]?
        /// The request must have an image of each of these roles.
        public var requiredImageRoles: [ImageRole]?

        public init(
            seconds: [Int]? = nil, maxSeconds: Int? = nil, resolutions: [Resolution]? = nil,
            aspectRatios: [AspectRatio]? = nil, aspectRatioFollowsImage: Bool? = nil, audio: Bool? = nil,
            excludedImageRoles: [ImageRole]? = nil, requiredImageRoles: [ImageRole]? = nil
        ) {
            self.seconds = seconds
            self.maxSeconds = maxSeconds
            self.resolutions = resolutions
            self.aspectRatios = aspectRatios
            self.aspectRatioFollowsImage = aspectRatioFollowsImage
            self.audio = audio
            self.excludedImageRoles = excludedImageRoles
            self.requiredImageRoles = requiredImageRoles
        }

        /// `seconds 8`, `aspect ratio follows the image`, `no reference image`.
        public var summary: String {
            var parts: [String] = []
            if let seconds { parts.append("seconds " + seconds.map(String.init).joined(separator: "/")) }
            if let maxSeconds { parts.append("seconds ≤ \(maxSeconds)") }
            if let resolutions { parts.append("resolution " + resolutions.map(\.rawValue).joined(separator: "/")) }
            if let aspectRatios { parts.append("aspect ratio " + aspectRatios.map(\.rawValue).joined(separator: "/")) }
            if aspectRatioFollowsImage == true { parts.append("aspect ratio follows the image") }
            if let audio { parts.append(audio ? "audio on" : "audio off") }
            if let excludedImageRoles {
                parts.append("no " + excludedImageRoles.map(\.rawValue).joined(separator: "/") + " image")
            }
            if let requiredImageRoles {
                parts.append("a " + requiredImageRoles.map(\.rawValue).joined(separator: " and ") + " image")
            }
            return parts.joined(separator: ", ")
        }
    }

    /// `when resolution 1080p: seconds 8`.
    public var summary: String { "when \(when.summary): \(then.summary)" }
}
