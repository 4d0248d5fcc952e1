/// A random number generator that repeats from its seed (SplitMix64): small and fast.
///
/// The system generator cannot be seeded, and tests that draw faults, outcomes or payloads at random
/// need the same draws on every run. The simulator's random rules
/// (``GatewaySimulator/injectRandomly(_:probability:on:at:seed:)``) use it; so can an app's own tests.
public struct SeededRandomNumberGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Draws whether an event of `probability` happens and, if so, which of `count` choices.
    mutating func pick(probability: Double, among count: Int) -> Int? {
        guard Double.random(in: 0..<1, using: &self) < probability else { return nil }
        return Int.random(in: 0..<count, using: &self)
    }
}
