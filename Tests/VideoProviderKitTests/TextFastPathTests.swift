import Foundation
import Testing
import VideoProviderKit

/// The byte-level trimming and secret-scrubbing helpers that vendor answers go through on every poll
/// give what Foundation gives (trimming), or replace exactly the secret's bytes (scrubbing).
@Suite struct TextFastPathTests {
    static let samples: [String] = [
        "", " ", "\t", "\n", "\r\n", " \t\r\n\u{0B}\u{0C} ", "queued", " queued ", "\tin_progress\n",
        "  https://cdn.example/v.mp4\r\n", "50%", " 50 % ", "a b", "\u{00A0}", "\u{00A0}done\u{00A0}",
        " \u{3000}完成\u{3000} ", "\u{0085}x\u{0085}", "\u{2028}x\u{2029}", " \u{0301}abc", "abc\u{0301} ",
        "e\u{0301}", "\u{1F600} ", " 🎬 ", "\u{200B}zero-width\u{200B}", "x\u{0000}", "\u{0000} ", "\u{7F}",
        "\u{1C}\u{1D}\u{1E}\u{1F}", " \u{2003}em\u{2002} ",
    ]

    @Test(arguments: samples)
    func trimmingMatchesFoundation(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        let inner = text.dropFirst().dropLast()
        #expect(inner.trimmingWhitespace() == inner.trimmingCharacters(in: .whitespaces))
        #expect(inner.trimmingWhitespaceAndNewlines() == inner.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func trimmingMatchesFoundationOnSeededRandomText() {
        let alphabet: [Character] = [
            " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "a", "Z", "%", "\u{00A0}", "\u{3000}", "\u{0085}",
            "\u{2028}", "é", "e\u{0301}", "完", "\u{1F3AC}", "\u{200B}", "\u{2009}", "\r\n",
        ]
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<2_000 {
            let text = String((0..<(next() % 8)).map { _ in alphabet[next() % alphabet.count] })
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(
                text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(text.debugDescription)")
        }
    }

    @Test(arguments: [
        ("no secret here", "sk-live-123", "no secret here"),
        ("sk-live-123", "sk-live-123", "[redacted]"),
        ("Invalid key sk-live-123.", "sk-live-123", "Invalid key [redacted]."),
        ("sk-live-123sk-live-123 and sk-live-123", "sk-live-123", "[redacted][redacted] and [redacted]"),
        ("sk-live-12", "sk-live-123", "sk-live-12"),
        ("sk-live-1sk-live-123", "sk-live-123", "sk-live-1[redacted]"),
        // The key's bytes are scrubbed even when a combining mark follows (Foundation's default
        // comparison would see a different character there and keep the key).
        ("key: sk-live-123\u{0301}", "sk-live-123", "key: [redacted]\u{0301}"),
        ("密钥 sk-live-123 无效", "sk-live-123", "密钥 [redacted] 无效"),
        ("50%", "%", "50"),
        ("", "%", ""),
        ("abc", "", "abc"),
    ])
    func secretBytesAreReplaced(text: String, secret: String, expected: String) {
        let replacement = secret == "%" ? "" : "[redacted]"
        #expect(text.replacingBytes(of: secret, with: replacement) == expected)
    }
}
