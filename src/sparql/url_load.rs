//! SPARQL Update's `LOAD <url>`, done by this server under the operator's
//! allow-list rather than by the engine.
//!
//! Left to Oxigraph (or a remote engine), `LOAD` fetches any URL for whoever
//! holds the update token, and reaches what the server's network reaches:
//! loopback admin ports, link-local metadata addresses, private ranges. So
//! every `LOAD` of an update is replaced, before the update runs, by the
//! triples it would load (an `INSERT DATA`), fetched here:
//!
//! - with no `--allow-load-from`, `LOAD` is refused (403) and nothing is
//!   fetched;
//! - a URL's host must be on the list (`host` or `host:port`);
//! - its address is resolved here, checked, and the connection made to that
//!   very address: a loopback, link-local, private or otherwise internal
//!   address is refused unless the list names that address itself (an IP
//!   entry such as `127.0.0.1`), so a public name cannot be pointed inward;
//! - redirects are followed by hand, at most [`MAX_REDIRECTS`], each hop
//!   checked the same way;
//! - a source that cannot be fetched or read is 502 (`LOAD SILENT` skips
//!   it); a refusal stays a refusal under `SILENT`.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, NamedNode};
use reqwest::Url;
use reqwest::blocking::Client;
use spargebra::term::{GraphName, Quad};
use spargebra::{GraphUpdateOperation, Update};

use crate::error::{Error, Result};

/// Redirects followed for one `LOAD`.
pub const MAX_REDIRECTS: usize = 5;

/// The largest document one `LOAD` reads.
pub const MAX_LOAD_BYTES: u64 = 64 << 20;

/// How long one fetch may take, connection and body.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// What `LOAD` may fetch: the operator's `--allow-load-from` hosts.
#[derive(Clone, Debug, Default)]
pub struct LoadPolicy {
    allowed: Vec<AllowedHost>,
}

/// One entry of the list: a host name or an IP address, with or without a
/// port.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AllowedHost {
    host: String,
    port: Option<u16>,
}

impl LoadPolicy {
    /// The policy of `--allow-load-from`'s entries (`host`, `host:port`,
    /// `[v6]:port`); an entry that is not one is refused by name.
    pub fn new(entries: &[String]) -> Result<Self> {
        let allowed = entries
            .iter()
            .map(|entry| parse_entry(entry.trim()))
            .collect::<Result<_>>()?;
        Ok(Self { allowed })
    }

    /// Whether `LOAD` is allowed at all.
    pub fn is_enabled(&self) -> bool {
        !self.allowed.is_empty()
    }

    /// The address to connect to for `url`, if the list allows it: the host
    /// and port are on the list, and every address the host resolves to is
    /// public or named by the list itself.
    fn address_for(&self, url: &Url) -> Result<SocketAddr> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused(url, "only http and https URLs can be loaded"));
        }
        let host = url
            .host_str()
            .ok_or_else(|| refused(url, "the URL has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| refused(url, "the URL has no port"))?;
        if !self
            .allowed
            .iter()
            .any(|a| a.host == host && a.port.is_none_or(|p| p == port))
        {
            return Err(refused(
                url,
                &format!("{host}:{port} is not on the server's --allow-load-from list"),
            ));
        }
        let addresses: Vec<SocketAddr> = (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|e| fetch_failed(url, &format!("cannot resolve {host}: {e}")))?
            .collect();
        let named = |ip: IpAddr| {
            self.allowed
                .iter()
                .any(|a| a.host == ip.to_string() && a.port.is_none_or(|p| p == port))
        };
        if let Some(inward) = addresses
            .iter()
            .find(|a| is_internal(a.ip()) && !named(a.ip()))
        {
            return Err(refused(
                url,
                &format!(
                    "{host} resolves to {}, an internal address; name the address itself in --allow-load-from to allow it",
                    inward.ip()
                ),
            ));
        }
        addresses
            .first()
            .copied()
            .ok_or_else(|| fetch_failed(url, &format!("{host} resolves to no address")))
    }
}

/// `host`, `host:port`, `v4:port`, `[v6]:port` or a bare IPv6 address.
fn parse_entry(entry: &str) -> Result<AllowedHost> {
    let bad = || {
        Error::InvalidArgument(format!(
            "--allow-load-from: `{entry}` is not a host, host:port or IP address"
        ))
    };
    if entry.is_empty() || entry.contains('/') {
        return Err(bad());
    }
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Ok(AllowedHost {
            host: ip.to_string(),
            port: None,
        });
    }
    if let Ok(address) = entry.parse::<SocketAddr>() {
        return Ok(AllowedHost {
            host: address.ip().to_string(),
            port: Some(address.port()),
        });
    }
    let (host, port) = match entry.rsplit_once(':') {
        Some((host, port)) => (host, Some(port.parse::<u16>().map_err(|_| bad())?)),
        None => (entry, None),
    };
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !valid {
        return Err(bad());
    }
    Ok(AllowedHost {
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// Loopback, link-local, private, shared, unspecified, multicast or
/// broadcast: addresses of the server's own network, never of the web.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared (CGNAT)
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
        }
    }
}

fn refused(url: &Url, reason: &str) -> Error {
    Error::Forbidden(format!("LOAD <{url}> refused: {reason}"))
}

fn fetch_failed(url: &Url, reason: &str) -> Error {
    Error::LoadSource {
        url: url.to_string(),
        reason: reason.to_owned(),
    }
}

/// Replaces each `LOAD` of `update` by the triples it loads (with a
/// `CREATE SILENT GRAPH` first, as `LOAD … INTO GRAPH` creates the graph
/// even when the document is empty). Refused when the policy does not allow
/// the URL; nothing else of the update has run by then.
pub fn fetch_loads(update: &mut Update, policy: &LoadPolicy) -> Result<()> {
    let mut operations = Vec::with_capacity(update.operations.len());
    for operation in std::mem::take(&mut update.operations) {
        let GraphUpdateOperation::Load {
            silent,
            source,
            destination,
        } = operation
        else {
            operations.push(operation);
            continue;
        };
        if !policy.is_enabled() {
            return Err(Error::Forbidden(format!(
                "LOAD <{}> refused: this server loads nothing from URLs (the operator can allow hosts with --allow-load-from)",
                source.as_str()
            )));
        }
        let quads = match fetch(policy, &source, &destination) {
            Ok(quads) => quads,
            Err(Error::LoadSource { .. }) if silent => continue,
            Err(e) => return Err(e),
        };
        if let GraphName::NamedNode(graph) = &destination {
            operations.push(GraphUpdateOperation::Create {
                silent: true,
                graph: graph.clone(),
            });
        }
        operations.push(GraphUpdateOperation::InsertData { data: quads });
    }
    update.operations = operations;
    Ok(())
}

/// The quads of the RDF document at `source`, in `destination`.
fn fetch(policy: &LoadPolicy, source: &NamedNode, destination: &GraphName) -> Result<Vec<Quad>> {
    let mut url = Url::parse(source.as_str())
        .map_err(|e| Error::BadRequest(format!("LOAD <{}>: {e}", source.as_str())))?;
    for _ in 0..=MAX_REDIRECTS {
        let address = policy.address_for(&url)?;
        let host = url.host_str().unwrap_or_default().to_owned();
        // Connect to the address checked above, whatever the name resolves
        // to by the time the connection is made.
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FETCH_TIMEOUT)
            .resolve(&host, address)
            .build()
            .map_err(|e| Error::Internal(format!("LOAD's HTTP client: {e}")))?;
        let response = client
            .get(url.clone())
            .header(
                reqwest::header::ACCEPT,
                "text/turtle, application/n-triples, application/rdf+xml;q=0.9, application/ld+json;q=0.8",
            )
            .send()
            .map_err(|e| fetch_failed(&url, &describe_transport_error(&e)))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| fetch_failed(&url, &format!("{status} without a Location")))?;
            url = url
                .join(location)
                .map_err(|e| fetch_failed(&url, &format!("a bad Location: {e}")))?;
            continue;
        }
        if !status.is_success() {
            return Err(fetch_failed(&url, &format!("the source answered {status}")));
        }
        return read_document(&url, response, destination);
    }
    Err(fetch_failed(
        &url,
        &format!("more than {MAX_REDIRECTS} redirects"),
    ))
}

fn describe_transport_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer in time".to_owned()
    } else if error.is_connect() {
        "connection refused or unreachable".to_owned()
    } else {
        error.to_string()
    }
}

/// Parses a fetched document in the format its Content-Type names.
fn read_document(
    url: &Url,
    response: reqwest::blocking::Response,
    destination: &GraphName,
) -> Result<Vec<Quad>> {
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let format = RdfFormat::from_media_type(&content_type).ok_or_else(|| {
        fetch_failed(
            url,
            &format!("its Content-Type `{content_type}` is not an RDF format"),
        )
    })?;
    let graph = match destination {
        GraphName::NamedNode(g) => GraphNameRef::NamedNode(g.as_ref()),
        GraphName::DefaultGraph => GraphNameRef::DefaultGraph,
    };
    let parser = RdfParser::from_format(format)
        .rename_blank_nodes()
        .without_named_graphs()
        .with_default_graph(graph)
        .with_base_iri(url.as_str())
        .map_err(|e| fetch_failed(url, &e.to_string()))?;
    let body = std::io::Read::take(response, MAX_LOAD_BYTES);
    parser
        .for_reader(body)
        .map(|quad| {
            let quad = quad.map_err(|e| fetch_failed(url, &format!("not valid RDF: {e}")))?;
            Ok(Quad {
                subject: quad.subject,
                predicate: quad.predicate,
                object: quad.object,
                graph_name: match quad.graph_name {
                    oxigraph::model::GraphName::NamedNode(g) => GraphName::NamedNode(g),
                    _ => GraphName::DefaultGraph,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_hosts_ports_or_addresses() {
        let policy = LoadPolicy::new(&[
            "data.example.org".to_owned(),
            "127.0.0.1:8080".to_owned(),
            "[::1]:9".to_owned(),
        ])
        .unwrap();
        assert_eq!(policy.allowed[1].host, "127.0.0.1");
        assert_eq!(policy.allowed[1].port, Some(8080));
        assert_eq!(policy.allowed[2].host, "::1");
        for bad in ["http://x/", "", "a b", "host:port"] {
            assert!(LoadPolicy::new(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn internal_addresses_are_known() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "2001:4860:4860::8888"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn a_host_off_the_list_or_an_unnamed_internal_address_is_refused_before_any_connection() {
        let policy =
            LoadPolicy::new(&["127.0.0.1:8080".to_owned(), "localhost".to_owned()]).unwrap();
        let url = |u: &str| Url::parse(u).unwrap();
        assert!(
            policy
                .address_for(&url("http://127.0.0.1:8080/a.ttl"))
                .is_ok()
        );
        // Another port of the same address is not on the list.
        let other_port = policy.address_for(&url("http://127.0.0.1:8081/a.ttl"));
        assert!(matches!(other_port, Err(Error::Forbidden(_))));
        // A name on the list that resolves inward: refused, since the list
        // names the name, not the address.
        let inward = policy.address_for(&url("http://localhost/a.ttl"));
        assert!(
            matches!(&inward, Err(Error::Forbidden(m)) if m.contains("internal address")),
            "{inward:?}"
        );
        let scheme = policy.address_for(&url("file:///etc/passwd"));
        assert!(matches!(scheme, Err(Error::Forbidden(_))));
    }
}
