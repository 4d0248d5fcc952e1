import VideoProviderKit

extension ProviderConformance {
    /// The table's image roles and dependent rules are consistent with its own lists: an image without a
    /// role takes a role the model takes (else a plain `images` list would be refused), no role allows more
    /// images than the model does, and a rule names only values the table allows (a typo would make a rule
    /// that can never hold, or one no request can meet).
    func roleAndRuleFailures(_ model: ModelCapabilities, _ findings: inout Findings) {
        let name = model.model
        let images = model.images
        if images.max > 0 {
            for count in images.max >= 2 ? [1, 2] : [1] {
                let role = images.unassignedRole.role(imageCount: count)
                findings.check(
                    images.maximum(of: role) > 0,
                    "\(name): an image without a role among \(count) is a \(role), which the table does not take")
            }
        }
        for limit in images.roles {
            findings.check(
                limit.max <= images.max,
                "\(name): up to \(limit.max) \(limit.role) images, more than the \(images.max) the model takes")
        }
        for rule in model.rules {
            let seconds = (rule.when.seconds ?? []) + (rule.then.seconds ?? [])
            for value in seconds where !model.duration.allows(value) {
                findings.fail(
                    "\(name): the rule '\(rule.summary)' names \(value) s, which \(model.duration.summary) excludes")
            }
            let resolutions = (rule.when.resolutions ?? []) + (rule.then.resolutions ?? [])
            for value in resolutions where !(model.resolutions?.values.contains(value) ?? false) {
                findings.fail("\(name): the rule '\(rule.summary)' names \(value), which the table does not offer")
            }
            let ratios = (rule.when.aspectRatios ?? []) + (rule.then.aspectRatios ?? [])
            for value in ratios where !model.aspectRatios.allows(value) {
                findings.fail("\(name): the rule '\(rule.summary)' names \(value), which the table does not offer")
            }
            let roles = (rule.when.imageRoles ?? []) + (rule.then.requiredImageRoles ?? [])
            for role in roles where images.maximum(of: role) == 0 {
                findings.fail(
                    "\(name): the rule '\(rule.summary)' names a \(role) image, which the table does not take")
            }
        }
    }
}
