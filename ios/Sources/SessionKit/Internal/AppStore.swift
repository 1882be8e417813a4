import Foundation
import SessionKitBindings

/// An app's `SessionStore` as the engine's store interface.
final class AppStore: ForeignSessionStore {
    private let store: any SessionStore

    init(_ store: any SessionStore) {
        self.store = store
    }

    func load() throws -> Data? {
        try mapped { try store.load() }
    }

    func save(blob: Data) throws {
        try mapped { try store.save(blob) }
    }

    func clear() throws {
        try mapped { try store.clear() }
    }

    private func mapped<T>(_ call: () throws -> T) throws(StoreError) -> T {
        do {
            return try call()
        } catch SessionStoreError.unavailable(let detail) {
            throw .Unavailable(detail: detail)
        } catch SessionStoreError.corrupted(let detail) {
            throw .Corrupted(detail: detail)
        } catch SessionStoreError.failed(let detail) {
            throw .Failed(detail: detail)
        } catch {
            // Only the type: an app's error text is not SessionKit's to repeat.
            throw .Failed(detail: "the app's SessionStore threw \(type(of: error))")
        }
    }
}
