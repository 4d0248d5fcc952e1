public import VideoProviderKit

/// Every provider that ships with VideoProviderKit, in the default fallback order.
public enum BuiltInProviders {
    public static let all: [any VideoProvider] = []
}
