//! `dialogue-graph query`

use std::io::{BufWriter, Read, Write};

use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::QueryResults;
use oxigraph::sparql::results::QueryResultsFormat;
use tabled::builder::Builder;
use tabled::settings::Style;

use crate::cli::{OutputFormat, QueryArgs};
use crate::config::{BaseIri, DEFAULT_BASE};
use crate::error::{Error, Result};
use crate::sparql::{ResultFormat, RowLimit, run as run_query, write_results};
use crate::store::base_for_store;
use crate::terms::compact_term;

pub fn run(args: QueryArgs) -> Result<()> {
    let text = match (&args.query, &args.file) {
        (Some(query), _) => query.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
        (None, Some(path)) => std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
            path: path.clone(),
            source,
        })?,
        (None, None) => return Err(Error::InvalidArgument("give a query or --file".to_owned())),
    };
    let base = base_for_store(args.base_iri.as_deref(), args.store.as_deref(), || {
        BaseIri::parse(DEFAULT_BASE)
    })?;
    let dataset = super::open_dataset(args.store.as_deref(), &args.sources.sources(), &base)?;
    let results = run_query(&dataset, &text)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match (args.format, results) {
        (OutputFormat::Table, QueryResults::Solutions(solutions)) => {
            let variables: Vec<String> = solutions
                .variables()
                .iter()
                .map(|v| v.as_str().to_owned())
                .collect();
            let mut table = Builder::default();
            table.push_record(variables.clone());
            let mut rows = 0_usize;
            for solution in solutions {
                let solution = solution.map_err(|e| Error::QueryEvaluation(e.to_string()))?;
                table.push_record(variables.iter().map(|v| {
                    solution
                        .get(v.as_str())
                        .map(|t| compact_term(t, &base))
                        .unwrap_or_default()
                }));
                rows += 1;
            }
            writeln!(out, "{}", table.build().with(Style::sharp()))?;
            writeln!(out, "{rows} row(s)")?;
        }
        (OutputFormat::Table, QueryResults::Boolean(value)) => writeln!(out, "{value}")?,
        (OutputFormat::Table, results @ QueryResults::Graph(_)) => {
            write_results(
                results,
                ResultFormat::Graph(RdfFormat::Turtle),
                &base,
                &RowLimit::default(),
                &mut out,
            )?;
        }
        (format, results) => {
            write_results(
                results,
                result_format(format),
                &base,
                &RowLimit::default(),
                &mut out,
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn result_format(format: OutputFormat) -> ResultFormat {
    match format {
        OutputFormat::Table | OutputFormat::Turtle => ResultFormat::Graph(RdfFormat::Turtle),
        OutputFormat::Json => ResultFormat::Results(QueryResultsFormat::Json),
        OutputFormat::Xml => ResultFormat::Results(QueryResultsFormat::Xml),
        OutputFormat::Csv => ResultFormat::Results(QueryResultsFormat::Csv),
        OutputFormat::Tsv => ResultFormat::Results(QueryResultsFormat::Tsv),
        OutputFormat::Ntriples => ResultFormat::Graph(RdfFormat::NTriples),
        OutputFormat::Jsonld => ResultFormat::Graph(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        }),
        OutputFormat::Rdfxml => ResultFormat::Graph(RdfFormat::RdfXml),
    }
}
