//! Detached minisign signatures over the exact bytes of a catalog file.
//!
//! Verification uses `minisign-verify` (Ed25519 over the file's BLAKE2b
//! hash, plus the global signature over the trusted comment); signing uses
//! the `minisign` crate with secret keys as `minisign -G` writes them, with
//! or without a password. Both sides interoperate with the `minisign` tool.

use super::super::error::CatalogError;
use super::super::status::SignatureInfo;

/// A public key trusted to sign catalogs.
#[derive(Clone)]
pub struct TrustedKey {
    key: minisign_verify::PublicKey,
    id: String,
}

impl std::fmt::Debug for TrustedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrustedKey({})", self.id)
    }
}

impl TrustedKey {
    /// A key from its base64 form (`RWQ...`, the second line of a
    /// `minisign.pub` file) or from the whole content of such a file.
    /// `what` names the key in errors.
    pub fn parse(text: &str, what: &str) -> Result<TrustedKey, CatalogError> {
        let bad = |reason: &str| CatalogError::BadKey {
            what: what.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        // A public key file: an untrusted comment line, then the key.
        let b64 = if trimmed.starts_with("untrusted comment:") {
            trimmed.lines().nth(1).map(str::trim).unwrap_or_default()
        } else {
            trimmed
        };
        if b64.is_empty() || b64.contains(char::is_whitespace) {
            return Err(bad(
                "not a minisign public key (expected `RW...` or a minisign.pub file)",
            ));
        }
        let key = minisign_verify::PublicKey::from_base64(b64)
            .map_err(|e| bad(&format!("not a minisign public key: {e}")))?;
        let id = minisign::PublicKey::from_base64(b64)
            .map(|k| key_id_hex(k.keynum()))
            .map_err(|e| bad(&format!("not a minisign public key: {e}")))?;
        Ok(TrustedKey { key, id })
    }

    /// A key read from a `minisign.pub` file.
    pub fn from_file(path: &std::path::Path) -> Result<TrustedKey, CatalogError> {
        let what = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| CatalogError::BadKey {
            what: what.clone(),
            reason: format!("cannot read: {e}"),
        })?;
        TrustedKey::parse(&text, &what)
    }

    /// The key id, 16 upper-case hex digits as `minisign` prints it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// minisign prints a key number as a little-endian 64-bit integer in hex.
fn key_id_hex(keynum: &[u8]) -> String {
    keynum.iter().rev().map(|b| format!("{b:02X}")).collect()
}

/// The key id a signature names, without verifying anything.
fn signature_key_id(sig_text: &str) -> Option<String> {
    minisign::SignatureBox::from_string(sig_text)
        .ok()
        .map(|b| key_id_hex(b.keynum()))
}

/// Verify `signature` (the text of a `.minisig` file) over `bytes` with
/// one of `keys`. `source_name` labels errors.
pub fn verify(
    bytes: &[u8],
    signature: &str,
    keys: &[TrustedKey],
    source_name: &str,
) -> Result<SignatureInfo, CatalogError> {
    let invalid = |reason: String| CatalogError::SignatureInvalid {
        source_name: source_name.to_owned(),
        reason,
    };
    let sig = minisign_verify::Signature::decode(signature)
        .map_err(|e| invalid(format!("not a minisign signature ({e})")))?;
    let key_id = signature_key_id(signature)
        .ok_or_else(|| invalid("not a minisign signature (no key id)".to_owned()))?;
    // A key id is 8 bytes anyone can choose: two trusted keys may share
    // one (by accident, or a rogue key made to shadow the real one), so
    // every key with the signature's id is tried, not only the first.
    let mut candidates = keys.iter().filter(|k| k.id == key_id).peekable();
    if candidates.peek().is_none() {
        return Err(CatalogError::UntrustedKey {
            source_name: source_name.to_owned(),
            key_id,
        });
    }
    let mut failure = None;
    for key in candidates {
        match key.key.verify(bytes, &sig, false) {
            Ok(()) => {
                failure = None;
                break;
            }
            Err(e) => failure = Some(e),
        }
    }
    if let Some(e) = failure {
        return Err(invalid(match e {
            minisign_verify::Error::UnexpectedAlgorithm => {
                "legacy (not prehashed) signature: sign again with a current minisign or `keymsg sign`".to_owned()
            }
            _ => format!(
                "the signature by key {key_id} does not match these bytes: the file was changed after signing, or the signature is for another file"
            ),
        }));
    }
    Ok(SignatureInfo {
        key_id,
        trusted_comment: sig.trusted_comment().to_owned(),
    })
}

/// A secret key written without a password (`minisign -G -W`). The
/// `minisign` tool leaves such a key's checksum zero, which the crate's
/// reader rejects as corrupt, so the key bytes are read directly; the
/// signature made with it is verified before it is returned.
fn unencrypted_secret_key(text: &str) -> Option<minisign::SecretKey> {
    use ct_codecs::{Base64, Decoder};
    let b64 = text.trim_start().lines().nth(1)?.trim();
    let bytes = Base64::decode_to_vec(b64, None).ok()?;
    // Layout: signature algorithm (2), KDF algorithm (2), ...; KDF "\0\0" is none.
    if bytes.get(2..4)? != [0, 0] {
        return None;
    }
    minisign::SecretKey::from_bytes(&bytes).ok()
}

/// Sign `bytes` with a secret key as `minisign -G` writes it (`secret_key`
/// is the key file's text). A password-protected key needs `password`; an
/// unprotected one takes none. Returns the text of the `.minisig` file.
///
/// `trusted_comment` defaults to what `minisign -S` writes:
/// `timestamp:<unix seconds>\tfile:<file_name>\thashed`.
pub fn sign(
    bytes: &[u8],
    secret_key: &str,
    password: Option<&str>,
    file_name: &str,
    trusted_comment: Option<&str>,
    what: &str,
) -> Result<String, CatalogError> {
    let bad = |reason: String| CatalogError::BadKey {
        what: what.to_owned(),
        reason,
    };
    let sk_box = minisign::SecretKeyBox::from_string(secret_key.trim_start())
        .map_err(|e| bad(format!("not a minisign secret key: {e}")))?;
    let sk = match unencrypted_secret_key(secret_key) {
        Some(sk) => {
            if password.is_some_and(|p| !p.is_empty()) {
                return Err(bad(
                    "the key is not password-protected, but a password was given".to_owned(),
                ));
            }
            sk
        }
        None => match password {
            // `None` would make the crate prompt on the terminal: never here.
            Some(p) => sk_box
                .into_secret_key(Some(p.to_owned()))
                .map_err(|e| bad(format!("cannot decrypt the secret key: {e}")))?,
            None => {
                return Err(bad(
                    "the secret key is password-protected: give its password".to_owned(),
                ));
            }
        },
    };
    let default_comment;
    let comment = match trusted_comment {
        Some(c) => c,
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            default_comment = format!("timestamp:{now}\tfile:{file_name}\thashed");
            &default_comment
        }
    };
    if comment.contains(['\n', '\r']) {
        return Err(CatalogError::BadKey {
            what: "trusted comment".to_owned(),
            reason: "must be one line".to_owned(),
        });
    }
    // Signing with the key's own public half verifies the result, so a
    // damaged key fails here instead of producing a useless signature.
    let pk = minisign::PublicKey::from_secret_key(&sk)
        .map_err(|e| bad(format!("not a usable secret key: {e}")))?;
    let sig = minisign::sign(
        Some(&pk),
        &sk,
        std::io::Cursor::new(bytes),
        Some(comment),
        Some("signature from keymsg sign"),
    )
    .map_err(|e| bad(format!("cannot sign: {e}")))?;
    Ok(sig.into_string())
}
