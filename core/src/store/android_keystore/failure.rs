//! Java exceptions, sorted into what the engine must do about them (SPEC P4, E4, E5).
//!
//! A failed JNI call leaves a Java exception pending. It is taken and cleared in the same
//! local frame, then sorted by the class names along its cause chain (each with its
//! superclasses, so a provider's subclass of `ProviderException` still counts as one):
//!
//! | found anywhere in the chain | means | so |
//! | --- | --- | --- |
//! | `AEADBadTagException` | the blob was altered or sealed under another key | E5 |
//! | `KeyPermanentlyInvalidatedException` | the key is dead (for example the lock screen was removed) | E5, and the key is deleted |
//! | `NoSuchAlgorithmException`, `NoSuchProviderException`, `NoSuchPaddingException` | a misconfigured store: never passes | failed |
//! | `UserNotAuthenticatedException`, `ProviderException`, `KeyStoreException`, `UnrecoverableKeyException` | the provider cannot serve the key right now | E4 |
//! | anything else | | failed |
//!
//! Only class names reach the error text: never an exception's message, which a provider is
//! free to fill with anything, and never the bytes being sealed.

use jni::Env;
use jni::objects::{JClass, JThrowable};

use crate::store::StoreError;

/// How far along a cause chain, and up a class hierarchy, the sorting looks.
const MAX_CAUSES: usize = 8;
const MAX_SUPERCLASSES: usize = 12;

const BAD_TAG: &str = "javax.crypto.AEADBadTagException";
const KEY_INVALIDATED: &str = "android.security.keystore.KeyPermanentlyInvalidatedException";
const MISCONFIGURED: &[&str] = &[
    "java.security.NoSuchAlgorithmException",
    "java.security.NoSuchProviderException",
    "javax.crypto.NoSuchPaddingException",
];
/// Failures that pass with time. `UnrecoverableKeyException` is here because AndroidKeyStore
/// raises it for keys it briefly cannot reach; treating it as E5 would sign people out.
const TRANSIENT: &[&str] = &[
    "android.security.keystore.UserNotAuthenticatedException",
    "java.security.ProviderException",
    "java.security.KeyStoreException",
    "android.security.KeyStoreException",
    "java.security.UnrecoverableKeyException",
];

/// What a sequence of JNI calls stopped on, before it is sorted.
#[derive(Debug)]
pub(super) enum Failure {
    /// A JNI call failed, usually because it left a Java exception pending.
    Jni(jni::errors::Error),
    /// The adapter itself decided (a missing key, a malformed blob).
    Store(StoreError),
}

impl From<jni::errors::Error> for Failure {
    fn from(error: jni::errors::Error) -> Self {
        Failure::Jni(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Store(error)
    }
}

/// What the store does about a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// E5: what is stored will never be readable.
    Corrupted,
    /// E5 as well, and the key must be deleted so that the next save makes a new one.
    KeyInvalidated,
    /// E4: try again later.
    Unavailable,
    /// Anything else.
    Failed,
}

/// A sorted failure: the verdict and a message naming classes only.
#[derive(Debug)]
pub(super) struct Fault {
    pub(super) verdict: Verdict,
    pub(super) detail: String,
}

impl From<Fault> for StoreError {
    fn from(fault: Fault) -> Self {
        match fault.verdict {
            Verdict::Corrupted | Verdict::KeyInvalidated => StoreError::Corrupted {
                detail: fault.detail,
            },
            Verdict::Unavailable => StoreError::Unavailable {
                detail: fault.detail,
            },
            Verdict::Failed => StoreError::Failed {
                detail: fault.detail,
            },
        }
    }
}

impl From<StoreError> for Fault {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Corrupted { detail } => Fault {
                verdict: Verdict::Corrupted,
                detail,
            },
            StoreError::Unavailable { detail } => Fault {
                verdict: Verdict::Unavailable,
                detail,
            },
            StoreError::Failed { detail } => Fault {
                verdict: Verdict::Failed,
                detail,
            },
        }
    }
}

/// Sorts `failure` while still inside the frame it happened in, taking and clearing any
/// pending exception so that none outlives the call.
pub(super) fn sort(env: &mut Env, action: &str, failure: Failure) -> Fault {
    let fault = match failure {
        Failure::Store(error) => Fault::from(error),
        Failure::Jni(_) if env.exception_check() => take_pending(env, action),
        Failure::Jni(jni::errors::Error::CaughtJavaException { name, .. }) => {
            // jni-rs caught and cleared this one itself; it kept the class name.
            let chain = vec![vec![name]];
            Fault {
                verdict: classify(&chain),
                detail: format!("{action}: {}", describe(&chain)),
            }
        }
        Failure::Jni(error) => Fault {
            verdict: Verdict::Failed,
            detail: format!("{action}: JNI call failed: {}", jni_error(&error)),
        },
    };
    if env.exception_check() {
        // Looking at the exception threw again; it must not leak to the caller's thread.
        env.exception_clear();
    }
    fault
}

fn take_pending(env: &mut Env, action: &str) -> Fault {
    let Some(throwable) = env.exception_occurred() else {
        return Fault {
            verdict: Verdict::Failed,
            detail: format!("{action}: a Java exception vanished before it could be read"),
        };
    };
    env.exception_clear();
    match cause_chain(env, throwable) {
        Ok(chain) => Fault {
            verdict: classify(&chain),
            detail: format!("{action}: {}", describe(&chain)),
        },
        Err(_) => {
            env.exception_clear();
            Fault {
                verdict: Verdict::Failed,
                detail: format!("{action}: a Java exception could not be inspected"),
            }
        }
    }
}

/// The class names of `throwable` and its causes, each with its superclasses, most
/// specific first.
fn cause_chain(env: &mut Env, throwable: JThrowable) -> jni::errors::Result<Vec<Vec<String>>> {
    let mut chain = Vec::new();
    let mut current = throwable;
    while chain.len() < MAX_CAUSES && !current.is_null() {
        let class = env.get_object_class(&current)?;
        chain.push(class_hierarchy(env, class)?);
        let cause = current.get_cause(env)?;
        if env.is_same_object(&cause, &current)? {
            break;
        }
        current = cause;
    }
    Ok(chain)
}

fn class_hierarchy(env: &mut Env, class: JClass) -> jni::errors::Result<Vec<String>> {
    let mut names = Vec::new();
    let mut current = Some(class);
    while let Some(class) = current.take() {
        names.push(class.get_name(env)?.to_string());
        if names.len() < MAX_SUPERCLASSES {
            current = env.get_superclass(&class)?;
        }
    }
    Ok(names)
}

/// The verdict for a cause chain; see the table at the top of this file.
pub(super) fn classify(chain: &[Vec<String>]) -> Verdict {
    let any = |wanted: &[&str]| {
        chain
            .iter()
            .flatten()
            .any(|class| wanted.contains(&class.as_str()))
    };
    if any(&[BAD_TAG]) {
        Verdict::Corrupted
    } else if any(&[KEY_INVALIDATED]) {
        Verdict::KeyInvalidated
    } else if any(MISCONFIGURED) {
        Verdict::Failed
    } else if any(TRANSIENT) {
        Verdict::Unavailable
    } else {
        Verdict::Failed
    }
}

/// `Outer caused by Inner`: the most specific class of each link, nothing else.
fn describe(chain: &[Vec<String>]) -> String {
    let classes: Vec<&str> = chain
        .iter()
        .filter_map(|hierarchy| hierarchy.first().map(String::as_str))
        .collect();
    if classes.is_empty() {
        "a Java exception".into()
    } else {
        classes.join(" caused by ")
    }
}

/// A JNI error, described without any text from Java (a caught exception's message and
/// stack trace are left out).
pub(super) fn jni_error(error: &jni::errors::Error) -> String {
    use jni::errors::Error;
    match error {
        Error::NoClassDefFound { requested, .. } => format!("class {requested} not found"),
        Error::MethodNotFound { name, sig } => format!("method {name} {sig} not found"),
        Error::CaughtJavaException { name, .. } => name.clone(),
        other => other.to_string().chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(links: &[&[&str]]) -> Vec<Vec<String>> {
        links
            .iter()
            .map(|hierarchy| hierarchy.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn e5_a_failed_tag_is_corrupted() {
        let c = chain(&[&[BAD_TAG, "javax.crypto.BadPaddingException"]]);
        assert_eq!(classify(&c), Verdict::Corrupted);
    }

    #[test]
    fn e5_a_permanently_invalidated_key_is_corrupted_even_when_wrapped() {
        let c = chain(&[&["java.security.ProviderException"], &[KEY_INVALIDATED]]);
        assert_eq!(classify(&c), Verdict::KeyInvalidated);
        assert!(matches!(
            StoreError::from(Fault {
                verdict: classify(&c),
                detail: String::new()
            }),
            StoreError::Corrupted { .. }
        ));
    }

    #[test]
    fn e4_transient_provider_errors_and_their_subclasses_are_unavailable() {
        for link in TRANSIENT {
            assert_eq!(classify(&chain(&[&[link]])), Verdict::Unavailable, "{link}");
        }
        let subclass = chain(&[&[
            "android.security.keystore.KeyStoreConnectException",
            "java.security.ProviderException",
            "java.lang.RuntimeException",
        ]]);
        assert_eq!(classify(&subclass), Verdict::Unavailable);
    }

    #[test]
    fn a_missing_algorithm_is_a_failure_not_a_passing_outage() {
        let c = chain(&[
            &["java.security.KeyStoreException"],
            &["java.security.NoSuchAlgorithmException"],
        ]);
        assert_eq!(classify(&c), Verdict::Failed);
    }

    #[test]
    fn anything_else_is_a_failure() {
        let c = chain(&[&["java.lang.IllegalStateException"]]);
        assert_eq!(classify(&c), Verdict::Failed);
        assert_eq!(classify(&[]), Verdict::Failed);
    }

    #[test]
    fn the_description_names_classes_only() {
        let c = chain(&[&["a.Outer", "a.Base"], &["b.Inner"]]);
        assert_eq!(describe(&c), "a.Outer caused by b.Inner");
    }
}
