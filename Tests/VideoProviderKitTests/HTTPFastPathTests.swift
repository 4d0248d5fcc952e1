import Foundation
import Testing
import VideoProviderKit

/// The byte-level fast paths that every status poll takes (header lookup, media type, HTML sniffing,
/// path segments, multipart boundaries) give exactly what the Foundation-based slow paths give.
@Suite struct HTTPFastPathTests {
    @Test(arguments: [
        ("Content-Type", "content-type", true),
        ("OPENAI-POLL-AFTER-MS", "openai-poll-after-ms", true),
        ("X-Trace", "X-Trac", false),
        ("X-Trace", "X-Tracf", false),
        // Bytes that differ only in bit 0x20 but are not letters must not match.
        ("X@", "X`", false),
        ("X[", "X{", false),
        ("X^", "X~", false),
        ("1", "\u{11}", false),
        // Non-ASCII names keep Foundation's case-insensitive rules.
        ("Über", "über", true),
        ("Über", "Uber", false),
    ])
    func headerNamesCompareCaseInsensitively(stored: String, asked: String, matches: Bool) {
        var headers = HTTPHeaders()
        headers.add(stored, "v")
        #expect((headers[asked] == "v") == matches)
        #expect((headers[asked] != nil) == (stored.caseInsensitiveCompare(asked) == .orderedSame))
        headers.remove(asked)
        #expect(headers.fields.isEmpty == matches)
    }

    @Test(arguments: [
        ("application/json", "application/json"),
        ("Application/JSON; charset=utf-8", "application/json"),
        (" \tTEXT/HTML \t;charset=utf-8", "text/html"),
        ("video/mp4", "video/mp4"),
        ("", ""),
        (";charset=utf-8", "charset=utf-8"),
        ("\u{00A0}Text/Plain", "text/plain"),
    ])
    func mediaTypeIsTrimmedAndLowerCased(contentType: String, expected: String) {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": contentType])
        #expect(response.mediaType == expected)
    }

    @Test(arguments: [
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
        " \r\n\t<html><head><title>502 Bad Gateway</title></head></html>",
        "\u{00A0}<HTML><head><title>502 Bad Gateway</title></head></html>",
    ])
    func htmlBodiesAreRecognisedWhateverTheirContentType(body: String) {
        let response = HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
        do {
            _ = try VendorResponse.jsonObject(response, provider: "p", operation: "status query")
            Issue.record("an HTML body was read as JSON")
        } catch {
            #expect(error.message == "p answered the status query with an HTML page (502 Bad Gateway) instead of JSON.")
        }
    }

    @Test(arguments: ["{\"status\":\"queued\"}", " \n{\"status\":\"queued\"}", "\t{\"status\":\"queued\"}"])
    func jsonBodiesAreNotMistakenForHTML(body: String) throws {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
        let json = try VendorResponse.jsonObject(response, provider: "p", operation: "status query")
        #expect(json["status"]?.stringValue == "queued")
    }

    @Test(arguments: [
        ("video_0123abcd", "video_0123abcd"),
        ("A-Z.a_z~09", "A-Z.a_z~09"),
        ("", ""),
        ("a/b", "a%2Fb"),
        ("a?b#c", "a%3Fb%23c"),
        ("a b", "a%20b"),
        ("ü", "%C3%BC"),
    ])
    func pathSegmentsEncodeOnlyWhatTheyMust(id: String, expected: String) {
        #expect(ProviderContext.pathSegment(id) == expected)
    }

    @Test func boundariesUseTheWholeAlphabet() {
        let alphabet = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var seen = Set<Character>()
        for _ in 0..<400 {
            let boundary = MultipartBody.randomBoundary()
            #expect(boundary.hasPrefix("VideoProviderKit-"))
            let suffix = boundary.dropFirst("VideoProviderKit-".count)
            #expect(suffix.count == 24)
            #expect(suffix.allSatisfy(alphabet.contains))
            seen.formUnion(suffix)
        }
        // 9,600 characters drawn: every one of the 62 shows up.
        #expect(seen == alphabet)
    }
}
