/// A value kept behind one reference and copied only when written while shared.
///
/// The client holds errors, snapshots, jobs and providers across its awaits, and an async function's frame
/// lives in its task's allocator until the task ends: inline, those values made every waiting job tens of
/// KiB (docs/performance.md, `jobs`). Behind a `CopyOnWrite` each is one pointer in the frame.
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
