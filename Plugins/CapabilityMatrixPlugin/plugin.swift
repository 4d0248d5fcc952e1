import PackagePlugin

@main struct CapabilityMatrixPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {}
}
