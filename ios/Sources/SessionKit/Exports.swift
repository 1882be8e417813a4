import SessionKitBindings

// The generated types an app meets through SessionKit's API, under the names it uses. They
// are values (enums and structs with `let` fields, readable `description`s); the wrapper
// adds Swift conveniences to some of them (JSON.swift) and replaces the few that are FFI
// objects or carry one (Session.swift, SessionEvent.swift, SessionTokens.swift).

/// How the user proved who they are: one entry of `Session.authenticationFactors`.
public typealias AuthenticationFactor = SessionKitBindings.AuthenticationFactor
/// The typed `*_factor` sub-object of an authentication factor.
public typealias FactorDetail = SessionKitBindings.FactorDetail
/// Where a session was created from (IP address, user agent).
public typealias SessionAttributes = SessionKitBindings.SessionAttributes
/// A JSON value: custom claims and fields SessionKit does not know.
public typealias JSONValue = SessionKitBindings.JsonValue
/// Why a change happened.
public typealias ChangeCause = SessionKitBindings.ChangeCause
/// Why the session ended.
public typealias SignOutReason = SessionKitBindings.SignOutReason
/// A storage problem the engine met without a caller to tell (E4, E5, E7).
public typealias StorageIssue = SessionKitBindings.StorageIssue
/// What the engine found in storage when it started, or when storage last came back.
public typealias RestoreOutcome = SessionKitBindings.RestoreOutcome
/// What `revoke` did: revoked on the server, nothing to revoke, or cleared on this device
/// only because the server could not be reached (W8).
public typealias RevokeOutcome = SessionKitBindings.RevokeOutcome
/// The answer of a local JWT check (J2).
public typealias JwtCheck = SessionKitBindings.JwtCheck
/// The session a valid JWT describes, as a backend's local check reads it.
public typealias VerifiedSession = SessionKitBindings.VerifiedSession
/// What the refresh scheduler has done and where it stands.
public typealias SchedulerStats = SessionKitBindings.SchedulerStats
/// Where the refresh scheduler stands.
public typealias SchedulerState = SessionKitBindings.SchedulerState
