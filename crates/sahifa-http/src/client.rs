//! Who sent a request, and over https or not, when Sahifa runs behind proxies.
//!
//! Behind Varnish, HAProxy or a TLS terminator every connection comes from a proxy, so the
//! socket's address says nothing about the reader. Proxies name the client in
//! `X-Forwarded-For` or `Forwarded` (RFC 7239), but any client can send those headers too,
//! so they are read only when the socket peer is one of the operator's
//! [`TrustedProxies`] (`--trusted-proxies`); from any other peer the peer is the client and
//! every forwarding header is ignored.
//!
//! From a trusted peer the chain is walked from the right (the entry the nearest proxy
//! appended) past trusted hops to the first untrusted address: entries a client prepends
//! sit to the left of it and are never reached. An obfuscated or unreadable entry
//! (`for=unknown`, `for=_hidden`, garbage) stops the walk at the hop before it, the nearest
//! one known. A chain that is trusted all the way names its left-most hop.
//!
//! `X-Forwarded-For` wins over `Forwarded` when a request carries both: it is what Varnish,
//! HAProxy (`option forwardfor`) and nginx write, and they pass a client's own `Forwarded`
//! header through untouched, so preferring `Forwarded` would let any reader behind such a
//! proxy choose their address. (A proxy that writes only `Forwarded` must drop incoming
//! `X-Forwarded-For` for the same reason; the README says so.)
//!
//! The scheme the client used comes from the same hop: `proto=` of that `Forwarded`
//! element, or the `X-Forwarded-Proto` entry at the same position from the right (a single
//! value applies to every hop).
//!
//! [`resolve_client`] runs once per request and leaves a [`ClientAddr`] in its extensions
//! for [`crate::auth::session::client_ip`] and the rest; with no trusted proxy it does
//! nothing and readers of [`ClientAddr::of`] get the socket's address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::{IpNet, Ipv4Net};

use crate::state::AppState;

/// The request's client as Sahifa understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr {
    /// The client's address (IPv4-mapped IPv6 addresses shown as IPv4).
    pub ip: IpAddr,
    /// Whether the client reached the site over https, as a trusted proxy reports it.
    pub https: bool,
}

impl ClientAddr {
    /// The resolved client of a request: what [`resolve_client`] stored, else the socket
    /// peer (no trusted proxies); `None` outside a server (no peer known).
    pub fn of(extensions: &Extensions) -> Option<ClientAddr> {
        extensions.get::<ClientAddr>().copied().or_else(|| {
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|peer| ClientAddr {
                    ip: peer.0.ip().to_canonical(),
                    https: false,
                })
        })
    }
}

/// The proxies whose forwarding headers are believed: addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
}

/// A `--trusted-proxies` entry that is neither an address nor a CIDR range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadProxyEntry {
    /// The entry as written.
    pub entry: String,
}

impl fmt::Display for BadProxyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid --trusted-proxies entry {:?}: expected an IP address or CIDR range such as \
             10.0.0.5, 10.0.0.0/8 or 2001:db8::/32, separated by commas",
            self.entry
        )
    }
}

impl std::error::Error for BadProxyEntry {}

impl FromStr for TrustedProxies {
    type Err = BadProxyEntry;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        TrustedProxies::parse(list)
    }
}

impl TrustedProxies {
    /// Trusts nobody: every peer is its own client (the default).
    pub fn none() -> TrustedProxies {
        TrustedProxies::default()
    }

    /// Parses a comma-separated list of addresses (`10.0.0.5`, `::1`) and CIDR ranges
    /// (`10.0.0.0/8`, `fd00::/8`); blank entries are skipped, so an empty list trusts
    /// nobody. IPv4-mapped IPv6 entries (`::ffff:10.0.0.5`) mean their IPv4 address.
    pub fn parse(list: &str) -> Result<TrustedProxies, BadProxyEntry> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || BadProxyEntry {
                entry: entry.to_string(),
            };
            let net = match entry.parse::<IpAddr>() {
                Ok(ip) => IpNet::from(ip),
                Err(_) => entry.parse::<IpNet>().map_err(|_| bad())?,
            };
            nets.push(canonical_net(net.trunc()));
        }
        nets.dedup();
        Ok(TrustedProxies { nets })
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// The ranges trusted, as parsed (for the start-up log).
    pub fn nets(&self) -> &[IpNet] {
        &self.nets
    }

    /// Whether `ip` is a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that arrived from `peer` with `headers`.
    pub fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return ClientAddr {
                ip: peer,
                https: false,
            };
        }
        if headers.contains_key(X_FORWARDED_FOR) {
            let hops = x_forwarded_for(headers)
                .enumerate()
                .map(|(i, hop)| (hop, i));
            let (ip, position) = self.walk(peer, hops);
            let https = forwarded_proto(headers, position);
            ClientAddr { ip, https }
        } else if headers.contains_key(header::FORWARDED) {
            // Each element carries its own `proto=`: the walk returns the one it stopped at.
            let (ip, element) = self.walk(peer, forwarded_elements(headers));
            let https = element.is_some_and(|e| e.https);
            ClientAddr { ip, https }
        } else {
            ClientAddr {
                ip: peer,
                https: forwarded_proto(headers, Some(0)),
            }
        }
    }

    /// Walks hops right to left from the trusted `peer`, each carrying data `D`; returns
    /// the client and the data of the hop the walk stopped at, the one describing the
    /// client's connection (the left-most when every hop was trusted; `None`: no hops).
    fn walk<D>(&self, peer: IpAddr, hops: impl Iterator<Item = (Hop, D)>) -> (IpAddr, Option<D>) {
        let mut client = peer;
        let mut last = None;
        for (hop, data) in hops {
            last = Some(data);
            match hop {
                // Unknowable: the hop before it is the nearest address known.
                Hop::Opaque => break,
                Hop::Addr(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
            }
        }
        (client, last)
    }
}

/// Marks the request with its [`ClientAddr`] when a trusted proxy may have forwarded it,
/// and behind an https proxy makes every cookie the response sets `Secure` (the cookie
/// helpers add it themselves for an https base URL).
pub async fn resolve_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let proxies = &state.config().trusted_proxies;
    // The common case costs nothing: no proxy trusted, the socket peer is the client.
    if proxies.is_empty() {
        return next.run(request).await;
    }
    let Some(peer) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|peer| peer.0.ip())
    else {
        return next.run(request).await;
    };
    let client = proxies.resolve(peer, request.headers());
    request.extensions_mut().insert(client);
    let mut response = next.run(request).await;
    if client.https {
        mark_cookies_secure(response.headers_mut());
    }
    response
}

/// Adds `Secure` to every `Set-Cookie` that lacks it.
fn mark_cookies_secure(headers: &mut HeaderMap) {
    let header::Entry::Occupied(mut cookies) = headers.entry(header::SET_COOKIE) else {
        return;
    };
    for value in cookies.iter_mut() {
        let Ok(text) = value.to_str() else { continue };
        let secure = text
            .split(';')
            .skip(1)
            .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"));
        if !secure && let Ok(marked) = HeaderValue::from_str(&format!("{text}; Secure")) {
            *value = marked;
        }
    }
}

const X_FORWARDED_FOR: &str = "x-forwarded-for";
const X_FORWARDED_PROTO: &str = "x-forwarded-proto";

/// One hop of a forwarding chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    /// A readable address.
    Addr(IpAddr),
    /// Obfuscated (`unknown`, `_hidden`) or unreadable.
    Opaque,
}

/// The `X-Forwarded-For` entries, right to left across all its header lines.
fn x_forwarded_for(headers: &HeaderMap) -> impl Iterator<Item = Hop> + '_ {
    headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .rev()
        // An unreadable line reads as one empty, opaque entry: the walk stops there, since
        // nothing left of it can be placed.
        .flat_map(|line| line.to_str().unwrap_or("").split(',').rev())
        .map(|entry| parse_node(entry.trim()).map_or(Hop::Opaque, Hop::Addr))
}

/// Whether the `X-Forwarded-Proto` entry at `position` from the right says https; with
/// fewer entries, the left-most one (a single value covers every hop). No position: no
/// hop was named, the peer's own entry counts.
fn forwarded_proto(headers: &HeaderMap, position: Option<usize>) -> bool {
    let entries = headers
        .get_all(X_FORWARDED_PROTO)
        .iter()
        .rev()
        .flat_map(|line| line.to_str().unwrap_or("").split(',').rev())
        .map(str::trim);
    let position = position.unwrap_or(0);
    let mut found = None;
    for (i, entry) in entries.enumerate() {
        found = Some(entry);
        if i == position {
            break;
        }
    }
    found.is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// One `Forwarded` element as far as Sahifa reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Element {
    https: bool,
}

/// The `Forwarded` elements, right to left across all its header lines, with the `for=`
/// hop each names (an element without exactly one readable `for=` is opaque).
fn forwarded_elements(headers: &HeaderMap) -> impl Iterator<Item = (Hop, Element)> + '_ {
    let mut elements = Vec::new();
    for line in headers.get_all(header::FORWARDED).iter().rev() {
        let Ok(text) = line.to_str() else {
            elements.push((Hop::Opaque, Element { https: false }));
            break;
        };
        let start = elements.len();
        for element in split_unquoted(text, b',') {
            elements.push(parse_element(element));
        }
        elements[start..].reverse();
    }
    elements.into_iter()
}

/// One `Forwarded` element: `for=...;proto=...;by=...;host=...`.
fn parse_element(element: &str) -> (Hop, Element) {
    let mut node = None;
    let mut fors = 0;
    let mut https = false;
    let mut malformed = false;
    for pair in split_unquoted(element, b';') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let Some((key, value)) = pair.split_once('=') else {
            malformed = true;
            continue;
        };
        let value = unquote(value.trim());
        match key.trim() {
            k if k.eq_ignore_ascii_case("for") => {
                fors += 1;
                node = value.and_then(parse_node);
            }
            k if k.eq_ignore_ascii_case("proto") => {
                https = value.is_some_and(|v| v.eq_ignore_ascii_case("https"));
            }
            _ => {}
        }
    }
    let hop = match node {
        Some(ip) if fors == 1 && !malformed => Hop::Addr(ip),
        _ => Hop::Opaque,
    };
    (hop, Element { https })
}

/// Splits `text` at `separator` outside double-quoted strings (with `\` escapes inside).
fn split_unquoted(text: &str, separator: u8) -> impl Iterator<Item = &str> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut at = 0;
    let mut quoted = false;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while at < bytes.len() {
            let byte = bytes[at];
            at += 1;
            match byte {
                b'\\' if quoted => at += 1,
                b'"' => quoted = !quoted,
                b if b == separator && !quoted => {
                    // The separator is ASCII, so both slice ends fall on char boundaries.
                    let part = text.get(start..at - 1);
                    start = at;
                    return Some(part.unwrap_or(""));
                }
                _ => {}
            }
        }
        done = true;
        Some(text.get(start..).unwrap_or(""))
    })
}

/// A token or quoted-string value; `None` for a quoted string with escapes (no address
/// needs one) or an unterminated quote.
fn unquote(value: &str) -> Option<&str> {
    match value.strip_prefix('"') {
        Some(rest) => rest
            .strip_suffix('"')
            .filter(|inner| !inner.contains(['\\', '"'])),
        None => Some(value),
    }
}

/// A node as proxies write it: `192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:8080` (a port may be obfuscated, `:_p`). `None` for
/// `unknown`, `_hidden` and anything unreadable.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Some(bracketed) = node.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        if !(after.is_empty() || (after.starts_with(':') && valid_port(&after[1..]))) {
            return None;
        }
        return inside
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(|ip| IpAddr::V6(ip).to_canonical());
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    let (host, port) = node.rsplit_once(':')?;
    if !valid_port(port) {
        return None;
    }
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

/// A port number or an obfuscated port (`_` and token characters).
fn valid_port(port: &str) -> bool {
    match port.strip_prefix('_') {
        Some(name) => name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-'),
        None => !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) as the IPv4 range it means, since
/// peers are compared in their canonical form.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(net, IpNet::V4),
            None => net,
        },
        _ => net,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    /// Proxies at 10.0.0.0/8 and 2001:db8:1::/48 (the edge) and 127.0.0.2 (a local one).
    fn proxies() -> TrustedProxies {
        TrustedProxies::parse("10.0.0.0/8, 2001:db8:1::/48, 127.0.0.2").expect("list")
    }

    fn client(peer: &str, pairs: &[(&str, &str)]) -> ClientAddr {
        proxies().resolve(ip(peer), &headers(pairs))
    }

    #[test]
    fn the_list_takes_addresses_and_ranges_of_both_families() {
        let list = TrustedProxies::parse(" 10.0.0.5 ,192.168.0.0/16,::1, fd00::/8,,").expect("ok");
        assert_eq!(list.nets().len(), 4);
        assert!(list.trusts(ip("10.0.0.5")));
        assert!(!list.trusts(ip("10.0.0.6")));
        assert!(list.trusts(ip("192.168.200.1")));
        assert!(list.trusts(ip("::1")));
        assert!(list.trusts(ip("fd12:3456::1")));
        assert!(!list.trusts(ip("fe80::1")));
        // Host bits in a range are dropped, as the range means.
        let list = TrustedProxies::parse("10.1.2.3/8").expect("ok");
        assert!(list.trusts(ip("10.200.0.1")));
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
        assert!(TrustedProxies::parse(" , ").expect("blank").is_empty());
    }

    #[test]
    fn ipv4_mapped_peers_and_entries_mean_ipv4() {
        let list = TrustedProxies::parse("10.0.0.0/8").expect("ok");
        assert!(list.trusts(ip("::ffff:10.1.2.3")));
        let list = TrustedProxies::parse("::ffff:10.0.0.5, ::ffff:192.168.0.0/112").expect("ok");
        assert!(list.trusts(ip("10.0.0.5")));
        assert!(list.trusts(ip("192.168.7.7")));
        assert!(!list.trusts(ip("192.169.0.1")));
        // The client a mapped peer names is shown as IPv4 too.
        let found = list.resolve(ip("::ffff:10.0.0.5"), &headers(&[]));
        assert_eq!(found.ip, ip("10.0.0.5"));
        let found = list.resolve(
            ip("10.0.0.5"),
            &headers(&[("x-forwarded-for", "::ffff:203.0.113.7")]),
        );
        assert_eq!(found.ip, ip("203.0.113.7"));
    }

    #[test]
    fn a_bad_entry_is_named() {
        for bad in [
            "10.0.0.300",
            "10.0.0.0/33",
            "proxy.example",
            "fe80::1%eth0",
            "::/129",
        ] {
            let err = TrustedProxies::parse(&format!("10.0.0.1,{bad}")).expect_err(bad);
            assert_eq!(err.entry, bad);
            let message = err.to_string();
            assert!(message.contains("--trusted-proxies"), "{message}");
            assert!(message.contains(&format!("{bad:?}")), "{message}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let spoof = [
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9;proto=https"),
            ("x-forwarded-proto", "https"),
        ];
        assert_eq!(
            client("198.51.100.1", &spoof),
            ClientAddr {
                ip: ip("198.51.100.1"),
                https: false
            }
        );
        // Trusting nobody (the default) is the same.
        let found = TrustedProxies::none().resolve(ip("10.0.0.1"), &headers(&spoof));
        assert_eq!(found.ip, ip("10.0.0.1"));
        assert!(!found.https);
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let found = client("10.0.0.1", &[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(found.ip, ip("203.0.113.9"));
        // A client prepending entries gets nowhere: the proxy's entry is right of them.
        let found = client(
            "10.0.0.1",
            &[("x-forwarded-for", "1.1.1.1, 10.0.0.9, 203.0.113.9")],
        );
        assert_eq!(found.ip, ip("203.0.113.9"));
        // Trusted hops (Varnish behind the edge) are skipped.
        let found = client(
            "127.0.0.2",
            &[(
                "x-forwarded-for",
                "6.6.6.6, 203.0.113.9, 10.0.0.7, 10.0.0.8",
            )],
        );
        assert_eq!(found.ip, ip("203.0.113.9"));
        // Header lines are one list, in order: a client's own line comes first.
        let found = client(
            "10.0.0.1",
            &[
                ("x-forwarded-for", "6.6.6.6"),
                ("x-forwarded-for", "203.0.113.9, 10.0.0.7"),
            ],
        );
        assert_eq!(found.ip, ip("203.0.113.9"));
        // Every hop trusted (a request from the proxies' own network): the furthest.
        let found = client("10.0.0.1", &[("x-forwarded-for", "10.0.0.3, 10.0.0.2")]);
        assert_eq!(found.ip, ip("10.0.0.3"));
    }

    #[test]
    fn ipv6_and_ports_in_x_forwarded_for() {
        let cases = [
            ("2001:db8:2::7", "2001:db8:2::7"),
            ("[2001:db8:2::7]", "2001:db8:2::7"),
            ("[2001:db8:2::7]:4711", "2001:db8:2::7"),
            ("203.0.113.9:51000", "203.0.113.9"),
        ];
        for (entry, expected) in cases {
            let found = client(
                "2001:db8:1::1",
                &[("x-forwarded-for", &format!("{entry}, 2001:db8:1::5"))],
            );
            assert_eq!(found.ip, ip(expected), "{entry}");
        }
    }

    #[test]
    fn garbage_stops_at_the_nearest_known_hop() {
        for garbage in [
            "unknown",
            "",
            "not an address",
            "203.0.113.9:port",
            "[2001:db8::1",
            "[2001:db8::1]x",
            "1.2.3.4.5",
            "300.1.1.1",
            "203.0.113.9:99999999",
        ] {
            // Whatever a client wrote left of the garbage is never reached.
            let found = client(
                "10.0.0.1",
                &[("x-forwarded-for", &format!("6.6.6.6, {garbage}, 10.0.0.7"))],
            );
            assert_eq!(found.ip, ip("10.0.0.7"), "{garbage:?}");
        }
        let found = client("10.0.0.1", &[("x-forwarded-for", "")]);
        assert_eq!(found.ip, ip("10.0.0.1"));
        let found = client("10.0.0.1", &[("x-forwarded-for", ",,,")]);
        assert_eq!(found.ip, ip("10.0.0.1"));
        // A line that is not text stops the walk there too.
        let mut map = headers(&[("x-forwarded-for", "6.6.6.6")]);
        map.append(
            X_FORWARDED_FOR,
            HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes"),
        );
        map.append(X_FORWARDED_FOR, HeaderValue::from_static("10.0.0.4"));
        assert_eq!(proxies().resolve(ip("10.0.0.1"), &map).ip, ip("10.0.0.4"));
    }

    #[test]
    fn forwarded_elements_are_read_as_rfc_7239_writes_them() {
        let cases = [
            ("for=203.0.113.9", "203.0.113.9"),
            ("For=203.0.113.9;proto=http;by=10.0.0.1", "203.0.113.9"),
            ("for=\"203.0.113.9:4711\"", "203.0.113.9"),
            ("for=\"[2001:db8:cafe::17]\"", "2001:db8:cafe::17"),
            ("for=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17"),
            ("for=\"[2001:db8:cafe::17]:_port\"", "2001:db8:cafe::17"),
            ("host=\"a;b,c\";for=203.0.113.9", "203.0.113.9"),
        ];
        for (element, expected) in cases {
            let found = client("10.0.0.1", &[("forwarded", element)]);
            assert_eq!(found.ip, ip(expected), "{element}");
        }
        // Chains, across elements and lines, walked from the right like X-Forwarded-For.
        let found = client(
            "10.0.0.1",
            &[
                ("forwarded", "for=6.6.6.6"),
                ("forwarded", "for=203.0.113.9, for=10.0.0.7"),
            ],
        );
        assert_eq!(found.ip, ip("203.0.113.9"));
    }

    #[test]
    fn obfuscated_or_malformed_forwarded_stops_at_the_hop_before() {
        for element in [
            "for=unknown",
            "for=_hidden",
            "for=\"_gazonk\"",
            "proto=https",
            "for=203.0.113.9;for=6.6.6.6",
            "for",
            "for=\"20\\3.0.113.9\"",
            "garbage here",
        ] {
            let found = client(
                "10.0.0.1",
                &[(
                    "forwarded",
                    &format!("for=6.6.6.6, {element}, for=10.0.0.7"),
                )],
            );
            assert_eq!(found.ip, ip("10.0.0.7"), "{element}");
        }
        let found = client("10.0.0.1", &[("forwarded", "for=_hidden")]);
        assert_eq!(found.ip, ip("10.0.0.1"));
        // An unterminated quote runs to the end of its line: nothing on it can be placed.
        let found = client(
            "10.0.0.1",
            &[("forwarded", "for=6.6.6.6, for=\"203.0.113.9, for=10.0.0.7")],
        );
        assert_eq!(found.ip, ip("10.0.0.1"));
    }

    #[test]
    fn x_forwarded_for_wins_over_a_passed_through_forwarded() {
        // Varnish appends to X-Forwarded-For and passes the client's own Forwarded on.
        let found = client(
            "10.0.0.1",
            &[
                ("forwarded", "for=6.6.6.6"),
                ("x-forwarded-for", "203.0.113.9"),
            ],
        );
        assert_eq!(found.ip, ip("203.0.113.9"));
    }

    #[test]
    fn https_comes_from_the_clients_hop() {
        let https = |pairs: &[(&str, &str)]| client("10.0.0.1", pairs).https;
        assert!(https(&[("x-forwarded-proto", "https")]));
        assert!(https(&[("x-forwarded-proto", "HTTPS")]));
        assert!(!https(&[("x-forwarded-proto", "http")]));
        assert!(!https(&[]));
        assert!(https(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https")
        ]));
        // A single value covers the chain (set once by the TLS terminator).
        assert!(https(&[
            ("x-forwarded-for", "203.0.113.9, 10.0.0.7"),
            ("x-forwarded-proto", "https")
        ]));
        // Appended per hop: the client's hop is read, at the same place from the right.
        assert!(https(&[
            ("x-forwarded-for", "203.0.113.9, 10.0.0.7"),
            ("x-forwarded-proto", "https, http")
        ]));
        assert!(!https(&[
            ("x-forwarded-for", "203.0.113.9, 10.0.0.7"),
            ("x-forwarded-proto", "http, https")
        ]));
        // Forwarded: the element naming the client says how it connected.
        assert!(https(&[(
            "forwarded",
            "for=203.0.113.9;proto=https, for=10.0.0.7;proto=http"
        )]));
        assert!(!https(&[(
            "forwarded",
            "for=203.0.113.9;proto=http, for=10.0.0.7;proto=https"
        )]));
        assert!(https(&[("forwarded", "for=_hidden;proto=https")]));
        // Never from an untrusted peer.
        let found = proxies().resolve(
            ip("198.51.100.1"),
            &headers(&[("x-forwarded-proto", "https")]),
        );
        assert!(!found.https);
    }

    #[test]
    fn long_hostile_headers_are_walked_without_trouble() {
        let long = vec!["6.6.6.6"; 5_000].join(", ");
        let found = client("10.0.0.1", &[("x-forwarded-for", &long)]);
        assert_eq!(found.ip, ip("6.6.6.6"));
        let quotes = "\"".repeat(4_001);
        let found = client("10.0.0.1", &[("forwarded", &quotes)]);
        assert_eq!(found.ip, ip("10.0.0.1"));
        let found = client("10.0.0.1", &[("forwarded", "for=\"\\")]);
        assert_eq!(found.ip, ip("10.0.0.1"));
    }

    #[test]
    fn cookies_become_secure_once() {
        let mut map = headers(&[
            ("set-cookie", "a=1; Path=/; HttpOnly"),
            ("set-cookie", "b=2; Path=/; Secure"),
            ("set-cookie", "secure=3; Path=/"),
        ]);
        mark_cookies_secure(&mut map);
        let values: Vec<&str> = map
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert_eq!(
            values,
            [
                "a=1; Path=/; HttpOnly; Secure",
                "b=2; Path=/; Secure",
                "secure=3; Path=/; Secure"
            ]
        );
    }

    #[test]
    fn without_a_resolved_client_the_socket_peer_counts() {
        let mut extensions = Extensions::new();
        assert_eq!(ClientAddr::of(&extensions), None);
        extensions.insert(ConnectInfo(SocketAddr::from((
            ip("::ffff:192.0.2.1"),
            4000,
        ))));
        assert_eq!(
            ClientAddr::of(&extensions),
            Some(ClientAddr {
                ip: ip("192.0.2.1"),
                https: false
            })
        );
        let resolved = ClientAddr {
            ip: ip("203.0.113.9"),
            https: true,
        };
        extensions.insert(resolved);
        assert_eq!(ClientAddr::of(&extensions), Some(resolved));
    }
}
