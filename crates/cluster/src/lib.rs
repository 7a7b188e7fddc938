//! Online event clustering and storylines.
