//! Storage (P1-P4, M4, E4, E5, E7): the stores, the versioned envelope, storage failing
//! around a refresh, a crash at any point of a write, and the Android Keystore store on a
//! desktop JVM (with the `android-keystore` feature).

#[path = "../support/mod.rs"]
mod support;

#[cfg(feature = "android-keystore")]
mod android_keystore;
mod faults;
mod stores;
