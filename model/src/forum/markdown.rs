//! The Markdown posts are written in, parsed into plain blocks and spans
//! that the app renders as elements with text in them. Nothing is ever
//! handed to the browser as HTML, so `<script>` in a post is just text;
//! links keep only `http:`, `https:` and `mailto:` addresses.
//!
//! What it understands: paragraphs (a single newline is a line break),
//! `#`–`###` headings, `>` quotes, `-`/`*` and `1.` lists, fenced code
//! blocks, `---` rules; inline `**strong**`, `*emphasis*`, `` `code` ``,
//! `[text](url)`, bare `https://…` links, `\` escapes, and `@name` mentions
//! of the people the caller names.

/// A block of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Span>),
    /// Level 1 to 3.
    Heading(u8, Vec<Span>),
    Quote(Vec<Span>),
    List {
        ordered: bool,
        items: Vec<Vec<Span>>,
    },
    Code(String),
    Rule,
}

/// A stretch of text inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Strong(String),
    Emphasis(String),
    Code(String),
    Link {
        text: String,
        href: String,
    },
    /// `@name`, as written.
    Mention(String),
    LineBreak,
}

/// Parse `source`; `people` are the names an `@` may mention.
pub fn parse(source: &str, people: &[String]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = source.lines().peekable();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(lines_to_spans(paragraph, people)));
            paragraph.clear();
        }
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut blocks);
            let mut code = Vec::new();
            for inner in lines.by_ref() {
                if inner.trim_start().starts_with("```") {
                    break;
                }
                code.push(inner);
            }
            blocks.push(Block::Code(code.join("\n")));
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else if let Some((level, rest)) = heading(trimmed) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(level, spans(rest, people)));
        } else if is_rule(trimmed) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Rule);
        } else if let Some(rest) = quote_line(trimmed) {
            flush(&mut paragraph, &mut blocks);
            let mut quoted = vec![rest];
            while let Some(next) = lines.peek().and_then(|l| quote_line(l.trim_start())) {
                quoted.push(next);
                lines.next();
            }
            blocks.push(Block::Quote(lines_to_spans(&quoted, people)));
        } else if let Some((ordered, rest)) = list_item(trimmed) {
            flush(&mut paragraph, &mut blocks);
            let mut items = vec![spans(rest, people)];
            while let Some((_, next)) = lines
                .peek()
                .and_then(|l| list_item(l.trim_start()))
                .filter(|(o, _)| *o == ordered)
            {
                items.push(spans(next, people));
                lines.next();
            }
            blocks.push(Block::List { ordered, items });
        } else {
            paragraph.push(line.trim());
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

/// The text of a post with its Markdown taken out, on one line (for
/// previews and quotes).
pub fn plain(source: &str) -> String {
    let mut out = String::new();
    for block in parse(source, &[]) {
        let spans: Vec<Span> = match block {
            Block::Paragraph(s) | Block::Heading(_, s) | Block::Quote(s) => s,
            Block::List { items, .. } => items
                .into_iter()
                .flat_map(|item| item.into_iter().chain([Span::LineBreak]))
                .collect(),
            Block::Code(code) => vec![Span::Text(code)],
            Block::Rule => Vec::new(),
        };
        for span in spans {
            let text = match span {
                Span::Text(t) | Span::Strong(t) | Span::Emphasis(t) | Span::Code(t) => t,
                Span::Link { text, .. } => text,
                Span::Mention(m) => format!("@{m}"),
                Span::LineBreak => " ".to_owned(),
            };
            out.push_str(&text);
        }
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    let rest = line[hashes..].strip_prefix(' ')?;
    (1..=3)
        .contains(&hashes)
        .then_some((hashes as u8, rest.trim()))
}

fn is_rule(line: &str) -> bool {
    let line = line.trim_end();
    line.len() >= 3 && line.chars().all(|c| c == '-')
}

fn quote_line(line: &str) -> Option<&str> {
    line.strip_prefix('>').map(str::trim_start)
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest.trim()));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = line[digits..].strip_prefix(". ")?;
    (digits > 0 && digits < 10).then_some((true, rest.trim()))
}

fn lines_to_spans(lines: &[&str], people: &[String]) -> Vec<Span> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push(Span::LineBreak);
        }
        out.extend(spans(line, people));
    }
    out
}

/// The inline spans of one line.
pub fn spans(line: &str, people: &[String]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let (span, used) = match c {
            '\\' => match rest[1..].chars().next() {
                Some(next) if next.is_ascii_punctuation() => {
                    text.push(next);
                    rest = &rest[1 + next.len_utf8()..];
                    continue;
                }
                _ => (None, 1),
            },
            '`' => delimited(rest, "`").map_or((None, 1), |(inner, used)| {
                (Some(Span::Code(inner.to_owned())), used)
            }),
            '*' if rest.starts_with("**") => delimited(rest, "**")
                .filter(|(inner, _)| flanked(inner))
                .map_or((None, 2), |(inner, used)| {
                    (Some(Span::Strong(inner.to_owned())), used)
                }),
            '*' | '_' => {
                let mark = &rest[..1];
                let after_word = text.chars().next_back().is_some_and(char::is_alphanumeric);
                match delimited(rest, mark).filter(|(inner, _)| !after_word && flanked(inner)) {
                    Some((inner, used)) => (Some(Span::Emphasis(inner.to_owned())), used),
                    None => (None, 1),
                }
            }
            '[' => link(rest).map_or((None, 1), |(span, used)| (Some(span), used)),
            'h' if rest.starts_with("https://") || rest.starts_with("http://") => {
                let after_word = text.chars().next_back().is_some_and(char::is_alphanumeric);
                if after_word {
                    (None, 1)
                } else {
                    let (href, used) = bare_link(rest);
                    (
                        Some(Span::Link {
                            text: href.to_owned(),
                            href: href.to_owned(),
                        }),
                        used,
                    )
                }
            }
            '@' => {
                mention(rest, &text, people).map_or((None, 1), |(span, used)| (Some(span), used))
            }
            _ => (None, c.len_utf8()),
        };
        match span {
            Some(span) => {
                if !text.is_empty() {
                    out.push(Span::Text(std::mem::take(&mut text)));
                }
                out.push(span);
            }
            None => text.push_str(&rest[..used]),
        }
        rest = &rest[used..];
    }
    if !text.is_empty() {
        out.push(Span::Text(text));
    }
    out
}

/// `mark…mark` at the start of `s`, non-empty inside: the inside and the
/// bytes used.
fn delimited<'a>(s: &'a str, mark: &str) -> Option<(&'a str, usize)> {
    let inner_start = mark.len();
    let end = s[inner_start..].find(mark)? + inner_start;
    let inner = &s[inner_start..end];
    (!inner.trim().is_empty()).then_some((inner, end + mark.len()))
}

/// Emphasis hugs its words: `* 3 *` is arithmetic, not emphasis.
fn flanked(inner: &str) -> bool {
    !inner.starts_with(char::is_whitespace) && !inner.ends_with(char::is_whitespace)
}

/// `[text](url)` at the start of `s`, with a safe address.
fn link(s: &str) -> Option<(Span, usize)> {
    let close = s.find("](")?;
    let text = &s[1..close];
    let rest = &s[close + 2..];
    let end = rest.find(')')?;
    let href = rest[..end].trim();
    if text.is_empty() || !safe_href(href) {
        return None;
    }
    Some((
        Span::Link {
            text: text.to_owned(),
            href: href.to_owned(),
        },
        close + 2 + end + 1,
    ))
}

/// Whether an address may be a link: web and mail addresses only.
pub fn safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
        && !href.chars().any(char::is_whitespace)
}

/// A bare address up to the next space, leaving trailing punctuation out.
fn bare_link(s: &str) -> (&str, usize) {
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let href = s[..end].trim_end_matches(['.', ',', ')', ';', ':', '!', '?', '"', '\'']);
    (href, href.len())
}

/// `@name` at the start of `s`, for the longest of `people` it names, when
/// the `@` does not follow a word (an e-mail address).
fn mention(s: &str, before: &str, people: &[String]) -> Option<(Span, usize)> {
    if before
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let rest = &s[1..];
    people
        .iter()
        .filter_map(|name| {
            let len = super::search::mention_len(rest, name)?;
            Some((Span::Mention(rest[..len].to_owned()), 1 + len))
        })
        .max_by_key(|(_, used)| *used)
}
