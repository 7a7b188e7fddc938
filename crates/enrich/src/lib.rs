//! Entities, quotes, numeric facts and claims.
