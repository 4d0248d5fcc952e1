import VideoProviderKit

enum SimulatedGateways {
    static func make(registry: ProviderRegistry, clock: any VideoClock) -> any HTTPTransport { NoNetwork() }
}
