use serde::{Deserialize, Serialize};

/// The interface language. Chinese first; English second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The value of the `lang` cookie and of `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads a cookie value or `lang` attribute; anything unknown is Chinese.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// Picks the language from a `Cookie` header.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .map(|(_, v)| Lang::from_tag(v))
            .unwrap_or_default()
    }

    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_language_and_defaults_to_chinese() {
        assert_eq!(Lang::from_cookie_header("a=1; lang=en; b=2"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header("gl_sid=x"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header(""), Lang::Zh);
    }
}
