import Foundation
import Testing
import VideoProviderKit

/// Deterministic pseudo-random bytes, so large-body tests need no fixtures.
private func sampleBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
    var state = seed
    var bytes = [UInt8]()
    bytes.reserveCapacity(count)
    for _ in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes.append(UInt8(truncatingIfNeeded: state >> 33))
    }
    return Data(bytes)
}

private func text(_ body: HTTPBody) throws -> String {
    String(decoding: try body.collect(), as: UTF8.self)
}

/// `JSONBody`: ordered, compact, deterministic JSON with streamed data URIs.
@Suite struct CoreJSONBodyTests {
    @Test func membersKeepInsertionOrderAndReplaceInPlace() throws {
        var json = JSONBody()
        json["model"] = .string("m")
        json["prompt"] = .string("p")
        json["seconds"] = .int(6)
        json["prompt"] = .string("q")
        json["extra"] = .bool(true)
        json["extra"] = nil
        json["missing"] = nil
        #expect(json.members.map(\.key) == ["model", "prompt", "seconds"])
        #expect(json["prompt"] == .string("q"))
        #expect(json["missing"] == nil)
        #expect(try text(json.httpBody) == #"{"model":"m","prompt":"q","seconds":6}"#)
        #expect(try text(JSONBody().httpBody) == "{}")
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" backslash \\ slash /", #""quote \" backslash \\ slash /""#),
        ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1F}\u{7F}", #""\u0000\u0001\u001f"# + "\u{7F}\""),
        ("é 猫 🐱 \u{2028}", "\"é 猫 🐱 \u{2028}\""),
        ("", #""""#),
    ])
    func stringEscaping(value: String, encoded: String) throws {
        var json = JSONBody()
        json[value] = .string(value)
        #expect(try text(json.httpBody) == "{\(encoded):\(encoded)}")
        // What we write, a strict parser reads back unchanged.
        #expect(try JSONValue.parse(json.httpBody.collect()) == .object([value: .string(value)]))
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (2.0, "2"), (1.5, "1.5"), (0.1, "0.1"), (-3.25, "-3.25"),
        (123_456_789_012_345.0, "123456789012345"), (1e15, "1000000000000000.0"), (1e16, "1e+16"), (1e20, "1e+20"),
        (1.0e-7, "1e-07"),
        (Double.nan, "null"), (Double.infinity, "null"), (-Double.infinity, "null"),
    ])
    func doubles(value: Double, encoded: String) throws {
        var json = JSONBody()
        json["x"] = .double(value)
        #expect(try text(json.httpBody) == #"{"x":\#(encoded)}"#)
    }

    @Test func scalarsArraysAndNesting() throws {
        var inner = JSONBody()
        inner["url"] = .string("https://example.com/a.png")
        inner["n"] = .null
        var json = JSONBody()
        json["ints"] = .array([.int(Int.min), .int(0), .int(Int.max)])
        json["flags"] = .array([.bool(true), .bool(false)])
        json["empty"] = .array([])
        json["object"] = .object(inner)
        json["nested"] = .array([.array([.object(JSONBody())])])
        json["options"] = .json(["z": 1, "a": [true, nil, "x"], "m": ["k": 2.5]])
        #expect(
            try text(json.httpBody)
                == #"{"ints":[-9223372036854775808,0,9223372036854775807],"flags":[true,false],"empty":[],"#
                + #""object":{"url":"https://example.com/a.png","n":null},"nested":[[{}]],"#
                + #""options":{"a":[true,null,"x"],"m":{"k":2.5},"z":1}}"#)
    }

    @Test(arguments: [0, 1, 2, 3, 70, 4096, 100_000])
    func dataURIsAreStreamedAndEqualANaiveEncoding(size: Int) throws {
        let bytes = sampleBytes(size)
        var image = JSONBody()
        image["url"] = .dataURI(.bytes(bytes), .png)
        var json = JSONBody()
        json["model"] = .string("m")
        json["reference_images"] = .array([.object(image), .dataURI(.bytes(bytes), .webp)])
        json["after"] = .int(1)
        let body = json.httpBody
        let expected =
            #"{"model":"m","reference_images":[{"url":"data:image/png;base64,"# + bytes.base64EncodedString()
            + #""},"data:image/webp;base64,"# + bytes.base64EncodedString() + #""],"after":1}"#
        #expect(try text(body) == expected)
        #expect(body.length == Int64(expected.utf8.count))
        // The image bytes travel as base64 segments, never copied into the literal bytes.
        #expect(body.segments.filter { if case .base64 = $0 { return true } else { return false } }.count == 2)
        #expect(body.readsFiles == false)
    }

    @Test func fileDataURIsAreStreamedFromDisk() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = sampleBytes(3 * 1024 + 1)
        let file = directory.appendingPathComponent("big.png")
        try bytes.write(to: file)
        var json = JSONBody()
        json["image"] = .dataURI(.file(file, byteCount: Int64(bytes.count)), .jpeg)
        let body = json.httpBody
        #expect(body.readsFiles)
        #expect(body.segments.contains(.base64File(file, byteCount: Int64(bytes.count))))
        let expected = #"{"image":"data:image/jpeg;base64,"# + bytes.base64EncodedString() + #""}"#
        #expect(try text(body) == expected)
        #expect(body.length == Int64(expected.utf8.count))
    }

    @Test func imageBytesThatAreASliceOfLargerData() throws {
        // Apps often hand over a slice (`fileData[range]`): its indices do not start at zero.
        let whole = sampleBytes(100)
        let slice = whole[10..<80]
        var json = JSONBody()
        json["image"] = .dataURI(.bytes(slice), .png)
        #expect(
            try text(json.httpBody) == #"{"image":"data:image/png;base64,"# + Data(slice).base64EncodedString() + #""}"#
        )
    }
}

/// `HTTPBody`: the promised length is what is written, for every segment kind and chunk size.
@Suite struct CoreHTTPBodyTests {
    static let chunkSizes = [1, 2, 3, 4, 5, 8, 16, 1 << 20]

    @Test(arguments: 0...10)
    func base64OfSmallSizesAtEveryChunkSize(size: Int) throws {
        let bytes = sampleBytes(size)
        let body = HTTPBody(segments: [.base64(bytes)])
        #expect(body.length == Int64(bytes.base64EncodedString().utf8.count))
        for chunkSize in Self.chunkSizes {
            var chunks: [Data] = []
            try body.write(chunkSize: chunkSize) { chunks.append($0) }
            #expect(String(decoding: chunks.reduce(Data(), +), as: UTF8.self) == bytes.base64EncodedString())
            // Padding only at the very end: every chunk but the last is whole 4-character groups.
            #expect(chunks.dropLast().allSatisfy { $0.count % 4 == 0 && !$0.contains(UInt8(ascii: "=")) })
        }
    }

    @Test(arguments: [11, 12, 13, 23, 24, 25, 47, 48, 49])
    func base64AroundTheChunkStep(size: Int) throws {
        // chunkSize 16 encodes 12 input bytes per chunk.
        let bytes = sampleBytes(size)
        var chunks: [Data] = []
        try HTTPBody(segments: [.base64(bytes)]).write(chunkSize: 16) { chunks.append($0) }
        #expect(chunks.reduce(Data(), +) == bytes.base64EncodedData())
        #expect(chunks.count == (size + 11) / 12)
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 23, 24, 25])
    func base64FileAtEveryChunkSize(size: Int) throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = sampleBytes(size)
        let file = directory.appendingPathComponent("f")
        try bytes.write(to: file)
        let body = HTTPBody(segments: [.base64File(file, byteCount: Int64(size))])
        #expect(body.length == Int64(bytes.base64EncodedData().count))
        for chunkSize in Self.chunkSizes {
            var collected = Data()
            try body.write(chunkSize: chunkSize) { collected.append($0) }
            #expect(collected == bytes.base64EncodedData())
        }
    }

    @Test func bytesAndFileSegments() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = sampleBytes(1000)
        let file = directory.appendingPathComponent("part")
        try content.write(to: file)
        let body = HTTPBody(segments: [.bytes(Data("<".utf8)), .file(file, byteCount: 1000), .bytes(Data(">".utf8))])
        #expect(body.length == 1002)
        #expect(body.readsFiles)
        for chunkSize in [1, 7, 1000, 4096] {
            var collected = Data()
            try body.write(chunkSize: chunkSize) { collected.append($0) }
            #expect(collected == Data("<".utf8) + content + Data(">".utf8))
        }
        // Only the promised bytes are read from a file that grew.
        #expect(try HTTPBody(segments: [.file(file, byteCount: 10)]).collect() == content.prefix(10))
        // A file shorter than promised is an error.
        #expect(throws: (any Error).self) { try HTTPBody(segments: [.file(file, byteCount: 1001)]).collect() }
        #expect(throws: (any Error).self) { try HTTPBody(segments: [.base64File(file, byteCount: 2000)]).collect() }
        #expect(throws: (any Error).self) {
            try HTTPBody(segments: [.file(directory.appendingPathComponent("missing"), byteCount: 1)]).collect()
        }
    }

    @Test func segmentLengths() {
        #expect(HTTPBody.Segment.bytes(Data(count: 5)).encodedLength == 5)
        #expect(HTTPBody.Segment.file(URL(fileURLWithPath: "/x"), byteCount: 7).encodedLength == 7)
        #expect((0...7).map { HTTPBody.Segment.base64(Data(count: $0)).encodedLength } == [0, 4, 4, 4, 8, 8, 8, 12])
        #expect(
            HTTPBody.Segment.base64File(URL(fileURLWithPath: "/x"), byteCount: 1_000_000).encodedLength == 1_333_336)
    }

    @Test func adjacentLiteralBytesMergeUpTo64KiB() throws {
        var body = HTTPBody(segments: [.bytes(Data("a".utf8)), .bytes(Data()), .bytes(Data("b".utf8))])
        body.append("c")
        body.append(Data("d".utf8))
        #expect(body.segments == [.bytes(Data("abcd".utf8))])
        var large = HTTPBody()
        large.append(Data(count: 40 << 10))
        large.append(Data(count: 40 << 10))
        #expect(large.segments.count == 2)
        #expect(large.length == 80 << 10)
        #expect(HTTPBody.empty.isEmpty)
        #expect(HTTPBody(Data("x".utf8)).isEmpty == false)
        #expect(HTTPBody(segments: [.base64(Data())]).isEmpty)
    }

    @Test func base64OfASlice() throws {
        let whole = sampleBytes(50)
        let slice = whole[7..<41]
        #expect(try HTTPBody(segments: [.base64(slice)]).collect() == Data(slice).base64EncodedData())
    }

    @Test func writeToTemporaryFile() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = HTTPBody(segments: [
            .bytes(Data("{\"a\":\"".utf8)), .base64(sampleBytes(100)), .bytes(Data("\"}".utf8)),
        ])
        let url = try body.writeToTemporaryFile(in: directory)
        #expect(url.deletingLastPathComponent().standardizedFileURL == directory.standardizedFileURL)
        #expect(url.lastPathComponent.hasPrefix("videoproviderkit-body-"))
        #expect(try Data(contentsOf: url) == body.collect())

        // A failing body leaves no file behind.
        let broken = HTTPBody(segments: [
            .bytes(Data("x".utf8)), .file(directory.appendingPathComponent("gone"), byteCount: 3),
        ])
        #expect(throws: (any Error).self) { try broken.writeToTemporaryFile(in: directory) }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left == [url.lastPathComponent])
    }
}

/// `MultipartBody`: exact RFC 7578 bytes.
@Suite struct CoreMultipartBodyTests {
    @Test func exactBytes() throws {
        var form = MultipartBody(boundary: "XyZ")
        form.addField("model", "grok-video-3")
        form.addField("prompt", "Line one\r\nline two")
        form.addFile("input_reference", filename: "cat.png", contentType: "image/png", payload: .bytes(CoreSamples.png))
        #expect(form.boundary == "XyZ")
        #expect(form.contentType == "multipart/form-data; boundary=XyZ")
        let expected =
            Data(
                ("--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngrok-video-3\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nLine one\r\nline two\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"cat.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").utf8) + CoreSamples.png + Data("\r\n--XyZ--\r\n".utf8)
        #expect(try form.httpBody.collect() == expected)
        #expect(form.httpBody.length == Int64(expected.count))
        // `body` is the parts so far, without the closing delimiter.
        #expect(try form.body.collect() == expected.dropLast("--XyZ--\r\n".utf8.count))
    }

    @Test func quotesAndLineBreaksInNamesArePercentEncoded() throws {
        var form = MultipartBody(boundary: "b")
        form.addField("a\"b\r\nc", "v")
        form.addFile("f\"", filename: "my \"cat\"\n.png", contentType: "image/png", payload: .bytes(Data()))
        #expect(
            try text(form.httpBody)
                == "--b\r\nContent-Disposition: form-data; name=\"a%22b%0D%0Ac\"\r\n\r\nv\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"f%22\"; filename=\"my %22cat%22%0A.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n\r\n--b--\r\n")
    }

    @Test func fileParts() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("cat.png")
        try CoreSamples.png.write(to: file)
        var form = MultipartBody(boundary: "b")
        form.addFile(
            "input_reference", filename: "cat.png", contentType: "image/png", payload: .file(file, byteCount: 70))
        let body = form.httpBody
        #expect(body.readsFiles)
        #expect(body.segments.contains(.file(file, byteCount: 70)))
        #expect(Int64(try body.collect().count) == body.length)
    }

    @Test func emptyFormIsJustTheCloser() throws {
        #expect(try text(MultipartBody(boundary: "b").httpBody) == "--b--\r\n")
    }

    @Test func randomBoundaries() {
        let first = MultipartBody.randomBoundary()
        let second = MultipartBody.randomBoundary()
        #expect(first != second)
        #expect(first.hasPrefix("VideoProviderKit-"))
        let suffix = first.dropFirst("VideoProviderKit-".count)
        #expect(suffix.count == 24)
        #expect(suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }
}
