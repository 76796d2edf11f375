//! Full-text search over the names of the entities this server mints, and
//! of the classes and properties that describe them, in English and
//! Chinese, for the search box on every page and `/search`.
//!
//! One in-memory [tantivy](https://docs.rs/tantivy) index is built per data
//! version, on first use (the server keeps it in a version cache, so an
//! update or reload brings a fresh one). Each entity is one document with
//! its names (`rdfs:label`, `skos:prefLabel`, `skos:altLabel`,
//! `schema:name`, `schema:alternateName`, `foaf:name`) in three fields:
//!
//! - `words`: split on anything but letters and digits, lower-cased and
//!   folded to ASCII (`Española` finds `espanola`);
//! - `han`: each run of Chinese characters as single characters and pairs
//!   of neighbours (CJK bigrams, as Lucene's CJK analyzer does), because
//!   Chinese has no spaces: `对话` is found inside `高层对话会`;
//! - `stems`: the words again, reduced to their English stems (Snowball),
//!   so `party` finds `Political Parties`;
//! - `exact`: the whole name lower-cased, so a full match ranks first.
//!
//! A query matches when every word of it matches: whole, by its stem, the
//! last word also as a prefix (it is being typed), and from five letters on
//! with one typo. Scores are BM25 with boosts (whole name, whole word, stem,
//! prefix, typo), then nudged by how many statements link to the entity, so
//! that the event of the dataset ranks before the page that reports it. The
//! statements that annotate others (reification's `rdf:subject` and
//! `rdf:object`, PROV's derivations) are not counted: every fact's evidence
//! points at its subject and at the source page, which says nothing of
//! either's importance.
//!
//! Vocabulary terms are results too, each linked to the page that serves
//! it: a class that things in the data belong to goes to its list of
//! members (`/class/schema:Person`), a term of the site's own vocabulary to
//! its definition (`/ontology#theme`), and another vocabulary's property
//! used in the data to the fragment of the statements using it
//! (`/fragments?predicate=…`). A class ranks by its number of members.

mod entries;

pub use entries::{is_annotation, links_in, queried_links_in};

use entries::{Entry, Kind, Names};

use oxigraph::model::NamedNode;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, NgramTokenizer, RawTokenizer, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term as IndexTerm};

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::store::Dataset;

/// The predicates whose literals are an entity's names.
pub const NAME_PREDICATES: &[&str] = &[
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://schema.org/name",
    "http://schema.org/alternateName",
    "http://xmlns.com/foaf/0.1/name",
];

/// At most this many results per query.
pub const MAX_LIMIT: usize = 50;

/// How many candidates are ranked again by their links.
const CANDIDATES: usize = 200;

/// One entity (or vocabulary term) found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Hit {
    pub iri: String,
    /// Its page on this server: `/page/...` for an entity; `/class/...`,
    /// `/ontology#...` or `/fragments?predicate=...` for a vocabulary term.
    pub page: String,
    /// Its name in the reader's language (else English, else any).
    pub label: String,
    /// The language of `label` (`en`, `zh-hans`...), empty if untagged.
    pub lang: String,
    /// Its name in the other language of the site, if it has one.
    pub other_label: Option<String>,
    /// What kind of thing it is, in the reader's language.
    pub kind: Option<String>,
    /// A vocabulary term's compact name, as SPARQL writes it
    /// (`schema:organizer`); none for an entity.
    pub term: Option<String>,
    pub score: f32,
}

/// The index of one data version.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// How many entities and vocabulary terms are indexed.
    pub documents: usize,
}

#[derive(Clone, Copy)]
struct Fields {
    iri: Field,
    /// The page a result links to.
    page: Field,
    words: Field,
    han: Field,
    stems: Field,
    exact: Field,
    /// `lang\tname` per name, for display.
    name: Field,
    kind_en: Field,
    kind_zh: Field,
    /// The compact name of a vocabulary term.
    term: Field,
    links: Field,
}

fn text_field(builder: &mut tantivy::schema::SchemaBuilder, name: &str, tokenizer: &str) -> Field {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(IndexRecordOption::WithFreqs);
    builder.add_text_field(name, TextOptions::default().set_indexing_options(indexing))
}

fn index_error(e: tantivy::TantivyError) -> Error {
    Error::Internal(format!("search index: {e}"))
}

/// Whether `c` is a Chinese (Han) character.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// The runs of Chinese characters in `text`.
fn han_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !is_han(c))
        .filter(|run| !run.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The terms a run of Chinese characters is looked up by: the run itself
/// if it is one character, else each pair of neighbours.
fn han_terms(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() == 1 {
        return vec![run.to_owned()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

impl Fields {
    fn add_to(builder: &mut tantivy::schema::SchemaBuilder) -> Self {
        Fields {
            iri: builder.add_text_field("iri", STRING | STORED),
            page: builder.add_text_field("page", STORED),
            words: text_field(builder, "words", "words"),
            han: text_field(builder, "han", "han"),
            stems: text_field(builder, "stems", "stems"),
            exact: text_field(builder, "exact", "exact"),
            name: builder.add_text_field("name", STORED),
            kind_en: builder.add_text_field("kind_en", STORED),
            kind_zh: builder.add_text_field("kind_zh", STORED),
            term: builder.add_text_field("term", STORED),
            links: builder.add_u64_field("links", STORED),
        }
    }

    /// The index document of one entry: its names in every field, its kind
    /// named in both languages.
    fn document(&self, iri: &NamedNode, entry: &Entry, names: &Names) -> TantivyDocument {
        let kind_name = |lang: Lang| -> Option<String> {
            match &entry.kind {
                Kind::Of(class) => {
                    pick(names.get(class)?, lang.code()).map(|(value, _)| value.clone())
                }
                Kind::Class => Some(lang.t("class", "类").to_owned()),
                Kind::Property => Some(lang.t("property", "属性").to_owned()),
                Kind::Unknown => None,
            }
        };
        let mut doc = TantivyDocument::default();
        doc.add_text(self.iri, iri.as_str());
        doc.add_text(self.page, &entry.page);
        for (value, lang) in &entry.names {
            doc.add_text(self.words, value);
            doc.add_text(self.stems, value);
            doc.add_text(self.exact, normalise(value));
            for run in han_runs(value) {
                doc.add_text(self.han, run);
            }
            doc.add_text(self.name, format!("{lang}\t{value}"));
        }
        if let Some(kind) = kind_name(Lang::En) {
            doc.add_text(self.kind_en, kind);
        }
        if let Some(kind) = kind_name(Lang::Zh) {
            doc.add_text(self.kind_zh, kind);
        }
        if let Some(term) = &entry.term {
            doc.add_text(self.term, term);
        }
        doc.add_u64(self.links, entry.links);
        doc
    }
}

/// The analysers of the text fields (see the module's introduction).
fn register_tokenizers(index: &Index) -> Result<()> {
    let tokenizers = index.tokenizers();
    tokenizers.register(
        "words",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    );
    tokenizers.register(
        "stems",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    tokenizers.register(
        "han",
        TextAnalyzer::builder(NgramTokenizer::new(1, 2, false).map_err(index_error)?).build(),
    );
    tokenizers.register(
        "exact",
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
    Ok(())
}

impl SearchIndex {
    /// Reads every name of the minted entities, and of the vocabulary terms
    /// a page here serves, and indexes them.
    pub fn build(dataset: &Dataset) -> Result<Self> {
        let (entries, names) = entries::collect(dataset)?;
        let mut builder = Schema::builder();
        let fields = Fields::add_to(&mut builder);
        let index = Index::create_in_ram(builder.build());
        register_tokenizers(&index)?;
        let mut writer = index
            .writer_with_num_threads(1, 50_000_000)
            .map_err(index_error)?;
        for (iri, entry) in &entries {
            let document = fields.document(iri, entry, &names);
            writer.add_document(document).map_err(index_error)?;
        }
        writer.commit().map_err(index_error)?;
        let reader = index.reader().map_err(index_error)?;
        Ok(Self {
            index,
            reader,
            fields,
            documents: entries.len(),
        })
    }

    /// The entities whose names match `text`, best first.
    pub fn search(&self, text: &str, lang: Lang, limit: usize) -> Result<Vec<Hit>> {
        let Some(query) = self.query(text) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())
            .map_err(index_error)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(index_error)?;
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let names: Vec<(String, String)> = doc
                .get_all(self.fields.name)
                .filter_map(|v| v.as_str())
                .filter_map(|s| s.split_once('\t'))
                .map(|(lang, value)| (value.to_owned(), lang.to_owned()))
                .collect();
            let Some((label, label_lang)) = pick(&names, lang.code()).cloned() else {
                continue;
            };
            let other_label = pick(&names, lang.other().code())
                .filter(|(_, l)| *l != label_lang)
                .map(|(value, _)| value.clone());
            let links = doc
                .get_first(self.fields.links)
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            let kind = match lang {
                Lang::En => text_of(self.fields.kind_en),
                Lang::Zh => text_of(self.fields.kind_zh).or_else(|| text_of(self.fields.kind_en)),
            };
            hits.push(Hit {
                iri: text_of(self.fields.iri).unwrap_or_default(),
                page: text_of(self.fields.page).unwrap_or_default(),
                label,
                lang: label_lang,
                other_label,
                kind,
                term: text_of(self.fields.term),
                // A gentle nudge: ten times the links is worth a quarter
                // more score, never enough to beat a better match by much.
                score: score * (1.0 + 0.25 * ((1 + links) as f32).log10()),
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.label.chars().count().cmp(&b.label.chars().count()))
                .then_with(|| a.iri.cmp(&b.iri))
        });
        hits.truncate(limit.clamp(1, MAX_LIMIT));
        Ok(hits)
    }

    /// The query for what was typed: every word must match (see the module
    /// doc); `None` when nothing searchable was typed.
    fn query(&self, text: &str) -> Option<Box<dyn Query>> {
        let mut analyzer = self.index.tokenizers().get("words")?;
        let mut words = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            words.push(token.text.clone());
        }
        let last = words.len().checked_sub(1)?;
        // The same words through the stemming analyzer: it splits alike, so
        // the i-th stem belongs to the i-th word.
        let mut stemmer = self.index.tokenizers().get("stems")?;
        let mut stems = Vec::new();
        let mut stream = stemmer.token_stream(text);
        while let Some(token) = stream.next() {
            stems.push(token.text.clone());
        }
        let f = self.fields;
        let term = |field: Field, text: &str| IndexTerm::from_field_text(field, text);
        let boosted = |query: Box<dyn Query>, boost: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(query, boost)))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let mut either: Vec<(Occur, Box<dyn Query>)> = vec![boosted(
                Box::new(TermQuery::new(
                    term(f.words, word),
                    IndexRecordOption::WithFreqs,
                )),
                2.0,
            )];
            if let Some(stem) = stems.get(i).filter(|stem| !stem.is_empty()) {
                either.push(boosted(
                    Box::new(TermQuery::new(
                        term(f.stems, stem),
                        IndexRecordOption::WithFreqs,
                    )),
                    1.5,
                ));
            }
            if i == last {
                either.push(boosted(
                    Box::new(FuzzyTermQuery::new_prefix(term(f.words, word), 0, true)),
                    1.0,
                ));
            }
            let chars = word.chars().count();
            if chars >= 5 && !word.chars().any(is_han) {
                let fuzzy = if i == last {
                    FuzzyTermQuery::new_prefix(term(f.words, word), 1, true)
                } else {
                    FuzzyTermQuery::new(term(f.words, word), 1, true)
                };
                either.push(boosted(Box::new(fuzzy), 0.5));
            }
            // Chinese inside the word: every character pair must be there.
            let runs = han_runs(word);
            if !runs.is_empty() {
                let all: Vec<(Occur, Box<dyn Query>)> = runs
                    .iter()
                    .flat_map(|run| han_terms(run))
                    .map(|t| -> (Occur, Box<dyn Query>) {
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(
                                term(f.han, &t),
                                IndexRecordOption::WithFreqs,
                            )),
                        )
                    })
                    .collect();
                either.push(boosted(Box::new(BooleanQuery::new(all)), 1.0));
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
        }
        // The whole name typed, exactly or (from five letters on) with one
        // typo: "Beijnig" is Beijing before the Beijing Initiative.
        let whole = normalise(text);
        clauses.push(boosted(
            Box::new(TermQuery::new(
                term(f.exact, &whole),
                IndexRecordOption::Basic,
            )),
            8.0,
        ));
        if whole.chars().count() >= 5 && !whole.chars().any(is_han) {
            clauses.push(boosted(
                Box::new(FuzzyTermQuery::new(term(f.exact, &whole), 1, true)),
                2.0,
            ));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

/// A name as the `exact` field holds it: spaces collapsed and lower-cased.
/// Queries build their terms with it too, since a term is not analysed.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The name in `lang` (`en`, `zh`), else English, else untagged, else any.
fn pick<'a>(names: &'a [(String, String)], lang: &str) -> Option<&'a (String, String)> {
    let rank = |tag: &str| {
        if tag == lang || tag.starts_with(&format!("{lang}-")) {
            0
        } else if tag == "en" || tag.starts_with("en-") {
            1
        } else if tag.is_empty() {
            2
        } else {
            3
        }
    };
    names.iter().min_by_key(|(_, tag)| rank(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_become_pairs_of_neighbours() {
        assert_eq!(
            han_runs("CPC 中国共产党 (北京)"),
            vec!["中国共产党", "北京"]
        );
        assert_eq!(han_terms("对话会"), vec!["对话", "话会"]);
        assert_eq!(han_terms("党"), vec!["党"]);
    }

    #[test]
    fn the_readers_language_comes_first_then_english() {
        let names = vec![
            ("Beijing".to_owned(), "en".to_owned()),
            ("北京".to_owned(), "zh-hans".to_owned()),
            ("Pékin".to_owned(), "fr".to_owned()),
        ];
        assert_eq!(pick(&names, "zh").map(|n| n.0.as_str()), Some("北京"));
        assert_eq!(pick(&names, "de").map(|n| n.0.as_str()), Some("Beijing"));
    }
}
