/// A value kept behind one reference and copied only when written while shared.
///
/// The client holds errors, snapshots, jobs and providers across its awaits, and an async function's frame
/// lives in its task's allocator until the task ends: inline, those values made every waiting job several
/// times larger (docs/performance.md, `jobs`, measures it). Behind a `CopyOnWrite` each is one pointer.
///
/// Read fields through ``box`` (`storage.box.value.field`): that reads the one field in place, where a
/// getter returning the whole value would copy it out first, and in an async function the copy is frame
/// space again.
struct CopyOnWrite<Value: Sendable>: Sendable {
    final class Box: @unchecked Sendable {
        // Written only through `update`, which copies first unless this reference is the only one.
        fileprivate(set) var value: Value
        fileprivate init(_ value: Value) { self.value = value }
    }

    private(set) var box: Box

    init(_ value: Value) { box = Box(value) }

    mutating func update(_ change: (inout Value) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
        change(&box.value)
    }
}

extension CopyOnWrite: Equatable where Value: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.box === rhs.box || lhs.box.value == rhs.box.value }
}

extension CopyOnWrite: Hashable where Value: Hashable {
    func hash(into hasher: inout Hasher) { box.value.hash(into: &hasher) }
}

extension CopyOnWrite {
    /// A mirror of `subject` whose children are the boxed fields, so `dump` and debuggers show the fields
    /// rather than the box.
    func mirror(of subject: some Any) -> Mirror {
        Mirror(subject, children: Mirror(reflecting: box.value).children, displayStyle: .struct)
    }
}

/// `Name(label: value, …)`, the fields that have a value, each with its control characters escaped: the
/// values come from vendors and a log line must stay one line (docs/reliability.md).
func readableDescription(_ name: String, _ fields: KeyValuePairs<String, (any CustomStringConvertible)?>) -> String {
    let shown = fields.compactMap { label, value in
        value.map { "\(label): \(String(describing: $0).escapingControlCharacters())" }
    }
    return "\(name)(\(shown.joined(separator: ", ")))"
}
