//! The reader's language: the two languages pages come in, how a request
//! chooses one (`?lang=`, else `Accept-Language`), the site's own words in
//! each, and text that carries its language tag. Every page uses these.

use oxigraph::model::Literal;

/// The two languages pages come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// From `?lang=`: `en`, or `zh` (any `zh-*`).
    pub fn from_param(value: &str) -> Option<Self> {
        let value = value.to_ascii_lowercase();
        if value == "en" || value.starts_with("en-") {
            Some(Self::En)
        } else if value == "zh" || value.starts_with("zh-") {
            Some(Self::Zh)
        } else {
            None
        }
    }

    /// From `Accept-Language`: the first of en/zh in the reader's order of preference.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Self::from_param(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map_or(Self::En, |(_, l)| l)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh-Hans",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::En => Self::Zh,
            Self::Zh => Self::En,
        }
    }

    /// The name of this language, written in it.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Zh => "中文",
        }
    }

    /// Interface text in this language.
    pub fn t(self, en: &'static str, zh: &'static str) -> &'static str {
        match self {
            Self::En => en,
            Self::Zh => zh,
        }
    }
}

/// A language tag as HTML wants it: Oxigraph stores `zh-hans`, pages say `zh-Hans`.
pub fn html_lang(tag: &str) -> String {
    tag.split('-')
        .enumerate()
        .map(|(i, part)| {
            if i > 0 && part.len() == 4 {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                })
            } else if i > 0 && part.len() == 2 {
                part.to_ascii_uppercase()
            } else {
                part.to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A piece of text with its language (empty when it has none).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Text {
    pub value: String,
    pub lang: String,
}

impl Text {
    /// The text of a literal, its tag written as HTML wants it.
    pub fn from_literal(literal: &Literal) -> Self {
        Self {
            value: literal.value().to_owned(),
            lang: literal.language().map(html_lang).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_en_and_zh() {
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.5"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("fr-FR,fr;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr;q=1, zh-TW;q=0.4"), Lang::Zh);
    }

    #[test]
    fn language_tags_are_written_as_bcp47_recommends() {
        assert_eq!(html_lang("zh-hans"), "zh-Hans");
        assert_eq!(html_lang("en"), "en");
        assert_eq!(html_lang("en-gb"), "en-GB");
    }
}
