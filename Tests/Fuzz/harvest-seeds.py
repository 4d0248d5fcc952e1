#!/usr/bin/env python3
"""Rebuilds the seed corpora in Tests/Fuzz/Corpus from the tests' own fixtures.

Vendor response bodies are the raw string literals (#"{...}"#) of each vendor's test target; simulator
request bodies those of the simulator's dialect tests; multipart bodies follow the simulator tests'
`Raw.multipartBody`. Run from the package root: python3 Tests/Fuzz/harvest-seeds.py
"""
import base64
import hashlib
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "Tests/Fuzz/Corpus"
LITERAL = re.compile(r'#"(\{.*?\})"#')
MAX_SEEDS = 24  # per target: enough variety, a few KB

VENDORS = {
    "aizfw": "AizfwProviderTests",
    "xingchaoyiqing": "XingchaoyiqingProviderTests",
    "openai-compatible": "OpenAICompatibleProviderTests",
    "octopusx": "OctopusXProviderTests",
    "duoyuanx": "DuoyuanxProviderTests",
    "xai": "XAIProviderTests",
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
    "890000000d49444154789c63f8cfc0f01f0005000101ff89993d1d0000000049454e44ae426082")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"


def literals(*directories):
    seen = []
    for directory in directories:
        for path in sorted((ROOT / "Tests" / directory).glob("*.swift")):
            for match in LITERAL.finditer(path.read_text()):
                body = match.group(1).encode()
                if body not in seen:
                    seen.append(body)
    return seen


REPLAY_VENDORS = {
    "aizfw": "kyy", "xingchaoyiqing": "kyy", "openai-compatible": "new-api", "octopusx": "new-api",
    "duoyuanx": "new-api", "xai": "xai",
}


def replay_bodies(source=None):
    """Answer bodies of the replay corpus (Tests/Replay/<source>/*.json), placeholders filled in."""
    import json
    bodies = []
    for path in sorted((ROOT / "Tests/Replay").glob("*/*.json")):
        if source is not None and path.parent.name != source:
            continue
        for rule in json.loads(path.read_text())["script"]:
            for answer in rule["responses"]:
                if "body" not in answer:
                    continue
                body = json.dumps(answer["body"], ensure_ascii=False, separators=(",", ":"))
                body = body.replace("{{cdn}}", "https://cdn.example").replace("{{api}}", "https://gw.fuzz.invalid")
                if body.encode() not in bodies:
                    bodies.append(body.encode())
    return bodies


def write(target, seeds):
    directory = CORPUS / target
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for seed in seeds[:MAX_SEEDS]:
        (directory / hashlib.sha1(seed).hexdigest()[:16]).write_bytes(seed)


def multipart(parts, boundary="----SimTestBoundary7MA4YWxkTrZu0gW"):
    data = b""
    for headers, body in parts:
        data += b"--" + boundary.encode() + b"\r\n"
        data += b"".join(line.encode() + b"\r\n" for line in headers) + b"\r\n" + body + b"\r\n"
    return data + b"--" + boundary.encode() + b"--\r\n"


def text(name, value):
    return ([f'Content-Disposition: form-data; name="{name}"'], value.encode())


def main():
    # ResponseFuzzer's layout: status byte (0 is 200, 4 is 400, 2 is 202), selector byte, body.
    for target, tests in VENDORS.items():
        bodies = literals(tests)
        seeds = [b"\x00\x00" + body for body in bodies[:10]]
        seeds += [b"\x00\x00" + body for body in replay_bodies(REPLAY_VENDORS[target])[:6]]
        seeds += [b"\x04\x00" + body for body in bodies[-3:]]
        seeds.append(b"\x00\x08Retry-After: 5\nopenai-poll-after-ms: 1500\n\n" + (bodies[0] if bodies else b"{}"))
        seeds.append(b"\x02\x04")
        seeds.append(b"\x0c\x02<html><head><title>502 Bad Gateway</title></head></html>")
        write(f"{target}-responses", seeds)

    write("gateway-answer", replay_bodies() + literals("VideoProviderKitTests")[:8])
    write("json", literals(*VENDORS.values(), "VideoProviderKitTests") + [b'[1,-0,2.5e3,"\\u00e9\\ud83d\\ude00",null]'])
    write("simulator-json", literals("VideoProviderTestingTests"))

    content_type = b"multipart/form-data; boundary=----SimTestBoundary7MA4YWxkTrZu0gW\r\n"
    example = [
        text("model", "grok-video-3"), text("prompt", "猫咪听歌摇头晃脑,下大雨"), text("aspect_ratio", "2:3"),
        text("seconds", "6"), text("size", "720P"),
        (['Content-Disposition: form-data; name="input_reference"; filename="reference.png"',
          "Content-Type: image/png"], PNG),
    ]
    write("simulator-multipart", [
        content_type + multipart(example),
        content_type + b"This is a preamble.\r\n" + multipart(example[:5]),
        b'multipart/form-data; charset=utf-8; boundary="b"\r\n' + multipart([text("model", "grok-video-3-pro")], "b"),
        multipart([text("model", "grok-video-1.5"), text("prompt", "Rain")]),
    ])

    write("data-uri", [
        b"data:image/png;base64," + base64.b64encode(PNG),
        b"data:image/jpeg;base64," + base64.b64encode(JPEG),
        b"DATA:image/webp ; base64," + base64.b64encode(WEBP),
        b"data:;base64,iVBORw0K",
        b"https://example.com/cat.png",
        PNG, JPEG, WEBP,
    ])

    # untrusted-text's layout: key length byte, the key (mapped onto key characters), then the text.
    key = b"sk-Q7XZ9WK2MV4RY6NB3CL5DJ1GF8VS"
    write("untrusted-text", [
        b"\x00\x1b[2J\x1b]0;title\x07 \xc2\x9b31m \xe2\x80\xae evil\r\nfake line\n",
        bytes([len(key)]) + key + b"." * 20 + key[:12],
        bytes([20]) + b"ABCDEFGHIJKLMNOPQRST" + b'{"error":{"message":"bad key ABCDEFGHIJKLMNOPQRST","code":"ABCDEFGHIJ"}}',
        bytes([6]) + b"k3y-51" + b"a k3y-51 and k3y-5",
        bytes([12]) + b"abcdefghijkl" + b"<html><head><title>=====abcdefghijkl upstream</title></head></html>",
    ])


if __name__ == "__main__":
    main()
