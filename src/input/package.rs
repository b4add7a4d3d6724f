//! Reading the parts of a zip package (.docx, .odt) with size limits.
//!
//! A student's file is untrusted: it may be truncated, or a "zip bomb" whose
//! small entry expands to gigabytes. Every part is read through a cap
//! ([`MAX_PART_BYTES`]) that does not trust the sizes the archive declares,
//! and the number of entries is bounded too.

use std::io::{Cursor, Read};
use zip::ZipArchive;

/// The most bytes one XML part may expand to. Word's own document part for a
/// 300-page thesis is a few megabytes; anything past this is refused.
pub const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;

/// The largest word-processor file read at all (pictures make them big;
/// the text parts are capped separately).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The most entries a package may list (a .docx has a few dozen).
pub const MAX_ENTRIES: usize = 100_000;

/// An opened zip package.
pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Package<'a> {
    /// Open the bytes of a zip file. The error says what is wrong, for a
    /// message after the file's name.
    pub fn open(bytes: &'a [u8]) -> Result<Package<'a>, String> {
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a readable zip archive (damaged, truncated or not this format: {e})"))?;
        if archive.len() > MAX_ENTRIES {
            return Err(format!(
                "the zip archive lists {} entries, more than the {MAX_ENTRIES} this reader accepts",
                archive.len()
            ));
        }
        Ok(Package { archive })
    }

    /// Whether the package has an entry of this name.
    pub fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Read a part as UTF-8 text: `Ok(None)` when there is no such entry,
    /// an error when it is damaged, too large or not UTF-8.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let too_large = || {
            format!(
                "{name} expands to more than {} MiB, which is refused (a damaged file or a zip bomb)",
                MAX_PART_BYTES / (1024 * 1024)
            )
        };
        let entry = self
            .archive
            .by_index(index)
            .map_err(|e| format!("cannot read {name} in the zip archive: {e}"))?;
        if entry.size() > MAX_PART_BYTES {
            return Err(too_large());
        }
        // The declared size may lie: read at most one byte past the cap.
        let mut bytes = Vec::with_capacity(entry.size().min(16 * 1024 * 1024) as usize);
        entry
            .take(MAX_PART_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {name} in the zip archive (damaged or truncated: {e})"))?;
        if bytes.len() as u64 > MAX_PART_BYTES {
            return Err(too_large());
        }
        // A byte-order mark is allowed before the XML declaration.
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        String::from_utf8(bytes).map(Some).map_err(|e| {
            format!(
                "{name} is not UTF-8 XML (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })
    }
}
