//! Short, readable renderings of RDF terms for people (tables, pages):
//! IRIs under the base become relative, known namespaces become prefixed names.

use oxigraph::model::{Literal, Term, vocab::xsd};

use crate::config::BaseIri;
use crate::vocab::PREFIXES;

/// `<id/person/xi-jinping>`, `schema:startDate`, or `<http://other/iri>`.
pub fn compact_iri(iri: &str, base: &BaseIri) -> String {
    if let Some(local) = iri.strip_prefix(base.vocabulary().as_str()) {
        return format!("dg:{local}");
    }
    if let Some(relative) = iri.strip_prefix(base.as_str()) {
        return format!("<{relative}>");
    }
    for (prefix, namespace) in PREFIXES {
        if let Some(local) = iri.strip_prefix(namespace) {
            if !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                return format!("{prefix}:{local}");
            }
        }
    }
    format!("<{iri}>")
}

/// A literal as a person reads it: the text, with `@lang` for tagged strings
/// and the datatype only where it is not obvious.
pub fn compact_literal(literal: &Literal, base: &BaseIri) -> String {
    if let Some(language) = literal.language() {
        return format!("{}@{language}", literal.value());
    }
    let datatype = literal.datatype();
    if datatype == xsd::STRING
        || datatype == xsd::INTEGER
        || datatype == xsd::DECIMAL
        || datatype == xsd::DOUBLE
        || datatype == xsd::BOOLEAN
        || datatype == xsd::DATE
    {
        literal.value().to_owned()
    } else {
        format!(
            "{}^^{}",
            literal.value(),
            compact_iri(datatype.as_str(), base)
        )
    }
}

pub fn compact_term(term: &Term, base: &BaseIri) -> String {
    match term {
        Term::NamedNode(n) => compact_iri(n.as_str(), base),
        Term::BlankNode(b) => b.to_string(),
        Term::Literal(l) => compact_literal(l, base),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::NamedNode;

    #[test]
    fn iris_are_shortened() {
        let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            compact_iri("http://127.0.0.1:8080/id/person/xi-jinping", &base),
            "<id/person/xi-jinping>"
        );
        assert_eq!(
            compact_iri("http://127.0.0.1:8080/ns#outcome", &base),
            "dg:outcome"
        );
        assert_eq!(
            compact_iri("http://schema.org/startDate", &base),
            "schema:startDate"
        );
        assert_eq!(
            compact_iri("http://example.org/x", &base),
            "<http://example.org/x>"
        );
    }

    #[test]
    fn literals_read_naturally() {
        let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
        let date = Literal::new_typed_literal("2017-11-30", xsd::DATE);
        assert_eq!(compact_literal(&date, &base), "2017-11-30");
        let zh = Literal::new_language_tagged_literal_unchecked("北京", "zh-hans");
        assert_eq!(compact_literal(&zh, &base), "北京@zh-hans");
        let month = Literal::new_typed_literal(
            "--10",
            NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#gMonth"),
        );
        assert_eq!(compact_literal(&month, &base), "--10^^xsd:gMonth");
    }
}
