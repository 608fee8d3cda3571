//! Bitrix24 wire primitives: placeholder, being written.
