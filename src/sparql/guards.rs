//! The guards every SPARQL text passes before Oxigraph's parser sees it.
//! The parser is recursive descent: a query nested or chained deep enough
//! overflows the stack and aborts the whole process, so such a query is
//! refused here with a message that says which limit it passed.

use crate::error::{Error, Result};

/// Deepest nesting of `{ ( [` accepted. Oxigraph's recursive-descent parser
/// overflows the stack (aborting the whole process) a few thousand levels down;
/// no real query comes near this limit.
pub const MAX_NESTING: usize = 128;

/// Most characters that can chain (`! / | ^ + - * &` and `{`) accepted in one
/// query. The parser also recurses once per link of a long chain: on a 2 MiB
/// stack it overflowed at about 4,500 path steps `/<p>`, 5,000 `!`, 16,000
/// `UNION {}` or `OPTIONAL {}` and 22,000 `+ 1` or `|| true` (measured on
/// Oxigraph 0.5.13). Every thread that parses SPARQL has
/// [`PARSER_STACK_BYTES`], which holds 50,000 links of the worst kind with
/// room to spare; a query of that many is refused with a clear message.
pub const MAX_CHAIN_CHARACTERS: usize = 50_000;

/// The stack of every thread that parses SPARQL (the server's runtime and
/// blocking threads, and the command line's main work thread). Only the pages
/// a parse touches are ever committed to memory.
pub const PARSER_STACK_BYTES: usize = 64 << 20;

/// Rejects a query nested deeper than [`MAX_NESTING`], or with chains longer
/// than [`MAX_CHAIN_CHARACTERS`], before the parser sees it.
///
/// Every `{ ( [` and every `<<` (SPARQL 1.2 reified triples, which the parser
/// also descends into) opens a level, wherever it is: inside strings, IRIs and
/// comments too. Skipping those would need a tokenizer that agrees with the
/// parser's in every corner (a `'` or `#` is legal inside an IRI, and `1<(`
/// is a comparison, not an IRI), and fuzzing found two such disagreements
/// that let a query through to overflow the stack. Over-counting only refuses
/// a query with more than 128 unclosed brackets in its strings.
pub fn check_nesting(query: &str) -> Result<()> {
    let mut depth = 0_usize;
    let mut deepest = 0_usize;
    let mut bytes = query.bytes().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'{' | b'(' | b'[' => depth += 1,
            b'<' if bytes.peek() == Some(&b'<') => {
                bytes.next();
                depth += 1;
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b'>' if bytes.peek() == Some(&b'>') => {
                bytes.next();
                depth = depth.saturating_sub(1);
            }
            _ => continue,
        }
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING {
            return Err(Error::QueryTooDeep {
                depth: deepest,
                limit: MAX_NESTING,
            });
        }
    }
    let chain = query.bytes().filter(|b| b"!/|^+-*&{".contains(b)).count();
    if chain > MAX_CHAIN_CHARACTERS {
        return Err(Error::QueryTooLong {
            count: chain,
            limit: MAX_CHAIN_CHARACTERS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BaseIri;
    use crate::sparql::{QueryOptions, prepare};
    use oxigraph::sparql::CancellationToken;

    #[test]
    fn nesting_within_the_limit_is_accepted() {
        let query = format!(
            "SELECT * WHERE {}?s ?p ?o{}",
            "{".repeat(MAX_NESTING - 1),
            "}".repeat(MAX_NESTING - 1)
        );
        assert!(check_nesting(&query).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let query = format!(
            "ASK {{ FILTER({}1{}) }}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(matches!(
            check_nesting(&query),
            Err(Error::QueryTooDeep {
                limit: MAX_NESTING,
                ..
            })
        ));
    }

    #[test]
    fn ordinary_strings_iris_comments_and_comparisons_pass() {
        let query = "# a comment (with brackets)\nSELECT * WHERE { ?s ?p \"a (b) [c]\" . ?s <http://x/(a)#b> ?o FILTER(?o < 3 && ?o > 1) }";
        assert!(check_nesting(query).is_ok());
    }

    #[test]
    fn long_chains_are_refused_and_shorter_ones_parse_on_the_parser_stack() {
        let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
        let n = MAX_CHAIN_CHARACTERS;
        let too_long = format!("ASK {{ FILTER({}1) }}", "!".repeat(n + 1));
        assert!(matches!(
            check_nesting(&too_long),
            Err(Error::QueryTooLong { .. })
        ));
        // Just under the limit, each worst kind of chain parses (or fails
        // cleanly) on a thread with the parser's stack.
        for query in [
            format!("ASK {{ FILTER({}1) }}", "!".repeat(n - 10)),
            format!("ASK {{ ?s <http://p>{} ?o }}", "/<http://p>".repeat(n - 10)),
            format!("ASK {{ {{}}{} }}", " UNION {}".repeat(n / 2 - 10)),
            format!("ASK {{ FILTER(1{}) }}", " + 1".repeat(n - 10)),
        ] {
            let base = base.clone();
            let parsed = std::thread::Builder::new()
                .stack_size(PARSER_STACK_BYTES)
                .spawn(move || {
                    prepare(
                        &query,
                        &base,
                        &QueryOptions::default(),
                        CancellationToken::new(),
                    )
                    .is_ok()
                })
                .unwrap()
                .join();
            assert!(parsed.is_ok());
        }
    }

    /// Found by fuzzing (`fuzz/regressions/`): both got past an earlier
    /// guard that skipped IRIs, and overflowed the parser's stack.
    #[test]
    fn nesting_hidden_in_reified_triples_or_fake_iris_is_refused() {
        let reified = format!("ASK{{{}", "<".repeat(2_400));
        let fake_iri = format!("ASK{{FILTER(1<{}>)}}", "(".repeat(1_000));
        for query in [reified, fake_iri] {
            assert!(matches!(
                check_nesting(&query),
                Err(Error::QueryTooDeep { .. })
            ));
            // And the guard is what `prepare` runs first, on a thread with
            // the stack of tokio's blocking pool.
            let handle = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
                    matches!(
                        prepare(
                            &query,
                            &base,
                            &QueryOptions::default(),
                            CancellationToken::new()
                        ),
                        Err(Error::QueryTooDeep { .. })
                    )
                })
                .unwrap();
            assert!(handle.join().unwrap());
        }
    }
}
