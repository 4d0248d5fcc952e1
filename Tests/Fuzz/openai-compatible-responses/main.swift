import OpenAICompatibleProvider

// The submit and status decoders fuzzed by Shared/Responses/ResponseTarget.swift (layout: ResponseFuzzer).
let fuzzedProvider = OpenAICompatibleProvider()
