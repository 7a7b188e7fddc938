//! Reads inputs (HTML, text, JSONL, WARC, RSS/Atom, gzip, directories) and decodes their byte encodings.
