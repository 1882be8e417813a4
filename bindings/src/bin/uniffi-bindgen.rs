//! The UniFFI bindings generator, pinned to the same UniFFI version as the library so the
//! generated Kotlin and Swift always match the scaffolding they call:
//! `uniffi-bindgen generate --library <libsessionkit_ffi.so> --language kotlin --out-dir DIR`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
