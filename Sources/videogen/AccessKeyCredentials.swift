import BuiltInProviders
import Foundation
import VideoProviderKit

/// `<ID>_ACCESS_KEY`: a provider whose vendor signs a token from an access key and a secret key (Kling's
/// JWT) gets that credential when the variable is set, and its `<ID>_API_KEY` is then the secret key. Without
/// it the key in `<ID>_API_KEY` goes as it is (Kling's newer single API key).
extension Toolbox {
    /// `KLING_ACCESS_KEY` for `kling`, `KLING_B_ACCESS_KEY` for `kling-b`.
    static func accessKeyVariable(for id: ProviderID) -> String {
        id.rawValue.uppercased().replacingOccurrences(of: "-", with: "_") + "_ACCESS_KEY"
    }

    /// The signed credential for registration `id` of `provider` when its access key is set and its vendor
    /// signs tokens; `nil` (the provider's own scheme) otherwise.
    func signedCredentials(for id: ProviderID, provider: any VideoProvider) -> CredentialScheme? {
        guard
            let accessKey = environment[Self.accessKeyVariable(for: id)]?.trimmingCharacters(
                in: .whitespacesAndNewlines),
            !accessKey.isEmpty
        else { return nil }
        return BuiltInProviders.accessKeyCredentials(for: provider, accessKey: accessKey)
    }

    /// Registers `provider` (under `id` when it is a `--register` one) with its key, base URL and, when
    /// its access key is set, its signed credential.
    func register(
        _ provider: any VideoProvider, as id: ProviderID?, apiKey: String?, baseURL: URL?,
        into registry: inout ProviderRegistry
    ) throws(VideoProviderError) {
        var configuration = ProviderConfiguration(provider: provider, apiKey: apiKey.map(APIKey.init), baseURL: baseURL)
        configuration.registrationID = id
        configuration.credentials = signedCredentials(for: id ?? provider.descriptor.id, provider: provider)
        try registry.register(configuration)
    }
}

extension Render {
    /// For a token signed per request (Kling's JWT), the shell variable the curl command reads it from
    /// (`KLING_JWT`) and a comment saying how to make it: the token is minted from the secret key for each
    /// request and expires, so neither it nor the secret is printed.
    static func signedTokenNote(_ credentials: CredentialScheme, provider: ProviderID) -> (
        variable: String, comment: String
    )? {
        guard case .signedBearer(let signer) = credentials.placement else { return nil }
        let prefix = provider.rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
        let lifetime = signer.lifetime.components.seconds
        let skew = signer.clockSkewAllowance.components.seconds
        return (
            prefix + "_JWT",
            "# Set \(prefix)_JWT to a JWT first: header {\"alg\":\"HS256\",\"typ\":\"JWT\"}, claims "
                + "{\"iss\":\"$\(Toolbox.accessKeyVariable(for: provider))\",\"exp\":now+\(lifetime),\"nbf\":now-\(skew)}, "
                + "signed HMAC-SHA256 with the secret key in $\(provider.apiKeyEnvironmentVariable); it is valid "
                + "\(lifetime / 60) minutes. videogen signs a fresh one for every request it sends."
        )
    }
}

extension SimulatedGateways {
    /// The bearer token that tells a registration's requests apart in the simulator: its key, or `nil` when
    /// its token is signed per request (Kling's JWT: no two requests carry the same one; such a gateway is
    /// the registration's own, so its faults need no key to stay with it).
    static func bearerToken(of entry: RegisteredProvider) -> String? {
        if case .signedBearer = entry.credentialScheme.placement { return nil }
        return entry.configuration.apiKey?.secret
    }
}
