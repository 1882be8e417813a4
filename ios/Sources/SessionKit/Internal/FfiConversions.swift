import Foundation
import SessionKitBindings

// The one place where the generated bindings meet the wrapper's own types: each generated
// value is converted once, here, into plain Swift; no generated type reaches app code.

typealias FfiSessionStatus = SessionKitBindings.SessionStatus
typealias FfiSessionEvent = SessionKitBindings.SessionEvent
typealias FfiFactorDetail = SessionKitBindings.FactorDetail

extension JSONValue {
    init(_ value: SessionKitBindings.JsonValue) {
        switch value {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = .integer(value)
        case .number(let value): self = .number(value)
        case .text(let value): self = .text(value)
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let members): self = .object(members.mapValues(JSONValue.init))
        }
    }
}

private func jsonObject(_ object: [String: SessionKitBindings.JsonValue]) -> [String: JSONValue] {
    object.mapValues(JSONValue.init)
}

extension Session {
    /// Every field of the engine's session, copied once.
    convenience init(_ fields: SessionFields) {
        self.init(
            sessionId: fields.sessionId, userId: fields.userId, startedAt: fields.startedAt,
            lastAccessedAt: fields.lastAccessedAt, expiresAt: fields.expiresAt,
            attributes: SessionAttributes(fields.attributes),
            authenticationFactors: fields.authenticationFactors.map(AuthenticationFactor.init),
            customClaims: jsonObject(fields.customClaims), roles: fields.roles,
            unknownFields: jsonObject(fields.unknownFields), wire: fields.json)
    }
}

extension SessionAttributes {
    init(_ attributes: SessionKitBindings.SessionAttributes) {
        self.init(
            ipAddress: attributes.ipAddress, userAgent: attributes.userAgent,
            unknownFields: jsonObject(attributes.extra))
    }
}

extension AuthenticationFactor {
    init(_ factor: SessionKitBindings.AuthenticationFactor) {
        self.init(
            factorType: factor.factorType, deliveryMethod: factor.deliveryMethod,
            lastAuthenticatedAt: factor.lastAuthenticatedAt, createdAt: factor.createdAt,
            updatedAt: factor.updatedAt, detail: factor.detail.map(FactorDetail.init),
            unknownFields: jsonObject(factor.extra))
    }
}

extension FactorDetail {
    init(_ detail: FfiFactorDetail) {
        switch detail {
        case .email(let f):
            self = .email(emailId: f.emailId, emailAddress: f.emailAddress, unknownFields: jsonObject(f.extra))
        case .phoneNumber(let f):
            self = .phoneNumber(phoneId: f.phoneId, phoneNumber: f.phoneNumber, unknownFields: jsonObject(f.extra))
        case .oAuth(let provider, let f):
            self = .oauth(
                provider: provider, id: f.id, emailId: f.emailId, providerSubject: f.providerSubject,
                unknownFields: jsonObject(f.extra))
        case .webAuthn(let f):
            self = .webAuthn(
                webauthnRegistrationId: f.webauthnRegistrationId, domain: f.domain,
                userAgent: f.userAgent, unknownFields: jsonObject(f.extra))
        case .authenticatorApp(let f):
            self = .authenticatorApp(totpId: f.totpId, unknownFields: jsonObject(f.extra))
        case .recoveryCode(let f):
            self = .recoveryCode(totpRecoveryCodeId: f.totpRecoveryCodeId, unknownFields: jsonObject(f.extra))
        case .cryptoWallet(let f):
            self = .cryptoWallet(
                cryptoWalletId: f.cryptoWalletId, cryptoWalletAddress: f.cryptoWalletAddress,
                cryptoWalletType: f.cryptoWalletType, unknownFields: jsonObject(f.extra))
        case .biometric(let f):
            self = .biometric(biometricRegistrationId: f.biometricRegistrationId, unknownFields: jsonObject(f.extra))
        case .unknown(let key, let value):
            self = .unknown(key: key, value: JSONValue(value))
        }
    }
}

extension SessionStatus {
    init(_ status: FfiSessionStatus) {
        switch status {
        case .restoring: self = .restoring
        case .signedOut: self = .signedOut
        case .pending: self = .pending
        case .signedIn: self = .signedIn
        }
    }
}

extension SignOutReason {
    init(_ reason: SessionKitBindings.SignOutReason) {
        switch reason {
        case .cleared: self = .cleared
        case .revoked: self = .revoked
        case .rejected: self = .rejected
        case .storageCorrupted: self = .storageCorrupted
        }
    }
}

extension ChangeCause {
    init(_ cause: SessionKitBindings.ChangeCause) {
        switch cause {
        case .restored: self = .restored
        case .hydrated: self = .hydrated
        case .authenticated: self = .authenticated
        case .signedOut(let reason): self = .signedOut(reason: SignOutReason(reason))
        case .otherProcess: self = .otherProcess
        }
    }
}

extension StorageIssue {
    init(_ issue: SessionKitBindings.StorageIssue) {
        switch issue {
        case .corrupted(let detail): self = .corrupted(detail: detail)
        case .unavailable(let detail): self = .unavailable(detail: detail)
        case .writeFailed(let detail): self = .writeFailed(detail: detail)
        case .readFailed(let detail): self = .readFailed(detail: detail)
        }
    }
}

extension SessionEvent {
    /// The event in Swift. A change's session is `known`'s when `known` is the state of that
    /// very change (the usual case: one conversion per change), otherwise it is copied once.
    init(_ event: FfiSessionEvent, known: CachedState) {
        switch event {
        case .changed(let change):
            let session: Session?
            if known.revision == Int64(clamping: change.revision) {
                session = known.session
            } else {
                session = change.session.map { Session($0.fields()) }
            }
            self = .changed(
                SessionChange(
                    session: session, status: SessionStatus(change.status),
                    hasTokens: change.hasTokens, fromCache: change.fromCache,
                    cause: ChangeCause(change.cause), generation: change.generation))
        case .storage(let issue):
            self = .storage(StorageIssue(issue))
        }
    }
}

extension RestoreOutcome {
    init(_ outcome: SessionKitBindings.RestoreOutcome) {
        switch outcome {
        case .pending: self = .pending
        case .empty: self = .empty
        case .restored: self = .restored
        case .corrupted(let detail): self = .corrupted(detail: detail)
        case .unavailable(let detail): self = .unavailable(detail: detail)
        case .failed(let detail): self = .failed(detail: detail)
        }
    }
}

extension RevokeOutcome {
    init(_ outcome: SessionKitBindings.RevokeOutcome) {
        switch outcome {
        case .revoked: self = .revoked
        case .noSession: self = .noSession
        case .clearedLocallyOnly(let reason): self = .clearedLocallyOnly(reason: reason)
        }
    }
}

extension JwtCheck {
    init(_ check: SessionKitBindings.JwtCheck) {
        switch check {
        case .valid(let session): self = .valid(session: VerifiedSession(session))
        case .tryRefresh(let reason): self = .tryRefresh(reason: reason)
        case .unauthorised: self = .unauthorised
        }
    }
}

extension VerifiedSession {
    init(_ session: SessionKitBindings.VerifiedSession) {
        self.init(
            sessionId: session.sessionId, userId: session.userId, roles: session.roles,
            authenticationFactors: session.authenticationFactors.map(AuthenticationFactor.init),
            customClaims: jsonObject(session.customClaims),
            attributes: SessionAttributes(session.attributes), startedAt: session.startedAt,
            lastAccessedAt: session.lastAccessedAt, expiresAt: session.expiresAt,
            issuer: session.issuer, audience: session.audience,
            jwtExpiresAt: session.jwtExpiresAt, issuedAt: session.issuedAt,
            notBefore: session.notBefore, claimsJson: session.claimsJson)
    }
}

extension SchedulerStats {
    init(_ stats: SessionKitBindings.SchedulerStats) {
        let state: SchedulerState
        switch stats.state {
        case .off: state = .off
        case .signedOut: state = .signedOut
        case .waiting(let due): state = .waiting(due: due)
        case .refreshing: state = .refreshing
        case .backingOff(let until, let failures): state = .backingOff(until: until, failures: failures)
        case .gaveUp: state = .gaveUp
        case .pausedForStorage: state = .pausedForStorage
        case .inBackground: state = .inBackground
        case .stopped: state = .stopped
        }
        self.init(wakeups: stats.wakeups, refreshes: stats.refreshes, failures: stats.failures, state: state)
    }
}
