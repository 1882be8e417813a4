//! The only Apple-specific code: the four SecItem calls and the dictionaries they take
//! (SPEC P3).
//!
//! **Never compiled or run by this repository's checks**, which run on Linux, where this file
//! is left out. Keep it this small: it builds dictionaries, calls the Security framework and
//! hands its status back untouched; [`super::status`] decides what a status means.
//!
//! Every call names the item with the same attributes ([`item`]): generic password, service,
//! account, the access group if one is configured, not synchronisable, in the
//! data-protection keychain. The two writes add the data and
//! `kSecAttrAccessible = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly` ([`contents`]);
//! the read adds `kSecReturnData` and relies on the default match limit, one item.
//! security-framework-sys has no `kSecMatchLimitOne` to say it explicitly.
//!
//! CF objects are core-foundation's owned wrappers, released when dropped; the raw
//! references only cross into the four calls, which borrow them.

#![allow(
    unsafe_code,
    reason = "the Security framework's C API: reading its constants and calling SecItem*"
)]

use core_foundation::base::{CFType, CFTypeRef, TCFType};
use core_foundation::boolean::CFBoolean;
use core_foundation::data::CFData;
use core_foundation::dictionary::CFDictionary;
use core_foundation::string::{CFString, CFStringRef};
use security_framework_sys::access_control::kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly;
use security_framework_sys::base::{
    errSecDuplicateItem, errSecItemNotFound, errSecParam, errSecSuccess, errSecUnimplemented,
};
use security_framework_sys::item::{
    kSecAttrAccessGroup, kSecAttrAccount, kSecAttrService, kSecAttrSynchronizable, kSecClass,
    kSecClassGenericPassword, kSecReturnData, kSecUseDataProtectionKeychain, kSecValueData,
};
use security_framework_sys::keychain_item::{
    SecItemAdd, SecItemCopyMatching, SecItemDelete, SecItemUpdate,
};

use super::status::{
    ERR_SEC_DECODE, ERR_SEC_DUPLICATE_ITEM, ERR_SEC_ITEM_NOT_FOUND, ERR_SEC_PARAM,
    ERR_SEC_UNIMPLEMENTED, OsStatus,
};
use super::{KeychainApi, KeychainConfig};

// The statuses `status` sorts are Apple's numbers, where security-framework-sys has them.
const _: () = assert!(ERR_SEC_ITEM_NOT_FOUND == errSecItemNotFound);
const _: () = assert!(ERR_SEC_DUPLICATE_ITEM == errSecDuplicateItem);
const _: () = assert!(ERR_SEC_PARAM == errSecParam);
const _: () = assert!(ERR_SEC_UNIMPLEMENTED == errSecUnimplemented);

#[link(name = "Security", kind = "framework")]
unsafe extern "C" {
    /// The key of an item's data-protection class. security-framework-sys 2.17 declares the
    /// class values (`kSecAttrAccessible…`) but not this key.
    #[allow(non_upper_case_globals, reason = "the Security framework's own name")]
    static kSecAttrAccessible: CFStringRef;
}

/// The SecItem API of the running Apple system.
pub(super) struct AppleKeychain;

/// One of the Security framework's `kSec…` constants, as an owned `CFString`.
///
/// # Safety
/// `key` must be the value of a `CFStringRef` constant the Security framework exports.
unsafe fn constant(key: CFStringRef) -> CFString {
    // SAFETY: per the contract above, `key` is a valid, immutable CFString that lives as long
    // as the process (non-null: `wrap_under_get_rule` asserts it). The get rule retains it
    // once, and the wrapper releases that retain once when dropped.
    unsafe { CFString::wrap_under_get_rule(key) }
}

/// The attributes that name the item, the same for all four calls.
fn item(config: &KeychainConfig) -> Vec<(CFString, CFType)> {
    // SAFETY: every value handed to `constant` is read from a constant the Security framework
    // exports, as declared by security-framework-sys (`kSecUseDataProtectionKeychain` on
    // macOS through its `OSX_10_15` feature).
    let mut pairs = unsafe {
        vec![
            (
                constant(kSecClass),
                constant(kSecClassGenericPassword).into_CFType(),
            ),
            (
                constant(kSecAttrService),
                CFString::new(config.service()).into_CFType(),
            ),
            (
                constant(kSecAttrAccount),
                CFString::new(config.account()).into_CFType(),
            ),
            (
                constant(kSecAttrSynchronizable),
                CFBoolean::false_value().into_CFType(),
            ),
            (
                constant(kSecUseDataProtectionKeychain),
                CFBoolean::true_value().into_CFType(),
            ),
        ]
    };
    if let Some(group) = config.access_group() {
        // SAFETY: as above, a constant the Security framework exports.
        let key = unsafe { constant(kSecAttrAccessGroup) };
        pairs.push((key, CFString::new(group).into_CFType()));
    }
    pairs
}

/// What a write sets: the data and its protection class.
fn contents(data: &[u8]) -> [(CFString, CFType); 2] {
    // SAFETY: `kSecValueData` and `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly` are
    // constants the Security framework exports, as declared by security-framework-sys;
    // `kSecAttrAccessible` is one too, declared above.
    unsafe {
        [
            (
                constant(kSecValueData),
                CFData::from_buffer(data).into_CFType(),
            ),
            (
                constant(kSecAttrAccessible),
                constant(kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly).into_CFType(),
            ),
        ]
    }
}

fn check(status: OsStatus) -> Result<(), OsStatus> {
    if status == errSecSuccess {
        Ok(())
    } else {
        Err(status)
    }
}

impl KeychainApi for AppleKeychain {
    fn copy(&self, config: &KeychainConfig) -> Result<Vec<u8>, OsStatus> {
        let mut query = item(config);
        // SAFETY: a constant the Security framework exports.
        let return_data = unsafe { constant(kSecReturnData) };
        query.push((return_data, CFBoolean::true_value().into_CFType()));
        let query = CFDictionary::from_CFType_pairs(&query);
        let mut result: CFTypeRef = std::ptr::null();
        // SAFETY: `query` is a live dictionary for the whole call and `result` a valid place
        // for the one object the call hands back; that object is ours to release (the create
        // rule), which the wrapper below does.
        check(unsafe { SecItemCopyMatching(query.as_concrete_TypeRef(), &mut result) })?;
        if result.is_null() {
            return Err(ERR_SEC_DECODE);
        }
        // SAFETY: non-null, and owned by us under the create rule: wrapped once, released
        // once when the wrapper drops.
        let result = unsafe { CFType::wrap_under_create_rule(result) };
        // With `kSecReturnData` alone and one match, the result is the item's data. Anything
        // else breaks the call's contract; it is reported as the framework's own "could not
        // decode" status, which the store reports as a failure with its number.
        result
            .downcast_into::<CFData>()
            .map(|data| data.bytes().to_vec())
            .ok_or(ERR_SEC_DECODE)
    }

    fn add(&self, config: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus> {
        let mut attributes = item(config);
        attributes.extend(contents(data));
        let attributes = CFDictionary::from_CFType_pairs(&attributes);
        // SAFETY: `attributes` is a live dictionary for the whole call; a null result pointer
        // is allowed and asks for no result.
        check(unsafe { SecItemAdd(attributes.as_concrete_TypeRef(), std::ptr::null_mut()) })
    }

    fn update(&self, config: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus> {
        let query = CFDictionary::from_CFType_pairs(&item(config));
        let changes = CFDictionary::from_CFType_pairs(&contents(data));
        // SAFETY: both dictionaries are live for the whole call, which only reads them.
        check(unsafe { SecItemUpdate(query.as_concrete_TypeRef(), changes.as_concrete_TypeRef()) })
    }

    fn delete(&self, config: &KeychainConfig) -> Result<(), OsStatus> {
        let query = CFDictionary::from_CFType_pairs(&item(config));
        // SAFETY: the dictionary is live for the whole call, which only reads it.
        check(unsafe { SecItemDelete(query.as_concrete_TypeRef()) })
    }
}
