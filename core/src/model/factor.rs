//! Authentication factors: how the user proved who they are (SPEC M2).
//!
//! Stytch describes each factor with a `type`, a `delivery_method`, timestamps and exactly one
//! `*_factor` sub-object whose key says what kind of credential it was. The server adds new
//! kinds over time, so the sub-object is parsed by its key: known keys become typed
//! [`FactorDetail`] variants, any other `*_factor` key is kept as [`FactorDetail::Unknown`], and
//! both are written back under the key they came with.

use chrono::{DateTime, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::json::{JsonObject, open_string_enum};

open_string_enum! {
    /// How a factor was satisfied (`type` on the wire).
    pub enum FactorType {
        /// An email magic link.
        MagicLink => "magic_link",
        /// A one-time passcode.
        Otp => "otp",
        /// An OAuth provider.
        OAuth => "oauth",
        /// A passkey or security key.
        WebAuthn => "webauthn",
        /// An authenticator app code.
        Totp => "totp",
        /// A crypto wallet signature.
        Crypto => "crypto",
        /// A password.
        Password => "password",
        /// A device-bound signature challenge.
        SignatureChallenge => "signature_challenge",
        /// Enterprise single sign-on.
        Sso => "sso",
        /// A session imported from another provider.
        Imported => "imported",
        /// A TOTP recovery code.
        RecoveryCodes => "recovery_codes",
        /// A one-time passcode sent by email.
        EmailOtp => "email_otp",
        /// A session started by an impersonating administrator.
        Impersonated => "impersonated",
        /// A token issued by a trusted identity provider.
        TrustedAuthToken => "trusted_auth_token",
    }
}

open_string_enum! {
    /// Through what channel the factor was delivered (`delivery_method` on the wire).
    pub enum DeliveryMethod {
        /// Sent to an email address.
        Email => "email",
        /// Sent by SMS.
        Sms => "sms",
        /// Sent by WhatsApp.
        WhatsApp => "whatsapp",
        /// Something the user knows (a password).
        Knowledge => "knowledge",
        /// Through an authenticator app.
        AuthenticatorApp => "authenticator_app",
        /// A recovery code.
        RecoveryCode => "recovery_code",
        /// A WebAuthn registration.
        WebAuthnRegistration => "webauthn_registration",
        /// A biometric registration on the device.
        Biometric => "biometric",
        /// Through a crypto wallet.
        CryptoWallet => "crypto_wallet",
        /// Through an OAuth provider; the detail names which one.
        OAuthGoogle => "oauth_google",
        /// Through Apple sign-in.
        OAuthApple => "oauth_apple",
        /// Through Microsoft sign-in.
        OAuthMicrosoft => "oauth_microsoft",
        /// Through GitHub sign-in.
        OAuthGithub => "oauth_github",
    }
}

/// One way the user proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthenticationFactor {
    /// How the factor was satisfied.
    pub factor_type: FactorType,
    /// Through what channel.
    pub delivery_method: DeliveryMethod,
    /// When the user last satisfied this factor.
    pub last_authenticated_at: DateTime<Utc>,
    /// When the factor was first used.
    pub created_at: Option<DateTime<Utc>>,
    /// When the factor last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// The credential-specific sub-object (`email_factor`, `webauthn_factor`, ...), if any.
    pub detail: Option<FactorDetail>,
    /// Fields this version of SessionKit does not know, kept verbatim.
    pub extra: JsonObject,
}

/// The `*_factor` sub-object of an [`AuthenticationFactor`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FactorDetail {
    /// `email_factor`
    Email(#[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] EmailFactor),
    /// `phone_number_factor`
    PhoneNumber(#[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] PhoneNumberFactor),
    /// `{provider}_oauth_factor`, for example `google_oauth_factor`.
    OAuth {
        /// The provider named by the key (`google`, `apple`, ...).
        provider: String,
        /// The provider's description of the user.
        factor: OAuthFactor,
    },
    /// `webauthn_factor`
    WebAuthn(#[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] WebAuthnFactor),
    /// `authenticator_app_factor`
    AuthenticatorApp(
        #[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] AuthenticatorAppFactor,
    ),
    /// `recovery_code_factor`
    RecoveryCode(#[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] RecoveryCodeFactor),
    /// `crypto_wallet_factor`
    CryptoWallet(#[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] CryptoWalletFactor),
    /// `biometric_factor`
    Biometric(#[cfg_attr(feature = "uniffi", uniffi(name = "factor"))] BiometricFactor),
    /// A sub-object this version of SessionKit does not know, under its wire key.
    Unknown {
        /// The key it came under, ending in `_factor`.
        key: String,
        /// Its content, verbatim.
        value: Value,
    },
}

macro_rules! factor_struct {
    ($(#[$meta:meta])* $name:ident { $( $(#[$fmeta:meta])* $field:ident ),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )+
            /// Fields this version of SessionKit does not know, kept verbatim.
            #[serde(flatten)]
            pub extra: JsonObject,
        }
    };
}

factor_struct!(
    /// The email address a factor was delivered to.
    EmailFactor {
        /// The server's id of the email address.
        email_id,
        /// The address itself.
        email_address,
    }
);
factor_struct!(
    /// The phone number a factor was delivered to.
    PhoneNumberFactor {
        /// The server's id of the phone number.
        phone_id,
        /// The number in E.164 form.
        phone_number,
    }
);
factor_struct!(
    /// The account at an OAuth provider.
    OAuthFactor {
        /// The server's id of the OAuth registration.
        id,
        /// The email the provider reported, if linked.
        email_id,
        /// The provider's id of the user.
        provider_subject,
    }
);
factor_struct!(
    /// A passkey or security key.
    WebAuthnFactor {
        /// The server's id of the registration.
        webauthn_registration_id,
        /// The relying party domain.
        domain,
        /// The user agent that registered it.
        user_agent,
    }
);
factor_struct!(
    /// An authenticator app registration.
    AuthenticatorAppFactor {
        /// The server's id of the TOTP registration.
        totp_id,
    }
);
factor_struct!(
    /// A TOTP recovery code.
    RecoveryCodeFactor {
        /// The server's id of the recovery code set.
        totp_recovery_code_id,
    }
);
factor_struct!(
    /// A crypto wallet.
    CryptoWalletFactor {
        /// The server's id of the wallet.
        crypto_wallet_id,
        /// The wallet's address.
        crypto_wallet_address,
        /// The wallet's chain, for example `ethereum`.
        crypto_wallet_type,
    }
);
factor_struct!(
    /// A biometric registration on the device.
    BiometricFactor {
        /// The server's id of the registration.
        biometric_registration_id,
    }
);

impl FactorDetail {
    /// The wire key this sub-object lives under.
    pub fn key(&self) -> String {
        match self {
            Self::Email(_) => "email_factor".into(),
            Self::PhoneNumber(_) => "phone_number_factor".into(),
            Self::OAuth { provider, .. } => format!("{provider}_oauth_factor"),
            Self::WebAuthn(_) => "webauthn_factor".into(),
            Self::AuthenticatorApp(_) => "authenticator_app_factor".into(),
            Self::RecoveryCode(_) => "recovery_code_factor".into(),
            Self::CryptoWallet(_) => "crypto_wallet_factor".into(),
            Self::Biometric(_) => "biometric_factor".into(),
            Self::Unknown { key, .. } => key.clone(),
        }
    }

    /// Parses a sub-object by its key. One whose shape does not match what its key promises
    /// is kept as [`FactorDetail::Unknown`] rather than failing the whole session.
    fn from_wire(key: String, value: Value) -> Self {
        Self::typed(&key, &value).unwrap_or(Self::Unknown { key, value })
    }

    /// The typed sub-object `key` promises, read from `value` in place, or `None` when the
    /// key is unknown or the shape does not match.
    fn typed(key: &str, value: &Value) -> Option<Self> {
        let read = |value: &Value| -> Option<Self> {
            Some(match key {
                "email_factor" => Self::Email(Deserialize::deserialize(value).ok()?),
                "phone_number_factor" => Self::PhoneNumber(Deserialize::deserialize(value).ok()?),
                "webauthn_factor" => Self::WebAuthn(Deserialize::deserialize(value).ok()?),
                "authenticator_app_factor" => {
                    Self::AuthenticatorApp(Deserialize::deserialize(value).ok()?)
                }
                "recovery_code_factor" => Self::RecoveryCode(Deserialize::deserialize(value).ok()?),
                "crypto_wallet_factor" => Self::CryptoWallet(Deserialize::deserialize(value).ok()?),
                "biometric_factor" => Self::Biometric(Deserialize::deserialize(value).ok()?),
                _ => match key.strip_suffix("_oauth_factor") {
                    Some(provider) if !provider.is_empty() => Self::OAuth {
                        provider: provider.to_owned(),
                        factor: Deserialize::deserialize(value).ok()?,
                    },
                    _ => return None,
                },
            })
        };
        read(value)
    }

    fn to_wire(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::Email(f) => serde_json::to_value(f),
            Self::PhoneNumber(f) => serde_json::to_value(f),
            Self::OAuth { factor, .. } => serde_json::to_value(factor),
            Self::WebAuthn(f) => serde_json::to_value(f),
            Self::AuthenticatorApp(f) => serde_json::to_value(f),
            Self::RecoveryCode(f) => serde_json::to_value(f),
            Self::CryptoWallet(f) => serde_json::to_value(f),
            Self::Biometric(f) => serde_json::to_value(f),
            Self::Unknown { value, .. } => Ok(value.clone()),
        }
    }
}

fn take_time<E: serde::de::Error>(
    object: &mut JsonObject,
    key: &'static str,
) -> Result<Option<DateTime<Utc>>, E> {
    match object.shift_remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value).map(Some).map_err(E::custom),
    }
}

impl<'de> Deserialize<'de> for AuthenticationFactor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = JsonObject::deserialize(deserializer)?;
        let text = |object: &mut JsonObject, key: &'static str| match object.shift_remove(key) {
            Some(Value::String(s)) => Ok(s),
            None | Some(Value::Null) => Ok(String::new()),
            Some(_) => Err(D::Error::custom(format!("`{key}` must be a string"))),
        };
        let factor_type = FactorType::from(text(&mut object, "type")?.as_str());
        let delivery_method = DeliveryMethod::from(text(&mut object, "delivery_method")?.as_str());
        let last_authenticated_at = take_time::<D::Error>(&mut object, "last_authenticated_at")?
            .ok_or_else(|| D::Error::missing_field("last_authenticated_at"))?;
        let created_at = take_time::<D::Error>(&mut object, "created_at")?;
        let updated_at = take_time::<D::Error>(&mut object, "updated_at")?;

        // Exactly one sub-object is expected; should the server ever send more, the first
        // becomes the typed detail and the rest stay in `extra`, so nothing is lost.
        let detail_key = object
            .iter()
            .find(|(key, value)| key.ends_with("_factor") && !value.is_null())
            .map(|(key, _)| key.clone());
        let detail = match detail_key {
            Some(key) => {
                let value = object.shift_remove(&key).unwrap_or(Value::Null);
                Some(FactorDetail::from_wire(key, value))
            }
            None => None,
        };
        Ok(Self {
            factor_type,
            delivery_method,
            last_authenticated_at,
            created_at,
            updated_at,
            detail,
            extra: object,
        })
    }
}

impl Serialize for AuthenticationFactor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let mut object = JsonObject::new();
        object.insert("type".into(), self.factor_type.as_str().into());
        object.insert(
            "delivery_method".into(),
            self.delivery_method.as_str().into(),
        );
        let time = |t: &DateTime<Utc>| serde_json::to_value(t).map_err(S::Error::custom);
        object.insert(
            "last_authenticated_at".into(),
            time(&self.last_authenticated_at)?,
        );
        if let Some(t) = &self.created_at {
            object.insert("created_at".into(), time(t)?);
        }
        if let Some(t) = &self.updated_at {
            object.insert("updated_at".into(), time(t)?);
        }
        if let Some(detail) = &self.detail {
            object.insert(detail.key(), detail.to_wire().map_err(S::Error::custom)?);
        }
        for (key, value) in &self.extra {
            object.insert(key.clone(), value.clone());
        }
        object.serialize(serializer)
    }
}
