import DuoyuanxProvider

// The submit and status decoders fuzzed by Shared/Responses/ResponseTarget.swift (layout: ResponseFuzzer).
let fuzzedProvider = DuoyuanxProvider()
