//! HTTP JSON API and web UI.
