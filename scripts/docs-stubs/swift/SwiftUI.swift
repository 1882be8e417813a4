// A stand-in for SwiftUI, for scripts/docs-samples.sh only: SwiftUI exists only on Apple
// platforms, so the README's SwiftUI sample is type-checked here against the few declarations
// it uses, with SwiftUI's names and shapes (a main-actor `View` whose `body` is a
// `@ViewBuilder`, `State`, `ProgressView`). What it proves is SessionKit's side: the model,
// its status switch (exhaustive over `SessionStatus`) and the session's fields. Never shipped.

@MainActor
public protocol View {
    associatedtype Body: View
    @ViewBuilder var body: Body { get }
}

extension Never: View {
    public var body: Never { fatalError("a leaf view has no body") }
}

@resultBuilder @MainActor
public enum ViewBuilder {
    public static func buildBlock<Content: View>(_ content: Content) -> Content { content }
    public static func buildEither<First: View, Second: View>(first: First) -> ConditionalContent<First, Second> {
        ConditionalContent(first: first)
    }
    public static func buildEither<First: View, Second: View>(second: Second) -> ConditionalContent<First, Second> {
        ConditionalContent(second: second)
    }
}

public struct ConditionalContent<First: View, Second: View>: View {
    let first: First?
    let second: Second?
    init(first: First) { self.first = first; self.second = nil }
    init(second: Second) { self.first = nil; self.second = second }
    public var body: Never { fatalError("a leaf view has no body") }
}

public struct ProgressView: View {
    public init() {}
    public var body: Never { fatalError("a leaf view has no body") }
}

public struct Text: View {
    public init(_ content: String) {}
    public var body: Never { fatalError("a leaf view has no body") }
}

@propertyWrapper
public struct State<Value> {
    private var value: Value
    public init(initialValue value: Value) { self.value = value }
    public init(wrappedValue value: Value) { self.value = value }
    public var wrappedValue: Value {
        get { value }
        nonmutating set {}
    }
}
