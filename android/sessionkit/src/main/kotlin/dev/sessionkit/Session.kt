// The session as plain Kotlin data (SPEC M1, M2, X1): built once per change from the
// engine's state, so reading a field never calls into the native library, and nothing an app
// does to one (there is nothing to close) can disturb another reader.
package dev.sessionkit

import java.time.Instant

/**
 * A signed-in user's session, exactly as Stytch last described it.
 *
 * A plain immutable value: `equals`, `hashCode` and `toString` come from its fields, and
 * [json] is the session object as the server sent it (unknown fields and `null`s kept). Build
 * one for a test or a preview from fields, or with [fromJson] from Stytch's JSON; neither
 * needs the native library.
 */
data class Session @JvmOverloads constructor(
    /** The server's identifier of this session. */
    val sessionId: String,
    /** The user the session belongs to. */
    val userId: String,
    /** When the user signed in. */
    val startedAt: Instant,
    /** When the session was last authenticated against the server. */
    val lastAccessedAt: Instant,
    /** After this instant (server time) the session is no longer valid; `getSync()` never returns it past then. */
    val expiresAt: Instant,
    /** Where the session was created from. */
    val attributes: SessionAttributes = SessionAttributes(),
    /** How the user proved who they are, in the order the server lists them. */
    val authenticationFactors: List<AuthenticationFactor> = emptyList(),
    /** Claims the app's backend attached to the session: `customClaims["plan"]?.asString`. */
    val customClaims: Map<String, JsonValue> = emptyMap(),
    /** Roles granted to the user for this session. */
    val roles: List<String> = emptyList(),
    /** Fields this version of SessionKit does not know, kept as the server sent them. */
    val unknownFields: Map<String, JsonValue> = emptyMap(),
) {
    /** The JSON the engine or [fromJson] read this session from; `null` for one built from fields. */
    private var wire: String? = null

    /** `expiresAt` in Unix milliseconds, for the expiry check on every read. */
    internal val expiresAtMillis: Long = expiresAt.toEpochMilli()

    /**
     * The session object as JSON: as the server sent it for a session from the engine or
     * [fromJson]; written from the fields for one built from them (or changed by `copy`).
     */
    val json: String
        get() = wire ?: StytchJson.write(this).toJson()

    internal fun withWire(json: String): Session = also { wire = json }

    companion object {
        /**
         * Reads a Stytch session object (`{"session_id": ..., "user_id": ..., ...}`), as the
         * engine does: unknown fields and factor kinds are kept, `null` collections read as
         * empty. Needs no native library.
         *
         * @throws SessionKitException.InvalidArgument [json] is not a Stytch session object.
         */
        @JvmStatic
        fun fromJson(json: String): Session = StytchJson.session(JsonValue.parse(json)).withWire(json)
    }
}

/** Where a session was created from. */
data class SessionAttributes @JvmOverloads constructor(
    /** The IP address the session was created from, as the server saw it. */
    val ipAddress: String = "",
    /** The user agent that created the session. */
    val userAgent: String = "",
    /** Fields this version of SessionKit does not know. */
    val unknownFields: Map<String, JsonValue> = emptyMap(),
)

/** One way the user proved who they are. */
data class AuthenticationFactor @JvmOverloads constructor(
    /** How: `magic_link`, `otp`, `oauth`, `webauthn`, `totp`, `password`, ... (Stytch's `type`). */
    val factorType: String,
    /** Through what: `email`, `sms`, `oauth_google`, `knowledge`, ... (Stytch's `delivery_method`). */
    val deliveryMethod: String,
    /** When the user last satisfied this factor. */
    val lastAuthenticatedAt: Instant,
    /** When the factor was first used. */
    val createdAt: Instant? = null,
    /** When the factor last changed. */
    val updatedAt: Instant? = null,
    /** The credential-specific sub-object (`email_factor`, `webauthn_factor`, ...), if any. */
    val detail: FactorDetail? = null,
    /** Fields this version of SessionKit does not know. */
    val unknownFields: Map<String, JsonValue> = emptyMap(),
)

/** The `*_factor` sub-object of an [AuthenticationFactor], typed by the key it came under. */
sealed class FactorDetail {
    /** The key it lives under on the wire (`email_factor`, `google_oauth_factor`, ...). */
    abstract val key: String

    /** Fields this version of SessionKit does not know. */
    abstract val unknownFields: Map<String, JsonValue>

    /** `email_factor`: the address a factor was delivered to. */
    data class Email @JvmOverloads constructor(
        val emailId: String? = null,
        val emailAddress: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "email_factor"
    }

    /** `phone_number_factor`: the number a factor was delivered to. */
    data class PhoneNumber @JvmOverloads constructor(
        val phoneId: String? = null,
        val phoneNumber: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "phone_number_factor"
    }

    /** `{provider}_oauth_factor`: the account at an OAuth provider (`google`, `apple`, ...). */
    data class OAuth @JvmOverloads constructor(
        val provider: String,
        val id: String? = null,
        val emailId: String? = null,
        val providerSubject: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "${provider}_oauth_factor"
    }

    /** `webauthn_factor`: a passkey or security key. */
    data class WebAuthn @JvmOverloads constructor(
        val webauthnRegistrationId: String? = null,
        val domain: String? = null,
        val userAgent: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "webauthn_factor"
    }

    /** `authenticator_app_factor`: an authenticator app registration. */
    data class AuthenticatorApp @JvmOverloads constructor(
        val totpId: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "authenticator_app_factor"
    }

    /** `recovery_code_factor`: a TOTP recovery code. */
    data class RecoveryCode @JvmOverloads constructor(
        val totpRecoveryCodeId: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "recovery_code_factor"
    }

    /** `crypto_wallet_factor`: a crypto wallet. */
    data class CryptoWallet @JvmOverloads constructor(
        val cryptoWalletId: String? = null,
        val cryptoWalletAddress: String? = null,
        val cryptoWalletType: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "crypto_wallet_factor"
    }

    /** `biometric_factor`: a biometric registration on the device. */
    data class Biometric @JvmOverloads constructor(
        val biometricRegistrationId: String? = null,
        override val unknownFields: Map<String, JsonValue> = emptyMap(),
    ) : FactorDetail() {
        override val key: String get() = "biometric_factor"
    }

    /** A sub-object this version of SessionKit does not know, kept under its key as it came. */
    data class Unknown(override val key: String, val value: JsonValue) : FactorDetail() {
        override val unknownFields: Map<String, JsonValue> get() = emptyMap()
    }
}
