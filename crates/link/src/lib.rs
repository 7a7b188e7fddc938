//! Links between documents: exact and near duplicates, syndicated passages, translations.
