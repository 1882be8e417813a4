//! Security framework statuses, sorted into what the engine must do about them (SPEC P3, E4,
//! E7).
//!
//! | status | Apple's name | load | save | clear |
//! | --- | --- | --- | --- | --- |
//! | -25300 | `errSecItemNotFound` | no session (`Ok(None)`) | from the update after a duplicate: add once more | nothing to delete (`Ok`) |
//! | -25299 | `errSecDuplicateItem` | failed | from the add: update instead | failed |
//! | -25308 | `errSecInteractionNotAllowed` | E4, unavailable | E4 | E4 |
//! | -25291 | `errSecNotAvailable` | E4, unavailable | E4 | E4 |
//! | -34018 | `errSecMissingEntitlement` | E7, failed, naming the entitlement | E7 | E7 |
//! | anything else | | failed, carrying its number | failed | failed |
//!
//! The first two rows are the store's own business ([`KeychainStore`](super::KeychainStore));
//! [`failure`] turns every other status into the error the engine acts on. A locked device
//! (`errSecInteractionNotAllowed`: the device has not been unlocked since it booted) is never
//! "signed out": the session is kept and the call retried when the app says storage is back.
//! A missing entitlement never passes by itself, so nothing waits for it.
//!
//! Messages name the action, the status (its number always, Apple's name when known) and, for
//! a missing entitlement, the configured access group: never the item's data, so never a
//! token (E6).

use crate::store::StoreError;

/// Security framework's `OSStatus`.
pub(super) type OsStatus = i32;

/// `errSecUnimplemented`.
pub(super) const ERR_SEC_UNIMPLEMENTED: OsStatus = -4;
/// `errSecParam`: one or more parameters passed to the function were not valid.
pub(super) const ERR_SEC_PARAM: OsStatus = -50;
/// `errSecUserCanceled`.
pub(super) const ERR_SEC_USER_CANCELED: OsStatus = -128;
/// `errSecNotAvailable`: no keychain is available (E4).
pub(super) const ERR_SEC_NOT_AVAILABLE: OsStatus = -25291;
/// `errSecAuthFailed`.
pub(super) const ERR_SEC_AUTH_FAILED: OsStatus = -25293;
/// `errSecDuplicateItem`: an add found the item already there.
pub(super) const ERR_SEC_DUPLICATE_ITEM: OsStatus = -25299;
/// `errSecItemNotFound`: there is no such item.
pub(super) const ERR_SEC_ITEM_NOT_FOUND: OsStatus = -25300;
/// `errSecInteractionNotAllowed`: the device is locked (before its first unlock since boot,
/// for an item readable after first unlock) (E4).
pub(super) const ERR_SEC_INTERACTION_NOT_ALLOWED: OsStatus = -25308;
/// `errSecDecode`: the Security framework could not decode data.
pub(super) const ERR_SEC_DECODE: OsStatus = -26275;
/// `errSecMissingEntitlement`: the app is not entitled to the keychain or to the access
/// group it names (E7).
pub(super) const ERR_SEC_MISSING_ENTITLEMENT: OsStatus = -34018;

/// What the store was doing when the keychain answered, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    Load,
    Save,
    Clear,
}

impl Action {
    fn doing(self) -> &'static str {
        match self {
            Action::Load => "reading the session from the keychain",
            Action::Save => "writing the session to the keychain",
            Action::Clear => "deleting the session from the keychain",
        }
    }
}

/// Apple's name for a status this store may meet, for the log.
pub(super) fn name(status: OsStatus) -> Option<&'static str> {
    Some(match status {
        ERR_SEC_UNIMPLEMENTED => "errSecUnimplemented",
        ERR_SEC_PARAM => "errSecParam",
        ERR_SEC_USER_CANCELED => "errSecUserCanceled",
        ERR_SEC_NOT_AVAILABLE => "errSecNotAvailable",
        ERR_SEC_AUTH_FAILED => "errSecAuthFailed",
        ERR_SEC_DUPLICATE_ITEM => "errSecDuplicateItem",
        ERR_SEC_ITEM_NOT_FOUND => "errSecItemNotFound",
        ERR_SEC_INTERACTION_NOT_ALLOWED => "errSecInteractionNotAllowed",
        ERR_SEC_DECODE => "errSecDecode",
        ERR_SEC_MISSING_ENTITLEMENT => "errSecMissingEntitlement",
        _ => return None,
    })
}

/// `errSecParam, OSStatus -50`, or `OSStatus 12345` for a status without a known name.
fn describe(status: OsStatus) -> String {
    match name(status) {
        Some(name) => format!("{name}, OSStatus {status}"),
        None => format!("OSStatus {status}"),
    }
}

/// The error for a status the store does not handle itself; see the table at the top of this
/// file. `access_group` is the configured one, named in the missing-entitlement message.
pub(super) fn failure(action: Action, status: OsStatus, access_group: Option<&str>) -> StoreError {
    let doing = action.doing();
    let status_text = describe(status);
    match status {
        ERR_SEC_INTERACTION_NOT_ALLOWED => StoreError::Unavailable {
            detail: format!(
                "{doing}: the keychain cannot be used until the device is unlocked ({status_text})"
            ),
        },
        ERR_SEC_NOT_AVAILABLE => StoreError::Unavailable {
            detail: format!("{doing}: no keychain is available right now ({status_text})"),
        },
        ERR_SEC_MISSING_ENTITLEMENT => StoreError::Failed {
            detail: match access_group {
                Some(group) => format!(
                    "{doing}: the app lacks the keychain-access-groups entitlement for the access \
                     group \"{group}\" ({status_text}); add the group, with its team ID prefix, to \
                     the Keychain Sharing capability of the app and of every extension that \
                     shares the session"
                ),
                None => format!(
                    "{doing}: the app lacks the entitlements the data-protection keychain needs \
                     ({status_text}): a signed application identifier and its \
                     keychain-access-groups; on macOS, sign the app with a provisioning profile"
                ),
            },
        },
        _ => StoreError::Failed {
            detail: format!("{doing}: the keychain answered {status_text}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: [Action; 3] = [Action::Load, Action::Save, Action::Clear];

    #[test]
    fn e4_a_locked_device_and_a_missing_keychain_are_unavailable() {
        for status in [ERR_SEC_INTERACTION_NOT_ALLOWED, ERR_SEC_NOT_AVAILABLE] {
            for action in ACTIONS {
                match failure(action, status, None) {
                    StoreError::Unavailable { detail } => {
                        assert!(detail.contains(&status.to_string()), "{detail}");
                    }
                    other => panic!("{action:?} answered {status}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn e7_a_missing_entitlement_is_a_failure_naming_the_entitlement_and_the_group() {
        for action in ACTIONS {
            let StoreError::Failed { detail } = failure(
                action,
                ERR_SEC_MISSING_ENTITLEMENT,
                Some("ABCDE12345.dev.sessionkit.shared"),
            ) else {
                panic!("{action:?}: a missing entitlement must be a failure");
            };
            assert!(
                detail.contains("keychain-access-groups entitlement"),
                "{detail}"
            );
            assert!(
                detail.contains("\"ABCDE12345.dev.sessionkit.shared\""),
                "{detail}"
            );
            assert!(
                detail.contains("errSecMissingEntitlement, OSStatus -34018"),
                "{detail}"
            );

            let StoreError::Failed { detail } = failure(action, ERR_SEC_MISSING_ENTITLEMENT, None)
            else {
                panic!("{action:?}: a missing entitlement must be a failure");
            };
            assert!(detail.contains("keychain-access-groups"), "{detail}");
            assert!(detail.contains("-34018"), "{detail}");
        }
    }

    #[test]
    fn every_other_status_is_a_failure_carrying_its_number() {
        let others = [
            ERR_SEC_PARAM,
            ERR_SEC_AUTH_FAILED,
            ERR_SEC_UNIMPLEMENTED,
            ERR_SEC_USER_CANCELED,
            ERR_SEC_DECODE,
            ERR_SEC_DUPLICATE_ITEM,
            ERR_SEC_ITEM_NOT_FOUND,
            0,
            1,
            -67_000,
            i32::MIN,
        ];
        for status in others {
            for action in ACTIONS {
                match failure(action, status, Some("group")) {
                    StoreError::Failed { detail } => {
                        assert!(detail.contains(&format!("OSStatus {status}")), "{detail}");
                        assert!(detail.starts_with(action.doing()), "{detail}");
                    }
                    other => panic!("{action:?} answered {status}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn known_statuses_are_named_and_unknown_ones_are_not() {
        assert_eq!(name(-25300), Some("errSecItemNotFound"));
        assert_eq!(name(-25308), Some("errSecInteractionNotAllowed"));
        assert_eq!(name(-34018), Some("errSecMissingEntitlement"));
        assert_eq!(name(-12_345), None);
        assert_eq!(describe(-50), "errSecParam, OSStatus -50");
        assert_eq!(describe(-12_345), "OSStatus -12345");
    }
}
