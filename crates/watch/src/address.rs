//! Which URLs the watcher may fetch and under which name it remembers them: only `http` and
//! `https`; canonical forms without tracking parameters or fragment (so the same article
//! reached from two feeds is one URL); and the address check that refuses private, loopback and
//! link-local hosts, applied to the addresses a name resolves to, on every connection.

use std::net::{IpAddr, SocketAddr};

use url::Url;

/// Query parameters that only say how a reader arrived, never which page it is. Names ending
/// in `*` are prefixes.
const TRACKING: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "__twitter_impression",
    "at_medium",
    "at_campaign",
    "ocid",
    "cmpid",
    "ref_src",
];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING.iter().any(|t| match t.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *t,
    })
}

/// Parse `text` as a URL the watcher may fetch: absolute, `http` or `https`, with a host.
pub fn parse_web_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("invalid URL {text:?}: {e}"))?;
    check_scheme(&url)?;
    Ok(url)
}

/// Only `http` and `https` with a host are fetched (never `file:`, `ftp:`, `data:`…).
pub fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        "http" | "https" => Err(format!("{url} has no host")),
        other => Err(format!(
            "{url}: only http and https URLs are fetched, not {other}:"
        )),
    }
}

/// The canonical form of a URL: fragment dropped, tracking parameters removed (the order of the
/// others kept), an empty query removed. Scheme and host are already lowercased by the parser,
/// and a default port dropped.
pub fn canonical(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            out.set_query(None);
        } else {
            out.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    out
}

/// `host[:port]` of a URL: the unit of politeness (robots.txt, rate limit, concurrency).
pub fn host_key(url: &Url) -> String {
    match url.port_or_known_default() {
        Some(p) if Some(p) != default_port(url.scheme()) => {
            format!("{}:{p}", url.host_str().unwrap_or(""))
        }
        _ => url.host_str().unwrap_or("").to_string(),
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Whether an address is one a public-web fetcher must not reach unless told: loopback,
/// private (RFC 1918, unique-local), link-local, unspecified, carrier-grade NAT, multicast,
/// broadcast and documentation ranges, and IPv4 mapped into IPv6 likewise.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (18..20).contains(&o[1]))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        }
    }
}

/// The addresses of `addrs` a connection may use; an error naming the host when none is left.
pub fn allowed_addresses(
    host: &str,
    addrs: impl IntoIterator<Item = SocketAddr>,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, String> {
    let all: Vec<SocketAddr> = addrs.into_iter().collect();
    let kept: Vec<SocketAddr> = all
        .iter()
        .copied()
        .filter(|a| allow_private || !is_private(a.ip()))
        .collect();
    if kept.is_empty() && !all.is_empty() {
        return Err(format!(
            "{host} resolves only to private, loopback or link-local addresses ({}); refused \
             (pass --allow-private to fetch from such hosts)",
            all[0].ip()
        ));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn tracking_parameters_and_fragments_go_other_parameters_stay() {
        assert_eq!(
            canon("HTTP://Example.COM:80/a?utm_source=x&id=3&fbclid=y&UTM_Medium=z#top"),
            "http://example.com/a?id=3"
        );
        assert_eq!(
            canon("https://example.com/a?gclid=1"),
            "https://example.com/a"
        );
        assert_eq!(
            canon("https://example.com/a?b=2&a=1"),
            "https://example.com/a?b=2&a=1"
        );
    }

    #[test]
    fn only_web_schemes_are_fetched() {
        assert!(parse_web_url("file:///etc/passwd").is_err());
        assert!(parse_web_url("ftp://example.com/x").is_err());
        assert!(parse_web_url("not a url").is_err());
        assert!(parse_web_url("https://example.com/x").is_ok());
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
        let local: SocketAddr = "127.0.0.1:80".parse().unwrap();
        assert!(allowed_addresses("h", [local], false).is_err());
        assert_eq!(allowed_addresses("h", [local], true).unwrap(), vec![local]);
    }
}
