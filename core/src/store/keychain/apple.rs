//! The only Apple-specific code: the keychain calls, through security-framework's safe
//! password API (SPEC P3). Compiled for the iOS targets by `scripts/cross-check.sh`; never run
//! on this repository's machines (no Apple device or simulator).
//!
//! Every call names the item the same way ([`item`]): a generic password of the configured
//! service and account, not synchronisable, in the data-protection keychain, in the access
//! group if one is configured. The writes ([`written`]) add the protection class, "after first
//! unlock, this device only", as an access-control object with no flags (no user presence, no
//! prompt), and the label [`ITEM_LABEL`].
//!
//! security-framework's `set_generic_password_options` adds the item or, on
//! `errSecDuplicateItem`, updates its data with every other option as the *search*. It cannot
//! change an existing item's class. The label is what tells its update which items are this
//! version's: an item of the same service and account without it (an earlier version's,
//! perhaps in another class, or another writer's in a shared group) is not matched, the call
//! answers `errSecItemNotFound`, and the store replaces that item: delete, then add. That
//! migration happens once per such item and is not atomic (a crash between the two loses the
//! stored session once); every later save is one add or one in-place update. The one call that
//! would make the migration atomic, `SecItemUpdate` with the class among the changed
//! attributes, has no safe form in security-framework 3.7, and is not made.

use security_framework::access_control::{ProtectionMode, SecAccessControl};
use security_framework::passwords::{
    PasswordOptions, delete_generic_password_options, generic_password,
    set_generic_password_options,
};

use super::status::{ERR_SEC_DUPLICATE_ITEM, ERR_SEC_ITEM_NOT_FOUND, OsStatus};
use super::{KeychainApi, KeychainConfig};

/// The `kSecAttrLabel` of every item this version writes, always in the class "after first
/// unlock, this device only". Change it together with the class: items without it are
/// replaced on their next save.
const ITEM_LABEL: &str = "SessionKit session (after first unlock, this device only)";

/// The SecItem API of the running Apple system.
pub(super) struct AppleKeychain;

/// The attributes that name the item, for every call. The label is left out, so that reading
/// and clearing also find an earlier version's item (which then decodes as foreign: E5).
fn item(config: &KeychainConfig) -> PasswordOptions {
    let mut options = PasswordOptions::new_generic_password(config.service(), config.account());
    options.set_access_synchronized(Some(false));
    // macOS: the data-protection keychain (security-framework's `OSX_10_15`); elsewhere the
    // only keychain there is.
    options.use_protected_keychain();
    if let Some(group) = config.access_group() {
        options.set_access_group(group);
    }
    options
}

/// What a write names and sets besides the data: the protection class and the label.
fn written(config: &KeychainConfig) -> Result<PasswordOptions, OsStatus> {
    let class = SecAccessControl::create_with_protection(
        Some(ProtectionMode::AccessibleAfterFirstUnlockThisDeviceOnly),
        0,
    )
    .map_err(|error| error.code())?;
    let mut options = item(config);
    options.set_access_control(class);
    options.set_label(ITEM_LABEL);
    Ok(options)
}

impl KeychainApi for AppleKeychain {
    fn copy(&self, config: &KeychainConfig) -> Result<Vec<u8>, OsStatus> {
        generic_password(item(config)).map_err(|error| error.code())
    }

    fn add(&self, config: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus> {
        match set_generic_password_options(data, written(config)?) {
            Ok(()) => Ok(()),
            // SecItemAdd never answers this: it is the in-place update after a duplicate,
            // whose search (label included) found no item this version wrote.
            Err(error) if error.code() == ERR_SEC_ITEM_NOT_FOUND => Err(ERR_SEC_DUPLICATE_ITEM),
            Err(error) => Err(error.code()),
        }
    }

    fn replace(&self, config: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus> {
        delete_generic_password_options(item(config)).map_err(|error| error.code())?;
        set_generic_password_options(data, written(config)?).map_err(|error| error.code())
    }

    fn delete(&self, config: &KeychainConfig) -> Result<(), OsStatus> {
        delete_generic_password_options(item(config)).map_err(|error| error.code())
    }
}
