//! An in-memory keychain for host tests: the statuses a device answers, without a device.
//!
//! Items are keyed by service, account and access group, the primary key of a generic
//! password (with `kSecAttrSynchronizable`, which the store always sets to false). As with
//! SecItem, a search without an access group matches the item of any group, and an add
//! without one files the item under no group (on a device: the app's default group). Each item
//! remembers whether this version wrote it (with its label and class): an add updates such an
//! item in place and answers `errSecDuplicateItem` for any other, as `apple.rs` does.
//!
//! A test can make every call answer one status (a locked device, no keychain, a missing
//! entitlement, anything) until it says the keychain works again, or script one status for
//! the next call of one kind. Every call is recorded, failing or not.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;

use super::status::{ERR_SEC_DUPLICATE_ITEM, ERR_SEC_ITEM_NOT_FOUND, OsStatus};
use super::{KeychainApi, KeychainConfig};

/// Service, account, access group.
type ItemKey = (String, String, Option<String>);

/// One call the store made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Call {
    Copy,
    Add,
    Replace,
    Delete,
}

/// A keychain in process memory.
#[derive(Default)]
pub(super) struct FakeKeychain {
    state: Mutex<State>,
}

/// A stored item: its data, and whether this version wrote it (labelled, in its class).
struct Item {
    data: Vec<u8>,
    ours: bool,
}

#[derive(Default)]
struct State {
    items: BTreeMap<ItemKey, Item>,
    /// Answered by every call while set.
    failing: Option<OsStatus>,
    /// Answered once each, by the next call of that kind.
    scripted: VecDeque<(Call, OsStatus)>,
    calls: Vec<Call>,
}

impl State {
    /// Records `call` and says whether it fails.
    fn begin(&mut self, call: Call) -> Result<(), OsStatus> {
        self.calls.push(call);
        if let Some(status) = self.failing {
            return Err(status);
        }
        let scripted = self
            .scripted
            .iter()
            .position(|(kind, _)| *kind == call)
            .and_then(|index| self.scripted.remove(index));
        match scripted {
            Some((_, status)) => Err(status),
            None => Ok(()),
        }
    }
}

fn key(item: &KeychainConfig) -> ItemKey {
    (
        item.service().to_owned(),
        item.account().to_owned(),
        item.access_group().map(str::to_owned),
    )
}

/// Whether a search for `item` finds the stored item `stored`.
fn matches(stored: &ItemKey, item: &KeychainConfig) -> bool {
    stored.0 == item.service()
        && stored.1 == item.account()
        && item
            .access_group()
            .is_none_or(|group| stored.2.as_deref() == Some(group))
}

impl FakeKeychain {
    /// An empty keychain that works.
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Every call answers `status` until [`works`](Self::works).
    pub(super) fn fail_with(&self, status: OsStatus) {
        self.state.lock().failing = Some(status);
    }

    /// Calls succeed again (the device was unlocked, the entitlement added).
    pub(super) fn works(&self) {
        self.state.lock().failing = None;
    }

    /// The next call of kind `call` answers `status`, once.
    pub(super) fn fail_next(&self, call: Call, status: OsStatus) {
        self.state.lock().scripted.push_back((call, status));
    }

    /// Puts raw data under `item`'s exact key, as another app or an earlier version could
    /// have: without this version's label and class.
    pub(super) fn put(&self, item: &KeychainConfig, data: &[u8]) {
        let item_data = Item {
            data: data.to_vec(),
            ours: false,
        };
        self.state.lock().items.insert(key(item), item_data);
    }

    /// The raw data under `item`'s exact key.
    pub(super) fn item(&self, item: &KeychainConfig) -> Option<Vec<u8>> {
        self.state
            .lock()
            .items
            .get(&key(item))
            .map(|i| i.data.clone())
    }

    /// Whether the item under `item`'s exact key carries this version's label and class.
    pub(super) fn written_by_this_version(&self, item: &KeychainConfig) -> bool {
        self.state
            .lock()
            .items
            .get(&key(item))
            .is_some_and(|i| i.ours)
    }

    /// How many items the keychain holds.
    pub(super) fn item_count(&self) -> usize {
        self.state.lock().items.len()
    }

    /// Every call made so far, in order.
    pub(super) fn calls(&self) -> Vec<Call> {
        self.state.lock().calls.clone()
    }
}

impl KeychainApi for FakeKeychain {
    fn copy(&self, item: &KeychainConfig) -> Result<Vec<u8>, OsStatus> {
        let mut state = self.state.lock();
        state.begin(Call::Copy)?;
        state
            .items
            .iter()
            .find(|(stored, _)| matches(stored, item))
            .map(|(_, stored)| stored.data.clone())
            .ok_or(ERR_SEC_ITEM_NOT_FOUND)
    }

    fn add(&self, item: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus> {
        let mut state = self.state.lock();
        state.begin(Call::Add)?;
        let key = key(item);
        match state.items.get_mut(&key) {
            Some(stored) if stored.ours => stored.data = data.to_vec(),
            Some(_) => return Err(ERR_SEC_DUPLICATE_ITEM),
            None => {
                let new = Item {
                    data: data.to_vec(),
                    ours: true,
                };
                state.items.insert(key, new);
            }
        }
        Ok(())
    }

    fn replace(&self, item: &KeychainConfig, data: &[u8]) -> Result<(), OsStatus> {
        let mut state = self.state.lock();
        state.begin(Call::Replace)?;
        let before = state.items.len();
        state.items.retain(|stored, _| !matches(stored, item));
        if state.items.len() == before {
            return Err(ERR_SEC_ITEM_NOT_FOUND);
        }
        let new = Item {
            data: data.to_vec(),
            ours: true,
        };
        state.items.insert(key(item), new);
        Ok(())
    }

    fn delete(&self, item: &KeychainConfig) -> Result<(), OsStatus> {
        let mut state = self.state.lock();
        state.begin(Call::Delete)?;
        let before = state.items.len();
        state.items.retain(|stored, _| !matches(stored, item));
        if state.items.len() < before {
            Ok(())
        } else {
            Err(ERR_SEC_ITEM_NOT_FOUND)
        }
    }
}
