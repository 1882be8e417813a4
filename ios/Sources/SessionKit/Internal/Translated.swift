import SessionKitBindings

/// Runs a call into the generated bindings and rethrows their error as a `SessionKitError`.
func translated<T>(_ call: () throws -> T) throws(SessionKitError) -> T {
    do {
        return try call()
    } catch let error as SessionError {
        throw SessionKitError(error)
    } catch let error as SessionKitError {
        throw error
    } catch {
        throw .internal(detail: "\(type(of: error))", message: "unexpected error: \(type(of: error))")
    }
}

/// The async form of `translated`.
func translated<T>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch let error as SessionError {
        throw SessionKitError(error)
    }
}
