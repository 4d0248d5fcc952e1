import AizfwProvider
import DuoyuanxProvider
import GeminiProvider
import KlingProvider
import MiniMaxProvider
import OctopusXProvider
import OpenAICompatibleProvider
import RunwayProvider
public import VideoProviderKit
import XAIProvider
import XingchaoyiqingProvider

/// Every provider that ships with VideoProviderKit, in the default fallback order.
///
/// The kyyReactApiServer gateways come first, then the OpenAI-format gateways, then xAI's own API, then
/// Google's Gemini API (Veo; its models are its own, so its place in the order matters only to itself). A
/// provider without a default base URL (`openai-compatible`) takes part only once the app configures one.
public enum BuiltInProviders {
    /// aizfw, Xingchaoyiqing, an OpenAI-compatible gateway, OctopusX, Duoyuanx, xAI, Gemini, Runway, MiniMax, Kling.
    public static let all: [any VideoProvider] = [
        AizfwProvider(), XingchaoyiqingProvider(), OpenAICompatibleProvider(), OctopusXProvider(), DuoyuanxProvider(),
        XAIProvider(), GeminiProvider(), RunwayProvider(), MiniMaxProvider(), KlingProvider(),
    ]

    /// The credential for `accessKey` when `provider`'s vendor signs a token from an access key and a secret
    /// key instead of taking its key as it is (Kling's JWT; the registration's key is then the secret key),
    /// or `nil` for a provider without such a scheme.
    public static func accessKeyCredentials(for provider: any VideoProvider, accessKey: String) -> CredentialScheme? {
        provider is KlingProvider ? KlingProvider.accessKeyCredentials(accessKey: accessKey) : nil
    }
}
