import AizfwProvider
import DuoyuanxProvider
import Foundation
import OctopusXProvider
import OpenAICompatibleProvider
import XAIProvider
import XingchaoyiqingProvider

@testable import VideoProviderKit
@testable import VideoProviderTesting

// Data-URI decoding and image sniffing, in the library and in the simulator, and a reference image
// through RequestValidator for every model that takes inline or uploaded images.

/// Every model that takes images as data URIs or uploads, with its provider's descriptor.
let imageModels: [(ProviderDescriptor, String)] = [
    AizfwProvider().descriptor, XingchaoyiqingProvider().descriptor, OpenAICompatibleProvider().descriptor,
    OctopusXProvider().descriptor, DuoyuanxProvider().descriptor, XAIProvider().descriptor,
].flatMap { descriptor in
    descriptor.models.filter { $0.images.max > 0 && !$0.images.transports.allSatisfy { $0 == .publicURL } }
        .map { (descriptor, $0.model) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzData(bytes, count)
    checkSniffers(input)
    let text = String(decoding: input, as: UTF8.self)
    let decoded = RequestValidator.decodeDataURI(text)
    if let (payload, _) = decoded {
        require(!payload.isEmpty, "decodeDataURI returned no bytes")
        checkSniffers(payload)
    }
    if let (_, simulatorBytes) = try? ImageSniffer.dataURI(text) {
        // The simulator decodes strictly; whatever it accepts the library must accept, with the same bytes.
        require(
            decoded?.0 == simulatorBytes, "the simulator decodes a data URI the library refuses or reads differently")
    }
    // A model is picked by the input's length, so every model sees inputs without multiplying the cost.
    let (descriptor, model) = imageModels[input.count % imageModels.count]
    var images: [ImageInput] = [.data(input)]
    if let url = URL(string: text) { images.append(.url(url)) }
    for image in images {
        let request = VideoRequest(model: model, prompt: "A lighthouse at dusk", images: [image])
        guard let resolved = try? RequestValidator.resolve(request, on: descriptor, policy: .adjustToNearest) else {
            continue
        }
        for case .dataURI(.bytes(let data), let format) in resolved.images {
            require(ImageFormat(sniffing: data) == format, "a \(format) image whose bytes sniff otherwise")
        }
        for case .upload(.bytes(let data), let format, _) in resolved.images {
            require(ImageFormat(sniffing: data) == format, "a \(format) upload whose bytes sniff otherwise")
        }
    }
    return 0
}

/// The library's and the simulator's sniffers were written separately; they must agree.
func checkSniffers(_ data: Data) {
    let library = ImageFormat(sniffing: data)
    let simulator = ImageSniffer.kind(of: data)
    require(
        library?.rawValue == simulator?.rawValue,
        "sniffed as \(String(describing: library)) and \(String(describing: simulator))")
}
