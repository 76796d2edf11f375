//! `dialogue-graph generate`: a deterministic synthetic graph of the same
//! shape as `data/`, for measuring the publisher on graphs far bigger than
//! the source page.
//!
//! Each event gets what the real meeting has: English and Chinese names,
//! dates, a place, an organiser, a participant group of parties (each with a
//! country), a theme, an ordered scheme of topics, an opening session with a
//! keynote speech and its speaker, an outcome document, and Web Annotations
//! quoting the sentences that state these facts. That is about 100 triples per
//! event, so `--events 10000` gives about a million. Parties, countries,
//! places and organisers are shared between events, so some entities are hubs
//! with thousands of incoming links, as in real data. The same `--events` and
//! base IRI always give the same bytes.

use std::io::{self, Write};

use crate::config::BaseIri;
use crate::vocab::{OA, ORG, RDF_TYPE, RDFS_LABEL, SCHEMA, SKOS, XSD_DATE, XSD_INTEGER};

/// How many of the shared entities there are, whatever the number of events.
const COUNTRIES: usize = 120;
const PLACES: usize = 60;
const ORGANISERS: usize = 12;
const TOPICS_PER_EVENT: usize = 5;
const PARTIES_PER_EVENT: usize = 8;
const ANNOTATIONS_PER_EVENT: usize = 3;

/// Writes N-Triples line by line, counting them.
struct Writer<'a, W: Write> {
    out: W,
    base: &'a str,
    vocabulary: String,
    triples: u64,
}

impl<W: Write> Writer<'_, W> {
    fn id(&self, path: &str) -> String {
        format!("<{}id/{path}>", self.base)
    }

    fn iri(iri: &str) -> String {
        format!("<{iri}>")
    }

    fn triple(&mut self, subject: &str, predicate: &str, object: &str) -> io::Result<()> {
        self.triples += 1;
        writeln!(self.out, "{subject} <{predicate}> {object} .")
    }

    fn a(&mut self, subject: &str, class: &str) -> io::Result<()> {
        self.triple(subject, RDF_TYPE, &Self::iri(class))
    }

    /// `rdfs:label` in English and Chinese.
    fn labels(&mut self, subject: &str, en: &str, zh: &str) -> io::Result<()> {
        self.triple(subject, RDFS_LABEL, &format!("{}@en", literal(en)))?;
        self.triple(subject, RDFS_LABEL, &format!("{}@zh-Hans", literal(zh)))
    }

    fn dg(&self, name: &str) -> String {
        format!("{}{name}", self.vocabulary)
    }
}

/// A string literal in N-Triples (the generated text needs no escapes but
/// quotes and backslashes are escaped anyway).
fn literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Chinese numerals for the generated Chinese names (一二三...).
fn zh_number(mut n: usize) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 {
        return "〇".to_owned();
    }
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(DIGITS[n % 10]);
        n /= 10;
    }
    digits.iter().rev().collect()
}

/// Writes the synthetic graph of `events` events as N-Triples; returns the
/// number of triples written.
pub fn write_graph(events: usize, base: &BaseIri, out: impl Write) -> io::Result<u64> {
    let mut w = Writer {
        out,
        base: base.as_str(),
        vocabulary: base.vocabulary(),
        triples: 0,
    };
    let parties = (events / 4).max(40);
    for c in 0..COUNTRIES {
        let country = w.id(&format!("place/country-{c}"));
        w.a(&country, &format!("{SCHEMA}Country"))?;
        w.labels(
            &country,
            &format!("Country {c}"),
            &format!("国家{}", zh_number(c)),
        )?;
    }
    for p in 0..PLACES {
        let place = w.id(&format!("place/city-{p}"));
        w.a(&place, &format!("{SCHEMA}City"))?;
        w.labels(
            &place,
            &format!("City {p}"),
            &format!("城市{}", zh_number(p)),
        )?;
        let country = w.id(&format!("place/country-{}", p % COUNTRIES));
        w.triple(&place, &format!("{SCHEMA}containedInPlace"), &country)?;
    }
    for o in 0..ORGANISERS {
        let organiser = w.id(&format!("organization/organiser-{o}"));
        w.a(&organiser, &format!("{SCHEMA}Organization"))?;
        w.labels(
            &organiser,
            &format!("International Department {o}"),
            &format!("对外联络部{}", zh_number(o)),
        )?;
    }
    for p in 0..parties {
        let party = w.id(&format!("organization/party-{p}"));
        w.a(&party, &w.dg("PoliticalParty"))?;
        w.labels(
            &party,
            &format!("Party {p}"),
            &format!("政党{}", zh_number(p)),
        )?;
        let country = w.id(&format!("place/country-{}", p % COUNTRIES));
        w.triple(&party, &format!("{SCHEMA}location"), &country)?;
    }
    for i in 0..events {
        write_event(&mut w, i, parties)?;
    }
    w.out.flush()?;
    Ok(w.triples)
}

/// The IRIs of one synthetic event and what belongs to it.
struct EventIds {
    event: String,
    session: String,
    speech: String,
    speaker: String,
    document: String,
    theme: String,
    scheme: String,
    group: String,
    place: String,
    organiser: String,
    host: String,
    start: String,
    end: String,
}

impl EventIds {
    fn new<W: Write>(w: &Writer<'_, W>, i: usize) -> Self {
        let event = w.id(&format!("event/dialogue-{i}"));
        let session = w.id(&format!("event/dialogue-{i}-opening"));
        let speech = w.id(&format!("speech/keynote-{i}"));
        let speaker = w.id(&format!("person/speaker-{i}"));
        let document = w.id(&format!("document/initiative-{i}"));
        let theme = w.id(&format!("concept/theme-{i}"));
        let scheme = w.id(&format!("scheme/topics-{i}"));
        let group = w.id(&format!("group/participants-{i}"));
        let place = w.id(&format!("place/city-{}", i % PLACES));
        let organiser = w.id(&format!("organization/organiser-{}", i % ORGANISERS));
        let host = w.id(&format!("place/country-{}", (i % PLACES) % COUNTRIES));
        // Dates spread over 1990-2029, four days long.
        let (year, month, day) = (1990 + i % 40, 1 + (i / 40) % 12, 1 + (i / 480) % 24);
        let start = format!("{year:04}-{month:02}-{day:02}");
        let end = format!("{year:04}-{month:02}-{:02}", day + 3);

        EventIds {
            event,
            session,
            speech,
            speaker,
            document,
            theme,
            scheme,
            group,
            place,
            organiser,
            host,
            start,
            end,
        }
    }
}

fn write_event<W: Write>(w: &mut Writer<'_, W>, i: usize, parties: usize) -> io::Result<()> {
    let ids = EventIds::new(w, i);
    write_meeting(w, i, &ids)?;
    write_people_and_outcome(w, i, &ids, parties)?;
    write_topics_and_participants(w, i, &ids, parties)?;
    write_evidence(w, i, &ids)
}

/// The event and its opening session.
fn write_meeting<W: Write>(w: &mut Writer<'_, W>, i: usize, ids: &EventIds) -> io::Result<()> {
    let EventIds {
        event,
        session,
        speech,
        speaker,
        document,
        theme,
        scheme,
        group,
        place,
        organiser,
        host,
        start,
        end,
        ..
    } = ids;
    w.a(event, &format!("{SCHEMA}Event"))?;
    w.labels(
        event,
        &format!("High-Level Dialogue {i}"),
        &format!("高层对话会{}", zh_number(i)),
    )?;
    w.triple(
        event,
        &format!("{SKOS}altLabel"),
        &format!("{}@zh-Hans", literal(&format!("对话会{}", zh_number(i)))),
    )?;
    w.triple(
        event,
        &format!("{SCHEMA}startDate"),
        &format!("{}^^<{XSD_DATE}>", literal(start)),
    )?;
    w.triple(
        event,
        &format!("{SCHEMA}endDate"),
        &format!("{}^^<{XSD_DATE}>", literal(end)),
    )?;
    w.triple(
        event,
        &format!("{SCHEMA}description"),
        &format!(
            "{}@en",
            literal(&format!(
                "A dialogue between political parties, number {i}."
            ))
        ),
    )?;
    w.triple(
        event,
        &format!("{SCHEMA}description"),
        &format!(
            "{}@zh-Hans",
            literal(&format!("第{}次政党对话会。", zh_number(i)))
        ),
    )?;
    w.triple(event, &format!("{SCHEMA}location"), place)?;
    w.triple(event, &format!("{SCHEMA}organizer"), organiser)?;
    w.triple(event, &w.dg("hostCountry"), host)?;
    w.triple(event, &format!("{SCHEMA}attendee"), group)?;
    w.triple(event, &w.dg("theme"), theme)?;
    w.triple(event, &w.dg("discussionTopics"), scheme)?;
    w.triple(event, &format!("{SCHEMA}subEvent"), session)?;
    w.triple(event, &w.dg("outcome"), document)?;

    w.a(session, &format!("{SCHEMA}Event"))?;
    w.labels(
        session,
        &format!("Opening session {i}"),
        &format!("开幕式{}", zh_number(i)),
    )?;
    w.triple(session, &format!("{SCHEMA}superEvent"), event)?;
    w.triple(session, &format!("{SCHEMA}performer"), speaker)?;
    w.triple(session, &format!("{SCHEMA}attendee"), speaker)?;
    w.triple(session, &format!("{SCHEMA}workPerformed"), speech)?;

    Ok(())
}

/// The speaker, the keynote, the outcome document and the theme.
fn write_people_and_outcome<W: Write>(
    w: &mut Writer<'_, W>,
    i: usize,
    ids: &EventIds,
    parties: usize,
) -> io::Result<()> {
    let EventIds {
        event,
        speech,
        speaker,
        document,
        theme,
        host,
        end,
        ..
    } = ids;
    w.a(speaker, &format!("{SCHEMA}Person"))?;
    w.labels(
        speaker,
        &format!("Speaker {i}"),
        &format!("发言人{}", zh_number(i)),
    )?;
    w.a(speech, &w.dg("KeynoteSpeech"))?;
    w.labels(
        speech,
        &format!("Keynote {i}"),
        &format!("主旨讲话{}", zh_number(i)),
    )?;
    w.triple(speech, &format!("{SCHEMA}author"), speaker)?;
    let speaker_party = w.id(&format!("organization/party-{}", (i * 7) % parties));
    w.triple(speaker, &format!("{SCHEMA}memberOf"), &speaker_party)?;
    w.triple(speaker, &format!("{SCHEMA}nationality"), host)?;
    w.triple(
        document,
        &format!("{SCHEMA}datePublished"),
        &format!("{}^^<{XSD_DATE}>", literal(end)),
    )?;
    w.triple(document, &format!("{SCHEMA}about"), event)?;
    w.a(document, &w.dg("OutcomeDocument"))?;
    w.labels(
        document,
        &format!("Initiative {i}"),
        &format!("倡议{}", zh_number(i)),
    )?;
    w.a(theme, &format!("{SKOS}Concept"))?;
    w.labels(
        theme,
        &format!("Theme of dialogue {i}"),
        &format!("对话会{}主题", zh_number(i)),
    )?;

    Ok(())
}

/// The topics and the participating parties.
fn write_topics_and_participants<W: Write>(
    w: &mut Writer<'_, W>,
    i: usize,
    ids: &EventIds,
    parties: usize,
) -> io::Result<()> {
    let EventIds { scheme, group, .. } = ids;
    w.a(scheme, &format!("{SKOS}ConceptScheme"))?;
    w.labels(
        scheme,
        &format!("Topics of dialogue {i}"),
        &format!("对话会{}议题", zh_number(i)),
    )?;
    for t in 0..TOPICS_PER_EVENT {
        let topic = w.id(&format!("concept/topic-{i}-{t}"));
        w.a(&topic, &format!("{SKOS}Concept"))?;
        w.labels(
            &topic,
            &format!("Topic {t} of dialogue {i}"),
            &format!("议题{}", zh_number(t)),
        )?;
        w.triple(&topic, &format!("{SKOS}inScheme"), scheme)?;
        w.triple(
            &topic,
            &format!("{SCHEMA}position"),
            &format!("{}^^<{XSD_INTEGER}>", literal(&(t + 1).to_string())),
        )?;
    }

    w.a(group, &format!("{ORG}Organization"))?;
    w.labels(
        group,
        &format!("Participants of dialogue {i}"),
        &format!("对话会{}与会者", zh_number(i)),
    )?;
    for k in 0..PARTIES_PER_EVENT {
        let party = w.id(&format!(
            "organization/party-{}",
            (i * 7 + k * 13) % parties
        ));
        w.triple(group, &format!("{ORG}hasMember"), &party)?;
    }

    Ok(())
}

/// The sentences that state the facts, as annotations over a source text.
fn write_evidence<W: Write>(w: &mut Writer<'_, W>, i: usize, ids: &EventIds) -> io::Result<()> {
    let EventIds {
        event,
        speech,
        place,
        organiser,
        start,
        end,
        ..
    } = ids;
    // The sentences that state the facts, as annotations over a source text.
    let text = w.id(&format!("text/dialogue-{i}"));
    w.a(&text, &format!("{SCHEMA}WebPage"))?;
    w.triple(&text, &format!("{SCHEMA}about"), event)?;
    w.triple(
        &text,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
        &literal(&format!(
            "High-Level Dialogue {i} was held in City {} from {start} to {end}. It was organised by International Department {}. Speaker {i} delivered Keynote {i}.",
            i % PLACES,
            i % ORGANISERS
        )),
    )?;
    for a in 0..ANNOTATIONS_PER_EVENT {
        let annotation = w.id(&format!("evidence/dialogue-{i}-{a}"));
        w.a(&annotation, &format!("{OA}Annotation"))?;
        w.triple(&annotation, &format!("{OA}hasTarget"), &text)?;
        w.triple(
            &annotation,
            &format!("{OA}motivatedBy"),
            &Writer::<W>::iri(&format!("{OA}describing")),
        )?;
        let (body, exact) = match a {
            0 => (&place, format!("was held in City {}", i % PLACES)),
            1 => (
                &organiser,
                format!("organised by International Department {}", i % ORGANISERS),
            ),
            _ => (&speech, format!("delivered Keynote {i}")),
        };
        w.triple(&annotation, &format!("{OA}hasBody"), body)?;
        w.triple(&annotation, &format!("{OA}exact"), &literal(&exact))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_a_hundred_triples_per_event_and_the_same_bytes_each_time() {
        let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
        let mut first = Vec::new();
        let small = write_graph(10, &base, &mut first).unwrap();
        let mut bigger = Vec::new();
        let large = write_graph(1_000, &base, &mut bigger).unwrap();
        let per_event = (large - small) as f64 / 990.0;
        assert!(
            (90.0..=110.0).contains(&per_event),
            "{per_event} triples per event"
        );
        let mut again = Vec::new();
        write_graph(10, &base, &mut again).unwrap();
        assert_eq!(first, again);
        // Every line is a triple that Oxigraph's parser reads.
        let parsed = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples)
            .for_reader(first.as_slice())
            .count();
        assert_eq!(parsed as u64, small);
    }
}
