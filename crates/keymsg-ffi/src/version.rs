//! Library version.

use std::ffi::CStr;

use crate::panic::guard_value;
use crate::string::keymsg_str;

const VERSION: &CStr = match CStr::from_bytes_with_nul(
    concat!("keymsg-ffi/", env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(v) => v,
    Err(_) => c"keymsg-ffi/unknown",
};

/// The library's name and version, e.g. `"keymsg-ffi/0.1.0"`.
///
/// Static storage: valid forever, never freed, NUL-terminated. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn keymsg_version() -> keymsg_str {
    guard_value(keymsg_str::EMPTY, || keymsg_str::from_static(VERSION))
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_names_the_crate_version() {
        let v = super::VERSION.to_str().unwrap();
        assert_eq!(v, format!("keymsg-ffi/{}", env!("CARGO_PKG_VERSION")));
    }
}
