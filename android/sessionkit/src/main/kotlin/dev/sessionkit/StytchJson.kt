// Stytch's session object in JSON and the Kotlin Session, both ways, without the native
// library: what Session.fromJson and Session.json use. The rules are the engine's (core's
// model/session.rs and model/factor.rs): unknown fields kept, `null` collections read as
// empty, the first non-null `*_factor` member typed by its key, a sub-object whose shape
// does not match its key kept as it came. The host tests check both against the engine.
package dev.sessionkit

import java.time.Instant
import java.time.OffsetDateTime
import java.time.format.DateTimeParseException

internal object StytchJson {
    private val SESSION_KEYS = setOf(
        "session_id", "user_id", "started_at", "last_accessed_at", "expires_at",
        "attributes", "authentication_factors", "custom_claims", "roles",
    )

    fun session(json: JsonValue): Session {
        val o = json.asMap ?: invalid("a session must be a JSON object")
        return Session(
            sessionId = text(o, "session_id") ?: invalid("missing session_id"),
            userId = text(o, "user_id") ?: invalid("missing user_id"),
            startedAt = time(o, "started_at") ?: invalid("missing started_at"),
            lastAccessedAt = time(o, "last_accessed_at") ?: invalid("missing last_accessed_at"),
            expiresAt = time(o, "expires_at") ?: invalid("missing expires_at"),
            attributes = attributes(o["attributes"]),
            authenticationFactors = list(o, "authentication_factors").map(::factor),
            customClaims = objectOrEmpty(o, "custom_claims"),
            roles = list(o, "roles").map { it.asString ?: invalid("roles must be strings") },
            unknownFields = o.filterKeys { it !in SESSION_KEYS },
        )
    }

    fun write(session: Session): JsonValue {
        val o = linkedMapOf<String, JsonValue>(
            "session_id" to JsonValue.Text(session.sessionId),
            "user_id" to JsonValue.Text(session.userId),
            "started_at" to time(session.startedAt),
            "last_accessed_at" to time(session.lastAccessedAt),
            "expires_at" to time(session.expiresAt),
            "attributes" to JsonValue.Object(
                linkedMapOf<String, JsonValue>(
                    "ip_address" to JsonValue.Text(session.attributes.ipAddress),
                    "user_agent" to JsonValue.Text(session.attributes.userAgent),
                ) + session.attributes.unknownFields,
            ),
            "authentication_factors" to JsonValue.Array(session.authenticationFactors.map(::write)),
            "custom_claims" to JsonValue.Object(session.customClaims),
            "roles" to JsonValue.Array(session.roles.map { JsonValue.Text(it) }),
        )
        o.putAll(session.unknownFields)
        return JsonValue.Object(o)
    }

    private fun write(factor: AuthenticationFactor): JsonValue {
        val o = linkedMapOf<String, JsonValue>(
            "type" to JsonValue.Text(factor.factorType),
            "delivery_method" to JsonValue.Text(factor.deliveryMethod),
            "last_authenticated_at" to time(factor.lastAuthenticatedAt),
        )
        factor.createdAt?.let { o["created_at"] = time(it) }
        factor.updatedAt?.let { o["updated_at"] = time(it) }
        factor.detail?.let { o[it.key] = write(it) }
        o.putAll(factor.unknownFields)
        return JsonValue.Object(o)
    }

    private fun write(detail: FactorDetail): JsonValue {
        fun fields(vararg pairs: Pair<String, String?>): JsonValue = JsonValue.Object(
            pairs.filter { it.second != null }.associateTo(linkedMapOf()) { (k, v) -> k to JsonValue.Text(v!!) } +
                detail.unknownFields,
        )
        return when (detail) {
            is FactorDetail.Email -> fields("email_id" to detail.emailId, "email_address" to detail.emailAddress)
            is FactorDetail.PhoneNumber -> fields("phone_id" to detail.phoneId, "phone_number" to detail.phoneNumber)
            is FactorDetail.OAuth -> fields(
                "id" to detail.id, "email_id" to detail.emailId, "provider_subject" to detail.providerSubject,
            )
            is FactorDetail.WebAuthn -> fields(
                "webauthn_registration_id" to detail.webauthnRegistrationId,
                "domain" to detail.domain, "user_agent" to detail.userAgent,
            )
            is FactorDetail.AuthenticatorApp -> fields("totp_id" to detail.totpId)
            is FactorDetail.RecoveryCode -> fields("totp_recovery_code_id" to detail.totpRecoveryCodeId)
            is FactorDetail.CryptoWallet -> fields(
                "crypto_wallet_id" to detail.cryptoWalletId,
                "crypto_wallet_address" to detail.cryptoWalletAddress,
                "crypto_wallet_type" to detail.cryptoWalletType,
            )
            is FactorDetail.Biometric -> fields("biometric_registration_id" to detail.biometricRegistrationId)
            is FactorDetail.Unknown -> detail.value
        }
    }

    private fun attributes(value: JsonValue?): SessionAttributes {
        val o = value?.asMap ?: return SessionAttributes()
        return SessionAttributes(
            ipAddress = text(o, "ip_address") ?: "",
            userAgent = text(o, "user_agent") ?: "",
            unknownFields = o.filterKeys { it != "ip_address" && it != "user_agent" },
        )
    }

    private fun factor(value: JsonValue): AuthenticationFactor {
        val o = value.asMap ?: invalid("an authentication factor must be a JSON object")
        val rest = LinkedHashMap(o)
        rest.keys.removeAll(listOf("type", "delivery_method", "last_authenticated_at", "created_at", "updated_at"))
        val detailKey = rest.entries.firstOrNull { (k, v) -> k.endsWith("_factor") && !v.isNull }?.key
        val detail = detailKey?.let { key -> detail(key, rest.remove(key)!!) }
        return AuthenticationFactor(
            factorType = text(o, "type") ?: "",
            deliveryMethod = text(o, "delivery_method") ?: "",
            lastAuthenticatedAt = time(o, "last_authenticated_at") ?: invalid("missing last_authenticated_at"),
            createdAt = time(o, "created_at"),
            updatedAt = time(o, "updated_at"),
            detail = detail,
            unknownFields = rest,
        )
    }

    /** The typed sub-object [key] promises, or [FactorDetail.Unknown] when the shape does not match. */
    private fun detail(key: String, value: JsonValue): FactorDetail {
        val o = value.asMap ?: return FactorDetail.Unknown(key, value)
        fun known(vararg names: String): Pair<List<String?>, Map<String, JsonValue>>? {
            val strings = names.map { name ->
                when (val v = o[name]) {
                    null, JsonValue.Null -> null
                    is JsonValue.Text -> v.value
                    else -> return null
                }
            }
            return strings to o.filterKeys { it !in names }
        }
        val typed: FactorDetail? = when (key) {
            "email_factor" -> known("email_id", "email_address")?.let { (f, x) -> FactorDetail.Email(f[0], f[1], x) }
            "phone_number_factor" -> known("phone_id", "phone_number")?.let { (f, x) -> FactorDetail.PhoneNumber(f[0], f[1], x) }
            "webauthn_factor" -> known("webauthn_registration_id", "domain", "user_agent")
                ?.let { (f, x) -> FactorDetail.WebAuthn(f[0], f[1], f[2], x) }
            "authenticator_app_factor" -> known("totp_id")?.let { (f, x) -> FactorDetail.AuthenticatorApp(f[0], x) }
            "recovery_code_factor" -> known("totp_recovery_code_id")?.let { (f, x) -> FactorDetail.RecoveryCode(f[0], x) }
            "crypto_wallet_factor" -> known("crypto_wallet_id", "crypto_wallet_address", "crypto_wallet_type")
                ?.let { (f, x) -> FactorDetail.CryptoWallet(f[0], f[1], f[2], x) }
            "biometric_factor" -> known("biometric_registration_id")?.let { (f, x) -> FactorDetail.Biometric(f[0], x) }
            else -> {
                val provider = key.removeSuffix("_oauth_factor")
                if (key.endsWith("_oauth_factor") && provider.isNotEmpty()) {
                    known("id", "email_id", "provider_subject")
                        ?.let { (f, x) -> FactorDetail.OAuth(provider, f[0], f[1], f[2], x) }
                } else {
                    null
                }
            }
        }
        return typed ?: FactorDetail.Unknown(key, value)
    }

    private fun text(o: Map<String, JsonValue>, key: String): String? = when (val v = o[key]) {
        null, JsonValue.Null -> null
        is JsonValue.Text -> v.value
        else -> invalid("$key must be a string")
    }

    private fun time(o: Map<String, JsonValue>, key: String): Instant? {
        val text = text(o, key) ?: return null
        return try {
            OffsetDateTime.parse(text).toInstant()
        } catch (e: DateTimeParseException) {
            invalid("$key is not an RFC 3339 time")
        }
    }

    private fun time(instant: Instant): JsonValue = JsonValue.Text(instant.toString())

    private fun list(o: Map<String, JsonValue>, key: String): List<JsonValue> = when (val v = o[key]) {
        null, JsonValue.Null -> emptyList()
        is JsonValue.Array -> v.items
        else -> invalid("$key must be an array")
    }

    private fun objectOrEmpty(o: Map<String, JsonValue>, key: String): Map<String, JsonValue> = when (val v = o[key]) {
        null, JsonValue.Null -> emptyMap()
        is JsonValue.Object -> v.members
        else -> invalid("$key must be an object")
    }

    private fun invalid(what: String): Nothing =
        throw SessionKitException.InvalidArgument("not a Stytch session object: $what")
}
