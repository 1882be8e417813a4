//! The Apple Keychain session store (SPEC P3): the envelope in one generic-password item.
//!
//! # The item
//!
//! One `kSecClassGenericPassword` item, named by the configured service (`kSecAttrService`)
//! and account (`kSecAttrAccount`) and, when one is configured, by the access group
//! (`kSecAttrAccessGroup`) that the app shares with its extensions. Every call names it with
//! the same attributes, and the writes give it its protection class:
//!
//! - **`kSecUseDataProtectionKeychain = true`.** On macOS the SecItem API talks to the
//!   legacy file-based keychain unless a call sets this key or `kSecAttrSynchronizable =
//!   true` (Apple's TN3137 names no other switch). The file-based keychain has no
//!   data-protection classes, so P3's "after first unlock, this device only" would mean
//!   nothing there. On iOS, iPadOS, tvOS, watchOS and visionOS the data-protection keychain is
//!   the only one and the key changes nothing; it is set on every Apple target anyway, so
//!   that one dictionary serves them all, Mac Catalyst included (it builds as
//!   `target_os = "ios"` and runs on macOS). security-framework offers it on macOS only with
//!   its `OSX_10_15` feature (`PasswordOptions::use_protected_keychain`), which this crate
//!   turns on.
//! - **`kSecAttrSynchronizable = false`, said explicitly.** It is already the default for a
//!   new item and for a search, so this changes nothing for SessionKit's own item; but it is
//!   part of the item's primary key, and saying it makes every query that exact key: a
//!   synchronised item of the same service and account (iCloud Keychain) is another item,
//!   never read, overwritten or deleted here. A `ThisDeviceOnly` item cannot be synchronised
//!   anyway.
//! - **The class "after first unlock, this device only"**, as an access-control object with
//!   no flags (`SecAccessControl::create_with_protection(AccessibleAfterFirstUnlockThisDeviceOnly,
//!   0)`): no user presence, no biometry, no prompt. The item is readable from the first unlock
//!   after a boot until shutdown, so the refresh scheduler works in the background with the
//!   screen locked; it never travels to another device in a backup. Before the first unlock
//!   the calls answer `errSecInteractionNotAllowed`, which is E4.
//! - **A label** (`ITEM_LABEL` in `apple.rs`) on every item this version writes, and only with
//!   that class.
//!
//! # Through security-framework, and the one thing it cannot do
//!
//! The calls go through security-framework's safe password API (`apple.rs`): no `unsafe`
//! code in this crate. Its `set_generic_password_options` adds the item or, when it exists,
//! updates the item's data in place, searching with every other option, the class and the
//! label included. It cannot change the class of an item that exists. So an item that an
//! earlier version wrote (without the label, perhaps in another class) does not match that
//! update; the add then reports the item in the way, and the store **replaces** it: delete,
//! then add with the class and the label. That happens once per such item, on its first save,
//! and is not atomic: a crash between the delete and the add loses the stored session once.
//! The alternative, `SecItemUpdate` with the class among the changed attributes, has no safe
//! form in security-framework 3.7 and would bring back the crate's only `unsafe` block. Change
//! the label together with the class, should the class ever change: items without the new
//! label are then replaced on their next save.
//!
//! # The seam
//!
//! Everything but the SecItem calls is plain Rust that compiles and is tested on every host.
//! The calls go through the private `KeychainApi` trait, implemented by `apple::AppleKeychain`
//! on Apple targets and, in this module's tests, by `fake::FakeKeychain`, which answers the
//! statuses a device answers. The statuses are sorted in [`status`], the item's format is in
//! [`blob`].
//!
//! A save adds the item, or updates this version's item in place; if an item it did not write
//! is in the way (`errSecDuplicateItem`) it replaces it; if the replacement finds nothing to
//! delete (an extension deleted it in between) it adds once more. Each `SecItemAdd` or
//! `SecItemUpdate` writes the item whole in one keychain transaction, so a crash leaves the
//! old item or the new one (P2), except during the one-time replacement above.
//!
//! **Covered by host tests** (on Linux, against the fake): the store, the status sorting,
//! the item format, the add-or-update path and the engine's reaction. **Not covered**:
//! `apple.rs` at run time: it builds for Apple targets only, and `scripts/cross-check.sh`
//! compiles and lints it for iOS on every run, but no Apple device or simulator runs it here.

#[cfg(target_vendor = "apple")]
mod apple;
mod blob;
#[cfg(test)]
mod fake;
mod status;

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{SessionStore, StoreError};
use status::{Action, ERR_SEC_DUPLICATE_ITEM, ERR_SEC_ITEM_NOT_FOUND, OsStatus};

/// The SecItem calls, on the generic-password item that `item` names. Statuses come back as
/// the Security framework answered them; [`status`] decides what they mean.
trait KeychainApi: Send + Sync + 'static {
    /// The item's data; `errSecItemNotFound` when there is none.
    fn copy(&self, item: &KeychainConfig) -> Result<Vec<u8>, OsStatus>;
    /// Adds the item holding `data`, with the class and this version's label, or updates the data of
    /// this version's (labelled) item in place; `errSecDuplicateItem` when an item this
    /// version did not write is in the way.
    fn add(&self, item: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus>;
    /// Replaces the item whatever wrote it: deletes it, then adds it as [`add`](Self::add)
    /// does; `errSecItemNotFound` (nothing added) when there was none to delete.
    fn replace(&self, item: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus>;
    /// Deletes the item; `errSecItemNotFound` when there is none.
    fn delete(&self, item: &KeychainConfig) -> Result<(), OsStatus>;
}

/// Which keychain item a [`KeychainStore`] keeps the session in.
///
/// Without an access group, a new item goes to the app's default access group (the first of
/// its `keychain-access-groups`, else its application identifier) and a search covers every
/// group the app may use. An app that shares its session with an extension names the shared
/// group, with its team ID prefix, in the app and in the extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeychainConfig {
    service: String,
    account: String,
    access_group: Option<String>,
}

impl KeychainConfig {
    /// The generic-password item of `service` and `account` (for example the app's bundle
    /// identifier and `"session"`), in the app's default access group.
    ///
    /// # Errors
    /// [`SessionError::InvalidArgument`](crate::session_error::SessionError::InvalidArgument) for an empty
    /// service or account: Swift gets the same check, since it lives here.
    pub fn new(
        service: impl Into<String>,
        account: impl Into<String>,
    ) -> Result<Self, crate::session_error::SessionError> {
        Ok(Self {
            service: non_empty(service.into(), "the keychain service")?,
            account: non_empty(account.into(), "the keychain account")?,
            access_group: None,
        })
    }

    /// The same item in the shared access group `group` (for example
    /// `"ABCDE12345.com.example.shared"`), so that an app extension can read and write the
    /// session too. The app and the extension both need the group in their
    /// `keychain-access-groups` entitlement; without it every call fails (E7).
    ///
    /// # Errors
    /// [`SessionError::InvalidArgument`](crate::session_error::SessionError::InvalidArgument) for an empty
    /// group.
    pub fn with_access_group(
        mut self,
        group: impl Into<String>,
    ) -> Result<Self, crate::session_error::SessionError> {
        self.access_group = Some(non_empty(group.into(), "the keychain access group")?);
        Ok(self)
    }

    /// The item's service (`kSecAttrService`).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The item's account (`kSecAttrAccount`).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The item's access group (`kSecAttrAccessGroup`), if one is configured.
    pub fn access_group(&self) -> Option<&str> {
        self.access_group.as_deref()
    }
}

fn non_empty(value: String, what: &str) -> Result<String, crate::session_error::SessionError> {
    if value.trim().is_empty() {
        Err(crate::session_error::SessionError::InvalidArgument {
            detail: format!("{what} must not be empty"),
        })
    } else {
        Ok(value)
    }
}

/// Keeps the envelope in one generic-password item of the Apple keychain (SPEC P3).
///
/// The item is in the data-protection keychain (macOS included), not synchronised, and
/// accessible after first unlock on this device only: the engine can refresh in the
/// background while the screen is locked, no prompt ever appears, and a backup restored to
/// another device does not carry the session. Build it with `KeychainStore::new`, which
/// exists on Apple targets only:
///
/// ```
/// use sessionkit::{KeychainConfig, SessionClient};
/// let config = KeychainConfig::new("com.example.app", "session")?
///     .with_access_group("ABCDE12345.com.example.shared")?;
/// #[cfg(target_vendor = "apple")]
/// let client = SessionClient::builder()
///     .store(sessionkit::KeychainStore::new(config))
///     .build()?;
/// # Ok::<(), sessionkit::SessionError>(())
/// ```
///
/// What a call reports:
/// - no item is no session, and clearing an absent item succeeds;
/// - a locked device (`errSecInteractionNotAllowed`: not unlocked since it booted) and
///   `errSecNotAvailable` are [`StoreError::Unavailable`] (E4): the session is kept, never
///   read as "signed out";
/// - a missing entitlement (`errSecMissingEntitlement`) is [`StoreError::Failed`], naming
///   the `keychain-access-groups` entitlement and the access group (E7); on macOS an
///   unsigned binary, such as a command-line tool, gets this too, since the
///   data-protection keychain needs a signed application identifier;
/// - an item this store did not write (another app's or library's item under the same
///   service and account, a future format) is [`StoreError::Corrupted`] (E5), which the
///   engine wipes with [`clear`](SessionStore::clear);
/// - any other status is [`StoreError::Failed`] carrying its OSStatus number.
///
/// Messages never contain the item's data. Keychain items outlive an uninstall; wiping a
/// session left by a previous install on the first launch is the Swift wrapper's choice
/// (P3), made by calling `clear`. The store needs macOS 10.15, iOS 13 (or the tvOS,
/// watchOS and visionOS equivalents) at run time, where `kSecUseDataProtectionKeychain`
/// first exists.
pub struct KeychainStore {
    config: KeychainConfig,
    api: Arc<dyn KeychainApi>,
}

impl KeychainStore {
    /// A store keeping the session in the item `config` names. Nothing is touched until the
    /// first call.
    #[cfg(target_vendor = "apple")]
    pub fn new(config: KeychainConfig) -> Self {
        Self::with_api(config, Arc::new(apple::AppleKeychain))
    }

    /// A store making its SecItem calls through `api`: the Security framework on a device,
    /// the fake keychain in host tests.
    #[cfg_attr(
        not(any(test, target_vendor = "apple")),
        expect(dead_code, reason = "off Apple targets only the tests build a store")
    )]
    fn with_api(config: KeychainConfig, api: Arc<dyn KeychainApi>) -> Self {
        Self { config, api }
    }

    /// The item this store keeps the session in.
    pub fn config(&self) -> &KeychainConfig {
        &self.config
    }

    fn failure(&self, action: Action, status: OsStatus) -> StoreError {
        status::failure(action, status, self.config.access_group())
    }
}

impl std::fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SessionStore for KeychainStore {
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let item = match self.api.copy(&self.config) {
            Ok(item) => Zeroizing::new(item),
            Err(ERR_SEC_ITEM_NOT_FOUND) => return Ok(None),
            Err(status) => return Err(self.failure(Action::Load, status)),
        };
        Ok(Some(blob::decode(&item)?.to_vec()))
    }

    fn save(&self, blob: &[u8]) -> Result<(), StoreError> {
        let item = blob::encode(blob);
        match self.api.add(&self.config, &item) {
            Ok(()) => return Ok(()),
            Err(ERR_SEC_DUPLICATE_ITEM) => {}
            Err(status) => return Err(self.failure(Action::Save, status)),
        }
        // An item this version did not write (an earlier version's, in another class) is in
        // the way: replace it, once.
        match self.api.replace(&self.config, &item) {
            Ok(()) => Ok(()),
            // Deleted between the two calls (by an extension sharing the item): add it again.
            Err(ERR_SEC_ITEM_NOT_FOUND) => self
                .api
                .add(&self.config, &item)
                .map_err(|status| self.failure(Action::Save, status)),
            Err(status) => Err(self.failure(Action::Save, status)),
        }
    }

    fn clear(&self) -> Result<(), StoreError> {
        match self.api.delete(&self.config) {
            Ok(()) | Err(ERR_SEC_ITEM_NOT_FOUND) => Ok(()),
            Err(status) => Err(self.failure(Action::Clear, status)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{Call, FakeKeychain};
    use super::status::{
        ERR_SEC_AUTH_FAILED, ERR_SEC_INTERACTION_NOT_ALLOWED, ERR_SEC_MISSING_ENTITLEMENT,
        ERR_SEC_NOT_AVAILABLE, ERR_SEC_PARAM, ERR_SEC_UNIMPLEMENTED,
    };
    use super::*;

    const GROUP: &str = "ABCDE12345.dev.sessionkit.shared";

    fn config(service: &str, account: &str, group: Option<&str>) -> KeychainConfig {
        let config = KeychainConfig::new(service, account).unwrap();
        match group {
            Some(group) => config.with_access_group(group).unwrap(),
            None => config,
        }
    }

    fn store_on(fake: &Arc<FakeKeychain>, config: KeychainConfig) -> KeychainStore {
        KeychainStore::with_api(config, fake.clone())
    }

    /// Load, save and clear, once each, as `(name, outcome)`.
    fn every_call(store: &KeychainStore) -> [(&'static str, Result<(), StoreError>); 3] {
        [
            ("load", store.load().map(|_| ())),
            ("save", store.save(b"a newer envelope")),
            ("clear", store.clear()),
        ]
    }

    #[test]
    fn p3_round_trip_and_clear() {
        let fake = FakeKeychain::new();
        let store = store_on(&fake, config("dev.sessionkit.app", "session", Some(GROUP)));
        assert_eq!(store.load().unwrap(), None, "no item is no session");

        store.save(b"envelope one").unwrap();
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope one"[..]));
        let raw = fake.item(store.config()).unwrap();
        assert!(
            raw.starts_with(b"SKKC\x01"),
            "the item carries the store's header"
        );

        store.save(b"envelope two").unwrap();
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope two"[..]));
        assert_eq!(fake.item_count(), 1, "one item, replaced");

        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
        assert_eq!(fake.item_count(), 0);
        store.clear().unwrap();
    }

    #[test]
    fn p3_items_of_other_services_accounts_or_groups_are_separate() {
        let fake = FakeKeychain::new();
        let stores = [
            store_on(&fake, config("service", "account", Some(GROUP))),
            store_on(&fake, config("other service", "account", Some(GROUP))),
            store_on(&fake, config("service", "other account", Some(GROUP))),
            store_on(
                &fake,
                config("service", "account", Some("ABCDE12345.other")),
            ),
        ];
        for (index, store) in stores.iter().enumerate() {
            store.save(format!("envelope {index}").as_bytes()).unwrap();
        }
        assert_eq!(fake.item_count(), stores.len());
        for (index, store) in stores.iter().enumerate() {
            let expected = format!("envelope {index}").into_bytes();
            assert_eq!(
                store.load().unwrap(),
                Some(expected),
                "{:?}",
                store.config()
            );
        }

        stores[0].clear().unwrap();
        assert_eq!(stores[0].load().unwrap(), None);
        for store in &stores[1..] {
            assert!(store.load().unwrap().is_some(), "{:?}", store.config());
        }
    }

    #[test]
    fn e4_locked_device_is_unavailable_never_signed_out() {
        for status in [ERR_SEC_INTERACTION_NOT_ALLOWED, ERR_SEC_NOT_AVAILABLE] {
            let fake = FakeKeychain::new();
            let store = store_on(&fake, config("service", "account", None));
            store.save(b"envelope").unwrap();

            fake.fail_with(status);
            for (call, outcome) in every_call(&store) {
                match outcome {
                    Err(StoreError::Unavailable { detail }) => {
                        assert!(detail.contains(&status.to_string()), "{call}: {detail}");
                    }
                    other => panic!("{call} with OSStatus {status}: {other:?}"),
                }
            }

            fake.works();
            assert_eq!(
                store.load().unwrap().as_deref(),
                Some(&b"envelope"[..]),
                "OSStatus {status}: nothing was lost or wiped"
            );
        }
    }

    #[test]
    fn e7_missing_entitlement_is_a_failure_naming_the_entitlement() {
        for group in [Some(GROUP), None] {
            let fake = FakeKeychain::new();
            let store = store_on(&fake, config("service", "account", group));
            fake.fail_with(ERR_SEC_MISSING_ENTITLEMENT);
            for (call, outcome) in every_call(&store) {
                match outcome {
                    Err(StoreError::Failed { detail }) => {
                        assert!(detail.contains("keychain-access-groups"), "{detail}");
                        assert!(detail.contains("entitlement"), "{detail}");
                        assert!(detail.contains("-34018"), "{detail}");
                        if let Some(group) = group {
                            assert!(detail.contains(group), "{detail}");
                        }
                    }
                    other => panic!("{call} without the entitlement: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn e5_an_item_that_does_not_decode_is_corrupted() {
        let fake = FakeKeychain::new();
        let store = store_on(&fake, config("service", "account", None));
        let foreign = [
            b"".as_slice(),
            b"SK".as_slice(),
            b"SKKC".as_slice(),
            b"{\"token\":\"another app's\"}".as_slice(),
            b"SKKC\x02a future format".as_slice(),
            b"SKKS\x01the Keystore store's format".as_slice(),
        ];
        for data in foreign {
            fake.put(store.config(), data);
            assert!(
                matches!(store.load(), Err(StoreError::Corrupted { .. })),
                "{data:?}"
            );
            // What the engine does next: wipe it, and find nothing afterwards.
            store.clear().unwrap();
            assert_eq!(store.load().unwrap(), None);
        }

        // A save over another app's item replaces it instead of failing on it.
        fake.put(store.config(), b"another app's password");
        store.save(b"envelope").unwrap();
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope"[..]));
    }

    #[test]
    fn other_statuses_carry_their_number() {
        let others = [
            ERR_SEC_PARAM,
            ERR_SEC_AUTH_FAILED,
            ERR_SEC_UNIMPLEMENTED,
            ERR_SEC_DUPLICATE_ITEM,
            -67_000,
            1,
        ];
        for status in others {
            let fake = FakeKeychain::new();
            let store = store_on(&fake, config("service", "account", Some(GROUP)));
            fake.fail_with(status);
            for (call, outcome) in every_call(&store) {
                match outcome {
                    Err(StoreError::Failed { detail }) => {
                        assert!(detail.contains(&format!("OSStatus {status}")), "{detail}");
                    }
                    other => panic!("{call} with OSStatus {status}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn p2_later_saves_update_this_versions_item_in_place() {
        let fake = FakeKeychain::new();
        let store = store_on(&fake, config("service", "account", None));
        store.save(b"first").unwrap();
        store.save(b"second").unwrap();
        assert_eq!(fake.calls(), [Call::Add, Call::Add], "one call per save");
        assert_eq!(fake.item_count(), 1);
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"second"[..]));
    }

    #[test]
    fn p3_an_item_an_earlier_version_wrote_in_another_class_is_replaced_on_the_next_save() {
        // An earlier SessionKit (or another writer in a shared group) left an item without
        // this version's label and class: it is in the way of the add, and is replaced.
        let fake = FakeKeychain::new();
        let cfg = config("service", "account", Some(GROUP));
        let store = store_on(&fake, cfg.clone());
        fake.put(&cfg, &blob::encode(b"written by an earlier version"));
        assert!(!fake.written_by_this_version(&cfg));
        store.save(b"envelope").unwrap();
        assert_eq!(fake.calls(), [Call::Add, Call::Replace]);
        assert!(
            fake.written_by_this_version(&cfg),
            "now in this version's class"
        );
        assert_eq!(fake.item_count(), 1);
        // From then on a save is one in-place update.
        store.save(b"next").unwrap();
        assert_eq!(fake.calls(), [Call::Add, Call::Replace, Call::Add]);
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"next"[..]));
    }

    #[test]
    fn a_save_that_meets_an_item_deleted_under_it_adds_it_again() {
        // Another process's item was in the way, then deleted between this save's two calls.
        let fake = FakeKeychain::new();
        let store = store_on(&fake, config("service", "account", Some(GROUP)));
        fake.fail_next(Call::Add, ERR_SEC_DUPLICATE_ITEM);
        store.save(b"envelope").unwrap();
        assert_eq!(fake.calls(), [Call::Add, Call::Replace, Call::Add]);
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"envelope"[..]));
    }

    #[test]
    fn a_replacement_that_fails_is_reported_with_its_status() {
        let fake = FakeKeychain::new();
        let cfg = config("service", "account", None);
        let store = store_on(&fake, cfg.clone());
        fake.put(&cfg, &blob::encode(b"first"));
        fake.fail_next(Call::Replace, ERR_SEC_INTERACTION_NOT_ALLOWED);
        assert!(matches!(
            store.save(b"second"),
            Err(StoreError::Unavailable { .. })
        ));
        assert_eq!(store.load().unwrap().as_deref(), Some(&b"first"[..]));
    }

    #[test]
    fn no_message_contains_the_blob() {
        const SECRET: &[u8] = b"session_token=TOKEN-SECRET-0123;session_jwt=eyJ.SECRET.sig";
        let fake = FakeKeychain::new();
        let store = store_on(&fake, config("service", "account", Some(GROUP)));
        store.save(SECRET).unwrap();

        let mut errors = Vec::new();
        let statuses = [
            ERR_SEC_INTERACTION_NOT_ALLOWED,
            ERR_SEC_NOT_AVAILABLE,
            ERR_SEC_MISSING_ENTITLEMENT,
            ERR_SEC_PARAM,
            ERR_SEC_DUPLICATE_ITEM,
            -67_000,
        ];
        for status in statuses {
            fake.fail_with(status);
            errors.extend(store.load().err());
            errors.extend(store.save(SECRET).err());
            errors.extend(store.clear().err());
        }
        fake.works();
        // Items holding a token without the header, or behind an unknown format.
        for data in [&b"TOKEN-SECRET-0123"[..], &b"SKKC\x09TOKEN-SECRET-0123"[..]] {
            fake.put(store.config(), data);
            errors.extend(store.load().err());
        }

        assert_eq!(errors.len(), statuses.len() * 3 + 2);
        for error in &errors {
            let text = format!("{error} {error:?}");
            assert!(!text.contains("SECRET"), "{text}");
        }
        assert!(!format!("{store:?}").contains("SECRET"));
    }

    #[test]
    fn the_config_refuses_an_empty_service_account_or_group() {
        let invalid = |outcome: Result<KeychainConfig, crate::session_error::SessionError>| {
            matches!(
                outcome,
                Err(crate::session_error::SessionError::InvalidArgument { .. })
            )
        };
        assert!(invalid(KeychainConfig::new("", "account")));
        assert!(invalid(KeychainConfig::new("service", " ")));
        assert!(invalid(
            KeychainConfig::new("service", "account").and_then(|c| c.with_access_group(""))
        ));
        let config = KeychainConfig::new("service", "account")
            .and_then(|c| c.with_access_group(GROUP))
            .unwrap();
        assert_eq!(
            (config.service(), config.account(), config.access_group()),
            ("service", "account", Some(GROUP))
        );
    }

    /// The engine on top of the store: a locked keychain at start-up is not a sign-out.
    #[cfg(not(feature = "model-check"))]
    #[test]
    fn e4_a_locked_keychain_at_start_up_keeps_the_stored_session() {
        let fake = FakeKeychain::new();
        let config = config("service", "account", None);
        fake.put(&config, &blob::encode(b"whatever the engine wrote"));
        fake.fail_with(ERR_SEC_INTERACTION_NOT_ALLOWED);

        let client = crate::SessionClient::builder()
            .store(store_on(&fake, config.clone()))
            .build()
            .unwrap();
        assert!(matches!(
            client.restore_outcome(),
            crate::RestoreOutcome::Unavailable { .. }
        ));
        assert!(fake.item(&config).is_some(), "nothing was wiped");
    }

    /// The engine on top of the store: another app's item is wiped once, and the engine
    /// starts signed out.
    #[cfg(not(feature = "model-check"))]
    #[test]
    fn e5_an_item_of_another_app_is_wiped_at_start_up() {
        let fake = FakeKeychain::new();
        let config = config("service", "account", None);
        fake.put(&config, b"another app's password");

        let client = crate::SessionClient::builder()
            .store(store_on(&fake, config.clone()))
            .build()
            .unwrap();
        assert!(matches!(
            client.restore_outcome(),
            crate::RestoreOutcome::Corrupted { .. }
        ));
        assert!(client.get_sync().is_none());
        assert_eq!(fake.item(&config), None, "the foreign item is wiped");
    }
}
